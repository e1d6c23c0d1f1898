"""Multi-page articles: the single-page view, the other pages' URLs, and stitching."""

from __future__ import annotations

import html as html_lib
import re
from collections.abc import Sequence
from dataclasses import replace
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit, urlunsplit

from kliping.config.extract_rules import ExtractRules
from kliping.config.limits import MAX_PAGE_NUMBER
from kliping.config.urls import clean, folded, is_paged

from .boilerplate import norm
from .model import Extracted

_HREF = re.compile(r"""<a\b[^>]*?\bhref\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+))""", re.I)
# Path forms: detik/CNN ".../<slug>/2", republika "-part2", inews "/all", kumparan "/full".
_PATH_PAGE = re.compile(r"/(\d{1,2})/?$")
_PATH_PART = re.compile(r"-part(\d{1,2})$")
_PATH_VIEW = re.compile(r"/(?:all|full)/?$")


def single_page_url(url: str, rules: ExtractRules) -> str | None:
    """The all-in-one view for outlets that have one (rules.single_page), else None."""
    spec = rules.single_page
    if not spec:
        return None
    base = urlsplit(article_url(url))
    kind, _, value = spec.partition(":")
    if kind == "query":
        key, _, val = value.partition("=")
        query = urlencode([*parse_qsl(base.query, keep_blank_values=True), (key, val)])
        return urlunsplit(base._replace(query=query))
    return urlunsplit(base._replace(path=base.path.rstrip("/") + value))


def article_url(url: str) -> str:
    """The URL with page/view markers and tracking parameters removed (page 1's URL)."""
    return clean(url)


def page_number(url: str) -> int | None:
    """1-based page number a URL asks for; None for the all-in-one view."""
    parts = urlsplit(url)
    params = {k.lower(): v for k, v in parse_qsl(parts.query)}
    for key in ("page", "page_num", "halaman"):
        if key in params:
            return int(params[key]) if params[key].isdigit() else None
    if params.get("single") or params.get("showpage") == "all" or _PATH_VIEW.search(parts.path):
        return None
    m = _PATH_PART.search(parts.path)
    if m is None and is_paged(parts.path):
        m = _PATH_PAGE.search(parts.path)
    return int(m.group(1)) if m else 1


def page_links(html: str | bytes, url: str, rules: ExtractRules | None = None) -> list[str]:
    """URLs of the article's other pages, in page order; [] on a single or all-in-one page.

    Reads href attributes with a regex rather than parsing again: the pager is plain links and
    this runs once per fetched page.
    """
    current = page_number(url)
    if current is None or (rules and single_page_url(url, rules) == url):
        return []
    text = html.decode("utf-8", "replace") if isinstance(html, bytes) else html
    base = _key(article_url(url))
    found: dict[int, str] = {}
    for m in _HREF.finditer(text):
        href = html_lib.unescape(m.group(1) or m.group(2) or m.group(3) or "").strip()
        if not href or href.startswith(("#", "javascript:", "mailto:")):
            continue
        try:
            link = urljoin(url, href)
            number = page_number(link)
        except ValueError:  # a malformed href ("https://[x"): not a pager link
            continue
        if number is None or number == current or number > MAX_PAGE_NUMBER:
            continue
        if _key(article_url(link)) == base and (number > 1 or link != url):
            found.setdefault(number, link if number > 1 else article_url(link))
    return [found[n] for n in sorted(found)]


def stitch(parts: Sequence[Extracted]) -> Extracted:
    """Page bodies in order, each paragraph once; metadata from page 1."""
    if not parts:
        raise ValueError("stitch() needs at least one page")
    seen: set[str] = set()
    lines: list[str] = []
    for part in parts:
        for line in part.text.split("\n"):
            key = norm(line)
            if key and key not in seen:
                seen.add(key)
                lines.append(line)
    first = parts[0]
    authors = first.authors or next((p.authors for p in parts if p.authors), ())
    return replace(
        first,
        text="\n".join(lines),
        published=first.published or next((p.published for p in parts if p.published), None),
        authors=authors,
        pages=len(parts),
        # The footer sits on the last page.
        syndicated_from=next((p.syndicated_from for p in parts[::-1] if p.syndicated_from), None),
    )


def _key(url: str) -> str:
    return folded(url) or url
