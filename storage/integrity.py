"""What must hold in a kliping database however a process died: the checks behind
``kliping db check``, the reliability tests and ``bench/faults.py``.

Each check is a query counting rows that break one rule; a healthy database counts 0 for all.
Articles not yet clustered are not a fault (a crawl killed after storing, before clustering,
leaves them for the next run to pick up), so they are counted apart as ``pending``.
"""

from __future__ import annotations

import psycopg

# name -> (the rule broken, query counting the rows that break it)
CHECKS: dict[str, tuple[str, str]] = {
    "half-written": (
        "articles without text, title or content hash",
        "SELECT count(*) FROM articles WHERE text = '' OR title IS NULL OR content_hash = ''",
    ),
    "unlisted": (
        "articles whose own URL is not among their known URLs",
        "SELECT count(*) FROM articles a"
        " WHERE NOT EXISTS (SELECT 1 FROM article_urls u WHERE u.url = a.url)",
    ),
    "doubled": (
        "articles stored twice (same outlet, title and text under two URLs)",
        "SELECT coalesce(sum(n - 1), 0) FROM"
        " (SELECT count(*) AS n FROM articles GROUP BY outlet, content_hash, title) d"
        " WHERE n > 1",
    ),
    "miscounted": (
        "stories whose member count is wrong",
        "SELECT count(*) FROM stories s WHERE s.article_count <>"
        " (SELECT count(*) FROM story_members m WHERE m.story_id = s.id)",
    ),
    "empty": (
        "stories without members",
        "SELECT count(*) FROM stories s"
        " WHERE NOT EXISTS (SELECT 1 FROM story_members m WHERE m.story_id = s.id)",
    ),
    "stray-copy": (
        "copies in another story than their original",
        "SELECT count(*) FROM story_members m JOIN story_members o ON o.article_id = m.duplicate_of"
        " WHERE o.story_id <> m.story_id",
    ),
    "eventless": (
        "story members without an event",
        "SELECT count(*) FROM story_members WHERE event_id IS NULL",
    ),
    "split-event": (
        "events whose members lie in more than one story",
        "SELECT count(*) FROM (SELECT event_id FROM story_members WHERE event_id IS NOT NULL"
        " GROUP BY event_id HAVING count(DISTINCT story_id) > 1) x",
    ),
    "event-miscounted": (
        "events whose member count is wrong, or that have no members",
        "SELECT count(*) FROM events e WHERE e.article_count <>"
        " (SELECT count(*) FROM story_members m WHERE m.event_id = e.id)"
        " OR NOT EXISTS (SELECT 1 FROM story_members m WHERE m.event_id = e.id)",
    ),
    "unended": (
        "finished runs without an end time",
        "SELECT count(*) FROM crawl_runs WHERE status <> 'running' AND finished_at IS NULL",
    ),
}
PENDING = (
    "SELECT count(*) FROM articles a"
    " WHERE NOT EXISTS (SELECT 1 FROM story_members m WHERE m.article_id = a.id)"
)


def problems(conn: psycopg.Connection) -> dict[str, int]:
    """Every check's name with the number of rows breaking it (0 when it holds)."""
    return {name: _count(conn, query) for name, (_, query) in CHECKS.items()}


def pending(conn: psycopg.Connection) -> int:
    """Stored articles the clusterer has not placed yet."""
    return _count(conn, PENDING)


def _count(conn: psycopg.Connection, query: str) -> int:
    row = conn.execute(query).fetchone()
    return int(row[0]) if row else 0
