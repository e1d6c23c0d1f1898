"""Daily digests: at a watchlist's digest time (WIB), one alert listing the events it fired in
the 24 hours before. Written by the sender's loop, once per watchlist, day and target (the
outbox's unique key), whichever sender gets there first."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta
from typing import Any

import psycopg

from kliping.alerts.watchlists import Watchlist, all_watchlists
from kliping.config.extract_rules import WIB
from kliping.storage import alerts as outbox


def due(now: datetime, w: Watchlist) -> datetime | None:
    """The latest digest time of ``w`` at or before ``now`` (a sender down at yesterday's time
    still sends yesterday's digest; older ones are dropped)."""
    if w.digest_at is None:
        return None
    local = now.astimezone(WIB)
    at = datetime.combine(local.date(), w.digest_at, WIB)
    return at if at <= local else at - timedelta(days=1)


def _events(conn: psycopg.Connection, w: Watchlist, at: datetime) -> list[dict[str, Any]]:
    """The events the watchlist's alerts carried in the day before ``at``, three links each."""
    found = outbox.fired_events(conn, w.id, at - timedelta(days=1), at)
    events = [dict(e, articles=e["articles"][:3]) for e in found]
    return sorted(events, key=lambda e: e["first_seen"])


def enqueue_due(conn: psycopg.Connection) -> int:
    """Write the digests that are due and not yet written; return how many outbox rows."""
    lists = [w for w in all_watchlists(conn) if w.digest_at is not None]
    if not lists:
        return 0
    now = outbox.clock(conn)
    written = 0
    for w in lists:
        at = due(now, w)
        if at is None or at < w.created_at:
            continue
        day = at.date().toordinal()
        events = [] if outbox.digest_written(conn, w.id, day) else _events(conn, w, at)
        for target in w.targets or [""] if events else []:
            key = str(uuid.uuid4())
            body = {"idempotency_key": key, "watchlist": w.name, "query": w.query,
                    "reason": "digest", "day": at.date().isoformat(), "events": events}  # fmt: skip
            written += outbox.insert_digest(
                conn, watchlist_id=w.id, day=day, target=target, key=key, payload=body
            )
    return written
