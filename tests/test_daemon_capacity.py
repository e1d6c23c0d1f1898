"""KLIPING_MAX_CRAWLS on a real daemon: a slow sample site, more outlets due than places; never
more crawl children at once than the bound (read from /proc and from the runs' own times),
the bound is reached, the others wait as 'queued' in `kliping status`, and all get crawled."""

from __future__ import annotations

import json
import os
import signal

import pytest

from lab.procs import crawl_children
from tests.fix_db import rows
from tests.fix_site import Kliping, wait_for

pytestmark = pytest.mark.slow  # starts a daemon and its crawls

OUTLETS = ["detik", "kompas", "tribunnews", "antaranews", "liputan6", "tempo"]
BOUND = 2


def _most_at_once(db_url: str) -> int:
    """The most runs whose [started, finished] spans overlap, from the runs' own times."""
    spans = rows(db_url, "SELECT started_at, finished_at FROM crawl_runs")
    edges = sorted(
        [(s, 1) for s, _ in spans] + [(f, -1) for _, f in spans if f is not None],
        key=lambda e: (e[0], e[1]),
    )  # an end before a start at the same instant
    most = now = 0
    for _, step in edges:
        now += step
        most = max(most, now)
    return most


def test_never_more_crawls_than_the_bound_and_the_rest_queue(kliping: Kliping, db_url: str) -> None:
    # A polite delay on a loopback site: each crawl lasts long enough for the others to queue.
    env = {"KLIPING_MAX_CRAWLS": str(BOUND), "KLIPING_DOWNLOAD_DELAY": "0.3"}
    daemon = kliping.daemon(*OUTLETS, "--every", "3600", **env)
    seen_children, seen_queued = [], []
    try:

        def all_crawled() -> bool:
            seen_children.append(crawl_children(daemon.pid))
            assert daemon.poll() is None, daemon.stderr.read() if daemon.stderr else ""
            done = rows(db_url, "SELECT count(DISTINCT outlet) FROM crawl_runs"
                        " WHERE status <> 'running'")[0][0]  # fmt: skip
            return done == len(OUTLETS)

        def queued_in_status() -> list[str]:
            report = json.loads(kliping.run("status", "--json").stdout)
            queued = report["crawls"]["queued"]
            if queued:
                seen_queued.append(report)
            return queued

        wait_for(queued_in_status, 120, "an outlet shown as queued by `kliping status`")
        wait_for(all_crawled, 300, "every outlet crawled once")
    finally:
        os.killpg(daemon.pid, signal.SIGTERM)
        daemon.wait(60)
    assert max(seen_children) <= BOUND, seen_children
    assert _most_at_once(db_url) == BOUND  # reached, never passed
    report = seen_queued[0]
    for key in report["crawls"]["queued"]:
        entry = report["outlets"][key]
        assert entry["queued_since"] and entry["overdue_seconds"] >= 0
        assert not entry["running"]
    assert len(report["crawls"]["running"]) <= BOUND
    overdue = [report["outlets"][k]["overdue_seconds"] for k in report["crawls"]["queued"]]
    assert overdue == sorted(overdue, reverse=True)  # the next to start first
    finished = rows(db_url, "SELECT count(*) FROM crawl_runs WHERE status IN ('ok', 'partial')")
    assert finished[0][0] >= len(OUTLETS)
