"""One generic spider for every outlet: the registry entry says where to look and what is an
article; the spider discovers, skips what is stored, fetches (one-page view, or every page in
order), extracts in the worker pool and hands each article to the storage pipeline."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Iterable, Iterator
from dataclasses import replace
from datetime import date, timedelta
from typing import Any

import scrapy
from scrapy.http import Request, Response
from scrapy.utils.defer import deferred_from_coro
from twisted.internet.defer import Deferred, DeferredList
from twisted.internet.threads import deferToThread
from twisted.python.failure import Failure

from kliping.config.identity import article_identity
from kliping.config.limits import MAX_ARCHIVE_PAGES, MAX_ARTICLE_PAGES
from kliping.config.outlets import Outlet
from kliping.config.urls import clean, declared_canonical
from kliping.crawler.discovery import Entry, feed_entries, page_links, sitemap_entries
from kliping.crawler.extract import single_page_url, stitch
from kliping.crawler.failures import PageFailure, describe_failure, page_problem
from kliping.crawler.items import ArticleItem
from kliping.crawler.store import CrawlStore, StorageLost
from kliping.crawler.tally import SourceCount, Tally
from kliping.crawler.workers import ExtractPool, PageResult

log = logging.getLogger(__name__)

STORAGE_LOST = "storage lost"  # the close reason when the database cannot take the articles


class OutletSpider(scrapy.Spider):
    name = "kliping"

    def __init__(
        self,
        outlets: list[Outlet],
        tallies: dict[str, Tally],
        store: CrawlStore,
        pool: ExtractPool,
        *,
        since: date | None = None,
        until: date | None = None,
        refresh: bool = False,
        max_articles: int = 0,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self.outlets = {o.key: o for o in outlets}
        self.tallies = tallies
        self.store = store
        self._writes: set[Deferred[None]] = set()
        self._closing: Deferred[None] | None = None  # the stop asked by storage_lost
        self.pool = pool
        self.since, self.until = since, until
        self.refresh = refresh
        self.max_articles = max_articles
        self.queued: dict[str, int] = dict.fromkeys(self.outlets, 0)
        self.seen: set[str] = set()

    # -- discovery -------------------------------------------------------------------------

    async def start(self) -> AsyncIterator[Request]:
        for outlet in self.outlets.values():
            for request in self._sources(outlet):
                yield request

    def _sources(self, outlet: Outlet) -> Iterator[Request]:
        def listing(url: str, kind: str, origin: str | None = None, **extra: Any) -> Request:
            return Request(
                url,
                callback=self.parse_listing,
                errback=self.listing_failed,
                cb_kwargs={"outlet": outlet.key, "kind": kind, "origin": origin or url, **extra},
                dont_filter=True,
            )

        if self.since is not None:
            if not outlet.archive:
                log.warning("%s has no dated archive: backfill uses its feeds", outlet.key)
            else:
                day, last = self.since, self.until or date.today()
                while day <= last:
                    # The template was tried with a day and a page when the registry loaded.
                    url = outlet.archive.format(date=day, page=1)
                    yield listing(url, "archive", outlet.archive, day=day, page=1)
                    day += timedelta(days=1)
                return
        for url in outlet.feeds:
            yield listing(url, "feed")
        for url in outlet.sitemaps:
            yield listing(url, "sitemap")
        for url in outlet.sections:
            yield listing(url, "section")

    async def parse_listing(
        self,
        response: Response,
        outlet: str,
        kind: str,
        day: date | None = None,
        page: int = 1,
        origin: str | None = None,
    ) -> AsyncIterator[Request]:
        source = self.outlets[outlet]
        self.tallies[outlet].pages_fetched += 1
        if kind == "feed":
            entries = feed_entries(response.body)
        elif kind == "sitemap":
            is_index, entries = sitemap_entries(response.body)
            if is_index:
                for entry in entries:
                    if source.owns(entry.url) and self._recent(entry):
                        yield response.follow(
                            entry.url,
                            callback=self.parse_listing,
                            errback=self.listing_failed,
                            cb_kwargs={"outlet": outlet, "kind": "sitemap", "origin": origin},
                        )
                return
        else:
            entries = page_links(response.body, response.url)
        self._count(source, origin or _requested(response), kind, entries)
        requests = await self._article_requests(source, [e for e in entries if self._recent(e)])
        for request in requests:
            yield request
        if kind == "archive" and requests and day is not None and page < MAX_ARCHIVE_PAGES:
            assert source.archive is not None
            url = source.archive.format(date=day, page=page + 1)
            yield Request(
                url,
                callback=self.parse_listing,
                errback=self.listing_failed,
                cb_kwargs={
                    "outlet": outlet,
                    "kind": "archive",
                    "day": day,
                    "page": page + 1,
                    "origin": origin,
                },
            )

    def _count(self, outlet: Outlet, origin: str, kind: str, entries: list[Entry]) -> None:
        """Per registry source: entries listed, how many are this outlet's articles (drift)."""
        count = self.tallies[outlet.key].sources.setdefault(origin, SourceCount(kind))
        for entry in entries:
            owned = outlet.owns(entry.url)
            count.add(entry.url, owned and outlet.is_article(entry.url), owned)

    def _recent(self, entry: Entry) -> bool:
        if self.since is None or entry.modified is None:
            return True
        return entry.modified.date() >= self.since - timedelta(days=1)

    async def _article_requests(self, outlet: Outlet, entries: Iterable[Entry]) -> list[Request]:
        """Requests for this outlet's articles among ``entries`` not stored yet."""
        wanted: dict[str, str] = {}  # identity -> clean URL to fetch
        for entry in entries:
            url = clean(entry.url)
            if not (outlet.owns(url) and outlet.is_article(url)):
                continue
            key = article_identity(outlet, url) or url
            if key not in self.seen:
                wanted.setdefault(key, url)
        self.seen.update(wanted)
        tally = self.tallies[outlet.key]
        if wanted and not self.refresh:
            # Identities, and the clean URLs that rows stored before identities were kept under.
            try:
                known = await asyncio.to_thread(self.store.known_urls, [*wanted, *wanted.values()])
            except StorageLost as lost:
                self.storage_lost(lost)
                return []
            fresh = {k: u for k, u in wanted.items() if k not in known and u not in known}
            tally.articles_skipped += len(wanted) - len(fresh)
            wanted = fresh
        requests = []
        rules = outlet.extract
        for url in wanted.values():
            if self.max_articles and self.queued[outlet.key] >= self.max_articles:
                break
            self.queued[outlet.key] += 1
            target = single_page_url(url, rules) or url
            requests.append(
                Request(
                    target,
                    callback=self.parse_article,
                    errback=self.article_failed,
                    cb_kwargs={"outlet": outlet.key, "url": url, "parts": [], "pending": None},
                    # ``self.seen`` already makes each article one request; the dupefilter
                    # would silently drop a redirect loop instead of letting it fail.
                    dont_filter=True,
                )
            )
        return requests

    # -- articles --------------------------------------------------------------------------

    async def parse_article(
        self,
        response: Response,
        outlet: str,
        url: str,
        parts: list[PageResult],
        pending: list[str] | None,
    ) -> AsyncIterator[Any]:
        tally = self.tallies[outlet]
        tally.pages_fetched += 1
        problem = page_problem(response)
        if problem:
            self._fail(outlet, response.url, problem)
            return
        source = self.outlets[outlet]
        result = await self.pool.extract(response.body, response.url, source.extract)
        if result.extracted is None:
            self._fail(outlet, response.url, result.failure or PageFailure("extraction"))
            return
        if not parts:
            declared: str | None = declared_canonical(response.body)
            try:
                declared = declared and clean(response.urljoin(declared))
            except ValueError:  # a malformed canonical href ("https://[x") is ignored
                declared = None
            ours = declared and source.owns(declared) and source.is_article(declared)
            if ours and declared and declared != url:
                url = declared
            # page_links lists the *other* pages, in order; a pager loop is cut here.
            pending = [u for u in result.other_pages if u != response.url][: MAX_ARTICLE_PAGES - 1]
        parts = [*parts, result]
        if pending:
            yield Request(
                pending[0],
                callback=self.parse_article,
                errback=self.article_failed,
                cb_kwargs={"outlet": outlet, "url": url, "parts": parts, "pending": pending[1:]},
                dont_filter=True,
            )
            return
        article = stitch([p.extracted for p in parts if p.extracted is not None])
        if article.language is None:  # too little text to tell: the outlet's own language
            article = replace(article, language=source.language)
        forms = {url, clean(response.url), clean(_requested(response))}
        # The identity goes in too: a variant found later (edited slug, AMP, mobile) is known.
        names = forms | {article_identity(source, u) for u in forms}
        aliases = tuple(sorted(n for n in names if n and n != url))
        yield ArticleItem(outlet, url, aliases, article)

    # -- failures --------------------------------------------------------------------------

    def _fail(self, outlet: str, url: str, failure: PageFailure) -> None:
        tally = self.tallies[outlet]
        tally.failures += 1
        tally.reasons[failure.kind] += 1
        log.warning("failed %s: %s", url, failure, extra={"fields": {"outlet": outlet}})
        # The write goes to a thread: a slow or restarting database must not stall the reactor,
        # which serves every outlet of the crawl. closed() waits for the writes still running.
        write = deferToThread(self.store.record_failure, tally.run_id, url, str(failure))
        self._writes.add(write)
        write.addBoth(self._written, write)

    def _written(self, result: object, write: Deferred[None]) -> None:
        self._writes.discard(write)
        if isinstance(result, Failure):
            log.warning("could not record a failure: %s", result.getErrorMessage())

    def closed(self, reason: str) -> Deferred[list[tuple[bool, None]]] | None:
        return DeferredList(list(self._writes)) if self._writes else None

    def storage_lost(self, lost: StorageLost) -> None:
        """Stop the crawl: the database cannot take what it would find (disk full, or down
        through every retry). Said once; the run records it (crawler/run.py)."""
        if self._closing is None:
            log.error("stopping the crawl: %s", lost)
            self._closing = deferred_from_coro(
                self.crawler.engine.close_spider_async(reason=STORAGE_LOST)
            )

    def listing_failed(self, failure: Failure) -> None:
        request = failure.request  # type: ignore[attr-defined]
        asked = request.meta.get("redirect_urls", [request.url])[0]  # not where a redirect led
        self._fail(request.cb_kwargs["outlet"], asked, describe_failure(failure))

    def article_failed(self, failure: Failure) -> None:
        request = failure.request  # type: ignore[attr-defined]
        kwargs = request.cb_kwargs
        # Recorded under the URL that was asked for, not where a redirect led (another site).
        asked = request.meta.get("redirect_urls", [request.url])[0]
        self._fail(kwargs["outlet"], asked, describe_failure(failure))


def _requested(response: Response) -> str:
    """The URL that was asked for (before redirects); a response always has its request here."""
    return response.request.url if response.request is not None else response.url
