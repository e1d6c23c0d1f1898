"""Daily digests: at a watchlist's digest time (WIB), one alert listing the events it fired in
the 24 hours before. Written by the sender's loop, once per watchlist, day and target (the
outbox's unique key), whichever sender gets there first."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta
from typing import Any

import psycopg
from psycopg.types.json import Jsonb

from kliping.alerts.match import WIB
from kliping.alerts.watchlists import Watchlist, all_watchlists


def due(now: datetime, w: Watchlist) -> datetime | None:
    """The latest digest time of ``w`` at or before ``now`` (a sender down at yesterday's time
    still sends yesterday's digest; older ones are dropped)."""
    if w.digest_at is None:
        return None
    local = now.astimezone(WIB)
    at = datetime.combine(local.date(), w.digest_at, WIB)
    return at if at <= local else at - timedelta(days=1)


def _events(conn: psycopg.Connection, w: Watchlist, at: datetime) -> list[dict[str, Any]]:
    # Per event, its latest alert's view of it (a spread alert counts more outlets).
    rows = conn.execute(
        "SELECT DISTINCT ON (event_key) payload->'event' FROM alert_outbox"
        " WHERE watchlist_id = %s AND reason IN ('new', 'outlets')"
        " AND created_at >= %s AND created_at < %s ORDER BY event_key, created_at DESC",
        (w.id, at - timedelta(days=1), at),
    ).fetchall()
    events = [dict(r[0], articles=r[0]["articles"][:3]) for r in rows]
    return sorted(events, key=lambda e: e["first_seen"])


def enqueue_due(conn: psycopg.Connection) -> int:
    """Write the digests that are due and not yet written; return how many outbox rows."""
    lists = [w for w in all_watchlists(conn) if w.digest_at is not None]
    if not lists:
        return 0
    now = conn.execute("SELECT clock_timestamp()").fetchone()[0]  # type: ignore[index]
    written = 0
    for w in lists:
        at = due(now, w)
        if at is None or at < w.created_at:
            continue
        day = at.date().toordinal()
        done = conn.execute(
            "SELECT 1 FROM alert_outbox WHERE watchlist_id = %s AND reason = 'digest'"
            " AND event_key = %s LIMIT 1",
            (w.id, day),
        ).fetchone()
        events = [] if done else _events(conn, w, at)
        for target in w.targets or [""] if events else []:
            key = str(uuid.uuid4())
            body = {"idempotency_key": key, "watchlist": w.name, "query": w.query,
                    "reason": "digest", "day": at.date().isoformat(), "events": events}  # fmt: skip
            written += conn.execute(
                "INSERT INTO alert_outbox (watchlist_id, reason, event_key, articles, target,"
                " idempotency_key, payload, status) VALUES (%s, 'digest', %s, '{}', %s, %s, %s,"
                " %s) ON CONFLICT DO NOTHING",
                (w.id, day, target, key, Jsonb(body), "pending" if target else "recorded"),
            ).rowcount
    return written
