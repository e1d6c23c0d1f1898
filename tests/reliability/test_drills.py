"""bench/faults.py's drills at test size: a killed daemon, Postgres restarts, network faults,
generated broken pages, concurrent crawls. Each compares with a clean crawl made in the same
test session and checks the database's integrity rules (storage/integrity.py)."""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from kliping.sample_site.server import SampleSite, serve
from kliping.storage.embedded import EmbeddedPostgres
from lab.drills import (
    Lab,
    bad_pages,
    concurrency,
    database_faults,
    killed_daemon,
    network_faults,
)

pytestmark = pytest.mark.slow  # kills daemons and Postgres mid-crawl

CLEAN = {"lost": 0, "extra": 0, "changed": 0, "doubled": 0, "half-written": 0, "story faults": 0,
         "unclustered": 0, "run faults": 0}  # fmt: skip


@pytest.fixture(scope="module")
def lab(pg_embedded: EmbeddedPostgres | None, pg_server: str) -> Iterator[Lab]:
    folder = Path(tempfile.mkdtemp(prefix="kliping-lab-"))
    folder.chmod(0o755)  # the crawl children's home; Postgres runs as another user as root
    with serve(SampleSite(scale=60, bad_pages=400)) as site:
        yield Lab(pg_embedded, pg_server, site, folder)


def _clean(figures: dict) -> dict:
    return {k: figures[k] for k in CLEAN}


def test_killed_daemon_loses_doubles_and_half_writes_nothing(lab: Lab) -> None:
    figures = killed_daemon(lab, rounds=3, seed=3)
    assert _clean(figures) == CLEAN, figures
    assert figures["kills mid-crawl"] >= 2  # the drill did hit running crawls
    assert figures["final daemon exit"] == 0


@pytest.mark.parametrize("mode", ["fast", "immediate"])
def test_postgres_restart_under_the_daemon(lab: Lab, mode: str) -> None:
    if lab.server is None:
        pytest.skip("restarts the test server: only with the embedded one")
    figures = database_faults(lab, mode)
    assert _clean(figures) == CLEAN, figures
    assert figures["daemon alive after restart"] is True
    assert figures["daemon said"] >= 1  # "database unavailable" in its log
    assert figures["daemon exit"] == 0


def test_network_faults_end_as_expected(lab: Lab) -> None:
    figures = network_faults(lab)
    bad = [case for case in figures["cases"] if case[2] != case[3]]
    assert bad == [], figures
    assert figures["forbidden fetches"] == 0
    assert figures["tracebacks"] == 0 and figures["exit"] == 0
    hits = {case[0]: case[5] for case in figures["cases"]}
    assert hits["putus-sekali"] == 2 and hits["penuh-sekali"] == 2  # retried once, then stored
    assert hits["penuh"] == 4 and hits["lambat"] == 4  # three retries, then a counted failure
    reasons = {case[0]: case[4] for case in figures["cases"]}
    assert reasons["pindah"].startswith("redirect off the outlet: http://localhost:")
    assert figures["off-outlet fetches"] == 0  # stopped before the other host was asked


def test_generated_bad_pages_are_each_stored_or_counted(lab: Lab) -> None:
    figures = bad_pages(lab, 400)
    assert figures["stored"] + figures["failed"] == 400, figures
    assert figures["neither (lost)"] == 0 and figures["both"] == 0
    assert figures["crashes"] == 0 and figures["exit"] == 0
    assert figures["half-written"] == 0
    assert figures["control characters in stored titles/text"] == 0
    assert figures["malicious titles stored intact"] == figures["malicious titles"]
    kinds = figures["kinds"]
    assert kinds["intact"] == {"stored": sum(kinds["intact"].values())}
    assert "stored" not in kinds["binary-as-html"] and "stored" not in kinds["20mb"]
    assert figures["reasons"]["undecodable"] == sum(kinds["bad-compression"].values())
    assert figures["peak RSS MiB"] < 1024  # a 20 MB page is dropped, not held


def test_concurrent_crawls_and_reclustering(lab: Lab) -> None:
    figures = concurrency(lab, processes=5)
    assert _clean(figures) == CLEAN, figures
    assert figures["deadlocked (no exit in 300 s)"] == 0
    assert figures["overlapping runs of one outlet"] == 0
    assert set(figures["crawl exit codes (75: every outlet busy elsewhere)"]) <= {0, 75}
    assert set(figures["reclusters meanwhile (exit code: count)"]) == {0}
