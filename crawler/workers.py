"""Extraction off the reactor: trafilatura is CPU-bound, Scrapy's loop is one thread, so pages
are extracted in a pool of processes (one per core by default) while the crawl goes on."""

from __future__ import annotations

import asyncio
import multiprocessing
import os
import threading
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from multiprocessing import forkserver

from kliping.crawler.extract import Extracted, ExtractionError, ExtractRules, extract, page_links


@dataclass(frozen=True)
class PageResult:
    extracted: Extracted | None
    other_pages: tuple[str, ...] = ()
    error: str | None = None


def extract_page(body: bytes, url: str, rules: ExtractRules) -> PageResult:
    """Runs in a worker: extract one page, and find the article's other pages."""
    try:
        extracted = extract(body, url, rules)
        others = tuple(page_links(body, url, rules))
    except ExtractionError as exc:
        return PageResult(None, error=exc.reason)
    except Exception as exc:  # a bug or a pathological page must not end the crawl
        return PageResult(None, error=f"extractor crashed: {type(exc).__name__}: {exc}")
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
    """A process pool with an awaitable ``extract``; ``workers=0`` means one per core."""

    def __init__(self, workers: int = 0) -> None:
        count = workers or os.cpu_count() or 1
        # forkserver: never fork the parent's reactor, threads and database connections.
        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload(["kliping.crawler.workers"])
        # The forkserver runs as `python -c ...` with the current directory first on sys.path;
        # the repository root holds no `kliping` folder (the package is src/kliping), so a
        # checkout cannot shadow the installed package (tests/test_workers_install.py).
        forkserver.ensure_running()
        self._pool = ProcessPoolExecutor(
            max_workers=count,
            mp_context=context,
            initializer=_start_worker,
            initargs=(os.getpid(),),
        )
        self.workers = count

    async def extract(self, body: bytes, url: str, rules: ExtractRules) -> PageResult:
        future = self._pool.submit(extract_page, body, url, rules)
        return await asyncio.wrap_future(future)

    def close(self) -> None:
        self._pool.shutdown(wait=True, cancel_futures=True)
