"""What a crawl shows while it runs: a progress line on a terminal, and its counts saved
into its run row now and then, so ``kliping status`` shows a running crawl's progress."""

from __future__ import annotations

import sys
import time

from twisted.internet import reactor, task

from kliping.crawler.store import CrawlStore
from kliping.crawler.tally import Tally
from kliping.storage import runs

PROGRESS_SECONDS = 2.0  # a progress line this often, on a terminal only
SAVE_SECONDS = 10.0  # the run row's counts this often: status is read by people, not machines


class Watch:
    """Signal receivers (held strongly: Scrapy keeps weak references to them)."""

    def __init__(self, tallies: dict[str, Tally], show: bool) -> None:
        self.tallies, self.show = tallies, show
        self.store: CrawlStore | None = None
        self.reason = ""
        self.started = time.monotonic()
        self.loops = [task.LoopingCall(self.save)]
        if show:
            self.loops.append(task.LoopingCall(self.progress))

    def engine_started(self) -> None:
        for loop in self.loops:
            loop.start(PROGRESS_SECONDS if loop.f == self.progress else SAVE_SECONDS, now=False)

    def spider_closed(self, spider: object, reason: str) -> None:
        self.reason = reason
        for loop in self.loops:
            if loop.running:
                loop.stop()

    def progress(self) -> None:
        new = sum(t.articles_new for t in self.tallies.values())
        updated = sum(t.articles_updated for t in self.tallies.values())
        known = sum(t.articles_skipped for t in self.tallies.values())
        failed = sum(t.failures for t in self.tallies.values())
        pages = sum(t.pages_fetched for t in self.tallies.values())
        elapsed = time.monotonic() - self.started
        print(
            f"  … {elapsed:5.0f}s  {pages} pages: {new} new, {updated} updated,"
            f" {known} already stored, {failed} failed",
            file=sys.stderr,
            flush=True,
        )

    def save(self) -> None:
        if self.store is None or self.store.stopping.is_set():
            return
        counts = {t.run_id: t.counts() for t in self.tallies.values()}
        # Off the reactor's thread: a slow or absent database must not stall the crawl.
        reactor.callInThread(self._write, counts)

    def _write(self, counts: dict[int, dict[str, int]]) -> None:
        assert self.store is not None
        try:
            with self.store.pool.connection() as conn:
                for run_id, numbers in counts.items():
                    runs.save_progress(conn, run_id, numbers)
        except Exception:
            pass
