"""The alert outbox (migration 0008) and the queries that decide what a watchlist fires.

A claim is a row lock (``FOR UPDATE SKIP LOCKED``) held by an open transaction for the length
of one delivery: several senders never send the same alert at once, and a sender killed
mid-delivery loses its lock with its connection, so the alert is due again at once (and sent
again: at-least-once; the receiver drops the repeat by its idempotency key).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import psycopg
from psycopg import sql
from psycopg.rows import class_row
from psycopg.types.json import Jsonb

CHANNEL = "kliping_alerts"  # NOTIFY on commit wakes the sender at once


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


def clock(conn: psycopg.Connection) -> datetime:
    """The server's clock now (not the transaction's start): what "due" is measured by."""
    row = conn.execute("SELECT clock_timestamp()").fetchone()
    assert row is not None
    return row[0]


def listen(conn: psycopg.Connection) -> None:
    """Have ``conn`` (autocommit) receive the NOTIFY of ``notify``."""
    conn.execute(sql.SQL("LISTEN {}").format(sql.Identifier(CHANNEL)))


def notify(conn: psycopg.Connection) -> None:
    """Wake the senders when this transaction commits."""
    conn.execute("SELECT pg_notify(%s, '')", (CHANNEL,))


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
    """Never tried again, shown by ``failed_deliveries``."""
    conn.execute(
        "UPDATE alert_outbox SET status = 'failed', attempts = attempts + 1, last_error = %s"
        " WHERE id = %s",
        (reason[:500], alert.id),
    )


def retry_later(
    conn: psycopg.Connection, alert: Alert, attempts: int, reason: str, delay: float
) -> None:
    """Due again ``delay`` seconds from now, after ``attempts`` attempts."""
    conn.execute(
        "UPDATE alert_outbox SET attempts = %s, last_error = %s,"
        " next_attempt_at = clock_timestamp() + make_interval(secs => %s) WHERE id = %s",
        (attempts, reason[:500], delay, alert.id),
    )


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


def insert_alert(
    conn: psycopg.Connection,
    *,
    watchlist_id: int,
    reason: str,
    event_key: int,
    event_id: int | None,
    articles: Sequence[int],
    target: str,
    key: str,
    payload: dict[str, Any],
) -> int:
    """Queue one alert (1), or nothing when that watchlist, reason, event and target has one
    (0). No target: recorded only, nothing to deliver."""
    return conn.execute(
        "INSERT INTO alert_outbox (watchlist_id, reason, event_key, event_id, articles, target,"
        " idempotency_key, payload, status) VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s)"
        " ON CONFLICT DO NOTHING",
        (watchlist_id, reason, event_key, event_id, list(articles), target, key, Jsonb(payload),
         "pending" if target else "recorded"),
    ).rowcount  # fmt: skip


def fired_articles(
    conn: psycopg.Connection, watchlist_ids: list[int], articles: list[int]
) -> dict[tuple[int, str], list[set[int]]]:
    """(watchlist, reason) -> the article sets of its event alerts that share an article with
    ``articles`` (an event sharing an article with one that fired is the same event)."""
    out: dict[tuple[int, str], list[set[int]]] = {}
    for wid, reason, ids in conn.execute(
        "SELECT watchlist_id, reason, articles FROM alert_outbox"
        " WHERE watchlist_id = ANY(%s) AND reason <> 'digest' AND articles && %s::bigint[]",
        (watchlist_ids, articles),
    ):
        out.setdefault((wid, reason), []).append(set(ids))
    return out


def digest_written(conn: psycopg.Connection, watchlist_id: int, day: int) -> bool:
    """Whether the digest of ``day`` (days since 0001-01-01) is in the outbox already."""
    row = conn.execute(
        "SELECT 1 FROM alert_outbox WHERE watchlist_id = %s AND reason = 'digest'"
        " AND event_key = %s LIMIT 1",
        (watchlist_id, day),
    ).fetchone()
    return row is not None


def fired_events(
    conn: psycopg.Connection, watchlist_id: int, start: datetime, end: datetime
) -> list[dict[str, Any]]:
    """The events a watchlist's alerts created in [start, end) carried, each as its latest
    alert's payload saw it (a spread alert counts more outlets)."""
    rows = conn.execute(
        "SELECT DISTINCT ON (event_key) payload->'event' FROM alert_outbox"
        " WHERE watchlist_id = %s AND reason IN ('new', 'outlets')"
        " AND created_at >= %s AND created_at < %s ORDER BY event_key, created_at DESC",
        (watchlist_id, start, end),
    ).fetchall()
    return [r[0] for r in rows]


def insert_digest(
    conn: psycopg.Connection,
    *,
    watchlist_id: int,
    day: int,
    target: str,
    key: str,
    payload: dict[str, Any],
) -> int:
    """Queue one digest (1), or nothing when that day's is queued for the target (0)."""
    return conn.execute(
        "INSERT INTO alert_outbox (watchlist_id, reason, event_key, articles, target,"
        " idempotency_key, payload, status) VALUES (%s, 'digest', %s, '{}', %s, %s, %s, %s)"
        " ON CONFLICT DO NOTHING",
        (watchlist_id, day, target, key, Jsonb(payload), "pending" if target else "recorded"),
    ).rowcount
