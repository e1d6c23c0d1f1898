"""One crawl of some outlets in this process: lock, record the runs, crawl, record the counts.

Twisted's reactor cannot be restarted, so a process runs one crawl; the daemon starts a child
process per crawl (scheduler/).
"""

from __future__ import annotations

from scrapy.utils.reactor import install_reactor

# Before anything imports twisted.internet.reactor (which would install the default one):
# Scrapy's asyncio reactor lets spider callbacks await the extraction pool.
install_reactor("twisted.internet.asyncioreactor.AsyncioSelectorReactor")

import logging
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

import psycopg
from scrapy import signals
from scrapy.crawler import CrawlerProcess
from twisted.internet import task

from kliping.config import logs
from kliping.config.outlets import Outlet
from kliping.config.settings import Settings
from kliping.crawler.scrapy_settings import scrapy_settings
from kliping.crawler.spider import OutletSpider
from kliping.crawler.store import CrawlStore
from kliping.crawler.tally import Tally
from kliping.crawler.workers import ExtractPool
from kliping.storage import db, locks, runs
from kliping.storage.runs import Trigger

log = logging.getLogger(__name__)


@dataclass
class CrawlResult:
    tallies: dict[str, Tally] = field(default_factory=dict)
    busy: list[str] = field(default_factory=list)  # outlets another process was crawling
    stopped: bool = False  # ended by a signal before finishing

    @property
    def pages_fetched(self) -> int:
        return sum(t.pages_fetched for t in self.tallies.values())


class _Watch:
    """Signal receivers and the progress line (held strongly: Scrapy keeps weak references)."""

    def __init__(self, tallies: dict[str, Tally], show: bool) -> None:
        self.tallies, self.show = tallies, show
        self.reason = ""
        self.started = time.monotonic()
        self.loop = task.LoopingCall(self.progress)

    def engine_started(self) -> None:
        if self.show:
            self.loop.start(2.0, now=False)

    def spider_closed(self, spider: object, reason: str) -> None:
        self.reason = reason
        if self.loop.running:
            self.loop.stop()

    def progress(self) -> None:
        new = sum(t.articles_new + t.articles_updated for t in self.tallies.values())
        failed = sum(t.failures for t in self.tallies.values())
        pages = sum(t.pages_fetched for t in self.tallies.values())
        elapsed = time.monotonic() - self.started
        print(
            f"  … {elapsed:5.0f}s  {pages} pages, {new} articles stored, {failed} failed",
            file=sys.stderr,
            flush=True,
        )


def run_crawl(
    settings: Settings,
    outlets: list[Outlet],
    conninfo: str,
    *,
    trigger: Trigger = "cli",
    since: date | None = None,
    until: date | None = None,
    refresh: bool = False,
    max_articles: int = 0,
    progress: bool = False,
    after: Callable[[psycopg.Connection], object] | None = None,
) -> CrawlResult:
    """Crawl ``outlets`` once; ``after`` runs (with the outlet locks still held) when done."""
    result = CrawlResult()
    pool = db.open_pool(conninfo, max_size=4)
    lock_conn = psycopg.connect(conninfo, autocommit=True)
    try:
        mine: list[Outlet] = []
        for outlet in outlets:
            if not locks.try_outlet_lock(lock_conn, outlet.key):
                result.busy.append(outlet.key)
                log.warning("%s is being crawled by another process: skipped", outlet.key)
                continue
            mine.append(outlet)
            with pool.connection() as conn:
                for dead in runs.abandon_stale_runs(conn, [outlet.key]):
                    log.warning("marked an unfinished earlier run of %s as abandoned", dead)
                runs.register_outlet(conn, outlet.key, outlet.name)
                run_id = runs.start_run(conn, outlet.key, "backfill" if since else trigger)
            result.tallies[outlet.key] = Tally(run_id)
        if mine:
            _crawl(settings, mine, result, pool, since, until, refresh, max_articles, progress)
            if after is not None:
                with pool.connection() as conn:
                    after(conn)
    finally:
        with pool.connection() as conn:
            for key, tally in result.tallies.items():
                status = "abandoned" if result.stopped else tally.status
                error = tally.error or ("stopped before the end" if result.stopped else None)
                runs.finish_run(conn, tally.run_id, status, tally.counts(), tally.reasons, error)  # type: ignore[arg-type]
                log.info(
                    "crawl finished: %s",
                    tally.line(),
                    extra={"fields": {"outlet": key, "run": tally.run_id, "status": status}},
                )
        lock_conn.close()  # releases the outlet locks
        pool.close()
    return result


def _crawl(
    settings: Settings,
    outlets: list[Outlet],
    result: CrawlResult,
    pool: object,
    since: date | None,
    until: date | None,
    refresh: bool,
    max_articles: int,
    progress: bool,
) -> None:
    extractors = ExtractPool(settings.extract_workers)
    watch = _Watch(result.tallies, progress)
    try:
        process = CrawlerProcess(scrapy_settings(settings))
        logs.quiet_libraries(settings.log_level)  # Scrapy resets its loggers' levels
        crawler = process.create_crawler(OutletSpider)
        crawler.signals.connect(watch.engine_started, signal=signals.engine_started)
        crawler.signals.connect(watch.spider_closed, signal=signals.spider_closed)
        process.crawl(
            crawler,
            outlets=outlets,
            tallies=result.tallies,
            store=CrawlStore(pool),  # type: ignore[arg-type]
            pool=extractors,
            since=since,
            until=until,
            refresh=refresh,
            max_articles=max_articles,
        )
        process.start()
    finally:
        extractors.close()
    result.stopped = watch.reason == "shutdown"
