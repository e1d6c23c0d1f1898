"""Reading discovery sources: RSS/Atom feeds, sitemaps and sitemap indexes, HTML listings."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from lxml import etree, html
from scrapy.utils.sitemap import Sitemap

_FEED_PARSER = etree.XMLParser(recover=True, resolve_entities=False, no_network=True)


@dataclass(frozen=True)
class Entry:
    url: str
    modified: datetime | None = None


def _date(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        return datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError:
        from email.utils import parsedate_to_datetime

        try:
            return parsedate_to_datetime(value.strip())
        except (TypeError, ValueError):
            return None


def feed_entries(body: bytes) -> list[Entry]:
    """Article links of an RSS 2.0, RSS 1.0 or Atom feed."""
    try:
        root = etree.fromstring(body, _FEED_PARSER)
    except etree.XMLSyntaxError:
        return []
    if root is None:
        return []
    entries = []
    for item in root.iter("{*}item", "{*}entry"):
        link = None
        for el in item.iter("{*}link"):
            link = (el.get("href") or el.text or "").strip()
            if link:
                break
        if not link:
            guid = item.find("{*}guid")
            link = (guid.text or "").strip() if guid is not None else ""
        when = None
        for tag in ("{*}pubDate", "{*}published", "{*}updated", "{*}date"):
            el = item.find(tag)
            if el is not None and el.text:
                when = _date(el.text)
                break
        if link:
            entries.append(Entry(link, when))
    return entries


def sitemap_entries(body: bytes) -> tuple[bool, list[Entry]]:
    """(is_index, entries): child sitemaps of an index, or the URLs of a urlset."""
    if not body.strip():  # a real committed sitemap of 1 byte; scrapy raises StopIteration on it
        return False, []
    try:
        sitemap = Sitemap(body)
    except (etree.XMLSyntaxError, ValueError, StopIteration):
        return False, []
    is_index = sitemap.type == "sitemapindex"
    entries = []
    for item in sitemap:
        loc = item.get("loc")
        if loc:
            modified = item.get("lastmod") or (item.get("news") or {}).get("publication_date")
            when = _date(modified if isinstance(modified, str) else None)
            entries.append(Entry(loc.strip(), when))
    return is_index, entries


def page_links(body: bytes, base_url: str) -> list[Entry]:
    """Every link on an HTML page (section fronts, dated archives), absolute."""
    try:
        doc = html.fromstring(body, base_url=base_url)
    except (etree.ParserError, ValueError):
        return []
    # A malformed href ("https://<![CDATA[x" reads as a broken IPv6 host) is dropped.
    doc.make_links_absolute(base_url, resolve_base_href=True, handle_failures="discard")
    return [Entry(href) for href in dict.fromkeys(a.get("href") for a in doc.iter("a")) if href]
