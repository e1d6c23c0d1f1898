"""``kliping web`` over HTTP, the operator's side: outlet health, articles, the API's
documentation, the read-only role, a database that goes away, and the command itself."""

from __future__ import annotations

import socket
import subprocess
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from html import unescape
from pathlib import Path
from zoneinfo import ZoneInfo

import psycopg
import pytest
from psycopg import sql
from psycopg.conninfo import make_conninfo

from kliping.crawler.drift import assess
from kliping.storage.sources import source_history
from tests.fix_db import _fresh_database, database_name, readme_reader
from tests.fix_site import Kliping, kliping_env, wait_for
from tests.fix_web import (
    DRIFT_FEED,
    HOSTILE_REJECTED,
    STEADY_FEED,
    STEADY_SITEMAP,
    Filled,
    Served,
    all_ids,
    api,
    crawl_run,
    page,
    serve,
)

WIB = ZoneInfo("Asia/Jakarta")
pytestmark = pytest.mark.slow  # every test here talks to a uvicorn server


# --- outlets, articles, the API's documentation -----------------------------------------------


def test_outlets_show_the_last_crawl_and_articles_per_day(web: Served) -> None:
    found = {o["outlet"]: o for o in api(web, "/api/outlets")["outlets"]}
    runs = dict(web.data.sql("SELECT DISTINCT ON (outlet) outlet, status FROM crawl_runs"
                             " ORDER BY outlet, started_at DESC"))  # fmt: skip
    assert runs and all(found[o]["last_run"]["status"] == s for o, s in runs.items())
    today = datetime.now(WIB).date().isoformat()
    stored = dict(web.data.sql(
        "SELECT outlet, count(*) FROM articles"
        " WHERE (fetched_at AT TIME ZONE 'Asia/Jakarta')::date = %s GROUP BY 1",
        (today,)))  # fmt: skip
    for outlet, n in stored.items():
        assert found[outlet]["articles_per_day"][today] == n, outlet
        assert len(found[outlet]["articles_per_day"]) == 14
    ok = [o for o in found.values() if o["last_run"] and o["last_run"]["status"] == "ok"]
    assert ok and not any(o["failing"] or o["stale"] for o in ok)  # crawled a minute ago
    html = page(web, "/outlets")
    assert all(f"<strong>{o}</strong>" in html for o in runs)


def test_outlet_with_failed_runs_is_failing_and_stale(web: Served) -> None:
    with psycopg.connect(web.data.url, autocommit=True) as conn:
        for hours in (3, 2, 1):
            conn.execute(
                "INSERT INTO crawl_runs (outlet, trigger, started_at, finished_at, status,"
                " failures, failure_reasons, error) VALUES ('mati', 'schedule',"
                " now() - make_interval(hours => %s), now() - make_interval(hours => %s),"
                " 'failed', 4, '{\"http_503\": 3, \"timeout\": 1}', 'every page failed')",
                (hours, hours),
            )
    mati = next(o for o in api(web, "/api/outlets")["outlets"] if o["outlet"] == "mati")
    assert mati["failing"] and mati["stale"] and mati["last_success"] is None
    assert mati["last_run"]["failure_reasons"] == {"http_503": 3, "timeout": 1}
    html = page(web, "/outlets")
    row = html[html.index("<strong>mati</strong>") :]
    row = row[: row.index("</tr>")]
    assert "failing" in row and "stale" in row and "http_503: 3" in row
    assert "every page failed" in row


def _row(html: str, outlet: str) -> str:
    """The outlet's rows of the Outlets page: its own and the drift details after it."""
    row = html[html.index(f"<strong>{outlet}</strong>") + 1 :]
    end = row.find("<strong>")  # the next outlet's
    return row if end < 0 else row[:end]


