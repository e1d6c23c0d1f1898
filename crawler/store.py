"""The crawl's view of storage: thread-safe calls the spider and the pipeline make."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from typing import TypeVar

import psycopg
from psycopg_pool import ConnectionPool

from kliping.crawler.extract import Extracted
from kliping.storage import runs
from kliping.storage.articles import ArticleRecord, Outcome, known_urls, upsert_article
from kliping.storage.errors import disk_full

log = logging.getLogger(__name__)


# A Postgres restart takes a few seconds; waiting 0.5+1+2+4+8 s rides it out instead of
# dropping the articles extracted meanwhile.
RETRY_DELAYS = (0.5, 1.0, 2.0, 4.0, 8.0)

FAILURE_PAUSE = 30.0  # seconds without listing failures after the database could not take one

T = TypeVar("T")


class StorageLost(Exception):
    """The database cannot take this crawl's writes: the disk is full (ENOSPC), or it stayed
    unavailable through every retry. The crawl stops (what it finds now could not be stored;
    the next crawl finds it again); what was stored is kept."""

    def __init__(self, cause: BaseException) -> None:
        self.disk_full = disk_full(cause)
        lines = str(cause).strip().splitlines()  # the first: Postgres' HINT follows it
        first = lines[0] if lines else type(cause).__name__
        if self.disk_full:
            super().__init__(f"disk full (ENOSPC): the database could not store more ({first})")
        else:
            super().__init__(f"database unavailable through every retry ({first})")


class CrawlStore:
    def __init__(self, pool: ConnectionPool) -> None:
        self.pool = pool
        # Set on SIGTERM/SIGINT (crawler/run.py): retries stop waiting for a database that is
        # down, so a stop is obeyed within one pool timeout, not after Postgres returns.
        self.stopping = threading.Event()
        self.down_until = 0.0
        self.lost: StorageLost | None = None  # set once: every later write fails at once

    def _retrying(self, action: Callable[[], T]) -> T:
        if self.lost is not None:
            raise self.lost
        for delay in (*RETRY_DELAYS, None):
            try:
                return action()
            except psycopg.OperationalError as exc:
                # A full disk does not empty itself in seconds: no waiting for it.
                if delay is None or disk_full(exc):
                    self.lost = self.lost or StorageLost(exc)
                    raise self.lost from exc
                if self.lost is not None:  # found by another thread (a PANIC on a full disk
                    raise self.lost from exc  # cuts every session; one of them hears why)
                if self.stopping.is_set():
                    raise  # a stop was asked for: no waiting for the database to come back
                log.warning("database unavailable, retrying in %.1fs: %s", delay, str(exc).strip())
                if self.stopping.wait(delay):
                    raise
        raise AssertionError("unreachable: the last try returns or raises")

    def known_urls(self, urls: list[str]) -> set[str]:
        def query() -> set[str]:
            with self.pool.connection() as conn:
                return known_urls(conn, urls)

        return self._retrying(query)

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
            aliases=tuple(aliases),
            syndicated_from=article.syndicated_from,
        )

        def write() -> tuple[int, Outcome]:
            with self.pool.connection() as conn:
                return upsert_article(conn, record, run_id)

        # Idempotent (an upsert by URL), so a retry after an unknown outcome cannot double it.
        return self._retrying(write)

    def record_failure(self, run_id: int, url: str, reason: str) -> None:
        # Called in one of the reactor's threads (spider._fail): with the database down, each
        # try would hold a thread for a pool timeout and a run of failures would fill the pool,
        # so failures are counted in the run's tally but not listed for FAILURE_PAUSE seconds
        # after one could not be written.
        if self.stopping.is_set() or self.lost or time.monotonic() < self.down_until:
            return
        try:
            with self.pool.connection() as conn:
                runs.record_failure(conn, run_id, url, reason)
        except psycopg.OperationalError as exc:
            if disk_full(exc):
                self.lost = self.lost or StorageLost(exc)
            self.down_until = time.monotonic() + FAILURE_PAUSE
            log.warning("could not record the failure of %s (database unavailable)", url)
