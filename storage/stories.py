"""Reading stories: the queries behind ``kliping stories``, ``story``, ``export`` and the
story pages of ``kliping web`` (one list query and one filter type for both front ends).

They read the views of migrations 0002-0004, the same interface offered to other tools.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, fields
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


@dataclass(frozen=True)
class StoryFilter:
    """The filters of a story list: `kliping stories`, the web page and /api/stories."""

    since: datetime | None = None  # stories still seen at or after this instant
    until: datetime | None = None  # stories already seen at or before this instant
    outlet: str | None = None
    min_outlets: int = 1
    min_size: int = 1
    search: str | None = None  # websearch syntax (`kliping stories --search`, the page's q)


def list_stories(
    conn: psycopg.Connection,
    where: StoryFilter,
    *,
    limit: int | None = 50,
    offset: int = 0,
) -> list[StoryRow]:
    """Stories newest first (by their last article), ``limit`` of them (None: all) after
    ``offset``; a story is kept when its span [first_seen, last_seen] meets [since, until].

    Only the filters given become conditions (``%s IS NULL OR ...`` would leave the planner a
    generic plan that cannot use an index), and the order is the index stories_last_seen's
    (last_seen DESC, then the id among equal times): a story of the view always has a
    last_seen (the clusterer sets it from its articles' times).
    """
    conditions = [sql.SQL("TRUE")]
    for value, condition in (
        (where.since, "o.last_seen >= %(since)s"),
        (where.until, "o.first_seen <= %(until)s"),
        (where.outlet, "%(outlet)s = ANY(o.outlets)"),
        (where.min_outlets > 1, "o.outlet_count >= %(min_outlets)s"),
        (where.min_size > 1, "o.article_count >= %(min_size)s"),
        (
            where.search,
            "o.story_id IN (SELECT a.story_id FROM story_articles a"
            " WHERE a.search @@ websearch_to_tsquery('simple', %(search)s))",
        ),
    ):
        if value:
            conditions.append(sql.SQL(condition))
    params = asdict(where) | {"limit": limit, "offset": offset}
    query = sql.SQL(
        "SELECT {columns} FROM story_overview o WHERE {conditions}"
        " ORDER BY o.last_seen DESC, o.story_id DESC LIMIT %(limit)s OFFSET %(offset)s"
    ).format(columns=STORY_COLUMNS, conditions=sql.SQL(" AND ").join(conditions))
    with conn.cursor(row_factory=class_row(StoryRow)) as cur:
        cur.execute(query, params)
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
