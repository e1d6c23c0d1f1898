"""For the web tests: a database filled by a real crawl of the sample site (plus the seeds'
story, an article with a hostile title, failing and drifting outlets' runs), and
``kliping web``'s app served by uvicorn on 127.0.0.1 in a thread."""

from __future__ import annotations

import json
import re
import socket
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import psycopg
import pytest
import uvicorn

from kliping.config.outlets import load_registry
from kliping.dedup.store import cluster_pending
from kliping.sample_site.badpages import MALICIOUS_TITLES
from kliping.sample_site.server import SampleSite
from kliping.storage.articles import ArticleRecord, upsert_article
from kliping.storage.runs import finish_run, start_run
from kliping.storage.sources import record_source
from kliping.web.app import create_app
from tests.fix_db import _fresh_database
from tests.fix_site import Kliping, kliping_env

SEEDS = Path(__file__).resolve().parents[2] / "shared" / "seeds"
HOSTILE_TITLE = next(t for t in MALICIOUS_TITLES if "<script>" in t)
# A stored URL that must never become a link (an outlet's feed could carry one).
HOSTILE_URL = "javascript:alert(document.domain)//hostile"
# Drift (the Outlets page's third case): sindonews's feed stops giving articles, its sitemap
# does not; okezone's one feed keeps giving them. Its rejected URLs are a feed's text, hostile.
DRIFT_FEED = "https://sindonews.example/rss"
STEADY_SITEMAP = "https://sindonews.example/sitemap.xml"
STEADY_FEED = "https://okezone.example/rss"
HOSTILE_REJECTED = (
    "https://sindonews.example/baru/<script>alert(1)</script>",
    "javascript:alert(2)//baru",
    "https://sindonews.example/baru/3",
)


def store(
    conn: psycopg.Connection, outlet: str, when: str, title: str, text: str, url: str = ""
) -> int:
    record = ArticleRecord(
        url=url
        or f"https://{outlet}.example/{when[:10]}/{re.sub(r'[^a-z0-9]+', '-', title.lower())}",
        outlet=outlet,
        title=title,
        text=text,
        published=datetime.fromisoformat(when),
        authors=(),
        language="id",
        pages=1,
    )
    return upsert_article(conn, record)[0]


@dataclass(frozen=True)
class Filled:
    url: str
    seeds: tuple[int, int]  # poskupang's and medcom's Biden–Putin articles
    hostile: int  # the article whose title is a <script>

    def sql(self, query: str, params: tuple = ()) -> list[tuple]:
        with psycopg.connect(self.url) as conn:
            return conn.execute(query, params).fetchall()

    def story_of(self, article_id: int) -> int:
        return self.sql("SELECT story_id FROM story_articles WHERE article_id = %s", (article_id,))[
            0
        ][0]


Listing = tuple[str, str, int, int]  # a source's URL, kind, entries and accepted entries


def crawl_run(conn: psycopg.Connection, outlet: str, listings: list[Listing]) -> None:
    """One finished run of ``outlet`` whose sources listed (URL, kind, entries, accepted): what
    a crawl records (storage/sources.py), as tests/test_drift.py makes them."""
    run_id = start_run(conn, outlet, "schedule")
    for source, kind, entries, accepted in listings:
        rejected = HOSTILE_REJECTED if accepted == 0 else ()
        record_source(conn, run_id, source, kind, entries, accepted, list(rejected))
    finish_run(conn, run_id, "ok", {"pages_fetched": 20, "articles_new": 5})


def drifting_runs(conn: psycopg.Connection) -> None:
    """Three runs each of sindonews (its feed drifts in the last) and okezone (steady)."""
    for accepted in (19, 20, 0):
        crawl_run(conn, "sindonews", [(DRIFT_FEED, "feed", 20, accepted),
                                   (STEADY_SITEMAP, "sitemap", 10, 10)])  # fmt: skip
        crawl_run(conn, "okezone", [(STEADY_FEED, "feed", 20, 18)])


