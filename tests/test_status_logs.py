"""What an operator reads: `kliping status` (WIB, failure reasons, a running run's progress),
the crawl's log (one line per failure, no tracebacks, reasons never empty), and the database
errors' one-line messages with their exit codes."""

from __future__ import annotations

import json
import logging
import re
import socket
from pathlib import Path

import psycopg
import pytest
from psycopg.conninfo import conninfo_to_dict, make_conninfo

from kliping.config import logs
from kliping.sample_site.server import SampleSite
from tests.fix_db import rows
from tests.fix_site import Kliping, kliping_env, wait_for


def test_status_shows_wib_times_failure_reasons_and_a_running_runs_progress(
    kliping: Kliping, db_url: str
) -> None:
    assert kliping.run("crawl", "rusak").returncode == 0
    rows(
        db_url,
        "INSERT INTO crawl_runs (outlet, trigger, pages_fetched, articles_new,"
        " articles_skipped, failures) VALUES ('tempo', 'manual', 7, 3, 2, 1) RETURNING id",
    )
    out = kliping.run("status").stdout
    assert "daemon: not running" in out
    rusak = out[out.index("\nrusak") :]
    assert re.search(r"rusak\s+partial\s+\d\d \w{3} \d\d:\d\d WIB", rusak), rusak
    assert re.search(r"failures: [a-z ]+.* ×\d", rusak), rusak  # the reasons, not only --json
    assert "so far: 7 pages, 3 new, 2 already stored, 1 failed" in out
    assert "times in WIB" in out
    assert not re.search(r"\d{4}-\d\d-\d\dT\d\d:\d\d", out)  # no bare UTC ISO times
    report = kliping.run("status", "--json").stdout
    assert '+07:00"' in report


def test_status_names_drifting_sources_and_failed_alerts(kliping: Kliping, db_url: str) -> None:
    # tempo's feed gave articles in three runs, then none of its 10 entries (its URLs moved).
    for accepted in (8, 9, 7, 0):
        (run,) = rows(
            db_url,
            "INSERT INTO crawl_runs (outlet, trigger, status, finished_at)"
            " VALUES ('tempo', 'schedule', 'ok', now()) RETURNING id",
        )
        rows(
            db_url,
            "INSERT INTO source_stats (run_id, source, kind, entries, accepted, rejected_sample)"
            " VALUES (%s, 'https://tempo.example/rss', 'feed', 10, %s, %s) RETURNING run_id",
            run[0], accepted, ["https://tempo.example/2026/baru-1"] if not accepted else [],
        )  # fmt: skip
    (watchlist,) = rows(
        db_url, "INSERT INTO watchlists (name, query) VALUES ('gempa', 'gempa') RETURNING id"
    )
    rows(
        db_url,
        "INSERT INTO alert_outbox (watchlist_id, reason, event_key, articles, target,"
        " idempotency_key, payload, status, attempts, last_error) VALUES (%s, 'new', 1, '{1}',"
        " 'webhook:https://hooks.example/t0ken', gen_random_uuid(), '{}', 'failed', 3, 'HTTP 410')"
        " RETURNING id",
        watchlist[0],
    )
    out = kliping.run("status").stdout
    assert "drift: tempo https://tempo.example/rss: 80% of its entries were articles" in out
    assert "now none of 10 entries; e.g. https://tempo.example/2026/baru-1" in out
    assert "failed alert deliveries: 1 (newest: watchlist gempa, webhook: HTTP 410)" in out
    assert "t0ken" not in out  # a webhook URL may carry a secret
    report = json.loads(kliping.run("status", "--json").stdout)
    assert [d["outlet"] for d in report["drift"]] == ["tempo"]
    assert report["failed_alerts"][0]["attempts"] == 3


def test_outlets_table_explains_its_sources_column(kliping: Kliping) -> None:
    out = kliping.run("outlets").stdout
    assert re.search(r"\d+f \d+s \d+p", out)
    assert "f = RSS/Atom feeds, s = news sitemaps, p = section pages" in out


@pytest.mark.slow
def test_a_running_crawl_saves_its_progress(kliping: Kliping, db_url: str) -> None:
    env = dict(kliping.env, KLIPING_DOWNLOAD_DELAY="1", KLIPING_CONCURRENCY_PER_DOMAIN="1")
    crawl = Kliping(env).start("crawl", "kompas")
    try:
        wait_for(
            lambda: rows(db_url, "SELECT 1 FROM crawl_runs WHERE status = 'running'"
                         " AND pages_fetched > 0"),
            60, "a running run with counts",
        )  # fmt: skip
    finally:
        crawl.wait(120)
    assert rows(db_url, "SELECT status FROM crawl_runs") == [("ok",)]


def _refused_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])  # closed again: connections are refused


@pytest.mark.slow
def test_unreachable_outlets_log_one_line_each_without_traceback(
    db_url: str, tmp_path: Path
) -> None:
    port = _refused_port()
    registry = tmp_path / "outlets.toml"
    registry.write_text(
        "".join(
            f'[gone{i}]\nname = "Gone {i}"\ndomains = ["127.0.0.1"]\n'
            f"article_pattern = '^http://127.0.0.1:{port}/{i}/.+$'\n"
            f'feeds = ["http://127.0.0.1:{port}/{i}/rss.xml"]\n'
            for i in range(3)
        )
    )
    env = kliping_env(db_url, registry, tmp_path / "home")
    done = Kliping(env).run("crawl")
    assert done.returncode == 1  # nothing could be fetched
    assert "Traceback" not in done.stderr
    failed = [line for line in done.stderr.splitlines() if "failed http://" in line]
    assert len(failed) == 3 and all("refused" in line for line in failed), done.stderr
    assert "Gave up retrying" not in done.stderr  # kliping's line says it once
    assert "…" not in done.stderr  # no progress line when stderr is not a terminal
    assert len(done.stderr.splitlines()) < 20, done.stderr


def test_a_reason_left_empty_by_a_library_is_named() -> None:
    record = logging.LogRecord(
        "scrapy.downloadermiddlewares.retry", logging.ERROR, __file__, 1,
        "Gave up retrying %(request)s (failed %(retry_times)d times): %(reason)s",
        ({"request": "<GET http://x/>", "retry_times": 4, "reason": ConnectionResetError()},),
        None,
    )  # fmt: skip
    logs._Complete().filter(record)
    assert record.getMessage().endswith("(failed 4 times): ConnectionResetError")


def test_wrong_password_is_authentication_failed_with_exit_77(
    kliping: Kliping, db_url: str
) -> None:
    wrong = make_conninfo(db_url, password="not-" + conninfo_to_dict(db_url)["password"])
    done = Kliping(dict(kliping.env, DATABASE_URL=wrong)).run("stories")
    assert done.returncode == 77
    assert done.stderr.strip() == (
        "kliping: database authentication failed: check the user and password in"
        " DATABASE_URL (or KLIPING_HOME/postgres.json)"
    )
    with psycopg.connect(db_url) as conn:  # the right one still works
        assert conn.execute("SELECT 1").fetchone() == (1,)


def test_sample_site_is_served(site: SampleSite) -> None:
    assert site.address == site.base  # no public base given: served where it says
