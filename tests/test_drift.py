"""Drift: per-source accepted shares kept over runs (real Postgres) and judged (pure)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import psycopg
import pytest

from kliping.crawler.drift import assess, onset, shares
from kliping.storage.runs import finish_run, start_run
from kliping.storage.sources import (
    SAMPLE,
    SourceRun,
    history_runs,
    record_source,
    source_history,
)
from tests.fix_site import Kliping

FEED = "https://www.tempo.co/api/gateway/rss/free/hukum"
T0 = datetime(2026, 1, 1, tzinfo=UTC)


def _run(i: int, entries: int, accepted: int, source: str = FEED) -> SourceRun:
    rejected = [f"https://www.tempo.co/hukum/baru/{i}-{n}" for n in range(entries - accepted)]
    return SourceRun(
        i, T0 + timedelta(hours=i), "tempo", source, "feed", entries, accepted, rejected
    )


def test_a_source_that_stops_giving_articles_drifts_with_evidence() -> None:
    history = [_run(1, 20, 19), _run(2, 20, 20), _run(3, 20, 0)]
    (drift,) = assess(history)
    assert drift.source == FEED and "none of 20 entries" in drift.reason
    assert "98% of its entries" in drift.reason
    assert drift.evidence[0] == "https://www.tempo.co/hukum/baru/3-0"
    assert drift.line().startswith(f"drift: tempo {FEED}: ")


def test_a_collapsed_share_drifts_a_small_dip_does_not() -> None:
    usual = [_run(1, 20, 20), _run(2, 20, 18)]
    assert assess([*usual, _run(3, 20, 15)]) == []  # 75 % against 95 %: not half
    (drift,) = assess([*usual, _run(3, 20, 4)])
    assert "now 20% (4 of 20)" in drift.reason


def test_no_judgement_without_a_baseline_or_on_a_source_that_never_gave_articles() -> None:
    assert assess([_run(1, 20, 20), _run(2, 20, 0)]) == []  # one earlier run only
    section = "https://www.tempo.co/indeks"
    assert assess([_run(i, 30, 0, section) for i in (1, 2, 3)]) == []
    # An empty listing after good runs is drift too ("it listed nothing").
    (drift,) = assess([_run(1, 10, 10), _run(2, 10, 10), _run(3, 0, 0)])
    assert "it listed nothing" in drift.reason


def test_only_sources_of_the_latest_run_are_judged() -> None:
    other = "https://www.tempo.co/api/gateway/rss/free/ekonomi"
    history = [_run(1, 10, 10), _run(1, 10, 10, other), _run(2, 10, 10), _run(2, 10, 10, other)]
    history.append(_run(3, 10, 10))  # the ekonomi feed failed to fetch in run 3: no row
    got = shares(history)
    assert [s.source for s in got] == [FEED]
    assert got[0].usual == 1.0 and got[0].baseline_runs == 2


def test_onset_is_the_run_where_drift_starts_not_every_run_after() -> None:
    good = [_run(1, 20, 20), _run(2, 20, 19)]
    (first,) = onset([*good, _run(3, 20, 0)])
    assert "none of 20 entries" in first.reason
    assert assess([*good, _run(3, 20, 0), _run(4, 20, 0)])  # still drifting ...
    assert onset([*good, _run(3, 20, 0), _run(4, 20, 0)]) == []  # ... but already said
    assert onset(good) == []


def test_source_stats_round_trip_and_accumulate(conn: psycopg.Connection) -> None:
    ids = []
    for accepted in (9, 10, 0):
        run_id = start_run(conn, "tempo", "cli")
        # Two listings of one source in a run (a sitemap index's children) add up.
        record_source(conn, run_id, FEED, "feed", 5, min(accepted, 5), ["https://x/1"] * 4)
        record_source(conn, run_id, FEED, "feed", 5, max(accepted - 5, 0), ["https://x/2"] * 4)
        finish_run(conn, run_id, "ok", {})
        ids.append(run_id)
    running = start_run(conn, "tempo", "cli")  # an unfinished run is not history yet
    record_source(conn, running, FEED, "feed", 1, 1, [])
    history = source_history(conn, ["tempo"])
    assert [r.run_id for r in history] == ids
    assert history_runs(conn, ["tempo", "kompas"]) == {"tempo": frozenset(ids)}  # what it reads
    assert [(r.entries, r.accepted) for r in history] == [(10, 9), (10, 10), (10, 0)]
    assert len(history[-1].rejected_sample) == SAMPLE
    (drift,) = assess(history)
    assert "none of 10 entries" in drift.reason
    assert source_history(conn, ["tempo"], runs=1)[0].run_id == ids[-1]


@pytest.mark.slow  # runs `kliping crawl` as a child process
def test_a_crawl_records_per_source_counts(kliping: Kliping, db_url: str) -> None:
    assert kliping.run("crawl", "kompas", "detik").returncode == 0
    with psycopg.connect(db_url) as conn:
        kompas = source_history(conn, ["kompas"])
        detik = source_history(conn, ["detik"])
        both = source_history(conn, ["kompas", "detik"])  # one query for several outlets
    assert {(r.run_id, r.source) for r in both} == {(r.run_id, r.source) for r in kompas + detik}
    kinds = {r.kind for r in kompas} | {r.kind for r in detik}
    assert {"feed", "section", "sitemap"} <= kinds
    for row in kompas + detik:
        assert 0 < row.accepted <= row.entries, row
    assert assess(kompas + detik) == []  # one run: no baseline, no judgement
