"""Articles: idempotent upserts keyed by canonical URL, and the URLs already stored."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Literal

import psycopg

Outcome = Literal["new", "updated", "unchanged"]


@dataclass(frozen=True)
class ArticleRecord:
    url: str  # canonical URL
    outlet: str
    title: str | None
    text: str
    published: datetime | None
    authors: tuple[str, ...]
    language: str | None
    pages: int
    aliases: tuple[str, ...] = field(default=())  # other URL forms it was found under
    syndicated_from: str | None = None  # the url its syndication footer named (migration 0009)


# content_hash is md5 of the stored text, computed here by Postgres: what counts as "updated" is a
# change of the stored text, never a change of dedup's cleaning rules (migration 0006).
_UPSERT = """
INSERT INTO articles (url, outlet, title, text, published, authors, language, pages,
                      content_hash, syndicated_from, run_id)
VALUES (%(url)s, %(outlet)s, %(title)s, %(text)s, %(published)s, %(authors)s, %(language)s,
        %(pages)s, md5(%(text)s), %(syndicated_from)s, %(run_id)s)
ON CONFLICT (url) DO UPDATE SET
    title = EXCLUDED.title, text = EXCLUDED.text, published = EXCLUDED.published,
    authors = EXCLUDED.authors, language = EXCLUDED.language, pages = EXCLUDED.pages,
    content_hash = EXCLUDED.content_hash, syndicated_from = EXCLUDED.syndicated_from,
    run_id = EXCLUDED.run_id, updated_at = now()
WHERE articles.content_hash IS DISTINCT FROM EXCLUDED.content_hash
   OR articles.title IS DISTINCT FROM EXCLUDED.title
   OR articles.published IS DISTINCT FROM EXCLUDED.published
RETURNING id, (xmax = 0) AS inserted
"""


def upsert_article(
    conn: psycopg.Connection, article: ArticleRecord, run_id: int | None = None
) -> tuple[int, Outcome]:
    """Insert or update by canonical URL; re-storing the same content changes nothing."""
    params = {
        "url": article.url,
        "outlet": article.outlet,
        "title": article.title,
        "text": article.text,
        "published": article.published,
        "authors": list(article.authors),
        "language": article.language,
        "pages": article.pages,
        "syndicated_from": article.syndicated_from,
        "run_id": run_id,
    }
    with conn.transaction():
        row = conn.execute(_UPSERT, params).fetchone()
        if row is None:  # conflict with identical content: the WHERE skipped the update
            found = conn.execute("SELECT id FROM articles WHERE url = %s", (article.url,))
            article_id, outcome = found.fetchone()[0], "unchanged"  # type: ignore[index]
        else:
            article_id, outcome = row[0], ("new" if row[1] else "updated")
        conn.execute(
            "INSERT INTO article_urls (url, article_id) SELECT u, %s FROM unnest(%s::text[]) u"
            " ON CONFLICT (url) DO NOTHING",
            (article_id, list({article.url, *article.aliases})),
        )
    return article_id, outcome  # type: ignore[return-value]


def known_urls(conn: psycopg.Connection, urls: Iterable[str]) -> set[str]:
    """Those of ``urls`` under which an article is already stored."""
    wanted = list(set(urls))
    if not wanted:
        return set()
    rows = conn.execute(
        "SELECT url FROM article_urls WHERE url = ANY(%s::text[])", (wanted,)
    ).fetchall()
    return {r[0] for r in rows}


def count_articles(conn: psycopg.Connection, outlet: str | None = None) -> int:
    row = conn.execute(
        "SELECT count(*) FROM articles WHERE %(o)s::text IS NULL OR outlet = %(o)s", {"o": outlet}
    ).fetchone()
    return int(row[0]) if row else 0
