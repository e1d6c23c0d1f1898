"""`kliping db recluster`: a window of stored articles clustered again from scratch."""

from __future__ import annotations

from datetime import datetime

import psycopg

from kliping.dedup.store import StoryStore
from kliping.storage import locks


def recluster(conn: psycopg.Connection, since: datetime, until: datetime | None = None) -> int:
    """Cluster the articles of [since, until] again from scratch: the window gets the partition
    ``kliping cluster`` gives those articles alone. A story or event whose label (its first
    article) comes back keeps its id; those left without members are deleted."""
    conn.autocommit = True
    locks.lock(conn, locks.CLUSTERER)
    try:
        with conn.transaction():
            old = conn.execute(
                "DELETE FROM story_members m USING articles a WHERE a.id = m.article_id"
                " AND coalesce(a.published, a.fetched_at) >= %s"
                " AND (%s::timestamptz IS NULL OR coalesce(a.published, a.fetched_at) <= %s)"
                " RETURNING m.story_id, m.event_id",
                (since, until, until),
            ).fetchall()
    finally:
        locks.unlock(conn, locks.CLUSTERER)
    count = StoryStore(replay=False).cluster_pending(conn)
    stories = {int(r[0]) for r in old}
    events = {int(r[1]) for r in old if r[1] is not None}
    locks.lock(conn, locks.CLUSTERER)
    try:
        with conn.transaction():
            StoryStore._refresh(conn, stories)
            StoryStore._refresh_events(conn, events)
            conn.execute(
                "DELETE FROM stories s WHERE s.id = ANY(%s::bigint[]) AND NOT EXISTS"
                " (SELECT 1 FROM story_members m WHERE m.story_id = s.id)",
                (sorted(stories),),
            )
            conn.execute(
                "DELETE FROM events e WHERE e.id = ANY(%s::bigint[]) AND NOT EXISTS"
                " (SELECT 1 FROM story_members m WHERE m.event_id = e.id)",
                (sorted(events),),
            )
    finally:
        locks.unlock(conn, locks.CLUSTERER)
    return count
