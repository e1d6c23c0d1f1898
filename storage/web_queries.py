"""Read queries behind ``kliping web`` beyond the story list and story (storage/stories.py,
shared with the CLI).

The story pages read the views story_overview and story_articles, so the README's read-only
role can use them; the outlet-health and article pages read the tables (articles, crawl_runs)
and need a role that may. Columns are named, never ``*``: a column added to a view later (an
``event_id`` of the event/story model) breaks no row type here.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

import psycopg
from psycopg.rows import class_row


@dataclass(frozen=True)
class ArticleRow:
    id: int
    url: str
    outlet: str
    title: str | None
    text: str | None  # None: read through the views, which do not carry the text
    published: datetime | None
    authors: list[str]
    language: str | None
    pages: int | None
    fetched_at: datetime
    updated_at: datetime | None
    story_id: int | None
    story_title: str | None
    duplicate_of: int | None


def get_article(conn: psycopg.Connection, article_id: int) -> ArticleRow | None:
    """The article with its text; for the README's read-only role, which may read only the
    views, what story_articles has (an article of a story: no text, authors or language)."""
    with conn.cursor(row_factory=class_row(ArticleRow)) as cur:
        try:
            cur.execute(
                """
                SELECT a.id, a.url, a.outlet, a.title, a.text, a.published, a.authors,
                       a.language, a.pages, a.fetched_at, a.updated_at,
                       m.story_id, o.title AS story_title, m.duplicate_of
                FROM articles a
                LEFT JOIN story_articles m ON m.article_id = a.id
                LEFT JOIN story_overview o ON o.story_id = m.story_id
                WHERE a.id = %s
                """,
                (article_id,),
            )
        except psycopg.errors.InsufficientPrivilege:
            if not conn.autocommit:
                conn.rollback()
            cur.execute(
                """
                SELECT m.article_id AS id, m.url, m.outlet, m.title, NULL::text AS text,
                       m.published, '{}'::text[] AS authors, NULL::text AS language,
                       NULL::integer AS pages, m.fetched_at, NULL::timestamptz AS updated_at,
                       m.story_id, o.title AS story_title, m.duplicate_of
                FROM story_articles m
                LEFT JOIN story_overview o ON o.story_id = m.story_id
                WHERE m.article_id = %s
                """,
                (article_id,),
            )
        return cur.fetchone()


@dataclass(frozen=True)
class OutletActivity:
    outlet: str
    last_success: datetime | None  # the last run that ended 'ok' or 'partial'
    runs_failed: int  # failed or abandoned runs among the last RECENT_RUNS finished ones


# How many recent runs decide "failing": three rule out one network blip.
RECENT_RUNS = 3


def crawled_outlets(conn: psycopg.Connection) -> list[str]:
    """Outlets with crawl runs, by a skip scan of crawl_runs_outlet_started (one probe each)."""
    rows = conn.execute(
        """
        WITH RECURSIVE o(outlet) AS (
            (SELECT outlet FROM crawl_runs ORDER BY outlet LIMIT 1)
            UNION ALL
            SELECT (SELECT c.outlet FROM crawl_runs c WHERE c.outlet > o.outlet
                    ORDER BY c.outlet LIMIT 1)
            FROM o WHERE o.outlet IS NOT NULL
        )
        SELECT outlet FROM o WHERE outlet IS NOT NULL
        """
    ).fetchall()
    return [r[0] for r in rows]


def outlet_activity(conn: psycopg.Connection, outlets: list[str]) -> dict[str, OutletActivity]:
    """Per outlet, walking its runs newest first on the index: the last success, and how many
    of the last RECENT_RUNS finished runs failed."""
    with conn.cursor(row_factory=class_row(OutletActivity)) as cur:
        cur.execute(
            """
            SELECT o.outlet,
                   (SELECT c.finished_at FROM crawl_runs c
                    WHERE c.outlet = o.outlet AND c.status IN ('ok', 'partial')
                    ORDER BY c.started_at DESC LIMIT 1) AS last_success,
                   (SELECT count(*) FILTER (WHERE r.status IN ('failed', 'abandoned'))
                    FROM (SELECT c.status FROM crawl_runs c
                          WHERE c.outlet = o.outlet AND c.status <> 'running'
                          ORDER BY c.started_at DESC LIMIT %s) r) AS runs_failed
            FROM unnest(%s::text[]) AS o(outlet)
            """,
            (RECENT_RUNS, outlets),
        )
        return {row.outlet: row for row in cur.fetchall()}


def articles_per_day(
    conn: psycopg.Connection, outlets: list[str], first_day: date, tz: str
) -> dict[str, dict[date, int]]:
    """Articles stored (by fetch time) per outlet and calendar day in ``tz``, from ``first_day``:
    one range scan of the index articles_outlet_fetched per outlet, not a scan of every article
    (with 100k stored the scan made the Outlets page take ~130 ms, bench/web.py)."""
    rows = conn.execute(
        """
        SELECT o.outlet, d.day, d.n
        FROM unnest(%(outlets)s::text[]) AS o(outlet)
        CROSS JOIN LATERAL (
            SELECT (a.fetched_at AT TIME ZONE %(tz)s)::date AS day, count(*) AS n
            FROM articles a
            WHERE a.outlet = o.outlet
              AND a.fetched_at >= (%(first)s::date)::timestamp AT TIME ZONE %(tz)s
            GROUP BY 1
        ) d
        """,
        {"outlets": outlets, "tz": tz, "first": first_day},
    ).fetchall()
    out: dict[str, dict[date, int]] = {}
    for outlet, day, count in rows:
        out.setdefault(outlet, {})[day] = count
    return out