def test_a_drifting_source_shows_with_its_evidence_a_steady_one_does_not(web: Served) -> None:
    found = {o["outlet"]: o for o in api(web, "/api/outlets")["outlets"]}
    sindo, okezone = found["sindonews"], found["okezone"]
    # The rule is kliping status's (crawler/drift.py over the same stored rows).
    with psycopg.connect(web.data.url) as conn:
        (expected,) = assess(source_history(conn, ["sindonews", "okezone"]))
    assert sindo["drift"] and not okezone["drift"]
    feed, sitemap = sindo["sources"]  # sorted by URL
    assert (feed["source"], sitemap["source"]) == (DRIFT_FEED, STEADY_SITEMAP)
    assert feed["drift"] == expected.reason and "none of 20 entries" in feed["drift"]
    assert feed["usual_share"] == 0.975 and feed["accepted_share"] == 0.0  # 39 of 40; 0 of 20
    assert feed["baseline_runs"] == 2 and feed["rejected_sample"] == list(HOSTILE_REJECTED)
    assert sitemap["drift"] is None and sitemap["accepted_share"] == 1.0
    assert [s["source"] for s in okezone["sources"]] == [STEADY_FEED]
    assert okezone["sources"][0]["drift"] is None and okezone["sources"][0]["usual_share"] == 0.9
    # Crawled once, the sample site's outlets have no baseline: nothing judged, no drift.
    assert not any(o["drift"] for k, o in found.items() if k != "sindonews")

    html = page(web, "/outlets")
    row = _row(html, "sindonews")
    assert 'class="flag drift"' in row and 'class="flag ok"' not in row
    assert f"<code>{DRIFT_FEED}</code>" in row and expected.reason in unescape(row)
    assert STEADY_SITEMAP not in row  # a steady source of a drifting outlet is not listed
    # The evidence is text: escaped, never markup or a link.
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in row and "<script" not in html
    assert "<code>javascript:alert(2)//baru</code>" in row and 'href="javascript' not in html
    steady = _row(html, "okezone")
    assert 'class="flag ok"' in steady and "drift" not in steady


def test_an_outlet_is_judged_again_when_a_run_of_it_ends(web: Served) -> None:
    feed = "https://kembali.example/rss"

    def kembali() -> dict:
        return next(o for o in api(web, "/api/outlets")["outlets"] if o["outlet"] == "kembali")

    with psycopg.connect(web.data.url, autocommit=True) as conn:
        for _ in range(2):
            crawl_run(conn, "kembali", [(feed, "feed", 10, 10)])
    assert not kembali()["drift"] and not kembali()["drift"]  # judged, then kept (the cache)
    with psycopg.connect(web.data.url, autocommit=True) as conn:
        crawl_run(conn, "kembali", [(feed, "feed", 10, 0)])
    (source,) = kembali()["sources"]
    assert source["drift"] and "none of 10 entries" in source["drift"]
    assert 'class="flag drift"' in _row(page(web, "/outlets"), "kembali")


def test_article_page_shows_text_metadata_and_story(web: Served) -> None:
    article = web.data.seeds[1]
    ((text, title),) = web.data.sql("SELECT text, title FROM articles WHERE id = %s", (article,))
    html = unescape(page(web, f"/articles/{article}"))
    assert title in html and "medcom" in html
    first = next(p for p in text.split("\n") if p.strip())
    assert f"<p>{first}</p>" in html
    assert f'href="/stories/{web.data.story_of(article)}"' in html
    found = api(web, f"/api/articles/{article}")
    assert found["text"] == text and found["story_id"] == web.data.story_of(article)


def test_openapi_documents_the_api_and_filters(web: Served) -> None:
    spec = api(web, "/openapi.json")
    assert {"/api/stories", "/api/stories/{story_id}", "/api/outlets",
            "/api/articles/{article_id}"} <= set(spec["paths"])  # fmt: skip
    params = {p["name"] for p in spec["paths"]["/api/stories"]["get"]["parameters"]}
    assert {"since", "until", "outlet", "min_outlets", "q", "page"} <= params
    html = page(web, "/api/docs")
    assert "GET /api/stories" in html and "min_outlets" in html


def test_head_answers_like_get_without_a_body(web: Served) -> None:
    request = urllib.request.Request(web.base + "/", method="HEAD")
    with urllib.request.urlopen(request, timeout=10) as r:
        assert r.status == 200 and r.read() == b""
        assert "content-security-policy" in {k.lower() for k in r.headers}


def test_nothing_writes(web: Served) -> None:
    for method in ("POST", "PUT", "DELETE"):
        req = urllib.request.Request(web.base + "/api/stories", method=method, data=b"{}")
        try:
            urllib.request.urlopen(req, timeout=10)
            raise AssertionError(method)
        except urllib.error.HTTPError as e:
            assert e.code == 405


# --- the read-only role, the command ----------------------------------------------------------


