"""`kliping extract FILE_OR_URL [--url URL]`: one page (or one article's pages) to JSON."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any

from kliping.config.extract_rules import DEFAULT_RULES, ExtractRules
from kliping.config.limits import MAX_ARTICLE_PAGES
from kliping.config.settings import Settings

from .core import extract
from .errors import ExtractionError
from .fetch import Fetcher, check_http_url
from .model import Extracted
from .pages import page_links, single_page_url, stitch


def cli_extract(
    target: str,
    url: str | None = None,
    rules: ExtractRules | None = None,
    settings: Settings | None = None,
) -> dict[str, Any]:
    """A file is one page (pages=1); an http(s) URL is fetched with its other pages.

    ``rules`` are the outlet's (the caller finds the outlet by the URL); default rules else.
    ``settings`` give the User-Agent, the page size cap and the timeout (the whole article, all
    its pages, gets config.limits.DEADLINE_TIMEOUTS timeouts). A URL's ``url`` in the result is
    where the page was found after redirects.
    """
    rules = rules or DEFAULT_RULES
    settings = settings or Settings()
    max_bytes = settings.max_page_bytes
    if "://" in target:
        check_http_url(target)  # ftp://, file://, a malformed URL: refused here
        fetcher = Fetcher.from_settings(settings)
        single = single_page_url(target, rules)
        if single:
            try:
                final, article = fetch_article(fetcher, single, rules)
                return replace(article, url=target if final == single else final).to_json()
            except ExtractionError as err:
                if "deadline" in err.reason or "larger than" in err.reason:
                    raise
                # no one-page view after all: follow the pages
        return fetch_article(fetcher, target, rules)[1].to_json()
    with Path(target).open("rb") as handle:  # a 600 MiB file, or /dev/zero, is not read whole
        data = handle.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise ExtractionError(target, f"larger than KLIPING_MAX_PAGE_BYTES ({max_bytes} bytes)")
    return extract(data, url, rules).to_json()


def fetch_article(
    fetcher: Fetcher, url: str, rules: ExtractRules, max_pages: int = MAX_ARTICLE_PAGES
) -> tuple[str, Extracted]:
    """Fetch page 1, then every other page its pagers name, and stitch them in order.
    Returns page 1's final URL (after redirects) with the article."""
    final, first_html = fetcher.get(url)
    parts = {final: extract(first_html, final, rules)}
    queue = page_links(first_html, final, rules)
    order = [final, *queue]
    while queue and len(parts) < max_pages:
        link = queue.pop(0)
        if link in parts:
            continue
        _, html = fetcher.get(link)
        parts[link] = extract(html, link, rules)
        # A windowed pager ("1 2 3 ... 9") only shows pages near the current one.
        for more in page_links(html, link, rules):
            if more not in order:
                order.append(more)
                queue.append(more)
    ordered = [parts[u] for u in order if u in parts]
    return final, ordered[0] if len(ordered) == 1 else stitch(ordered)
