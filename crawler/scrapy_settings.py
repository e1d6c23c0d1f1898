"""Every Scrapy knob kliping sets, in one place, with the reason for each value."""

from __future__ import annotations

from typing import Any

from kliping.config.limits import MAX_REDIRECTS
from kliping.config.outlets import Outlet
from kliping.config.settings import Settings


def download_slots(outlets: list[Outlet]) -> dict[str, dict[str, Any]]:
    """An outlet's own ``concurrency`` (registry) for each of its hosts: Scrapy keys download
    slots by host, so a slot per domain caps that outlet's parallel requests."""
    return {
        host: {"concurrency": outlet.concurrency}
        for outlet in outlets
        if outlet.concurrency is not None
        for domain in outlet.domains
        for host in (domain, f"www.{domain}")
    }


def scrapy_settings(settings: Settings, outlets: list[Outlet] | None = None) -> dict[str, Any]:
    return {
        "DOWNLOAD_SLOTS": download_slots(outlets or []),
        # Polite by default, like Scrapy's project template, plus an honest User-Agent.
        "USER_AGENT": settings.user_agent,
        "ROBOTSTXT_OBEY": True,
        "CONCURRENT_REQUESTS": 16,
        "CONCURRENT_REQUESTS_PER_DOMAIN": settings.concurrency_per_domain,
        "DOWNLOAD_DELAY": settings.download_delay,
        # AutoThrottle adapts the delay to each domain's latency; never below DOWNLOAD_DELAY.
        "AUTOTHROTTLE_ENABLED": True,
        "AUTOTHROTTLE_START_DELAY": max(settings.download_delay, 0.5),
        "AUTOTHROTTLE_MAX_DELAY": 30.0,
        "AUTOTHROTTLE_TARGET_CONCURRENCY": float(settings.concurrency_per_domain),
        "DOWNLOAD_TIMEOUT": settings.download_timeout,
        "DOWNLOAD_MAXSIZE": settings.max_page_bytes,
        "DOWNLOAD_WARNSIZE": 0,
        # Retries with backoff, honouring Retry-After (crawler/middlewares.py).
        "RETRY_ENABLED": True,
        "RETRY_TIMES": 3,
        "RETRY_HTTP_CODES": [500, 502, 503, 504, 522, 524, 408, 429],
        "KLIPING_RETRY_BACKOFF": settings.retry_backoff,
        "DOWNLOADER_MIDDLEWARES": {
            "scrapy.downloadermiddlewares.retry.RetryMiddleware": None,
            "kliping.crawler.middlewares.BackoffRetryMiddleware": 550,
            # Before the robots.txt check (100): a redirected article request that leaves its
            # outlet is dropped first, never fetched.
            "kliping.crawler.middlewares.OutletRedirectMiddleware": 50,
        },
        "REDIRECT_MAX_TIMES": MAX_REDIRECTS,
        "ITEM_PIPELINES": {"kliping.crawler.pipeline.StorePipeline": 300},
        # A callback yields one article; Scrapy's default of 100 parallel items per response
        # costs ~18% of the crawl process's CPU in asyncio tasks (bench/ingest.py profile).
        "CONCURRENT_ITEMS": 4,
        "COOKIES_ENABLED": False,  # news pages need none; cookies only grow tracking state
        # No consoles: the telnet console and Scrapy 2.19's remote-control HTTP server would
        # open ports that execute code; a daemon must not.
        "TELNETCONSOLE_ENABLED": False,
        "REMOTE_CONTROL_ENABLED": False,
        # kliping's own logging reports the crawl; Scrapy only speaks up about problems.
        "LOG_ENABLED": False,
        "LOG_INSTALL_ROOT_HANDLER": False,
        "LOG_LEVEL": "WARNING",
        "STATS_DUMP": False,
        "LOGSTATS_INTERVAL": 0,
        "MEMUSAGE_ENABLED": False,
        "TWISTED_REACTOR": "twisted.internet.asyncioreactor.AsyncioSelectorReactor",
    }
