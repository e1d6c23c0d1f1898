"""Read queries behind ``kliping web`` that the CLI's (storage/stories.py) do not cover.

Stories and their articles are read through the views story_overview and story_articles, so
the README's read-only role can use those pages; the outlet-health and article pages read the
tables (articles, crawl_runs) and need a role that may. Columns are named, never ``*``: a column
added to a view later (an ``event_id`` of the event/story model) breaks no row type here.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

import psycopg
from psycopg import sql
from psycopg.rows import class_row

from kliping.storage.stories import StoryRow

STORY_COLUMNS = sql.SQL(", ").join(
    map(
        sql.Identifier,
        (
            "story_id",
            "title",
            "first_seen",
            "last_seen",
            "article_count",
            "outlet_count",
            "outlets",
            "event_count",
        ),
    )
)


@dataclass(frozen=True)
class StoryFilter:
    """The filters of the story list, shared by the page and /api/stories."""

    since: datetime | None = None  # stories still seen at or after this instant
    until: datetime | None = None  # stories already seen at or before this instant
    outlet: str | None = None
    min_outlets: int = 1
    min_size: int = 1
    search: str | None = None  # websearch syntax, as `kliping stories --search`


def list_stories(
    conn: psycopg.Connection, where: StoryFilter, *, limit: int, offset: int = 0
) -> list[StoryRow]:
    """One page of stories, newest first (by their last article); a story is kept when its
    span [first_seen, last_seen] meets [since, until]."""
    with conn.cursor(row_factory=class_row(StoryRow)) as cur:
        cur.execute(
            sql.SQL(
                """
            SELECT {columns} FROM story_overview o
            WHERE (%(since)s::timestamptz IS NULL OR o.last_seen >= %(since)s)
              AND (%(until)s::timestamptz IS NULL OR o.first_seen <= %(until)s)
              AND (%(outlet)s::text IS NULL OR %(outlet)s = ANY(o.outlets))
              AND o.outlet_count >= %(min_outlets)s
              AND o.article_count >= %(min_size)s
              AND (%(search)s::text IS NULL OR EXISTS (
                    SELECT 1 FROM story_articles a
                    WHERE a.story_id = o.story_id
                      AND a.search @@ websearch_to_tsquery('simple', %(search)s)))
            ORDER BY o.last_seen DESC NULLS LAST, o.story_id DESC
            LIMIT %(limit)s OFFSET %(offset)s
            """
            ).format(columns=STORY_COLUMNS),
            {
                "since": where.since,
                "until": where.until,
                "outlet": where.outlet,
                "min_outlets": where.min_outlets,
                "min_size": where.min_size,
                "search": where.search,
                "limit": limit,
                "offset": offset,
            },
        )
        return cur.fetchall()


def get_story(conn: psycopg.Connection, story_id: int) -> StoryRow | None:
    with conn.cursor(row_factory=class_row(StoryRow)) as cur:
        query = sql.SQL("SELECT {columns} FROM story_overview WHERE story_id = %s")
        cur.execute(query.format(columns=STORY_COLUMNS), (story_id,))
        return cur.fetchone()


def story_outlets(conn: psycopg.Connection) -> list[str]:
    """Every outlet with an article in a story (the outlet filter's choices)."""
    rows = conn.execute("SELECT DISTINCT outlet FROM story_articles ORDER BY outlet").fetchall()
    return [r[0] for r in rows]


@dataclass(frozen=True)
class ArticleRow:
    id: int
    url: str
    outlet: str
    title: str | None
    text: str
    published: datetime | None
    authors: list[str]
    language: str | None
    pages: int
    fetched_at: datetime
    updated_at: datetime
    story_id: int | None
    story_title: str | None
    duplicate_of: int | None


def get_article(conn: psycopg.Connection, article_id: int) -> ArticleRow | None:
    with conn.cursor(row_factory=class_row(ArticleRow)) as cur:
        cur.execute(
            """
            SELECT a.id, a.url, a.outlet, a.title, a.text, a.published, a.authors, a.language,
                   a.pages, a.fetched_at, a.updated_at,
                   m.story_id, o.title AS story_title, m.duplicate_of
            FROM articles a
            LEFT JOIN story_articles m ON m.article_id = a.id
            LEFT JOIN story_overview o ON o.story_id = m.story_id
            WHERE a.id = %s
            """,
            (article_id,),
        )
        return cur.fetchone()


@dataclass(frozen=True)
class OutletActivity:
    outlet: str
    last_success: datetime | None  # the last run that ended 'ok' or 'partial'
    runs_failed: int  # failed or abandoned runs among the last RECENT_RUNS


# How many recent runs decide "failing": three in a row rules out one network blip.
RECENT_RUNS = 3
# Runs older than this are not read (a daemon crawling 11 outlets every 30 minutes writes ~16k
# runs a month): an outlet with no success in a month is stale whatever came before.
RUNS_WINDOW = "30 days"


def outlet_activity(conn: psycopg.Connection) -> dict[str, OutletActivity]:
    with conn.cursor(row_factory=class_row(OutletActivity)) as cur:
        cur.execute(
            """
            SELECT r.outlet,
                   max(r.finished_at) FILTER (WHERE r.status IN ('ok', 'partial')) AS last_success,
                   count(*) FILTER (WHERE r.status IN ('failed', 'abandoned')
                                      AND r.recent <= %(recent)s) AS runs_failed
            FROM (SELECT outlet, status, finished_at,
                         row_number() OVER (PARTITION BY outlet ORDER BY started_at DESC) AS recent
                  FROM crawl_runs
                  WHERE status <> 'running' AND started_at >= now() - %(window)s::interval) r
            GROUP BY r.outlet
            """,
            {"recent": RECENT_RUNS, "window": RUNS_WINDOW},
        )
        return {row.outlet: row for row in cur.fetchall()}


def articles_per_day(
    conn: psycopg.Connection, first_day: date, tz: str
) -> dict[str, dict[date, int]]:
    """Articles stored (by fetch time) per outlet and calendar day in ``tz``, from ``first_day``;
    reads the index articles_outlet_fetched."""
    rows = conn.execute(
        """
        SELECT outlet, (fetched_at AT TIME ZONE %(tz)s)::date AS day, count(*)
        FROM articles
        WHERE fetched_at >= (%(first)s::date)::timestamp AT TIME ZONE %(tz)s
        GROUP BY 1, 2
        """,
        {"tz": tz, "first": first_day},
    ).fetchall()
    out: dict[str, dict[date, int]] = {}
    for outlet, day, count in rows:
        out.setdefault(outlet, {})[day] = count
    return out
