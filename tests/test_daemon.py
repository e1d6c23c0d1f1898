"""The daemon in real processes against the sample site and a real Postgres."""

from __future__ import annotations

import os
import signal
import subprocess
import time

import pytest

from kliping.sample_site.server import SampleSite
from tests.fix_db import rows
from tests.fix_site import Kliping, wait_for

pytestmark = pytest.mark.slow  # starts daemons


def _daemon(kliping: Kliping, started: list, *args: str, **env: str) -> subprocess.Popen[str]:
    proc = kliping.daemon(*args, **env)
    started.append(proc)
    return proc


def test_scheduled_runs_happen_and_status_reports_them(
    kliping: Kliping, db_url: str, daemons: list
) -> None:
    daemon = _daemon(kliping, daemons, "tempo", "detik", "--every", "3")
    wait_for(
        lambda: rows(db_url, "SELECT count(*) FROM crawl_runs WHERE outlet = 'tempo'"
                      " AND status = 'ok'")[0][0] >= 2,
        120, "two scheduled runs of tempo",
    )  # fmt: skip
    status = kliping.run("status", "--json")
    import json

    report = json.loads(status.stdout)
    assert report["daemon"]["alive"] is True
    assert report["outlets"]["tempo"]["last_run"]["status"] in ("ok", "running")
    assert report["outlets"]["detik"]["next_run"]
    second = kliping.run("daemon", "tempo")
    assert second.returncode == 1 and "already schedules this database" in second.stderr
    daemon.send_signal(signal.SIGTERM)
    assert daemon.wait(60) == 0
    assert not kliping.run("status", "--json").stdout.count('"alive": true')
    # The scheduled crawls clustered what they stored.
    assert (
        rows(db_url, "SELECT count(*) FROM story_members")[0][0]
        == rows(db_url, "SELECT count(*) FROM articles")[0][0]
    )


def test_trigger_from_another_process_starts_a_crawl(
    kliping: Kliping, db_url: str, daemons: list
) -> None:
    _daemon(kliping, daemons, "tempo", "--every", "3600")
    wait_for(lambda: rows(db_url, "SELECT 1 FROM crawl_runs WHERE outlet = 'tempo'"
                        " AND status <> 'running'"), 90, "the start-up crawl")  # fmt: skip
    assert kliping.run("trigger", "tempo").returncode == 0
    # How fast the request is taken is a latency, measured in bench/, not asserted here.
    wait_for(
        lambda: rows(db_url, "SELECT 1 FROM crawl_requests WHERE status <> 'pending'"),
        60, "the daemon to take the request",
    )  # fmt: skip
    wait_for(lambda: rows(db_url, "SELECT 1 FROM crawl_runs WHERE trigger = 'manual'"
                        " AND status = 'ok'"), 90, "the manual run")  # fmt: skip


def test_triggers_during_a_run_are_queued_once_and_never_overlap(
    kliping: Kliping, db_url: str, daemons: list
) -> None:
    slow = {"KLIPING_DOWNLOAD_DELAY": "0.4", "KLIPING_CONCURRENCY_PER_DOMAIN": "1"}
    daemon = _daemon(kliping, daemons, "kompas", "--every", "3600", **slow)
    wait_for(lambda: rows(db_url, "SELECT 1 FROM crawl_runs WHERE status = 'running'"),
          60, "the start-up crawl")  # fmt: skip
    first = kliping.run("trigger", "kompas")
    second = kliping.run("trigger", "kompas")
    assert "queued" in first.stdout and "already queued" in second.stdout
    wait_for(lambda: len(rows(db_url, "SELECT 1 FROM crawl_runs WHERE status <> 'running'")) >= 2,
          120, "the queued run")  # fmt: skip
    time.sleep(3)  # nothing else may start
    daemon.send_signal(signal.SIGTERM)
    assert daemon.wait(60) == 0
    spans = rows(db_url, "SELECT started_at, finished_at FROM crawl_runs ORDER BY id")
    assert len(spans) == 2
    assert spans[0][1] <= spans[1][0]  # one after the other, never together
    urls = [r[0] for r in rows(db_url, "SELECT url FROM articles")]
    assert len(urls) == len(set(urls))


def test_sigterm_mid_crawl_exits_0_and_writes_nothing_half(
    kliping: Kliping, db_url: str, daemons: list
) -> None:
    slow = {"KLIPING_DOWNLOAD_DELAY": "0.5", "KLIPING_CONCURRENCY_PER_DOMAIN": "1"}
    daemon = _daemon(kliping, daemons, "tribunnews", "kompas", "--every", "3600", **slow)
    wait_for(lambda: rows(db_url, "SELECT 1 FROM articles"), 60, "a first stored article")
    daemon.send_signal(signal.SIGTERM)
    assert daemon.wait(45) == 0, daemon.stderr.read()[-2000:] if daemon.stderr else ""
    statuses = {r[0] for r in rows(db_url, "SELECT status FROM crawl_runs")}
    assert "running" not in statuses
    assert "abandoned" in statuses
    broken = rows(db_url, "SELECT url FROM articles WHERE text = '' OR title IS NULL")
    assert broken == []


def test_kill_9_mid_crawl_then_restart_finishes_without_loss_or_doubles(
    kliping: Kliping, site: SampleSite, db_url: str, daemons: list
) -> None:
    slow = {"KLIPING_DOWNLOAD_DELAY": "0.5", "KLIPING_CONCURRENCY_PER_DOMAIN": "1"}
    daemon = _daemon(kliping, daemons, "kompas", "--every", "3600", **slow)
    wait_for(lambda: rows(db_url, "SELECT 1 FROM articles"), 60, "a first stored article")
    os.killpg(daemon.pid, signal.SIGKILL)  # the daemon and its crawl child, mid-run
    daemon.wait()
    assert rows(db_url, "SELECT status FROM crawl_runs") == [("running",)]
    again = _daemon(kliping, daemons, "kompas", "--every", "3600")
    expected = {site.url(a) for a in site.corpus if a.outlet == "kompas"}
    wait_for(
        lambda: {r[0] for r in rows(db_url, "SELECT url FROM articles")} == expected,
        90, "every kompas article",
    )  # fmt: skip
    again.send_signal(signal.SIGTERM)
    assert again.wait(60) == 0
    urls = [r[0] for r in rows(db_url, "SELECT url FROM articles")]
    assert len(urls) == len(set(urls)) == len(expected)
    statuses = [r[0] for r in rows(db_url, "SELECT status FROM crawl_runs ORDER BY id")]
    assert statuses[0] == "abandoned" and statuses[-1] in ("ok", "partial")
