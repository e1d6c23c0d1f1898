"""Which events fire which watchlists, and the outbox rows that carry them.

``after_clustering`` runs inside the clustering transaction: the alerts commit with the
memberships that caused them, or not at all. It looks only at events that gained an article in
that transaction (their memberships carry the transaction's ``now()``), so a pass costs a query
per watchlist over a few events, not a scan of the archive.
"""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import psycopg
from psycopg import sql
from psycopg.types.json import Jsonb

from kliping.alerts.watchlists import Watchlist, all_watchlists

log = logging.getLogger(__name__)

WIB = ZoneInfo("Asia/Jakarta")
# The column of story_members naming an article's event (dedup's event level, migration 0007).
EVENT_COLUMN = "event_id"
LINKS = 20  # articles listed in an alert; a big event's others are counted, not listed
CHANNEL = "kliping_alerts"  # NOTIFY on commit wakes the sender at once

# Events with a member written since %(since)s, whose matching articles (query, outlets; not
# from a backfill, which would alert on old news) make them hits of a watchlist. With %(fresh)s,
# only events that gained an article first fetched after the watchlist was made: a recluster
# re-adds old articles, and must not alert a new watchlist on last month's news.
_HITS = """
WITH touched AS (
    SELECT DISTINCT m.{event} AS event_id FROM story_members m WHERE m.added_at >= %(since)s
)
SELECT w.id, m.{event}
FROM watchlists w
JOIN story_members m ON m.{event} IN (SELECT event_id FROM touched)
JOIN articles a ON a.id = m.article_id
WHERE a.search @@ websearch_to_tsquery('simple', w.query)
  AND (cardinality(w.outlets) = 0 OR a.outlet = ANY(w.outlets))
  AND (%(watchlist)s::bigint IS NULL OR w.id = %(watchlist)s)
  AND NOT EXISTS (SELECT 1 FROM crawl_runs r WHERE r.id = a.run_id AND r.trigger = 'backfill')
  AND (NOT %(fresh)s OR EXISTS (
        SELECT 1 FROM story_members n JOIN articles f ON f.id = n.article_id
        WHERE n.{event} = m.{event} AND n.added_at >= %(since)s AND f.fetched_at >= w.created_at))
GROUP BY w.id, m.{event}
ORDER BY w.id, m.{event}
"""

_MEMBERS = """
SELECT m.{event}, a.id, a.outlet, a.title, a.url, coalesce(a.published, a.fetched_at),
       m.duplicate_of, m.story_id
FROM story_members m JOIN articles a ON a.id = m.article_id
WHERE m.{event} = ANY(%s::bigint[])
ORDER BY m.{event}, coalesce(a.published, a.fetched_at), a.id
"""


@dataclass
class Event:
    id: int
    articles: list[tuple[int, str, str | None, str, datetime]] = field(default_factory=list)
    title: str | None = None
    story_id: int | None = None  # the story holding it (its page on `kliping web`)

    @property
    def key(self) -> int:
        """The event's first article (smallest id): the same through reclusters."""
        return min(a[0] for a in self.articles)

    @property
    def outlets(self) -> list[str]:
        return sorted({a[1] for a in self.articles})

    @property
    def first_seen(self) -> datetime:
        return self.articles[0][4]


@dataclass(frozen=True)
class Firing:
    watchlist: Watchlist
    event: Event
    reason: str  # 'new' | 'outlets'
    fired: bool  # already in the outbox (preview only)


def _query(template: str) -> sql.Composed:
    return sql.SQL(template).format(event=sql.Identifier(EVENT_COLUMN))


def _events(conn: psycopg.Connection, ids: list[int]) -> dict[int, Event]:
    events: dict[int, Event] = {}
    for event_id, aid, outlet, title, url, at, duplicate_of, story_id in conn.execute(
        _query(_MEMBERS), (ids,)
    ):
        event = events.setdefault(event_id, Event(event_id, story_id=story_id))
        event.articles.append((aid, outlet, title, url, at))
        if event.title is None and duplicate_of is None:
            event.title = title  # the first original, as the stories table names it
    return events


def _fired(
    conn: psycopg.Connection, wids: list[int], articles: list[int]
) -> dict[tuple[int, str], list[set[int]]]:
    """(watchlist, reason) -> the article sets of its alerts that share an article with
    ``articles``: one query for the whole pass (an event sharing an article with one that
    fired is the same event)."""
    out: dict[tuple[int, str], list[set[int]]] = {}
    for wid, reason, ids in conn.execute(
        "SELECT watchlist_id, reason, articles FROM alert_outbox"
        " WHERE watchlist_id = ANY(%s) AND reason <> 'digest' AND articles && %s::bigint[]",
        (wids, articles),
    ):
        out.setdefault((wid, reason), []).append(set(ids))
    return out


