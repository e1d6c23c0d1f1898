"""Canonical URLs: an article's identity, whatever form a feed or a pager linked it under."""

from __future__ import annotations

import re
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

# Analytics and share-tracking parameters that feeds and social links append.
_TRACKING = re.compile(r"^(utm_[a-z_]+|fbclid|gclid|dclid|mc_[a-z]+|_ga|ref|src|amp|share)$", re.I)
# Pagination and one-page-view switches (?page=all, ?single=1, ?showpage=all, ?page_num=2).
_PAGING = frozenset({"page", "single", "showpage", "page_num"})
# Path suffixes of page views: "/all" (inews), "/full" (kumparan), "-part2" (republika),
# and a trailing "/2" page number after a slug (detik).
_PATH_PAGING = re.compile(r"(/all|/full|-part\d{1,2}|(?<=[a-z])/\d{1,2})/?$")
_CANONICAL_LINK = re.compile(rb"<link\b[^>]*\brel\s*=\s*[\"']?canonical[\"']?[^>]*>", re.IGNORECASE)
_HREF = re.compile(rb"\bhref\s*=\s*[\"']([^\"'>\s]+)", re.IGNORECASE)


def canonical(url: str) -> str:
    """Lower-case host, no fragment, no tracking or paging parameters, no paging suffix.

    A URL too malformed to split comes back stripped but otherwise as it is: no outlet owns it.
    """
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return url.strip()
    query = [
        (k, v)
        for k, v in parse_qsl(parts.query, keep_blank_values=True)
        if not _TRACKING.match(k) and k.lower() not in _PAGING
    ]
    path = _PATH_PAGING.sub("", parts.path) or "/"
    netloc = parts.netloc.lower()
    if parts.scheme == "https" and netloc.endswith(":443"):
        netloc = netloc[:-4]
    return urlunsplit((parts.scheme.lower(), netloc, path, urlencode(sorted(query)), ""))


def declared_canonical(body: bytes) -> str | None:
    """The page's own ``<link rel="canonical">``, found without parsing the whole page."""
    head = body[:131072]
    match = _CANONICAL_LINK.search(head)
    if not match:
        return None
    href = _HREF.search(match.group(0))
    if not href:
        return None
    return href.group(1).decode("utf-8", "replace").replace("&amp;", "&")
