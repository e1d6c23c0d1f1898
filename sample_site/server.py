"""The offline sample site: real-shaped feeds, sitemaps, archives and article pages of several
Indonesian outlets, plus broken pages, served on 127.0.0.1 for the demo, the tests and bench/.
"""

from __future__ import annotations

import contextlib
import socket
import threading
from collections import Counter, defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from email.utils import format_datetime
from functools import cached_property
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from importlib import resources
from urllib.parse import parse_qs, urlsplit
from xml.sax.saxutils import escape

from kliping.config.outlets import Registry, parse_registry
from kliping.sample_site import badpages, broken, faults
from kliping.sample_site.corpus import SampleArticle, build
from kliping.sample_site.render import render_article

ALL_VIEW = {"page": "all", "single": "1"}  # query parameters that ask for the one-page view
ARCHIVE_PAGE_SIZE = 20


class SampleSite:
    """Everything the site serves, independent of HTTP (so tests can look inside)."""

    def __init__(self, scale: int = 0, pad_to: int = 0, bad_pages: int = 1000) -> None:
        self.articles = build(scale)
        self.pad_to = pad_to
        self.bad_pages = bad_pages  # how many generated broken pages /remuk/ serves
        self.by_path = {a.path: a for a in self.articles}
        self.by_id = {a.record["id"]: a for a in self.articles}
        self.outlets: dict[str, list[SampleArticle]] = defaultdict(list)
        for article in self.articles:
            self.outlets[article.outlet].append(article)
        self.hits: Counter[str] = Counter()
        self.base = ""  # what the pages name
        # Outlets whose listings name their articles under a new URL shape (as Tempo and
        # Tribunnews did within a year, issue 17): flipped at runtime by a test, the site keeps
        # serving; the registry's pattern no longer takes the listed URLs as articles.
        self.moved: set[str] = set()
        self.address = ""  # where it is served (the same, unless served behind a base)
        self._cache: dict[tuple[str, int], bytes] = {}
        self._lock = threading.Lock()

    @cached_property
    def corpus(self) -> list[SampleArticle]:
        """The hand-written articles (no synthetic ones): what feeds list."""
        return [a for a in self.articles if "-x" not in a.record["id"]]

    def registry_text(self, name: str = "outlets.toml") -> str:
        """A sample registry with this server's address filled in: ``outlets.toml`` (the
        outlets), or ``faults.toml`` (network faults, generated broken pages)."""
        text = resources.files("kliping.sample_site").joinpath(name).read_text("utf-8")
        return text.replace("{base}", self.base)

    def registry(self) -> Registry:
        return parse_registry(self.registry_text(), "sample_site/outlets.toml")

    def url(self, article: SampleArticle) -> str:
        return self.base + article.path

    def listed(self, article: SampleArticle) -> str:
        """The article's URL as feeds, sitemaps, sections and archives list it."""
        if article.outlet in self.moved:
            return f"{self.base}/{article.outlet}/baru/{article.record['id']}"
        return self.url(article)

    # -- pages -----------------------------------------------------------------------------

    def article_page(self, article: SampleArticle, page: int) -> bytes:
        key = (article.path, page)
        cached = self._cache.get(key)
        if cached is not None:
            return cached
        record = article.record
        siblings = [a for a in self.outlets[article.outlet] if a is not article][:40]
        related = [(a.record["title"], self.url(a)) for a in siblings[:3]]
        original = None
        if record.get("duplicate_of") and record["duplicate_of"] in self.by_id:
            source = self.by_id[record["duplicate_of"]]
            original = (source.record["title"], self.url(source))
        url = self.url(article)
        html = render_article(
            record,
            url=url,
            page=page,
            n_pages=article.n_pages,
            page_url=lambda i: article.page_url(self.base, i),
            related=related,
            original=original,
            pad_to=self.pad_to,
        ).encode("utf-8")
        with self._lock:
            self._cache[key] = html
        return html

    def prerender(self) -> None:
        """Render every page once, so a benchmark times the crawler and not the site."""
        for article in self.articles:
            for page in range(article.n_pages + 1):
                self.article_page(article, page)

    def rss(self, outlet: str) -> bytes:
        items = []
        for a in sorted(self.corpus, key=lambda a: a.published, reverse=True):
            if a.outlet != outlet:
                continue
            items.append(
                "<item><title>{}</title><link>{}?utm_source=rss&amp;utm_medium=feed</link>"
                "<pubDate>{}</pubDate><description>{}</description></item>".format(
                    escape(a.record["title"]),
                    escape(self.listed(a)),
                    format_datetime(a.published),
                    escape(a.record["paragraphs"][0][:200]),
                )
            )
        return (
            '<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel>'
            f"<title>{outlet}</title><link>{self.base}/{outlet}/</link>"
            + "".join(items)
            + "</channel></rss>"
        ).encode()

    def news_sitemap(self, outlet: str) -> bytes:
        urls = []
        for a in self.outlets.get(outlet, []):
            loc = escape(self.listed(a))
            urls.append(
                f"<url><loc>{loc}</loc><lastmod>{a.published.isoformat()}</lastmod>"
                "<news:news><news:publication><news:name>{}</news:name><news:language>id"
                "</news:language></news:publication><news:publication_date>{}"
                "</news:publication_date><news:title>{}</news:title></news:news></url>".format(
                    outlet, a.published.isoformat(), escape(a.record["title"])
                )
            )
        return (
            '<?xml version="1.0" encoding="UTF-8"?>'
            '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" '
            'xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">'
            + "".join(urls)
            + "</urlset>"
        ).encode()

    def sitemap_index(self) -> bytes:
        entries = "".join(
            f"<sitemap><loc>{self.base}/{outlet}/sitemap-news.xml</loc></sitemap>"
            for outlet in sorted(self.outlets)
        )
        return (
            '<?xml version="1.0" encoding="UTF-8"?>'
            '<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
            + entries
            + "</sitemapindex>"
        ).encode()

    def section(self, outlet: str) -> bytes:
        """A section front page: article links mixed with navigation that is not articles."""
        links = [f'<a href="{self.base}/{outlet}/indeks">Indeks</a>', '<a href="/">Beranda</a>']
        for a in self.corpus:
            if a.outlet == outlet:
                href = self.listed(a) if outlet in self.moved else a.path
                links.append(f'<h2><a href="{href}">{escape(a.record["title"])}</a></h2>')
        return _html(outlet, "".join(links))

    def archive(self, outlet: str, day: date, page: int) -> bytes:
        """Dated index for backfill; an empty page ends the walk."""
        listed = [a for a in self.outlets.get(outlet, []) if a.published.date() == day]
        listed.sort(key=lambda a: a.published, reverse=True)
        chunk = listed[(page - 1) * ARCHIVE_PAGE_SIZE : page * ARCHIVE_PAGE_SIZE]
        body = "".join(
            f'<li><a href="{self.listed(a)}">{escape(a.record["title"])}</a></li>' for a in chunk
        )
        return _html(f"Indeks {outlet} {day}", f"<ul>{body}</ul>")


