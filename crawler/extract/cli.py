"""`kliping extract FILE_OR_URL [--url URL]`: one page (or one article's pages) to JSON."""

from __future__ import annotations

import re
import urllib.error
import urllib.request
from dataclasses import replace
from pathlib import Path
from typing import Any

from .core import extract
from .document import decode
from .errors import ExtractionError
from .model import Extracted
from .pages import page_links, single_page_url, stitch
from .rules import DEFAULT_RULES, ExtractRules

USER_AGENT = "kliping/0.1 (+https://github.com/kliping)"
TIMEOUT = 20  # seconds; Indonesian outlets behind CDNs answer in 1-3 s, 20 s means it is down
_CHARSET = re.compile(r"charset=([\w.:-]+)", re.I)


def cli_extract(
    target: str, url: str | None = None, rules: ExtractRules | None = None
) -> dict[str, Any]:
    """A file is one page (pages=1); an http(s) URL is fetched with its other pages.

    ``rules`` are the outlet's (the caller finds the outlet by the URL); default rules else.
    """
    rules = rules or DEFAULT_RULES
    if re.match(r"^https?://", target, re.I):
        single = single_page_url(target, rules)
        if single:
            try:
                article = fetch_article(single, rules)
                return replace(article, url=target).to_json()
            except ExtractionError:
                pass  # no one-page view after all: follow the pages
        return fetch_article(target, rules).to_json()
    data = Path(target).read_bytes()
    return extract(data, url, rules).to_json()


def fetch_article(url: str, rules: ExtractRules, max_pages: int = 20) -> Extracted:
    """Fetch page 1, then every other page its pagers name, and stitch them in order."""
    first_html = fetch(url)
    parts = {url: extract(first_html, url, rules)}
    queue = page_links(first_html, url, rules)
    order = [url, *queue]
    while queue and len(parts) < max_pages:
        link = queue.pop(0)
        if link in parts:
            continue
        html = fetch(link)
        parts[link] = extract(html, link, rules)
        # A windowed pager ("1 2 3 ... 9") only shows pages near the current one.
        for more in page_links(html, link, rules):
            if more not in order:
                order.append(more)
                queue.append(more)
    ordered = [parts[u] for u in order if u in parts]
    return ordered[0] if len(ordered) == 1 else stitch(ordered)


def fetch(url: str) -> str:
    """GET with an honest User-Agent; the body decoded by the server's declared charset."""
    request = urllib.request.Request(url, headers={"User-Agent": USER_AGENT})
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT) as response:
            data = response.read()
            declared = _CHARSET.search(response.headers.get("Content-Type", ""))
    except (urllib.error.URLError, TimeoutError, OSError) as err:
        raise ExtractionError(url, f"fetch failed: {err}") from None
    if declared:
        try:
            return data.decode(declared.group(1))
        except (LookupError, UnicodeDecodeError):
            pass
    return decode(data)