def firings(
    conn: psycopg.Connection, since: datetime | None = None, watchlist: Watchlist | None = None
) -> list[Firing]:
    """What fires for events touched since ``since`` (None: in this transaction, and only those
    with news for the watchlist; else what would have fired, whenever the watchlist was made)."""
    lists = {w.id: w for w in ([watchlist] if watchlist else all_watchlists(conn))}
    if not lists:
        return []
    params = {"since": since, "watchlist": watchlist.id if watchlist else None,
              "fresh": since is None}  # fmt: skip
    if since is None:
        params["since"] = conn.execute("SELECT now()").fetchone()[0]  # type: ignore[index]
    hits = conn.execute(_query(_HITS), params).fetchall()
    events = _events(conn, sorted({e for _, e in hits}))
    members = sorted({a[0] for e in events.values() for a in e.articles})
    fired = _fired(conn, sorted({w for w, _ in hits}), members) if hits else {}
    out = []
    for wid, event_id in hits:
        w, event = lists[wid], events[event_id]
        reasons = ["new"]
        if w.min_outlets and len(event.outlets) >= w.min_outlets:
            reasons.append("outlets")
        ids = {a[0] for a in event.articles}
        for reason in reasons:
            done = any(ids & before for before in fired.get((wid, reason), []))
            out.append(Firing(w, event, reason, done))
    return out


def _wib(when: datetime) -> str:
    return when.astimezone(WIB).strftime("%d %b %Y %H:%M WIB")


def payload(firing: Firing, key: str) -> dict[str, Any]:
    e, w = firing.event, firing.watchlist
    return {
        "idempotency_key": key,
        "watchlist": w.name,
        "query": w.query,
        "reason": firing.reason,
        "min_outlets": w.min_outlets or None,
        "event": {
            "id": e.id,
            "story_id": e.story_id,
            "title": e.title or e.articles[0][2],
            "first_seen": e.first_seen.astimezone(WIB).isoformat(),
            "first_seen_wib": _wib(e.first_seen),
            "outlets": e.outlets,
            "outlet_count": len(e.outlets),
            "article_count": len(e.articles),
            "articles": [
                {"outlet": o, "title": t, "url": u, "published": _wib(at)}
                for _, o, t, u, at in e.articles[:LINKS]
            ],
        },
    }


def after_clustering(conn: psycopg.Connection) -> int:
    """Write the alerts this clustering transaction causes; return how many outbox rows.

    Call inside the transaction that wrote the memberships. A failure here is logged and rolled
    back to a savepoint: clustering commits anyway (alerts must never block it).
    """
    try:
        with conn.transaction():  # a savepoint inside the clustering transaction
            written = _enqueue(conn, firings(conn))
            if written:
                conn.execute("SELECT pg_notify(%s, '')", (CHANNEL,))  # sent on commit
            return written
    except psycopg.OperationalError:
        raise  # the connection is gone: clustering fails too, and is redone
    except Exception:
        log.exception("alerts not written for this clustering pass")
        return 0


def _enqueue(conn: psycopg.Connection, found: list[Firing]) -> int:
    written = 0
    for firing in found:
        if firing.fired:
            continue
        e, w = firing.event, firing.watchlist
        for target in w.targets or [""]:
            key = str(uuid.uuid4())
            written += conn.execute(
                "INSERT INTO alert_outbox (watchlist_id, reason, event_key, event_id, articles,"
                " target, idempotency_key, payload, status) VALUES (%s, %s, %s, %s, %s, %s, %s,"
                " %s, %s) ON CONFLICT DO NOTHING",
                (w.id, firing.reason, e.key, e.id, [a[0] for a in e.articles], target, key,
                 Jsonb(payload(firing, key)), "pending" if target else "recorded"),
            ).rowcount  # fmt: skip
        log.info("watchlist %s fired (%s): %s", w.name, firing.reason, e.title)
    return written


def preview(conn: psycopg.Connection, watchlist: Watchlist, days: float) -> list[Firing]:
    """What ``watchlist`` fires for the events clustered in the last ``days`` (nothing written)."""
    now = conn.execute("SELECT now()").fetchone()[0]  # type: ignore[index]
    return firings(conn, now - timedelta(days=days), watchlist)
