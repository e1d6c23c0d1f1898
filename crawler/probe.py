"""`kliping outlets check --live`: is each outlet still crawlable, right now?

For each outlet, every discovery source (feed, news sitemap, section page) is fetched once and
its article links counted, then one article is fetched and extracted and its fields checked.
A quick operator check, so a few threads and no Scrapy, no database: pages come through the
fetcher of ``kliping extract URL`` (crawler/extract/fetch.py: Settings' User-Agent, timeout and
size cap, http(s) only, bounded redirects), robots.txt obeyed. It reads sources with the
crawler's own parsers and rules, so a break here is a break in the crawl.
"""

from __future__ import annotations

import gzip
import json
import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from typing import Any
from urllib.parse import urlsplit
from urllib.robotparser import RobotFileParser

from kliping.config.identity import article_identity
from kliping.config.limits import MIN_PROBED_BODY_CHARS
from kliping.config.outlets import Outlet, Registry
from kliping.config.settings import Settings
from kliping.config.urls import clean
from kliping.crawler.discovery import Entry, feed_entries, page_links, sitemap_entries
from kliping.crawler.extract import ExtractionError, extract, single_page_url
from kliping.crawler.extract.fetch import Fetcher as PageFetcher

MAX_OUTLETS_AT_ONCE = 4  # outlets probed in parallel: polite, and quick enough for ~25 outlets
FIELDS = ("title", "date", "body", "authors")


@dataclass(frozen=True)
class Fetched:
    url: str
    status: int | None  # None when no HTTP answer came (robots.txt, network, timeout)
    body: bytes = b""
    error: str | None = None


@dataclass(frozen=True)
class SourceReport:
    kind: str  # feed, sitemap or section
    url: str
    status: int | None
    articles: int  # distinct canonical article URLs it lists
    error: str | None = None


@dataclass(frozen=True)
class ArticleReport:
    url: str
    status: int | None
    fields: dict[str, bool] = field(default_factory=dict)
    body_chars: int = 0
    error: str | None = None


@dataclass(frozen=True)
class OutletReport:
    outlet: str
    sources: list[SourceReport]
    articles: int
    article: ArticleReport | None

    @property
    def problems(self) -> list[str]:
        found = [f"{s.kind} {s.url}: {s.error}" for s in self.sources if s.error]
        if not self.sources:
            found.append("no discovery sources configured")
        if self.article is None:
            if self.sources:
                found.append("no article found in any source")
        elif self.article.error:
            found.append(f"article {self.article.url}: {self.article.error}")
        else:
            missing = [name for name in FIELDS if not self.article.fields.get(name)]
            if "body" in missing:
                missing[missing.index("body")] = (
                    f"body ({self.article.body_chars} chars < {MIN_PROBED_BODY_CHARS})"
                )
            if missing:
                found.append(f"article {self.article.url} lacks {', '.join(missing)}")
        return found

    @property
    def verdict(self) -> str:
        problems = self.problems
        return "BROKEN: " + "; ".join(problems) if problems else "ok"

    def to_json(self) -> dict[str, Any]:
        return {
            "outlet": self.outlet,
            "ok": not self.problems,
            "verdict": self.verdict,
            "articles": self.articles,
            "sources": [asdict(s) for s in self.sources],
            "article": asdict(self.article) if self.article else None,
        }


class Fetcher:
    """The extract command's fetcher (one deadline per URL), obeying robots.txt."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.user_agent = settings.user_agent
        self._robots: dict[str, tuple[RobotFileParser, str | None]] = {}
        self._locks: dict[str, threading.Lock] = {}
        self._guard = threading.Lock()

    def get(self, url: str) -> Fetched:
        refusal = self._refusal(url)
        if refusal:
            return Fetched(url, None, error=refusal)
        return self._get(url)

    def _get(self, url: str) -> Fetched:
        try:
            got = PageFetcher.from_settings(self.settings).fetch(url)
        except ExtractionError as err:
            return Fetched(url, None, error=err.reason)
        if got.status >= 400:
            return Fetched(got.url, got.status, error=f"HTTP {got.status}")
        body = got.body
        if body[:2] == b"\x1f\x8b":  # sitemap.xml.gz
            try:
                body = gzip.decompress(body)
            except (OSError, EOFError) as err:
                return Fetched(got.url, got.status, error=f"bad gzip: {err}")
        return Fetched(got.url, got.status, body)

    def _refusal(self, url: str) -> str | None:
        parts = urlsplit(url)
        origin = f"{parts.scheme}://{parts.netloc}"
        with self._guard:
            lock = self._locks.setdefault(origin, threading.Lock())
        with lock:  # one robots.txt fetch per site, even with several outlets on it
            if origin not in self._robots:
                self._robots[origin] = self._read_robots(origin)
        parser, unreachable = self._robots[origin]
        if parser.can_fetch(self.user_agent, url):
            return None
        if unreachable:
            return f"robots.txt unreachable ({unreachable}): fetching nothing from {origin}"
        return "disallowed by robots.txt"

    def _read_robots(self, origin: str) -> tuple[RobotFileParser, str | None]:
        # RFC 9309 2.3.1: 4xx means no rules; 5xx or no answer means crawl nothing.
        parser = RobotFileParser(origin + "/robots.txt")
        got = self._get(origin + "/robots.txt")
        if got.error is None and got.status == 200:
            parser.parse(got.body.decode("utf-8", "replace").splitlines())
            return parser, None
        if got.status is not None and 400 <= got.status < 500:
            parser.allow_all = True  # type: ignore[attr-defined]  # RobotFileParser's own switch
            return parser, None
        parser.disallow_all = True  # type: ignore[attr-defined]
        return parser, got.error or f"HTTP {got.status}"


def _entries(
    kind: str, got: Fetched, outlet: Outlet, fetcher: Fetcher
) -> tuple[list[Entry], str | None]:
    """The source's links, and what went wrong on the way (None when nothing did)."""
    if kind == "feed":
        return feed_entries(got.body), None
    if kind == "section":
        return page_links(got.body, got.url), None
    is_index, entries = sitemap_entries(got.body)
    if not is_index:
        return entries, None
    # An index lists the sitemaps of days or sections: the first of this outlet's stands for all.
    child = next((e.url for e in entries if outlet.owns(e.url)), None)
    if child is None:
        return [], "sitemap index lists no sitemap of this outlet"
    listed = fetcher.get(child)
    if listed.error:
        return [], f"child sitemap {child}: {listed.error}"
    return sitemap_entries(listed.body)[1], None


