"""The extraction pool outlives its workers: a worker killed mid-crawl (the OOM killer, a crash
in a C parser) must not turn every later page of the crawl into a failure."""

from __future__ import annotations

import asyncio
import os
import signal
import time

import pytest

from kliping.config.extract_rules import DEFAULT_RULES
from kliping.crawler.workers import ExtractPool

URL = "http://127.0.0.1/a"
PAGE = b"<html><body><p>" + b"kata " * 200 + b"</p></body></html>"

pytestmark = pytest.mark.slow  # starts worker processes


def _worker_pids(pool: ExtractPool) -> list[int]:
    # The executor's own table of its processes: the only handle on which worker is which.
    return list(pool._pool._processes)  # type: ignore[attr-defined]


def _gone(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    # A killed worker stays a zombie until the executor reaps it; its state says so.
    with open(f"/proc/{pid}/stat") as fh:
        return fh.read().split(") ", 1)[1].startswith("Z")


def test_a_killed_worker_is_replaced_and_the_next_pages_are_extracted() -> None:
    pool = ExtractPool(workers=1)
    try:
        first = asyncio.run(pool.extract(PAGE, URL, DEFAULT_RULES))
        assert first.failure is None and first.extracted is not None
        pids = _worker_pids(pool)
        assert pids
        for pid in pids:
            os.kill(pid, signal.SIGKILL)
        deadline = time.monotonic() + 30
        while not all(_gone(p) for p in pids) and time.monotonic() < deadline:
            time.sleep(0.05)
        results = [asyncio.run(pool.extract(PAGE, URL, DEFAULT_RULES)) for _ in range(3)]
        assert all(r.failure is None and r.extracted is not None for r in results)
        assert pool.replaced == 1
        assert not set(_worker_pids(pool)) & set(pids)
    finally:
        pool.close()
