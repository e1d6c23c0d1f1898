"""What the clusterer reads and writes: pending articles, the replayed window, stories, events,
memberships and merges (``dedup/store.py`` and ``dedup/recluster.py`` hold the logic).

Every function runs in the caller's connection and transaction; locking is the caller's.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import psycopg
from psycopg import sql
from psycopg.rows import class_row

_COLUMNS = (
    "SELECT a.id, coalesce(a.title, '') AS title, a.text, a.published, a.outlet, a.url,"
    " a.syndicated_from, m.story_id, coalesce(a.published, a.fetched_at) AS at"
)
# Clustered articles with the time their membership was written (one per clustering batch) and
# their event.
_CLUSTERED = (
    _COLUMNS + ", m.added_at, m.event_id"
    " FROM articles a JOIN story_members m ON m.article_id = a.id"
)


@dataclass(frozen=True)
class ArticleRow:
    """An article as the clusterer sees it; ``story_id`` None while it is pending."""

    id: int
    title: str
    text: str
    published: datetime | None
    outlet: str
    url: str
    syndicated_from: str | None
    story_id: int | None
    at: datetime  # published, or fetched_at when the page gave no date


@dataclass(frozen=True)
class ClusteredRow(ArticleRow):
    added_at: datetime  # shared by the memberships of one clustering batch
    event_id: int | None


@dataclass(frozen=True)
class RemovedMember:
    story_id: int
    event_id: int | None


def pending_articles(conn: psycopg.Connection) -> list[ArticleRow]:
    """Articles without a story, by id."""
    with conn.cursor(row_factory=class_row(ArticleRow)) as cur:
        cur.execute(
            _COLUMNS + " FROM articles a LEFT JOIN story_members m ON m.article_id = a.id"
            " WHERE m.article_id IS NULL ORDER BY a.id"
        )
        return cur.fetchall()


def clustered_from(conn: psycopg.Connection, since: datetime) -> list[ClusteredRow]:
    """Clustered articles dated ``since`` or later, in the order their memberships were written."""
    with conn.cursor(row_factory=class_row(ClusteredRow)) as cur:
        cur.execute(
            _CLUSTERED + " WHERE coalesce(a.published, a.fetched_at) >= %s"
            " ORDER BY m.added_at, a.id",
            (since,),
        )
        return cur.fetchall()


def clustered_after(conn: psycopg.Connection, watermark: datetime) -> list[ClusteredRow]:
    """Clustered articles whose membership was written at ``watermark`` or later."""
    with conn.cursor(row_factory=class_row(ClusteredRow)) as cur:
        cur.execute(_CLUSTERED + " WHERE m.added_at >= %s ORDER BY m.added_at, a.id", (watermark,))
        return cur.fetchall()


def now(conn: psycopg.Connection) -> datetime:
    """The server's transaction time: the watermark of memberships written so far."""
    row = conn.execute("SELECT now()").fetchone()
    assert row is not None
    return row[0]


def _upsert_label(conn: psycopg.Connection, table: str, label: str) -> int:
    query = sql.SQL(
        "INSERT INTO {} (label) VALUES (%s)"
        " ON CONFLICT (label) DO UPDATE SET updated_at = now() RETURNING id"
    ).format(sql.Identifier(table))
    row = conn.execute(query, (label,)).fetchone()
    assert row is not None
    return int(row[0])


def story_for_label(conn: psycopg.Connection, label: str) -> int:
    """The id of the story labelled ``label``, created when new."""
    return _upsert_label(conn, "stories", label)


def event_for_label(conn: psycopg.Connection, label: str) -> int:
    """The id of the event labelled ``label``, created when new."""
    return _upsert_label(conn, "events", label)


def add_member(
    conn: psycopg.Connection,
    article_id: int,
    story_id: int,
    event_id: int,
    duplicate_of: int | None,
    score: float,
) -> None:
    """Article ``article_id`` joins the story and event; a second write of it is ignored."""
    conn.execute(
        "INSERT INTO story_members (article_id, story_id, event_id, duplicate_of, score)"
        " VALUES (%s, %s, %s, %s, %s) ON CONFLICT (article_id) DO NOTHING",
        (article_id, story_id, event_id, duplicate_of, score),
    )


