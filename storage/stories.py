"""Reading stories: the queries behind ``kliping stories``, ``story`` and ``export``.

They read the views of migrations 0002-0004, the same interface offered to other tools.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from datetime import datetime

import psycopg
from psycopg import sql
from psycopg.rows import class_row


@dataclass(frozen=True)
class StoryRow:
    story_id: int
    title: str | None
    first_seen: datetime | None
    last_seen: datetime | None
    article_count: int
    outlet_count: int
    outlets: list[str]
    event_count: int


# What every story query selects: the row's own fields by name, so a column added to the view
# (as event_count was) cannot break the rows (``SELECT *`` did).
STORY_COLUMNS = sql.SQL(", ").join(sql.Identifier(f.name) for f in fields(StoryRow))


@dataclass(frozen=True)
class EventRow:
    story_id: int
    event_id: int
    title: str | None
    first_seen: datetime | None
    last_seen: datetime | None
    article_count: int
    outlet_count: int
    outlets: list[str]


@dataclass(frozen=True)
class MemberRow:
    story_id: int
    article_id: int
    outlet: str
    title: str | None
    url: str
    published: datetime | None
    fetched_at: datetime
    duplicate_of: int | None
    event_id: int | None
    authors: list[str] = field(default_factory=list)
    text: str | None = None  # only when asked for (export): the bulk of an article's size


def list_stories(
    conn: psycopg.Connection,
    *,
    since: datetime | None = None,
    outlet: str | None = None,
    min_size: int = 1,
    search: str | None = None,
    limit: int | None = 50,
) -> list[StoryRow]:
    """Stories newest first (by their last article)."""
    with conn.cursor(row_factory=class_row(StoryRow)) as cur:
        cur.execute(
            sql.SQL(
                """
            SELECT {columns} FROM story_overview o
            WHERE (%(since)s::timestamptz IS NULL OR o.last_seen >= %(since)s)
              AND (%(outlet)s::text IS NULL OR %(outlet)s = ANY(o.outlets))
              AND o.article_count >= %(min_size)s
              AND (%(search)s::text IS NULL OR EXISTS (
                    SELECT 1 FROM story_articles a
                    WHERE a.story_id = o.story_id
                      AND a.search @@ websearch_to_tsquery('simple', %(search)s)))
            ORDER BY o.last_seen DESC NULLS LAST, o.story_id DESC
            LIMIT %(limit)s
            """
            ).format(columns=STORY_COLUMNS),
            {
                "since": since,
                "outlet": outlet,
                "min_size": min_size,
                "search": search,
                "limit": limit,
            },
        )
        return cur.fetchall()


def story_members(
    conn: psycopg.Connection, story_ids: list[int], *, text: bool = False
) -> list[MemberRow]:
    """Members of the stories, in time order; with their text when ``text``."""
    names = [f.name for f in fields(MemberRow) if text or f.name != "text"]
    query = sql.SQL(
        "SELECT {} FROM story_articles WHERE story_id = ANY(%s::bigint[])"
        " ORDER BY story_id, coalesce(published, fetched_at), article_id"
    ).format(sql.SQL(", ").join(map(sql.Identifier, names)))
    with conn.cursor(row_factory=class_row(MemberRow)) as cur:
        cur.execute(query, (story_ids,))
        return cur.fetchall()


def story_events(conn: psycopg.Connection, story_ids: list[int]) -> list[EventRow]:
    """Events of the stories, in time order (by their first article)."""
    with conn.cursor(row_factory=class_row(EventRow)) as cur:
        cur.execute(
            "SELECT * FROM story_events WHERE story_id = ANY(%s::bigint[])"
            " ORDER BY story_id, first_seen NULLS LAST, event_id",
            (story_ids,),
        )
        return cur.fetchall()


def get_story(conn: psycopg.Connection, story_id: int) -> StoryRow | None:
    with conn.cursor(row_factory=class_row(StoryRow)) as cur:
        query = sql.SQL("SELECT {columns} FROM story_overview WHERE story_id = %s")
        cur.execute(query.format(columns=STORY_COLUMNS), (story_id,))
        return cur.fetchone()


def merged_into(conn: psycopg.Connection, story_id: int) -> int | None:
    """The story that now holds merged-away story ``story_id`` (following later merges)."""
    seen = {story_id}
    current = story_id
    while True:
        row = conn.execute(
            "SELECT into_id FROM story_merges WHERE story_id = %s", (current,)
        ).fetchone()
        if row is None:
            return None if current == story_id else current
        current = int(row[0])
        if current in seen:  # a cycle cannot be written, but never loop on one
            return None
        seen.add(current)


def outlet_has_stories(conn: psycopg.Connection, outlet: str) -> bool:
    """Whether any stored story has an article from ``outlet``."""
    row = conn.execute("SELECT 1 FROM story_articles WHERE outlet = %s LIMIT 1", (outlet,))
    return row.fetchone() is not None


def story_outlets(conn: psycopg.Connection) -> set[str]:
    """The outlets of the stored stories' articles."""
    return {r[0] for r in conn.execute("SELECT DISTINCT outlet FROM story_articles")}
