"""Drift under a running daemon: the sample site changes its URL shapes between two crawls."""

from __future__ import annotations

import json
import signal
from typing import Any

import pytest

from kliping.sample_site.server import SampleSite
from tests.fix_db import rows
from tests.fix_site import Kliping, wait_for

pytestmark = pytest.mark.slow  # starts a daemon and its crawl children

FEED_RUNS = (
    "SELECT count(*) FROM source_stats s JOIN crawl_runs r ON r.id = s.run_id"
    " WHERE r.outlet = 'tempo' AND r.status = 'ok' AND s.accepted > 0"
)
RUNS = "SELECT count(*) FROM crawl_runs WHERE outlet = 'tempo' AND status = 'ok'"


def _drift(kliping: Kliping) -> list[dict[str, Any]]:
    report = json.loads(kliping.run("status", "--json").stdout)
    return [d for d in report["drift"] if d["outlet"] == "tempo"]


def test_a_site_that_moves_its_urls_under_a_running_daemon_shows_drift_once(
    site: SampleSite, kliping: Kliping, db_url: str, daemons: list
) -> None:
    daemon = kliping.daemon("tempo", "--every", "2")
    daemons.append(daemon)
    try:
        # Two crawls whose feed entries were articles: the usual share the judgement needs.
        wait_for(lambda: rows(db_url, FEED_RUNS)[0][0] >= 2, 120, "two good crawls of tempo")
        assert _drift(kliping) == []
        site.moved.add("tempo")  # the feed now lists /tempo/baru/<id>: not the registry's shape
        wait_for(lambda: _drift(kliping), 60, "kliping status to report drift")
        seen = rows(db_url, RUNS)[0][0]
        # One more crawl while it still drifts: status keeps saying it, the log does not again.
        wait_for(lambda: rows(db_url, RUNS)[0][0] > seen, 60, "a crawl after the drift")
        assert _drift(kliping)
    finally:
        daemon.send_signal(signal.SIGTERM)
        _, log = daemon.communicate(timeout=60)
        site.moved.discard("tempo")  # the site is the module's: leave it as it was
    (found,) = _drift(kliping)  # the daemon is gone; the history still says it
    assert found["source"] == f"{site.base}/tempo/rss.xml"
    assert "none of" in found["reason"] and "were articles" in found["reason"]
    evidence = found["evidence"]  # sample rejected URLs: the new shape, for a reader to see
    assert evidence and all(u.startswith(f"{site.base}/tempo/baru/") for u in evidence)
    text = kliping.run("status").stdout
    assert f"drift: tempo {site.base}/tempo/rss.xml" in text and "/tempo/baru/" in text
    said = [line for line in log.splitlines() if f"drift: tempo {site.base}/tempo/rss.xml" in line]
    assert len(said) == 1, said
    assert "/tempo/baru/" in said[0]
