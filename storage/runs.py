"""Crawl runs and their failures: what ran, when, with which counts and errors."""

from __future__ import annotations

import os
import socket
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Literal

import psycopg
from psycopg.rows import class_row
from psycopg.types.json import Jsonb

from kliping.storage import locks

Trigger = Literal["schedule", "manual", "cli", "demo", "backfill"]
Status = Literal["running", "ok", "partial", "failed", "abandoned"]
COUNTERS = ("pages_fetched", "articles_new", "articles_updated", "articles_skipped", "failures")


@dataclass(frozen=True)
class CrawlRun:
    id: int
    outlet: str
    trigger: str
    started_at: datetime
    finished_at: datetime | None
    status: str
    pages_fetched: int
    articles_new: int
    articles_updated: int
    articles_skipped: int
    failures: int
    failure_reasons: dict[str, int]
    error: str | None


def register_outlet(conn: psycopg.Connection, key: str, name: str) -> None:
    """Keep the outlets table (what SQL readers join on) in step with the registry."""
    conn.execute(
        "INSERT INTO outlets (key, name) VALUES (%s, %s) ON CONFLICT (key) DO UPDATE"
        " SET name = EXCLUDED.name, updated_at = now() WHERE outlets.name <> EXCLUDED.name",
        (key, name),
    )


def start_run(conn: psycopg.Connection, outlet: str, trigger: Trigger) -> int:
    row = conn.execute(
        "INSERT INTO crawl_runs (outlet, trigger, pid, host) VALUES (%s, %s, %s, %s) RETURNING id",
        (outlet, trigger, os.getpid(), socket.gethostname()),
    ).fetchone()
    assert row is not None
    return int(row[0])


def finish_run(
    conn: psycopg.Connection,
    run_id: int,
    status: Status,
    counts: Mapping[str, int],
    reasons: Mapping[str, int] | None = None,
    error: str | None = None,
) -> None:
    unknown = set(counts) - set(COUNTERS)
    if unknown:
        raise ValueError(f"unknown counters: {sorted(unknown)}")
    conn.execute(
        "UPDATE crawl_runs SET status = %(status)s, finished_at = now(), error = %(error)s,"
        " failure_reasons = %(reasons)s, pages_fetched = %(pages_fetched)s,"
        " articles_new = %(articles_new)s, articles_updated = %(articles_updated)s,"
        " articles_skipped = %(articles_skipped)s, failures = %(failures)s"
        " WHERE id = %(id)s",
        {
            "id": run_id,
            "status": status,
            "error": error,
            "reasons": Jsonb(dict(reasons or {})),
            **{name: int(counts.get(name, 0)) for name in COUNTERS},
        },
    )


def save_progress(conn: psycopg.Connection, run_id: int, counts: Mapping[str, int]) -> None:
    """A running run's counts so far (``kliping status`` shows them); its end overwrites them."""
    conn.execute(
        "UPDATE crawl_runs SET pages_fetched = %(pages_fetched)s, articles_new = %(articles_new)s,"
        " articles_updated = %(articles_updated)s, articles_skipped = %(articles_skipped)s,"
        " failures = %(failures)s WHERE id = %(id)s AND status = 'running'",
        {"id": run_id, **{name: int(counts.get(name, 0)) for name in COUNTERS}},
    )


def record_failure(conn: psycopg.Connection, run_id: int, url: str, reason: str) -> None:
    conn.execute(
        "INSERT INTO crawl_failures (run_id, url, reason) VALUES (%s, %s, %s)",
        (run_id, url, reason),
    )


def adopt_run(conn: psycopg.Connection, run_id: int, outlet: str) -> None:
    """Take over a run row the daemon created for this process (its crawl child)."""
    row = conn.execute(
        "UPDATE crawl_runs SET pid = %s, host = %s WHERE id = %s AND outlet = %s"
        " AND status = 'running' RETURNING id",
        (os.getpid(), socket.gethostname(), run_id, outlet),
    ).fetchone()
    if row is None:
        raise ValueError(f"run {run_id} is not a running run of {outlet}")


def close_run(conn: psycopg.Connection, run_id: int, status: Status, error: str) -> bool:
    """End run ``run_id`` if it is still 'running' (its process died before recording it)."""
    row = conn.execute(
        "UPDATE crawl_runs SET status = %s, finished_at = now(), error = coalesce(error, %s)"
        " WHERE id = %s AND status = 'running' RETURNING id",
        (status, error, run_id),
    ).fetchone()
    return row is not None


def fail_run(conn: psycopg.Connection, run_id: int, error: str) -> None:
    """Mark run ``run_id`` (and only it) failed, whatever its process recorded."""
    conn.execute(
        "UPDATE crawl_runs SET status = 'failed', finished_at = coalesce(finished_at, now()),"
        " error = %s WHERE id = %s",
        (error, run_id),
    )


def drop_unused_run(conn: psycopg.Connection, run_id: int) -> None:
    """Delete a run row its crawl never used (the outlet was busy elsewhere)."""
    conn.execute("DELETE FROM crawl_runs WHERE id = %s AND pages_fetched = 0", (run_id,))


def abandon_stale_runs(
    conn: psycopg.Connection, outlets: list[str] | None = None, keep: int | None = None
) -> list[str]:
    """Mark runs left 'running' by a process that died as abandoned; return their outlets.

    Called by whoever holds the outlet's crawl lock, so a run still 'running' is dead, except
    ``keep``: the run the daemon created for the caller itself.
    """
    rows = conn.execute(
        "UPDATE crawl_runs SET status = 'abandoned', finished_at = now(),"
        " error = coalesce(error, 'process ended before the run finished')"
        " WHERE status = 'running' AND (%(o)s::text[] IS NULL OR outlet = ANY(%(o)s::text[]))"
        " AND id IS DISTINCT FROM %(keep)s RETURNING outlet",
        {"o": outlets, "keep": keep},
    ).fetchall()
    return sorted({r[0] for r in rows})


def abandon_dead_runs(conn: psycopg.Connection, outlets: list[str]) -> list[str]:
    """``abandon_stale_runs`` for those outlets no live process is crawling (their lock is
    free: a crawl holds it for its whole life); return the outlets that had such runs."""
    dead: list[str] = []
    for outlet in outlets:
        if not locks.try_outlet_lock(conn, outlet):
            continue  # a crawl of it is alive somewhere: not ours to judge
        try:
            dead += abandon_stale_runs(conn, [outlet])
        finally:
            locks.unlock_outlet(conn, outlet)
    return dead


def last_runs(conn: psycopg.Connection, outlets: list[str]) -> dict[str, CrawlRun]:
    """The latest run of each of ``outlets`` that has one: one probe of the index
    crawl_runs_outlet_started per outlet (DISTINCT ON over every run ever took ~50 ms with
    14k runs, bench/web.py)."""
    with conn.cursor(row_factory=class_row(CrawlRun)) as cur:
        cur.execute(
            """
            SELECT r.id, r.outlet, r.trigger, r.started_at, r.finished_at, r.status,
                   r.pages_fetched, r.articles_new, r.articles_updated, r.articles_skipped,
                   r.failures, r.failure_reasons, r.error
            FROM unnest(%s::text[]) AS o(outlet)
            CROSS JOIN LATERAL (
                SELECT * FROM crawl_runs c WHERE c.outlet = o.outlet
                ORDER BY c.started_at DESC, c.id DESC LIMIT 1
            ) r
            """,
            (outlets,),
        )
        return {run.outlet: run for run in cur.fetchall()}
