"""`kliping outlets check --live`, offline: against the sample site and a tiny local server.

No test here contacts a real outlet.
"""

from __future__ import annotations

import json
import re
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import replace
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from kliping.config.outlets import Outlet, Registry
from kliping.config.settings import Settings
from kliping.crawler.probe import Fetcher as ProbeFetcher
from kliping.crawler.probe import check_live, probe, probe_outlet
from kliping.sample_site import broken
from kliping.sample_site.server import SampleSite
from tests.fix_site import kliping_env

SETTINGS = Settings(user_agent="kliping-test/0.1 (+https://example.invalid/probe)")


def _content(site: SampleSite) -> Registry:
    return {k: o for k, o in site.registry().items() if k != "rusak"}


def _one(outlet: Outlet) -> str:
    return probe_outlet(outlet, ProbeFetcher(SETTINGS)).verdict


def test_every_content_outlet_of_the_sample_site_is_ok(site: SampleSite) -> None:
    reports = probe(_content(site), SETTINGS)
    assert [r.verdict for r in reports] == ["ok"] * len(reports)
    for report in reports:
        expected = len(site.outlets[report.outlet])
        assert report.articles == sum(1 for a in site.corpus if a.outlet == report.outlet)
        assert 0 < report.articles <= expected
        assert all(s.status == 200 and s.articles > 0 for s in report.sources)
        assert report.article is not None and report.article.error is None
        assert report.article.fields == dict.fromkeys(["title", "date", "body", "authors"], True)
        assert report.article.body_chars >= 300


def test_a_feed_that_404s_is_named(site: SampleSite) -> None:
    missing = f"{site.base}/detik/rss-lama.xml"
    outlet = replace(site.registry()["detik"], feeds=(missing,))
    verdict = _one(outlet)
    # The sitemap still works and still yields an article: only the feed is reported.
    assert verdict == f"BROKEN: feed {missing}: HTTP 404"


def test_a_source_that_lists_no_articles_is_named(site: SampleSite) -> None:
    # The URL pattern no longer matches what the feed links to (a redesign of the URLs).
    outlet = replace(site.registry()["tempo"], article_pattern=re.compile(r"/tempo/baca/\d+/"))
    verdict = _one(outlet)
    assert verdict.startswith(f"BROKEN: feed {site.base}/tempo/rss.xml: none of its 3 links")
    assert "no article found in any source" in verdict


@pytest.mark.parametrize(
    ("case", "reason"),
    [
        ("kosong", "no article body"),  # an empty 200
        ("sampah", "no article body"),  # a 200 that is not HTML
        ("hilang", "HTTP 404"),
        ("galat", "HTTP 500"),
        ("putar", "fetch failed: more than 5 redirects"),
        ("terpotong", "fetch failed: truncated: "),
        ("raksasa", "page larger than KLIPING_MAX_PAGE_BYTES (10485760 bytes)"),
    ],
)
def test_an_article_that_cannot_be_read_is_named(site: SampleSite, case: str, reason: str) -> None:
    # The sample's broken-pages feed lists every bad case; the pattern keeps only this one.
    pattern = re.compile(rf"/rusak/2025/01/02/{case}$")
    outlet = replace(site.registry()["rusak"], article_pattern=pattern, sections=())
    url = f"{site.base}{broken.PREFIX}{case}"
    assert _one(outlet).startswith(f"BROKEN: article {url}: {reason}")


def test_robots_txt_is_obeyed(site: SampleSite) -> None:
    report = probe_outlet(site.registry()["rusak"], ProbeFetcher(SETTINGS))
    assert f"section {site.base}/private/: disallowed by robots.txt" in report.verdict
    assert site.hits["/private/"] == 0


def test_json_lines_and_exit_code(site: SampleSite, capsys: pytest.CaptureFixture[str]) -> None:
    assert check_live(site.registry(), SETTINGS, as_json=True) == 1
    rows = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [r["outlet"] for r in rows] == list(site.registry())
    by_key = {r["outlet"]: r for r in rows}
    assert by_key["rusak"]["ok"] is False and by_key["rusak"]["verdict"].startswith("BROKEN: ")
    assert by_key["kompas"]["ok"] is True and by_key["kompas"]["verdict"] == "ok"
    assert {s["kind"] for s in by_key["kompas"]["sources"]} == {"feed", "section"}
    assert by_key["kompas"]["article"]["url"].endswith("?page=all")  # the one-page view


