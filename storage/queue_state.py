"""What the crawl queue's workers are doing (procrastinate's tables, scheduler/queue.py), read
for ``kliping status`` without importing the queue library."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import psycopg

from kliping.storage import locks


def _has_queue(conn: psycopg.Connection) -> bool:
    row = conn.execute("SELECT to_regclass('procrastinate_workers')").fetchone()
    return bool(row and row[0])


def install_schema(conn: psycopg.Connection, schema: str) -> bool:
    """The queue library's tables (``schema``: its own DDL), once per database, whoever comes
    first; False when they were there already. ``conn`` must be in autocommit."""
    locks.lock(conn, locks.QUEUE_SCHEMA)
    try:
        row = conn.execute("SELECT to_regclass('procrastinate_jobs')").fetchone()
        if row and row[0]:
            return False
        conn.execute(schema.encode())  # the library's fixed DDL text: nothing of ours in it
        return True
    finally:
        locks.unlock(conn, locks.QUEUE_SCHEMA)


@dataclass(frozen=True)
class WorkerState:
    id: int
    heartbeat_age: float
    job: str | None  # the outlet (and day) it crawls now
    job_id: int | None
    host: str | None  # of its crawl child, from the run it records
    pid: int | None


def workers(conn: psycopg.Connection) -> list[WorkerState]:
    """Live and recently dead workers with their current job; [] without the queue's tables."""
    if not _has_queue(conn):
        return []
    found = conn.execute(
        "SELECT w.id, extract(epoch FROM now() - w.last_heartbeat), j.id, j.args->>'outlet',"
        " j.args->>'day', r.host, r.pid FROM procrastinate_workers w"
        " LEFT JOIN procrastinate_jobs j ON j.worker_id = w.id AND j.status = 'doing'"
        " LEFT JOIN LATERAL (SELECT host, pid FROM crawl_runs WHERE outlet = j.args->>'outlet'"
        " AND status = 'running' ORDER BY id DESC LIMIT 1) r ON true ORDER BY w.id"
    ).fetchall()
    return [
        WorkerState(w, float(age), f"{o}:{d}" if d else o, j, host, pid)
        for w, age, j, o, d, host, pid in found
    ]


def waiting(conn: psycopg.Connection) -> list[tuple[str, datetime]]:
    """Jobs waiting for a worker, oldest first: (outlet, queued at)."""
    if not _has_queue(conn):
        return []
    return conn.execute(
        "SELECT j.args->>'outlet', min(e.at) FROM procrastinate_jobs j JOIN procrastinate_events e"
        " ON e.job_id = j.id AND e.type = 'deferred' WHERE j.status = 'todo'"
        " GROUP BY j.id, j.args ORDER BY 2"
    ).fetchall()
