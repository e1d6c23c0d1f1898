"""`kliping backfill` and `kliping worker` (KLIPING_WORKERS=external) in real processes: one job
per outlet and day, crawled by a worker from the day's archive pages, and recorded as backfill."""

from __future__ import annotations

import os
import signal
import subprocess
from datetime import date

import pytest

from kliping.sample_site.server import SampleSite
from tests.fix_db import rows
from tests.fix_site import Kliping, wait_for

pytestmark = pytest.mark.slow  # a worker and its crawls


def test_backfill_days_are_crawled_by_a_worker(
    kliping: Kliping, site: SampleSite, db_url: str
) -> None:
    days = sorted({date.fromisoformat(a.record["published"][:10]) for a in site.corpus
                   if a.outlet == "detik"})[:2]  # fmt: skip
    env = dict(kliping.env, KLIPING_WORKERS="external")
    for day in days:
        done = subprocess.run(kliping.command("backfill", "detik", "--since", day.isoformat()),
                              env=env, capture_output=True, text=True, timeout=120)  # fmt: skip
        assert done.returncode == 0 and "1 backfill jobs queued" in done.stdout, done.stderr
    again = kliping.run("backfill", "detik", "--since", days[0].isoformat())
    assert "0 backfill jobs queued" in again.stdout and "1 already waiting" in again.stdout
    bad = kliping.run("backfill", "detik", "--since", "2026-02-02", "--until", "2026-01-01")
    assert bad.returncode != 0 and "is after" in bad.stderr  # a usage error, nothing queued
    worker = subprocess.Popen(kliping.command("worker", "--concurrency", "1"), env=env,
                              stderr=subprocess.DEVNULL, start_new_session=True)  # fmt: skip
    try:
        wait_for(lambda: rows(db_url, "SELECT count(*) FROM crawl_runs WHERE trigger ="
                              " 'backfill' AND status <> 'running'")[0][0] == 2,
                 180, "both backfill days crawled")  # fmt: skip
    finally:
        os.killpg(worker.pid, signal.SIGTERM)
        worker.wait(90)
    statuses = rows(db_url, "SELECT status FROM crawl_runs WHERE trigger = 'backfill'")
    assert {s for (s,) in statuses} <= {"ok", "partial"}
    # Each day's article of detik is stored, found on that day's archive page.
    stored = {r[0] for r in rows(db_url, "SELECT url FROM articles")}
    for article in site.corpus:
        if article.outlet == "detik" and article.record["published"][:10] in map(str, days):
            assert site.url(article) in stored