def test_table_and_exit_code_when_all_work(
    site: SampleSite, capsys: pytest.CaptureFixture[str]
) -> None:
    assert check_live(_content(site), SETTINGS) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].split() == ["outlet", "sources", "articles", "fields", "verdict"]
    assert lines[1].split() == ["detik", "2/2", "8", "4/4", "ok"]
    assert lines[-1] == "11/11 outlets ok"


def test_the_command(site: SampleSite, tmp_path: Path) -> None:
    registry = tmp_path / "outlets.toml"
    registry.write_text(site.registry_text())
    env = kliping_env("", registry, tmp_path / "home")
    done = subprocess.run(
        [sys.executable, "-m", "kliping", "outlets", "check", "--live"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 1, done.stderr
    assert re.search(
        r"^rusak +1/2 +9 +- +BROKEN: section \S+/private/: disallowed", done.stdout, re.M
    )
    assert done.stdout.rstrip().endswith("11/12 outlets ok; broken: rusak")


# -- a server that records what it was asked, with a robots.txt of the test's choosing -------


class _Recorder(BaseHTTPRequestHandler):
    robots: tuple[int, bytes] = (200, b"")
    seen: list[tuple[str, str]]
    stall: float = 0.0  # seconds to wait before answering anything but robots.txt

    def log_message(self, format: str, *args: object) -> None:
        pass

    def do_GET(self) -> None:
        self.seen.append((self.path, self.headers.get("User-Agent", "")))
        status, body = self.robots if self.path == "/robots.txt" else (404, b"not here")
        if self.path != "/robots.txt":
            time.sleep(self.stall)
        self.send_response(status)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


@pytest.fixture
def recorder() -> Iterator[tuple[str, type[_Recorder]]]:
    handler = type("Handler", (_Recorder,), {"seen": []})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", handler
    finally:
        server.shutdown()
        server.server_close()


def _outlet(base: str) -> Outlet:
    return Outlet(
        key="lokal",
        name="Lokal",
        domains=("127.0.0.1",),
        article_pattern=re.compile(r"/berita/\d+$"),
        feeds=(f"{base}/rss.xml",),
        sections=(f"{base}/terkini",),
    )


def test_user_agent_and_agent_specific_robots_rules(
    recorder: tuple[str, type[_Recorder]],
) -> None:
    base, handler = recorder
    handler.robots = (200, b"User-agent: kliping-test\nDisallow: /rss.xml\n")
    verdict = _one(_outlet(base))
    assert f"feed {base}/rss.xml: disallowed by robots.txt" in verdict
    assert f"section {base}/terkini: HTTP 404" in verdict
    # robots.txt once, then only what it allows, always with the configured User-Agent.
    assert handler.seen == [("/robots.txt", SETTINGS.user_agent), ("/terkini", SETTINGS.user_agent)]


def test_an_unreachable_robots_txt_means_fetching_nothing(
    recorder: tuple[str, type[_Recorder]],
) -> None:
    base, handler = recorder
    handler.robots = (503, b"maintenance")
    verdict = _one(_outlet(base))
    assert "robots.txt unreachable (HTTP 503)" in verdict
    assert [path for path, _ in handler.seen] == ["/robots.txt"]


def test_a_site_that_is_down() -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]  # closed when the block ends: nothing listens there
    verdict = _one(_outlet(f"http://127.0.0.1:{port}"))
    assert verdict.startswith(
        f"BROKEN: feed http://127.0.0.1:{port}/rss.xml: robots.txt unreachable"
    )
    assert "no article found in any source" in verdict


def test_the_probe_waits_as_long_as_settings_say(recorder: tuple[str, type[_Recorder]]) -> None:
    # The probe fetches through the extract command's fetcher with KLIPING_DOWNLOAD_TIMEOUT: a
    # feed answering after 1.5 s fails under a 0.5 s timeout and is read under the default 30 s.
    base, handler = recorder
    handler.stall = 1.5
    outlet = replace(_outlet(base), sections=())
    quick = replace(SETTINGS, download_timeout=0.5)
    verdict = probe_outlet(outlet, ProbeFetcher(quick)).verdict
    assert verdict.startswith(f"BROKEN: feed {base}/rss.xml: fetch failed"), verdict
    assert _one(outlet).startswith(f"BROKEN: feed {base}/rss.xml: HTTP 404")
