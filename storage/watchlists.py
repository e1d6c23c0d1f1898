"""The watchlists table (migration 0008): a named full-text query, optional outlets, spread
threshold, targets; and the query of which events match them. What a valid watchlist is, and
the errors a reader sees, are alerts/watchlists.py's; when a match fires, alerts/match.py's."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, time

import psycopg
from psycopg import sql
from psycopg.rows import class_row


@dataclass(frozen=True)
class Watchlist:
    id: int
    name: str
    query: str
    outlets: list[str]
    min_outlets: int
    targets: list[str]
    created_at: datetime
    digest_at: time | None = None


# The column of story_members naming an article's event (dedup's event level, migration 0007).
EVENT_COLUMN = "event_id"

_COLUMNS = sql.SQL("id, name, query, outlets, min_outlets, targets, created_at, digest_at")


def search_terms(conn: psycopg.Connection, query: str) -> str:
    """What Postgres makes of a websearch query ('' when nothing is left to search for)."""
    row = conn.execute("SELECT websearch_to_tsquery('simple', %s)::text", (query,)).fetchone()
    return row[0] if row and row[0] else ""


def insert_watchlist(
    conn: psycopg.Connection,
    name: str,
    query: str,
    *,
    outlets: Sequence[str],
    min_outlets: int,
    targets: Sequence[str],
    digest_at: time | None,
) -> Watchlist | None:
    """The stored watchlist, or None when one named ``name`` exists already."""
    with conn.cursor(row_factory=class_row(Watchlist)) as cur:
        cur.execute(
            sql.SQL(
                "INSERT INTO watchlists (name, query, outlets, min_outlets, targets, digest_at)"
                " VALUES (%s, %s, %s, %s, %s, %s) ON CONFLICT (name) DO NOTHING RETURNING {}"
            ).format(_COLUMNS),
            (name, query, list(outlets), min_outlets, list(targets), digest_at),
        )
        return cur.fetchone()


def delete_watchlist(conn: psycopg.Connection, name: str) -> bool:
    """Forget a watchlist and its alerts (the outbox rows cascade); False when there was none."""
    return conn.execute("DELETE FROM watchlists WHERE name = %s", (name,)).rowcount > 0


def get_watchlist(conn: psycopg.Connection, name: str) -> Watchlist | None:
    with conn.cursor(row_factory=class_row(Watchlist)) as cur:
        query = sql.SQL("SELECT {} FROM watchlists WHERE name = %s").format(_COLUMNS)
        return cur.execute(query, (name,)).fetchone()


def all_watchlists(conn: psycopg.Connection) -> list[Watchlist]:
    with conn.cursor(row_factory=class_row(Watchlist)) as cur:
        query = sql.SQL("SELECT {} FROM watchlists ORDER BY name").format(_COLUMNS)
        return cur.execute(query).fetchall()


# Events with a member written since %(since)s, whose matching articles (query, outlets; not
# from a backfill, which would alert on old news) make them hits of a watchlist. With %(fresh)s,
# only events that gained an article first fetched after the watchlist was made: a recluster
# re-adds old articles, and must not alert a new watchlist on last month's news.
_HITS = """
WITH touched AS (
    SELECT DISTINCT m.{event} AS event_id FROM story_members m WHERE m.added_at >= %(since)s
)
SELECT w.id AS watchlist_id, m.{event} AS event_id
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
SELECT m.{event} AS event_id, a.id AS article_id, a.outlet, a.title, a.url,
       coalesce(a.published, a.fetched_at) AS at, m.duplicate_of, m.story_id
FROM story_members m JOIN articles a ON a.id = m.article_id
WHERE m.{event} = ANY(%s::bigint[])
ORDER BY m.{event}, coalesce(a.published, a.fetched_at), a.id
"""


@dataclass(frozen=True)
class Hit:
    watchlist_id: int
    event_id: int


@dataclass(frozen=True)
class EventMember:
    event_id: int
    article_id: int
    outlet: str
    title: str | None
    url: str
    at: datetime  # published, else fetched
    duplicate_of: int | None
    story_id: int


def _query(template: str) -> sql.Composed:
    return sql.SQL(template).format(event=sql.Identifier(EVENT_COLUMN))


def hits(
    conn: psycopg.Connection, since: datetime, *, watchlist_id: int | None, fresh: bool
) -> list[Hit]:
    """(watchlist, event) pairs: events with a member written since ``since`` that have an
    article matching the watchlist (one watchlist, or all when None); ``fresh``: only events
    that gained an article first fetched after the watchlist was made."""
    params = {"since": since, "watchlist": watchlist_id, "fresh": fresh}
    with conn.cursor(row_factory=class_row(Hit)) as cur:
        return cur.execute(_query(_HITS), params).fetchall()


def event_members(conn: psycopg.Connection, event_ids: list[int]) -> list[EventMember]:
    """The members of the events, each event's in time order."""
    with conn.cursor(row_factory=class_row(EventMember)) as cur:
        return cur.execute(_query(_MEMBERS), (event_ids,)).fetchall()
