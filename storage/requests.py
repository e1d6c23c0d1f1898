"""Manual crawl requests (``kliping trigger``) and the daemon's heartbeat.

A request is a row, so one made while no daemon runs is picked up when one starts; NOTIFY
only wakes a listening daemon sooner. One pending request per outlet: asking twice while a
request waits is the same request.
"""

from __future__ import annotations

import getpass
import json
import os
import socket
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import psycopg
from psycopg import sql

CHANNEL = "kliping_trigger"


@dataclass(frozen=True)
class Heartbeat:
    pid: int
    host: str
    started_at: datetime
    beat_at: datetime
    next_runs: dict[str, Any]
    age_seconds: float


def request_crawl(conn: psycopg.Connection, outlet: str, by: str | None = None) -> bool:
    """Queue a crawl of ``outlet``; False when one was already waiting."""
    row = conn.execute(
        "INSERT INTO crawl_requests (outlet, requested_by) VALUES (%s, %s)"
        " ON CONFLICT (outlet) WHERE status = 'pending' DO NOTHING RETURNING id",
        (outlet, by or f"{getpass.getuser()}@{socket.gethostname()}"),
    ).fetchone()
    conn.execute("SELECT pg_notify(%s, %s)", (CHANNEL, outlet))
    return row is not None


def listen(conn: psycopg.Connection) -> None:
    """Have ``conn`` receive the NOTIFY that ``request_crawl`` sends (it must be autocommit:
    a LISTEN takes effect when its transaction commits)."""
    conn.execute(sql.SQL("LISTEN {}").format(sql.Identifier(CHANNEL)))


def claim(conn: psycopg.Connection, outlets: list[str], busy: set[str]) -> dict[str, list[int]]:
    """Claim pending requests for ``outlets`` not in ``busy``; return their ids per outlet."""
    rows = conn.execute(
        "UPDATE crawl_requests SET status = 'claimed', claimed_at = now() WHERE id IN ("
        " SELECT id FROM crawl_requests WHERE status = 'pending' AND outlet = ANY(%s::text[])"
        " AND NOT (outlet = ANY(%s::text[])) ORDER BY id FOR UPDATE SKIP LOCKED)"
        " RETURNING id, outlet",
        (outlets, sorted(busy)),
    ).fetchall()
    claimed: dict[str, list[int]] = {}
    for request_id, outlet in rows:
        claimed.setdefault(outlet, []).append(request_id)
    return claimed


def finish(conn: psycopg.Connection, ids: list[int], status: str, run_id: int | None) -> None:
    if ids:
        conn.execute(
            "UPDATE crawl_requests SET status = %s, run_id = %s WHERE id = ANY(%s::bigint[])",
            (status, run_id, ids),
        )


def release(conn: psycopg.Connection, ids: list[int]) -> None:
    """Put claimed requests back in the queue (their outlet was busy elsewhere)."""
    for request_id in ids:
        # If another request for the outlet is already waiting, this one is merged into it.
        conn.execute(
            "UPDATE crawl_requests SET status = CASE WHEN EXISTS (SELECT 1 FROM crawl_requests"
            " p WHERE p.status = 'pending' AND p.outlet = crawl_requests.outlet) THEN 'done'"
            " ELSE 'pending' END, claimed_at = NULL WHERE id = %s",
            (request_id,),
        )


def reclaim_orphans(conn: psycopg.Connection) -> int:
    """Requests claimed by a daemon that died before doing them go back to the queue."""
    rows = conn.execute(
        "SELECT id FROM crawl_requests WHERE status = 'claimed' ORDER BY id"
    ).fetchall()
    release(conn, [r[0] for r in rows])
    return len(rows)


def pending(conn: psycopg.Connection) -> list[tuple[str, datetime]]:
    return conn.execute(
        "SELECT outlet, requested_at FROM crawl_requests WHERE status IN ('pending', 'claimed')"
        " ORDER BY id"
    ).fetchall()


def beat(conn: psycopg.Connection, started_at: datetime, next_runs: dict[str, Any]) -> None:
    conn.execute(
        "INSERT INTO daemon_heartbeat (id, pid, host, started_at, beat_at, next_runs)"
        " VALUES (1, %s, %s, %s, now(), %s) ON CONFLICT (id) DO UPDATE SET pid = EXCLUDED.pid,"
        " host = EXCLUDED.host, started_at = EXCLUDED.started_at, beat_at = now(),"
        " next_runs = EXCLUDED.next_runs",
        (os.getpid(), socket.gethostname(), started_at, json.dumps(next_runs)),
    )


def clear_beat(conn: psycopg.Connection) -> None:
    conn.execute("DELETE FROM daemon_heartbeat WHERE pid = %s", (os.getpid(),))


def heartbeat(conn: psycopg.Connection) -> Heartbeat | None:
    row = conn.execute(
        "SELECT pid, host, started_at, beat_at, next_runs,"
        " extract(epoch FROM now() - beat_at) FROM daemon_heartbeat WHERE id = 1"
    ).fetchone()
    if row is None:
        return None
    return Heartbeat(row[0], row[1], row[2], row[3], row[4] or {}, float(row[5]))
