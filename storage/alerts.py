"""The alert outbox: claim a due alert, record how its delivery went, list the failures.

A claim is a row lock (``FOR UPDATE SKIP LOCKED``) held by an open transaction for the length
of one delivery: several senders never send the same alert at once, and a sender killed
mid-delivery loses its lock with its connection, so the alert is due again at once (and sent
again: at-least-once; the receiver drops the repeat by its idempotency key).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

import psycopg
from psycopg.rows import class_row

MAX_BACKOFF = 3600.0  # seconds: a receiver down for a day is tried hourly, not daily


@dataclass(frozen=True)
class Alert:
    id: int
    target: str
    idempotency_key: str
    payload: dict[str, Any]
    attempts: int


@dataclass(frozen=True)
class FailedDelivery:
    """An alert given up on (permanent refusal, or too many attempts): for ``kliping status``."""

    id: int
    watchlist: str
    target: str
    title: str | None
    attempts: int
    reason: str
    created_at: datetime


def claim(conn: psycopg.Connection, due_by: datetime) -> Alert | None:
    """Lock the most overdue alert due by ``due_by``; the caller's transaction holds it."""
    with conn.cursor(row_factory=class_row(Alert)) as cur:
        cur.execute(
            "SELECT id, target, idempotency_key::text, payload, attempts FROM alert_outbox"
            " WHERE status = 'pending' AND next_attempt_at <= %s"
            " ORDER BY next_attempt_at, id LIMIT 1 FOR UPDATE SKIP LOCKED",
            (due_by,),
        )
        return cur.fetchone()


def delivered(conn: psycopg.Connection, alert: Alert) -> None:
    conn.execute(
        "UPDATE alert_outbox SET status = 'delivered', attempts = attempts + 1,"
        " delivered_at = clock_timestamp(), last_error = NULL WHERE id = %s",
        (alert.id,),
    )


def failed(conn: psycopg.Connection, alert: Alert, reason: str) -> None:
    """A permanent refusal: never tried again, shown by ``failed_deliveries``."""
    conn.execute(
        "UPDATE alert_outbox SET status = 'failed', attempts = attempts + 1, last_error = %s"
        " WHERE id = %s",
        (reason[:500], alert.id),
    )


def retry(
    conn: psycopg.Connection, alert: Alert, reason: str, backoff: float, max_attempts: int
) -> bool:
    """A passing failure: due again after ``backoff`` × 2^(attempts), or failed after
    ``max_attempts``. True when it will be retried."""
    attempts = alert.attempts + 1
    if attempts >= max_attempts:
        failed(conn, alert, f"gave up after {attempts} attempts: {reason}")
        return False
    delay = min(MAX_BACKOFF, backoff * 2 ** (attempts - 1))
    conn.execute(
        "UPDATE alert_outbox SET attempts = %s, last_error = %s,"
        " next_attempt_at = clock_timestamp() + make_interval(secs => %s) WHERE id = %s",
        (attempts, reason[:500], delay, alert.id),
    )
    return True


def next_due(conn: psycopg.Connection) -> datetime | None:
    row = conn.execute(
        "SELECT min(next_attempt_at) FROM alert_outbox WHERE status = 'pending'"
    ).fetchone()
    return row[0] if row else None


def failed_deliveries(conn: psycopg.Connection, limit: int = 10) -> list[FailedDelivery]:
    """The newest alerts that will not be delivered, with why (for ``kliping status``)."""
    with conn.cursor(row_factory=class_row(FailedDelivery)) as cur:
        cur.execute(
            "SELECT o.id, w.name AS watchlist, o.target, "
            " coalesce(o.payload->'event'->>'title', 'digest of ' || (o.payload->>'day')) AS title,"
            " o.attempts, coalesce(o.last_error, '') AS reason, o.created_at"
            " FROM alert_outbox o JOIN watchlists w ON w.id = o.watchlist_id"
            " WHERE o.status = 'failed' ORDER BY o.created_at DESC, o.id DESC LIMIT %s",
            (limit,),
        )
        return cur.fetchall()


def counts(conn: psycopg.Connection) -> dict[str, dict[str, int]]:
    """watchlist name -> status -> alerts."""
    out: dict[str, dict[str, int]] = {}
    for name, status, n in conn.execute(
        "SELECT w.name, o.status, count(*) FROM alert_outbox o"
        " JOIN watchlists w ON w.id = o.watchlist_id GROUP BY w.name, o.status"
    ):
        out.setdefault(name, {})[status] = n
    return out


def prune(conn: psycopg.Connection, keep_days: float) -> int:
    """Delete settled alerts older than ``keep_days``; pending ones stay whatever their age."""
    return conn.execute(
        "DELETE FROM alert_outbox WHERE status <> 'pending'"
        " AND created_at < now() - make_interval(secs => %s)",
        (keep_days * 86400,),
    ).rowcount
