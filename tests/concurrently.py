"""Run one piece of work on several connections at the same instant (race tests)."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import TypeVar

import psycopg

T = TypeVar("T")


def at_once(db_url: str, work: Callable[[psycopg.Connection], T], n: int) -> list[T]:
    """``work(conn)`` in ``n`` threads, each on its own connection, released together by a
    barrier once all are connected; returns the results, re-raises the first error."""
    results: list[T] = []
    errors: list[BaseException] = []
    barrier = threading.Barrier(n)

    def run() -> None:
        try:
            with psycopg.connect(db_url, autocommit=True) as conn:
                barrier.wait()
                results.append(work(conn))
        except BaseException as exc:  # re-raised in the test's thread below
            errors.append(exc)

    threads = [threading.Thread(target=run) for _ in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    if errors:
        raise errors[0]
    return results
