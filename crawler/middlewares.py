"""Retries that back off exponentially and honour the server's Retry-After (429, 503); redirects
that would leave the outlet are stopped before they are fetched."""

from __future__ import annotations

import asyncio
import logging
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime

from scrapy.crawler import Crawler
from scrapy.downloadermiddlewares.retry import RetryMiddleware
from scrapy.http import Request, Response
from scrapy.settings import BaseSettings

from kliping.crawler.failures import OffOutletRedirect

log = logging.getLogger(__name__)

# A Retry-After longer than this is not waited for: the page counts as failed and the next
# scheduled crawl tries again, rather than one outlet holding a crawl open for an hour.
MAX_RETRY_AFTER = 120.0


def retry_after_seconds(value: bytes | None, now: datetime | None = None) -> float | None:
    """Seconds from a Retry-After header: delta-seconds or an HTTP date."""
    if not value:
        return None
    text = value.decode("latin-1").strip()
    if text.isdigit():
        return float(text)
    try:
        when = parsedate_to_datetime(text)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - (now or datetime.now(UTC))).total_seconds())


class BackoffRetryMiddleware(RetryMiddleware):
    """Scrapy's RetryMiddleware, waiting before each retry instead of retrying at once."""

    def __init__(self, settings: BaseSettings) -> None:
        super().__init__(settings)
        self.backoff = settings.getfloat("KLIPING_RETRY_BACKOFF", 2.0)

    async def process_response(self, request: Request, response: Response) -> Request | Response:  # type: ignore[override]
        if request.meta.get("dont_retry", False) or response.status not in self.retry_http_codes:
            return response
        attempt = request.meta.get("retry_times", 0) + 1
        if attempt > request.meta.get("max_retry_times", self.max_retry_times):
            return response  # let the retry bookkeeping give up as usual
        delay = retry_after_seconds(response.headers.get(b"Retry-After"))
        if delay is None:
            delay = self.backoff * 2 ** (attempt - 1)
        elif delay > MAX_RETRY_AFTER:
            log.warning("%s asks to wait %.0fs: giving up for this run", request.url, delay)
            return response
        await asyncio.sleep(delay)
        return self._retry(request, f"HTTP {response.status}") or response


class OutletRedirectMiddleware:
    """An outlet's request (article, feed, sitemap, section or archive page) redirected to a
    URL its outlet does not own (another scheme, host or port: ``Outlet.owns``) is dropped
    before that URL is fetched; the spider's errback counts it as a failure, "redirect off the
    outlet". Without this an outlet's article could be stored from another site, or a crawl
    steered to the machine's own services (another port of 127.0.0.1)."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> OutletRedirectMiddleware:
        return cls(crawler)

    def process_request(self, request: Request) -> None:
        if not request.meta.get("redirect_urls"):
            return
        outlets = getattr(self.crawler.spider, "outlets", {})
        outlet = outlets.get(request.cb_kwargs.get("outlet"))
        if outlet is not None and not outlet.owns(request.url):
            raise OffOutletRedirect(request.url)
