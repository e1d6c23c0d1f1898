"""Extraction off the reactor: trafilatura is CPU-bound, Scrapy's loop is one thread, so pages
are extracted in a pool of processes (one per core by default) while the crawl goes on."""

from __future__ import annotations

import asyncio
import logging
import multiprocessing
import os
import threading
import time
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from multiprocessing import forkserver

from kliping.crawler.extract import Extracted, ExtractionError, ExtractRules, extract, page_links
from kliping.crawler.items import PageFailure

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class PageResult:
    """An extracted page and the article's other pages, or why the page yielded nothing."""

    extracted: Extracted | None
    other_pages: tuple[str, ...] = ()
    failure: PageFailure | None = None


def extract_page(body: bytes, url: str, rules: ExtractRules) -> PageResult:
    """Runs in a worker: extract one page, and find the article's other pages. Never raises:
    every page comes back as a result or a typed failure, which the spider counts and logs on
    one line ("failed URL: extraction: ...")."""
    try:
        extracted = extract(body, url, rules)
        others = tuple(page_links(body, url, rules))
    except ExtractionError as exc:  # the page's fault: no article in it
        return PageResult(None, failure=PageFailure("extraction", exc.reason))
    except Exception as exc:
        # The worker's outer edge, so a catch-all: what reaches here is a bug in kliping or a
        # library (lxml/trafilatura on a pathological page: RecursionError, an lxml error,
        # a ValueError from deep in a parser), not a class we could list. Narrowed to
        # ExtractionError, such a page would raise in the spider's callback instead: Scrapy
        # logs a traceback, the page is counted nowhere, and its run looks clean. Here it stays
        # an "extraction" failure of that page, with the exception's class, and the crawl goes on.
        detail = f"extractor crashed: {type(exc).__name__}: {exc}"
        return PageResult(None, failure=PageFailure("extraction", detail))
    return PageResult(extracted, others)


def _watch_parent(crawler_pid: int) -> None:
    # A crawl killed with -9 cannot shut its pool down; without this the workers (children of
    # the forkserver, not of the crawl) would wait for work forever.
    while True:
        time.sleep(2.0)
        try:
            os.kill(crawler_pid, 0)
        except ProcessLookupError:
            os._exit(0)
        except PermissionError:
            pass  # alive, owned by someone else (cannot happen for our own parent, but safe)


def _start_worker(crawler_pid: int) -> None:
    threading.Thread(target=_watch_parent, args=(crawler_pid,), daemon=True).start()
    import trafilatura  # noqa: F401  (import once per worker, not on the first page)


class ExtractPool:
    """A process pool with an awaitable ``extract``; ``workers=0`` means one per core.

    A worker that dies (killed by the OOM killer, a segfault in a C parser) breaks a
    ProcessPoolExecutor for good: every later page would fail with BrokenProcessPool. So the
    pool is replaced, and each page that was in flight is tried once more in the new one; a page
    that kills its worker twice is that page's failure ("worker died"), and the crawl goes on.
    """

    def __init__(self, workers: int = 0) -> None:
        self.workers = workers or os.cpu_count() or 1
        # forkserver: never fork the parent's reactor, threads and database connections.
        self._context = multiprocessing.get_context("forkserver")
        self._context.set_forkserver_preload(["kliping.crawler.workers"])
        # The forkserver runs as `python -c ...` with the current directory first on sys.path;
        # the repository root holds no `kliping` folder (the package is src/kliping), so a
        # checkout cannot shadow the installed package (tests/test_workers_install.py).
        forkserver.ensure_running()
        self._pool = self._new_pool()
        self.replaced = 0  # pools replaced after a worker died (the crawl's log says so)

    def _new_pool(self) -> ProcessPoolExecutor:
        return ProcessPoolExecutor(
            max_workers=self.workers,
            mp_context=self._context,
            initializer=_start_worker,
            initargs=(os.getpid(),),
        )

    async def extract(self, body: bytes, url: str, rules: ExtractRules) -> PageResult:
        for _ in range(2):
            pool = self._pool
            try:
                return await asyncio.wrap_future(pool.submit(extract_page, body, url, rules))
            except BrokenProcessPool:
                if pool is self._pool:  # the first page to notice replaces it; the rest reuse
                    self._pool = self._new_pool()
                    self.replaced += 1
                    log.warning(
                        "an extraction worker died; its pool was replaced (%d)", self.replaced
                    )
                    pool.shutdown(wait=False, cancel_futures=True)
        detail = "worker died twice on this page (killed, or out of memory)"
        return PageResult(None, failure=PageFailure("extraction", detail))

    def close(self) -> None:
        self._pool.shutdown(wait=True, cancel_futures=True)
