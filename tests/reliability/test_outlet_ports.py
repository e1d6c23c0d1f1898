"""Ownership is scheme + host + port, on 127.0.0.1 too: two real HTTP servers on the loopback
address, the outlet's site on one port and "another service of the same machine" on another.
A redirect to the other port (from an article or a feed), a feed entry and a sitemap on it are
counted failures or left alone; the other service is never asked for anything."""

from __future__ import annotations

import http.server
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import ClassVar

import psycopg
import pytest

from kliping.config.outlets import parse_registry
from kliping.sample_site.corpus import load_records
from kliping.sample_site.render import render_article
from tests.fix_site import Kliping, kliping_env

pytestmark = pytest.mark.slow  # two servers and a `kliping crawl` child
RECORDS = load_records()


class Site(http.server.BaseHTTPRequestHandler):
    """The outlet on one port (``role`` "outlet") or the other service (``role`` "other")."""

    ports: ClassVar[dict[str, int]] = {}
    hits: ClassVar[dict[str, list[str]]] = {"outlet": [], "other": []}

    def log_message(self, *args: object) -> None:
        pass

    def _send(self, status: int, body: bytes, kind: str = "text/html", **headers: str) -> None:
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        for name, value in headers.items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(body)

    def _url(self, role: str, path: str) -> str:
        return f"http://127.0.0.1:{self.ports[role]}{path}"

    def do_GET(self) -> None:
        role = "outlet" if self.server.server_port == self.ports["outlet"] else "other"
        self.hits[role].append(self.path)
        path = self.path
        if role == "other" or path.startswith("/berita/"):  # every page an article
            n = int(path.rsplit("/", 1)[-1]) if path[-1].isdigit() else 0
            url = self._url(role, path)
            return self._send(200, render_article(RECORDS[n], url=url).encode())
        if path == "/rss.xml":
            links = [self._url("outlet", "/berita/1"), self._url("outlet", "/pindah/2"),
                     self._url("other", "/berita/3")]  # fmt: skip
            items = "".join(f"<item><title>t</title><link>{u}</link></item>" for u in links)
            rss = f'<?xml version="1.0"?><rss version="2.0"><channel>{items}</channel></rss>'
            return self._send(200, rss.encode(), "application/rss+xml")
        if path == "/pindah/2":
            return self._send(302, b"", Location=self._url("other", "/berita/2"))
        if path == "/feed-pindah.xml":
            return self._send(302, b"", Location=self._url("other", "/rss.xml"))
        if path == "/sitemap.xml":
            children = [self._url("other", "/peta.xml"), self._url("outlet", "/peta.xml")]
            locs = "".join(f"<sitemap><loc>{u}</loc></sitemap>" for u in children)
            return self._send(200, f"<sitemapindex>{locs}</sitemapindex>".encode(), "text/xml")
        if path == "/peta.xml":
            urlset = f"<urlset><url><loc>{self._url('outlet', '/berita/5')}</loc></url></urlset>"
            return self._send(200, urlset.encode(), "text/xml")
        return self._send(404, b"not here")


@pytest.fixture
def servers() -> Iterator[dict[str, int]]:
    started = []
    for role in ("outlet", "other"):
        server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Site)
        server.daemon_threads = True
        threading.Thread(target=server.serve_forever, daemon=True).start()
        Site.ports[role] = server.server_port
        Site.hits[role] = []
        started.append(server)
    try:
        yield Site.ports
    finally:
        for server in started:
            server.shutdown()
            server.server_close()


def _registry(port: int) -> str:
    base = f"http://127.0.0.1:{port}"
    return (
        '[lokal]\nname = "Lokal"\ndomains = ["127.0.0.1"]\n'
        f"article_pattern = '^http://127\\.0\\.0\\.1:\\d+/(berita|pindah)/\\d+$'\n"
        f'feeds = ["{base}/rss.xml", "{base}/feed-pindah.xml"]\n'
        f'sitemaps = ["{base}/sitemap.xml"]\n'
    )


def test_a_machine_address_owns_the_ports_its_outlet_uses_only() -> None:
    outlet = parse_registry(_registry(8123))["lokal"]
    assert outlet.owns("http://127.0.0.1:8123/berita/1")
    assert outlet.owns("https://127.0.0.1:8123/berita/1")  # the same port: the scheme follows it
    for other in ("http://127.0.0.1:8124/berita/1", "http://127.0.0.1/berita/1",
                  "https://127.0.0.1/berita/1", "http://localhost:8123/berita/1"):  # fmt: skip
        assert not outlet.owns(other), other


def test_the_other_port_of_the_same_machine_is_never_fetched(
    servers: dict[str, int], db_url: str, tmp_path: Path
) -> None:
    registry = tmp_path / "outlets.toml"
    registry.write_text(_registry(servers["outlet"]))
    done = Kliping(kliping_env(db_url, registry, tmp_path / "home")).run("crawl")
    assert done.returncode == 0, done.stderr[-3000:]
    assert "Traceback" not in done.stderr
    assert Site.hits["other"] == []  # not even its robots.txt
    outlet = f"http://127.0.0.1:{servers['outlet']}"
    other = f"http://127.0.0.1:{servers['other']}"
    with psycopg.connect(db_url) as conn:
        stored = {r[0] for r in conn.execute("SELECT url FROM articles")}
        aliases = {r[0] for r in conn.execute("SELECT url FROM article_urls")}
        failures = dict(conn.execute("SELECT url, reason FROM crawl_failures").fetchall())
        run = conn.execute("SELECT status, failures FROM crawl_runs").fetchone()
    assert stored == {f"{outlet}/berita/1", f"{outlet}/berita/5"}
    assert not any(u.startswith(other) for u in aliases)
    # Both redirects are counted failures under the URL that was asked for.
    assert failures == {
        f"{outlet}/pindah/2": f"redirect off the outlet: {other}/berita/2",
        f"{outlet}/feed-pindah.xml": f"redirect off the outlet: {other}/rss.xml",
    }
    assert run == ("partial", 2)  # some pages failed, the rest stored
