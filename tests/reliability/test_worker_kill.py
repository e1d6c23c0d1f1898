"""Crawl workers (KLIPING_WORKERS=external) killed with -9 in the middle of a crawl, again and
again: each killed job is picked up by another worker (procrastinate's stalled-job recovery),
the killed crawl dies with its worker, and in the end every sample article of the crawled
outlets is stored once: 0 lost, 0 doubled. `kliping status` lists the workers and their job."""

from __future__ import annotations

import json
import os
import signal
import subprocess

import pytest

from kliping.sample_site.server import SampleSite
from tests.fix_db import rows
from tests.fix_site import Kliping, wait_for

pytestmark = pytest.mark.slow  # a daemon, workers, crawls, kills

OUTLETS = ["detik", "kompas", "tribunnews", "antaranews", "tempo", "liputan6"]
KILLS = 3


def _start(kliping: Kliping, daemons: list, *args: str, **env: str) -> subprocess.Popen[str]:
    proc = subprocess.Popen(
        kliping.command(*args),
        env=dict(kliping.env, **env),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        text=True,
        start_new_session=True,
    )
    daemons.append(proc)
    return proc


def _parent(pid: int) -> int | None:
    try:
        with open(f"/proc/{pid}/stat") as fh:
            return int(fh.read().rsplit(")", 1)[1].split()[1])
    except OSError:
        return None


def _worker_mid_crawl(db_url: str, workers: list[subprocess.Popen[str]]) -> object:
    """A worker whose crawl child has stored articles but not finished, with its crawl's pid
    (the run's own counts are saved every 10 s: longer than a sample crawl)."""
    running = rows(db_url, "SELECT r.pid FROM crawl_runs r WHERE r.status = 'running' AND"
                   " EXISTS (SELECT 1 FROM articles a WHERE a.run_id = r.id)")  # fmt: skip
    for (pid,) in running:
        for worker in workers:
            if worker.poll() is None and _parent(pid) == worker.pid:
                return worker, pid
    return None


def _report_queue(db_url: str) -> None:
    """What the queue and the runs hold: printed into the failure report of a stuck run."""
    print("jobs:", rows(db_url, "SELECT id, status, attempts, args::text, worker_id, lock"
                        " FROM procrastinate_jobs ORDER BY id"))  # fmt: skip
    print("runs:", rows(db_url, "SELECT id, outlet, status, failure_reasons::text, pid"
                        " FROM crawl_runs ORDER BY id"))  # fmt: skip
    print("workers:", rows(db_url, "SELECT * FROM procrastinate_workers"))


def test_killed_workers_lose_and_double_nothing(
    kliping: Kliping, site: SampleSite, db_url: str, daemons: list
) -> None:
    env = {"KLIPING_WORKERS": "external", "KLIPING_DOWNLOAD_DELAY": "0.3"}
    workers = [_start(kliping, daemons, "worker", "--concurrency", "2", **env) for _ in range(2)]
    # Each outlet queued once: a killed crawl comes back only through the stalled-job
    # recovery (no later schedule to hide a lost job), and is the next one killed.
    daemon = _start(kliping, daemons, "daemon", *OUTLETS, "--every", "3600", **env)
    killed_crawls = []
    for _ in range(KILLS):
        found = wait_for(lambda: _worker_mid_crawl(db_url, workers), 180, "a crawl under way")
        worker, crawl_pid = found  # type: ignore[misc]
        report = json.loads(kliping.run("status", "--json").stdout)
        # `kliping status` lists live workers with their current job (the crawls' own list is
        # a separate snapshot a moment apart, so the two are not compared).
        assert [w for w in report["workers"] if w["job"] and w["alive"]], report["workers"]
        os.kill(worker.pid, signal.SIGKILL)
        worker.wait()
        killed_crawls.append(crawl_pid)
        workers.append(_start(kliping, daemons, "worker", "--concurrency", "2", **env))
    daemon.send_signal(signal.SIGTERM)
    assert daemon.wait(60) == 0

    def settled() -> bool:
        jobs = rows(db_url, "SELECT count(*) FROM procrastinate_jobs WHERE status IN"
                    " ('todo', 'doing')")[0][0]  # fmt: skip
        crawled = rows(db_url, "SELECT count(DISTINCT outlet) FROM crawl_runs WHERE status"
                       " IN ('ok', 'partial')")[0][0]  # fmt: skip
        return jobs == 0 and crawled == len(OUTLETS)

    try:
        # Under pytest-timeout's 300 s for the whole test, so that a stuck queue is reported
        # with its state (a passing run settles in seconds).
        wait_for(settled, 150, "every job done and every outlet crawled")
    except TimeoutError:
        _report_queue(db_url)
        raise
    # The killed crawls died with their workers (PR_SET_PDEATHSIG), their runs left behind.
    for pid in killed_crawls:
        assert _parent(pid) is None or not os.path.exists(f"/proc/{pid}")
    expected = {site.url(a): a for a in site.corpus if a.outlet in OUTLETS}
    stored = rows(db_url, "SELECT url, pages FROM articles WHERE outlet = ANY(%s)", OUTLETS)
    urls = [url for url, _ in stored]
    assert set(expected) <= set(urls)  # 0 lost
    assert len(urls) == len(set(urls))  # 0 doubled
    for url, pages in stored:
        if url in expected:  # whole: a kill never leaves an article cut at a page
            article = expected[url]
            assert pages == (article.n_pages if article.outlet in ("liputan6", "tempo") else 1)
    members = rows(db_url, "SELECT count(*), count(DISTINCT article_id) FROM story_members")[0]
    assert members[0] == members[1] == rows(db_url, "SELECT count(*) FROM articles")[0][0]
    failed = rows(db_url, "SELECT count(*) FROM procrastinate_jobs WHERE status = 'failed'")
    assert failed[0][0] == 0