def _article_urls(entries: list[Entry], outlet: Outlet) -> list[str]:
    """The distinct articles listed (one URL per identity: an article listed twice counts once)."""
    found: dict[str, str] = {}
    for entry in entries:
        url = clean(entry.url)
        if outlet.owns(url) and outlet.is_article(url):
            found.setdefault(article_identity(outlet, url) or url, url)
    return list(found.values())


def probe_article(url: str, outlet: Outlet, fetcher: Fetcher) -> ArticleReport:
    rules = outlet.extract
    target = single_page_url(url, rules) or url
    got = fetcher.get(target)
    if got.error:
        return ArticleReport(target, got.status, error=got.error)
    try:
        article = extract(got.body, target, rules)
    except ExtractionError as err:
        return ArticleReport(target, got.status, error=f"no article body ({err.reason})")
    fields = {
        "title": bool(article.title),
        "date": article.published is not None,
        "body": len(article.text) >= MIN_PROBED_BODY_CHARS,
        "authors": bool(article.authors),
    }
    return ArticleReport(target, got.status, fields, len(article.text))


def probe_outlet(outlet: Outlet, fetcher: Fetcher) -> OutletReport:
    sources: list[SourceReport] = []
    found: list[str] = []
    kinds = [("feed", outlet.feeds), ("sitemap", outlet.sitemaps), ("section", outlet.sections)]
    for kind, urls in kinds:
        for url in urls:
            got = fetcher.get(url)
            if got.error:
                sources.append(SourceReport(kind, url, got.status, 0, got.error))
                continue
            entries, error = _entries(kind, got, outlet, fetcher)
            articles = _article_urls(entries, outlet)
            if not articles and error is None:
                error = f"none of its {len(entries)} links is an article (URL pattern changed?)"
            sources.append(SourceReport(kind, url, got.status, len(articles), error))
            found.extend(articles)
    found = list(dict.fromkeys(found))
    article = probe_article(found[0], outlet, fetcher) if found else None
    return OutletReport(outlet.key, sources, len(found), article)


def probe(registry: Registry, settings: Settings) -> list[OutletReport]:
    """Probe every outlet, a few at a time; reports in registry order."""
    fetcher = Fetcher(settings)
    with ThreadPoolExecutor(max_workers=MAX_OUTLETS_AT_ONCE) as pool:
        return list(pool.map(lambda o: probe_outlet(o, fetcher), registry.values()))


def table(reports: list[OutletReport]) -> str:
    lines = [f"{'outlet':<14} {'sources':>7} {'articles':>8} {'fields':>6}  verdict"]
    for r in reports:
        ok = sum(1 for s in r.sources if not s.error)
        fields = "-"
        if r.article is not None and not r.article.error:
            fields = f"{sum(r.article.fields.values())}/{len(FIELDS)}"
        sources = f"{ok}/{len(r.sources)}"
        lines.append(f"{r.outlet:<14} {sources:>7} {r.articles:>8} {fields:>6}  {r.verdict}")
    return "\n".join(lines)


def check_live(registry: Registry, settings: Settings, as_json: bool = False) -> int:
    """Print one row (or one JSON line) per outlet; 0 when every outlet works, else 1."""
    reports = probe(registry, settings)
    if as_json:
        for report in reports:
            print(json.dumps(report.to_json(), ensure_ascii=False))
    else:
        print(table(reports))
        broken = [r.outlet for r in reports if r.problems]
        print(f"{len(reports) - len(broken)}/{len(reports)} outlets ok", end="")
        print(f"; broken: {', '.join(broken)}" if broken else "")
    return 1 if any(r.problems for r in reports) else 0
