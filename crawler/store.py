"""The crawl's view of storage: thread-safe calls the spider and the pipeline make."""

from __future__ import annotations

from psycopg_pool import ConnectionPool

from kliping.crawler.extract import Extracted
from kliping.dedup.fingerprint import content_hash, fingerprint
from kliping.storage import runs
from kliping.storage.articles import ArticleRecord, Outcome, known_urls, upsert_article


class CrawlStore:
    def __init__(self, pool: ConnectionPool) -> None:
        self.pool = pool

    def known_urls(self, urls: list[str]) -> set[str]:
        with self.pool.connection() as conn:
            return known_urls(conn, urls)

    def save(
        self, outlet: str, url: str, aliases: list[str], article: Extracted, run_id: int
    ) -> tuple[int, Outcome]:
        record = ArticleRecord(
            url=url,
            outlet=outlet,
            title=article.title,
            text=article.text,
            published=article.published,
            authors=article.authors,
            language=article.language,
            pages=article.pages,
            content_hash=content_hash(article.text),
            fingerprint=fingerprint(article.text),
            aliases=tuple(aliases),
        )
        with self.pool.connection() as conn:
            return upsert_article(conn, record, run_id)

    def record_failure(self, run_id: int, url: str, reason: str) -> None:
        with self.pool.connection() as conn:
            runs.record_failure(conn, run_id, url, reason)