def fill(url: str, site: SampleSite, folder: Path) -> Filled:
    registry = folder / "outlets.toml"
    registry.write_text(site.registry_text())
    done = Kliping(kliping_env(url, registry, folder / "home")).run("crawl")
    assert done.returncode == 0, done.stderr[-3000:]
    with psycopg.connect(url, autocommit=True) as conn:
        seeds = (
            store(conn, "poskupang", "2021-12-31T07:30:00+07:00",
                  "Putin Peringatkan Biden, Sanksi Baru atas Ukraina Bisa Putus Hubungan AS-Rusia",
                  (SEEDS / "poskupang_biden_putin.txt").read_text("utf-8").strip()),
            store(conn, "medcom", "2021-12-31T09:45:00+07:00",
                  "Biden Ancam Respons Tegas Jika Rusia Serbu Ukraina, "
                  "Putin: Sanksi Kesalahan Besar",
                  (SEEDS / "medcom_biden_putin.txt").read_text("utf-8").strip()),
        )  # fmt: skip
        hostile = store(
            conn, "tempo", "2025-01-04T09:00:00+07:00", HOSTILE_TITLE,
            "Paragraf pertama berita uji <b>tebal</b> dengan skrip.\n"
            "Paragraf kedua: <img src=x onerror=alert(1)> tetap teks biasa.",
            url=HOSTILE_URL,
        )  # fmt: skip
        cluster_pending(conn)
        # An outlet whose crawls fail (the Outlets page's other case): two failed runs.
        for hours in (2, 1):
            conn.execute(
                "INSERT INTO crawl_runs (outlet, trigger, started_at, finished_at, status,"
                " pages_fetched, failures, failure_reasons, error) VALUES ('kumparan',"
                " 'schedule', now() - make_interval(hours => %s),"
                " now() - make_interval(hours => %s) + interval '40 seconds', 'failed', 12, 12,"
                " '{\"http_403\": 9, \"timeout\": 3}', 'every page refused (HTTP 403)')",
                (hours, hours),
            )
        drifting_runs(conn)
    return Filled(url, seeds, hostile)


@dataclass(frozen=True)
class Served:
    base: str
    data: Filled

    def get(self, path: str) -> tuple[int, dict[str, str], bytes]:
        """Status, headers (lower-case names) and body of GET path; errors are answers too."""
        try:
            with urllib.request.urlopen(self.base + path, timeout=30) as r:
                return r.status, {k.lower(): v for k, v in r.headers.items()}, r.read()
        except urllib.error.HTTPError as e:
            return e.code, {k.lower(): v for k, v in e.headers.items()}, e.read()


@contextmanager
def serve(conninfo: str) -> Iterator[str]:
    """The app on 127.0.0.1 (a free port) in a thread; yields its base URL."""
    app = create_app(conninfo, dict(load_registry()))
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", access_log=False))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        assert thread.is_alive() and time.monotonic() < deadline, "uvicorn did not start"
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=30)
        sock.close()


@contextmanager
def filled_and_served(
    pg_server: str, pg_template: str, site: SampleSite, folder: Path
) -> Iterator[Served]:
    """A fresh database filled by ``fill``, served: what each web test module reads."""
    with contextmanager(_fresh_database)(pg_server, pg_template) as url:
        data = fill(url, site, folder)
        with serve(url) as base:
            yield Served(base, data)


def api(web: Served, path: str) -> Any:
    status, headers, body = web.get(path)
    assert status == 200, (path, status, body[:500])
    assert headers["content-type"].startswith("application/json")
    return json.loads(body)


def page(web: Served, path: str) -> str:
    status, headers, body = web.get(path)
    assert status == 200, (path, status, body[:500])
    assert headers["content-type"].startswith("text/html")
    return body.decode()


def all_ids(web: Served, query: str = "", per_page: int = 200) -> list[int]:
    """Story ids of /api/stories, every page walked."""
    ids: list[int] = []
    for n in range(1, 100):
        found = api(web, f"/api/stories?per_page={per_page}&page={n}{query}")
        ids += [s["id"] for s in found["stories"]]
        if not found["more"]:
            return ids
    raise AssertionError("paging never ended")


@pytest.fixture(scope="module")
def web(
    pg_server: str, pg_template: str, site: SampleSite, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Served]:
    """A database filled by a crawl of the sample site plus the seeds' story, served by
    ``kliping web`` on 127.0.0.1 (one per test module)."""
    if not SEEDS.exists():
        pytest.skip(f"{SEEDS} not present (the repo is expected next to ../shared)")
    with filled_and_served(pg_server, pg_template, site, tmp_path_factory.mktemp("web")) as web:
        yield web