def merge_event(conn: psycopg.Connection, gone: int, into: int) -> None:
    """Event ``gone``'s members move to event ``into``; ``gone`` is deleted."""
    conn.execute("UPDATE story_members SET event_id = %s WHERE event_id = %s", (into, gone))
    conn.execute("DELETE FROM events WHERE id = %s", (gone,))


def merge_story(conn: psycopg.Connection, gone: int, into: int) -> None:
    """Story ``gone``'s members move to story ``into``; ``gone`` is deleted and remembered as
    merged, so ``kliping story GONE`` can point to where it went."""
    conn.execute("UPDATE story_members SET story_id = %s WHERE story_id = %s", (into, gone))
    conn.execute("DELETE FROM stories WHERE id = %s", (gone,))
    conn.execute(
        "INSERT INTO story_merges (story_id, into_id) VALUES (%s, %s)"
        " ON CONFLICT (story_id) DO UPDATE SET into_id = EXCLUDED.into_id",
        (gone, into),
    )


def remove_members(
    conn: psycopg.Connection, since: datetime, until: datetime | None
) -> list[RemovedMember]:
    """Delete the memberships of articles dated in [since, until] (no end when None); return
    the stories and events they were in."""
    with conn.cursor(row_factory=class_row(RemovedMember)) as cur:
        cur.execute(
            "DELETE FROM story_members m USING articles a WHERE a.id = m.article_id"
            " AND coalesce(a.published, a.fetched_at) >= %s"
            " AND (%s::timestamptz IS NULL OR coalesce(a.published, a.fetched_at) <= %s)"
            " RETURNING m.story_id, m.event_id",
            (since, until, until),
        )
        return cur.fetchall()


def _delete_empty(conn: psycopg.Connection, table: str, member: str, ids: set[int]) -> None:
    query = sql.SQL(
        "DELETE FROM {table} g WHERE g.id = ANY(%s::bigint[]) AND NOT EXISTS"
        " (SELECT 1 FROM story_members m WHERE m.{member} = g.id)"
    ).format(table=sql.Identifier(table), member=sql.Identifier(member))
    conn.execute(query, (sorted(ids),))


def delete_empty_stories(conn: psycopg.Connection, ids: set[int]) -> None:
    """Of the stories ``ids``, delete those left without members."""
    _delete_empty(conn, "stories", "story_id", ids)


def delete_empty_events(conn: psycopg.Connection, ids: set[int]) -> None:
    """Of the events ``ids``, delete those left without members."""
    _delete_empty(conn, "events", "event_id", ids)


# A story's or an event's summary (size, first/last seen, outlets, title: its first original's)
# from its members; one statement for both tables, which have the same summary columns.
_REFRESH = """
UPDATE {table} g SET article_count = x.n, first_seen = x.first, last_seen = x.last,
       outlets = x.outlets, title = x.title, updated_at = now()
FROM (
    SELECT m.{member} AS id, count(*) AS n,
           min(coalesce(a.published, a.fetched_at)) AS first,
           max(coalesce(a.published, a.fetched_at)) AS last,
           array_agg(DISTINCT a.outlet ORDER BY a.outlet) AS outlets,
           (array_agg(a.title ORDER BY m.duplicate_of IS NOT NULL,
                      coalesce(a.published, a.fetched_at), a.id))[1] AS title
    FROM story_members m JOIN articles a ON a.id = m.article_id
    WHERE m.{member} = ANY(%s::bigint[])
    GROUP BY m.{member}
) x
WHERE g.id = x.id
"""


def _refresh(conn: psycopg.Connection, table: str, member: str, ids: set[int]) -> None:
    if ids:
        query = sql.SQL(_REFRESH).format(table=sql.Identifier(table), member=sql.Identifier(member))
        conn.execute(query, (sorted(ids),))


def refresh_stories(conn: psycopg.Connection, ids: set[int]) -> None:
    """Recompute the summaries of stories ``ids`` from their members."""
    _refresh(conn, "stories", "story_id", ids)


def refresh_events(conn: psycopg.Connection, ids: set[int]) -> None:
    """Recompute the summaries of events ``ids`` from their members."""
    _refresh(conn, "events", "event_id", ids)
