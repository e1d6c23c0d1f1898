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
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import psycopg
from psycopg_pool import ConnectionPool
from scrapy import signals
from scrapy.crawler import CrawlerProcess

from kliping.config import logs
from kliping.config.outlets import Outlet
from kliping.config.settings import Settings
from kliping.crawler.scrapy_settings import scrapy_settings
from kliping.crawler.spider import OutletSpider
from kliping.crawler.store import CrawlStore, StorageLost
from kliping.crawler.tally import Tally
from kliping.crawler.watch import Watch
from kliping.crawler.workers import ExtractPool
from kliping.storage import db, locks, runs, sources
from kliping.storage.runs import Trigger

log = logging.getLogger(__name__)


@dataclass
class CrawlResult:
    tallies: dict[str, Tally] = field(default_factory=dict)
    busy: list[str] = field(default_factory=list)  # outlets another process was crawling
    stopped: bool = False  # ended by a signal before finishing
    lost: StorageLost | None = None  # stopped because the database could not take more

    @property
    def pages_fetched(self) -> int:
        return sum(t.pages_fetched for t in self.tallies.values())


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
    run_id: int | None = None,
) -> CrawlResult:
    """Crawl ``outlets`` once; ``after`` runs (with the outlet locks still held) when done.

    ``run_id``: a run row the caller (the daemon) created for the one outlet; this crawl
    records into it instead of starting its own, so the caller knows its child's run by id.
    """
    if run_id is not None and len(outlets) != 1:
        raise ValueError("a given run id names the run of exactly one outlet")
    result = CrawlResult()
    pool = db.open_pool(conninfo, max_size=4)
    lock_conn = db.connect(conninfo, upgrade=False)
    try:
        mine: list[Outlet] = []
        for outlet in outlets:
            if not locks.try_outlet_lock(lock_conn, outlet.key):
                result.busy.append(outlet.key)
                log.warning("%s is being crawled by another process: skipped", outlet.key)
                continue
            mine.append(outlet)
            with pool.connection() as conn:
                for dead in runs.abandon_stale_runs(conn, [outlet.key], keep=run_id):
                    log.warning("marked an unfinished earlier run of %s as abandoned", dead)
                runs.register_outlet(conn, outlet.key, outlet.name)
                if run_id is None:
                    this_run = runs.start_run(conn, outlet.key, "backfill" if since else trigger)
                else:
                    runs.adopt_run(conn, run_id, outlet.key)
                    this_run = run_id
            result.tallies[outlet.key] = Tally(this_run)
        if mine:
            _crawl(settings, mine, result, pool, since, until, refresh, max_articles, progress)
            if after is not None and not result.stopped and result.lost is None:
                with pool.connection() as conn:
                    after(conn)
    except (KeyboardInterrupt, SystemExit):
        result.stopped = True  # SIGTERM before Scrapy's own handler (cli._terminate)
        raise
    except Exception as exc:
        # A run that could not do its work is failed, with the reason (never 'ok', 0 pages).
        for tally in result.tallies.values():
            tally.error = tally.error or f"{type(exc).__name__}: {exc}"
        raise
    finally:
        _finish(pool, result)
        lock_conn.close()  # releases the outlet locks
        pool.close()
    return result


class _Process(CrawlerProcess):
    """Scrapy's process, telling the store at once when a stop is asked for: its retries would
    otherwise wait for a database that is down before the reactor could stop."""

    store: CrawlStore | None = None

    def _signal_shutdown(self, signum: int, _: Any) -> None:
        if self.store is not None:
            self.store.stopping.set()
        super()._signal_shutdown(signum, _)


def _finish(pool: ConnectionPool, result: CrawlResult) -> None:
    """Record every run's end: abandoned when stopped, else by its counts and error."""
    try:
        _record_ends(pool, result)
    except psycopg.OperationalError as exc:
        # Left 'running': the next crawl of the outlet (or the daemon) marks them abandoned.
        log.error("could not record the end of the runs: database unavailable: %s", exc)


def _record_ends(pool: ConnectionPool, result: CrawlResult) -> None:
    with pool.connection() as conn:
        for key, tally in result.tallies.items():
            status = "abandoned" if result.stopped and not tally.error else tally.status
            error = tally.error or ("stopped before the end" if result.stopped else None)
            runs.finish_run(conn, tally.run_id, status, tally.counts(), tally.reasons, error)  # type: ignore[arg-type]
            for origin, count in tally.sources.items():  # the numbers drift is judged on
                sources.record_source(
                    conn,
                    tally.run_id,
                    origin,
                    count.kind,
                    count.entries,
                    count.accepted,
                    count.rejected,
                )
            log.info(
                "crawl finished: %s",
                tally.line(),
                extra={"fields": {"outlet": key, "run": tally.run_id, "status": status}},
            )


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
    watch = Watch(result.tallies, progress)
    extractors = ExtractPool(settings.extract_workers)
    try:
        process = _Process(scrapy_settings(settings, outlets))
        store = watch.store = process.store = CrawlStore(pool)  # type: ignore[arg-type]
        logs.quiet_libraries(settings.log_level)  # Scrapy resets its loggers' levels
        crawler = process.create_crawler(OutletSpider)
        crawler.signals.connect(watch.engine_started, signal=signals.engine_started)
        crawler.signals.connect(watch.spider_closed, signal=signals.spider_closed)
        process.crawl(
            crawler,
            outlets=outlets,
            tallies=result.tallies,
            store=store,
            pool=extractors,
            since=since,
            until=until,
            refresh=refresh,
            max_articles=max_articles,
        )
        process.start()
    finally:
        extractors.close()
    # "finished" (or a closespider limit) is a crawl that ran; "shutdown" was a signal, and no
    # reason at all is a signal before the spider even opened: both are stopped, not "ok".
    result.stopped = watch.reason in ("shutdown", "")
    if store.lost is not None:  # the runs are failed with the reason, if they can be written
        result.lost = store.lost
        for tally in result.tallies.values():
            tally.error = tally.error or str(store.lost)