def _html(title: str, body: str) -> bytes:
    return (
        f'<!DOCTYPE html><html lang="id"><head><meta charset="utf-8"><title>{escape(title)}'
        f"</title></head><body>{body}</body></html>"
    ).encode()


_DISALLOWED = ["/private/", "/search", faults.FORBIDDEN]
ROBOTS = ("User-agent: *\n" + "".join(f"Disallow: {p}\n" for p in _DISALLOWED)).encode()


class _Handler(BaseHTTPRequestHandler):
    site: SampleSite
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: object) -> None:
        pass  # the crawler logs what matters; a request log would drown the demo's output

    def do_GET(self) -> None:
        parts = urlsplit(self.path)
        query = {k: v[0] for k, v in parse_qs(parts.query).items()}
        path = parts.path
        site = self.site
        site.hits[path] += 1
        if path == "/robots.txt":
            return self._send(200, ROBOTS, "text/plain")
        if path == "/sitemap.xml":
            return self._send(200, site.sitemap_index(), "application/xml")
        if path.startswith("/rusak/"):
            return broken.serve(self, path, site.hits[path])
        if path.startswith("/gangguan/"):
            return faults.serve(self, path, site.hits[path])
        if path.startswith(badpages.PREFIX):
            return badpages.serve(self, path, site.bad_pages)
        if path.startswith("/private/"):
            return self._send(200, _html("rahasia", "<p>tidak boleh dirayapi</p>"))
        article = site.by_path.get(path)
        if article is not None:
            page = 0 if any(query.get(k) == v for k, v in ALL_VIEW.items()) else 1
            number = query.get("page") or query.get("page_num") or ""
            if number.isdigit():
                page = int(number)
            if page > article.n_pages or (page == 0 and article.n_pages == 1):
                page = 1 if article.n_pages == 1 else page
            if page > article.n_pages:
                return self._send(404, _html("404", "<p>Halaman tidak ditemukan</p>"))
            return self._send(200, site.article_page(article, page))
        outlet, _, rest = path.strip("/").partition("/")
        if outlet in site.outlets:
            if rest == "rss.xml":
                return self._send(200, site.rss(outlet), "application/rss+xml")
            if rest == "sitemap-news.xml":
                return self._send(200, site.news_sitemap(outlet), "application/xml")
            if rest == "":
                return self._send(200, site.section(outlet))
            if rest == "indeks" and "date" in query:
                try:
                    day = date.fromisoformat(query["date"])
                except ValueError:
                    return self._send(400, _html("400", "<p>tanggal salah</p>"))
                page = int(query.get("page", "1") or 1)
                return self._send(200, site.archive(outlet, day, page))
        return self._send(404, _html("404", "<p>Halaman tidak ditemukan</p>"))

    def _send(
        self,
        status: int,
        body: bytes,
        content_type: str = "text/html; charset=utf-8",
        headers: dict[str, str] | None = None,
    ) -> None:
        # The crawler may hang up: on a page over its size limit, or one slower than its timeout.
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            for name, value in (headers or {}).items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(body)


def port_free(port: int) -> bool:
    """Whether ``serve`` could bind ``port`` on 127.0.0.1 now (with the server's own
    SO_REUSEADDR: a port in TIME_WAIT from the last run is free to reuse)."""
    with socket.socket() as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(("127.0.0.1", port))
            return True
        except OSError:
            return False


@contextmanager
def serve(site: SampleSite, port: int = 0, base: str | None = None) -> Iterator[SampleSite]:
    """Serve ``site`` on 127.0.0.1 (a free port unless given) until the block ends.

    ``base``: the address the pages name (their links, canonical URLs), when it is not the
    one served: the demo keeps its articles' URLs on ``DEMO_BASE`` whatever port it got, and
    reaches this server as an HTTP proxy (requests for absolute URLs are answered as usual).
    """
    handler = type("Handler", (_Handler,), {"site": site})
    server = ThreadingHTTPServer(("127.0.0.1", port), handler)
    server.daemon_threads = True
    site.address = f"http://127.0.0.1:{server.server_address[1]}"
    site.base = base or site.address
    thread = threading.Thread(target=server.serve_forever, name="sample-site", daemon=True)
    thread.start()
    try:
        yield site
    finally:
        server.shutdown()
        server.server_close()