def test_read_only_role_reads_the_story_pages(web: Served, tmp_path: Path) -> None:
    with (
        psycopg.connect(web.data.url, autocommit=True) as admin,
        readme_reader(admin, web.data.url) as reader_url,
    ):
        with serve(reader_url) as base:
            reader = Served(base, web.data)
            story_id = web.data.story_of(web.data.seeds[0])
            assert all_ids(reader) == all_ids(web)
            assert all_ids(reader, "&q=gempa") == all_ids(web, "&q=gempa")
            assert api(reader, f"/api/stories/{story_id}") == api(web, f"/api/stories/{story_id}")
            assert "poskupang" in page(reader, f"/stories/{story_id}")
            status, _, body = reader.get("/outlets")
            assert status == 403 and "read-only role" in body.decode()
            # An article: what the views carry (its story, outlet, title, URL), no text.
            article = web.data.seeds[0]
            found = api(reader, f"/api/articles/{article}")
            full = api(web, f"/api/articles/{article}")
            assert found["text"] is None and full["text"]
            for key in ("outlet", "title", "url", "published", "story_id", "story_title"):
                assert found[key] == full[key], key
            assert "reads only the views" in page(reader, f"/articles/{article}")
        # `kliping web` itself starts as this role (it may not migrate: it reads as is).
        with _kliping_web(web, reader_url, tmp_path) as reader:
            assert all_ids(reader, "&q=gempa") == all_ids(web, "&q=gempa")


def test_database_gone_is_a_503_not_a_hang(pg_server: str, pg_template: str) -> None:
    with contextmanager(_fresh_database)(pg_server, pg_template) as url, serve(url) as base:
        served = Served(base, Filled(url, (0, 0), 0))
        assert served.get("/api/stories")[0] == 200
        with psycopg.connect(make_conninfo(url, dbname="postgres"), autocommit=True) as admin:
            admin.execute(
                sql.SQL("DROP DATABASE {} WITH (FORCE)").format(sql.Identifier(database_name(url)))
            )
        for path in ("/api/stories", "/"):
            status, _, body = served.get(path)
            assert status == 503, (status, body[:300])
            assert "database is unavailable" in body.decode() and "Traceback" not in body.decode()


def test_a_query_over_the_statement_timeout_is_a_503(
    pg_server: str, pg_template: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A statement that waits (here on a lock another session holds) is cancelled after the
    # timeout, and the reader told why; 300 ms instead of 5 s keeps the test short.
    monkeypatch.setattr("kliping.web.app.STATEMENT_TIMEOUT_MS", 300)
    with contextmanager(_fresh_database)(pg_server, pg_template) as url, serve(url) as base:
        served = Served(base, Filled(url, (0, 0), 0))
        assert served.get("/api/stories")[0] == 200
        with psycopg.connect(url) as locker:
            locker.execute("LOCK TABLE stories IN ACCESS EXCLUSIVE MODE")
            status, _, body = served.get("/api/stories")
            locker.rollback()
        assert status == 503, (status, body[:300])
        assert "took over 300 ms" in body.decode()
        assert served.get("/api/stories")[0] == 200  # the connection is fine afterwards


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def _kliping_web(web: Served, database_url: str, folder: Path) -> Iterator[Served]:
    """`kliping web` in a child process on a free port of 127.0.0.1."""
    port = _free_port()
    env = kliping_env(database_url, folder / "none.toml", folder / "home")
    env.pop("KLIPING_OUTLETS")
    proc = Kliping(env).start("web", "--port", str(port))
    served = Served(f"http://127.0.0.1:{port}", web.data)

    def up() -> bool:
        try:
            return proc.poll() is not None or served.get("/api/stories")[0] == 200
        except urllib.error.URLError:
            return False  # not listening yet

    try:
        wait_for(up, 60, "kliping web")
        assert proc.poll() is None, proc.stderr.read() if proc.stderr else ""
        yield served
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def test_kliping_web_serves_on_loopback(web: Served, tmp_path: Path) -> None:
    with _kliping_web(web, web.data.url, tmp_path) as served:
        assert all_ids(served) == all_ids(web)
        assert served.get("/outlets")[0] == 200
        port = served.base.rsplit(":", 1)[1]
        # Bound to 127.0.0.1 only: the listening socket is not on every address.
        out = subprocess.run(["ss", "-ltnH", f"sport = :{port}"], capture_output=True, text=True)
        if out.returncode == 0:
            assert f"127.0.0.1:{port}" in out.stdout and f"0.0.0.0:{port}" not in out.stdout
