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

import psycopg

from kliping.alerts.watchlists import Watchlist, all_watchlists
from kliping.config.extract_rules import WIB
from kliping.storage import alerts as outbox
from kliping.storage import watchlists as table
from kliping.storage.clusters import now

log = logging.getLogger(__name__)

LINKS = 20  # articles listed in an alert; a big event's others are counted, not listed


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


def _events(conn: psycopg.Connection, ids: list[int]) -> dict[int, Event]:
    events: dict[int, Event] = {}
    for m in table.event_members(conn, ids):
        event = events.setdefault(m.event_id, Event(m.event_id, story_id=m.story_id))
        event.articles.append((m.article_id, m.outlet, m.title, m.url, m.at))
        if event.title is None and m.duplicate_of is None:
            event.title = m.title  # the first original, as the stories table names it
    return events


def firings(
    conn: psycopg.Connection, since: datetime | None = None, watchlist: Watchlist | None = None
) -> list[Firing]:
    """What fires for events touched since ``since`` (None: in this transaction, and only those
    with news for the watchlist; else what would have fired, whenever the watchlist was made)."""
    lists = {w.id: w for w in ([watchlist] if watchlist else all_watchlists(conn))}
    if not lists:
        return []
    hits = table.hits(
        conn,
        now(conn) if since is None else since,
        watchlist_id=watchlist.id if watchlist else None,
        fresh=since is None,
    )
    events = _events(conn, sorted({h.event_id for h in hits}))
    members = sorted({a[0] for e in events.values() for a in e.articles})
    wids = sorted({h.watchlist_id for h in hits})
    fired = outbox.fired_articles(conn, wids, members) if hits else {}
    out = []
    for wid, event_id in ((h.watchlist_id, h.event_id) for h in hits):
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
                outbox.notify(conn)  # sent on commit
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
            written += outbox.insert_alert(
                conn,
                watchlist_id=w.id,
                reason=firing.reason,
                event_key=e.key,
                event_id=e.id,
                articles=[a[0] for a in e.articles],
                target=target,
                key=key,
                payload=payload(firing, key),
            )
        log.info("watchlist %s fired (%s): %s", w.name, firing.reason, e.title)
    return written


def preview(conn: psycopg.Connection, watchlist: Watchlist, days: float) -> list[Firing]:
    """What ``watchlist`` fires for the events clustered in the last ``days`` (nothing written)."""
    return firings(conn, now(conn) - timedelta(days=days), watchlist)
