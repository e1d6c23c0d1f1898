"""`kliping db recluster`: a window of stored articles clustered again from scratch."""

from __future__ import annotations

from datetime import datetime

import psycopg

from kliping.dedup.store import StoryStore
from kliping.storage import clusters, locks


def recluster(conn: psycopg.Connection, since: datetime, until: datetime | None = None) -> int:
    """Cluster the articles of [since, until] again from scratch: the window gets the partition
    ``kliping cluster`` gives those articles alone. A story or event whose label (its first
    article) comes back keeps its id; those left without members are deleted."""
    conn.autocommit = True
    locks.lock(conn, locks.CLUSTERER)
    try:
        with conn.transaction():
            old = clusters.remove_members(conn, since, until)
    finally:
        locks.unlock(conn, locks.CLUSTERER)
    count = StoryStore(replay=False).cluster_pending(conn)
    stories = {int(r.story_id) for r in old}
    events = {int(r.event_id) for r in old if r.event_id is not None}
    locks.lock(conn, locks.CLUSTERER)
    try:
        with conn.transaction():
            clusters.refresh_stories(conn, stories)
            clusters.refresh_events(conn, events)
            clusters.delete_empty_stories(conn, stories)
            clusters.delete_empty_events(conn, events)
    finally:
        locks.unlock(conn, locks.CLUSTERER)
    return count
