"""The daemon's crawl bound and queue (scheduler/capacity.py), in threads: at most N crawls at
once, the most overdue first, a stop frees the waiters; first runs and retries spread out."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

import pytest

from kliping.config.errors import SettingsError
from kliping.config.settings import Settings
from kliping.scheduler.capacity import (
    START_GAP_SECONDS,
    CrawlGate,
    crawl_slots,
    extract_workers,
    first_runs,
    retry_delay,
)

T0 = datetime(2026, 12, 6, 10, 0, tzinfo=UTC)


def _waiter(gate: CrawlGate, outlet: str, due: datetime, stop: threading.Event, order: list):
    def go() -> None:
        if gate.enter(outlet, stop, due):
            order.append(outlet)

    thread = threading.Thread(target=go)
    thread.start()
    return thread


def _until(check, what: str) -> None:
    done = threading.Event()
    for _ in range(400):
        if check():
            return
        done.wait(0.05)
    raise AssertionError(f"never: {what}")


def test_the_bound_holds_and_the_most_overdue_goes_first() -> None:
    gate, stop, order = CrawlGate(2), threading.Event(), []
    assert gate.enter("a", stop) and gate.enter("b", stop)
    # Queued in this order, but due at different times: c is the most overdue.
    threads = [
        _waiter(gate, "late", T0 + timedelta(minutes=9), stop, order),
        _waiter(gate, "c", T0, stop, order),
        _waiter(gate, "mid", T0 + timedelta(minutes=3), stop, order),
    ]
    _until(lambda: len(list(gate.queued())) == 3, "three waiting")
    assert [k for k, _ in gate.queued()] == ["c", "mid", "late"]
    assert gate.active() == 2 and order == []
    for outlet in ("a", "b", "c", "mid"):
        gate.leave(outlet)
        _until(lambda: gate.active() == 2 or not list(gate.queued()), "a place taken")
        assert gate.active() <= 2
    for thread in threads:
        thread.join(5)
    assert order == ["c", "mid", "late"]


def test_a_stop_frees_every_waiter_without_a_place() -> None:
    gate, stop, order = CrawlGate(1), threading.Event(), []
    assert gate.enter("a", stop)
    threads = [_waiter(gate, k, T0, stop, order) for k in ("b", "c")]
    _until(lambda: len(list(gate.queued())) == 2, "two waiting")
    stop.set()
    for thread in threads:
        thread.join(5)
        assert not thread.is_alive()
    assert order == [] and list(gate.queued()) == [] and gate.active() == 1


def test_no_bound_lets_everything_in() -> None:
    gate, stop = CrawlGate(None), threading.Event()
    assert all(gate.enter(str(i), stop) for i in range(50))
    assert gate.active() == 50


def test_first_runs_spread_over_the_first_interval() -> None:
    keys = [f"o{i}" for i in range(21)]
    # A 15-minute interval, one crawl place: capped at one child start-up per outlet.
    firsts = first_runs(keys, dict.fromkeys(keys, 900.0), 1, T0)
    offsets = sorted((t - T0).total_seconds() for t in firsts.values())
    assert offsets[0] == 0 and len(set(offsets)) == 21
    assert offsets[-1] < START_GAP_SECONDS * 21 and offsets[-1] > START_GAP_SECONDS * 19
    # A short interval: all within it.
    firsts = first_runs(keys, dict.fromkeys(keys, 10.0), 1, T0)
    assert max((t - T0).total_seconds() for t in firsts.values()) < 10.0


def test_retries_are_jittered_around_their_backoff() -> None:
    delays = [retry_delay(30.0, 2) for _ in range(200)]
    assert all(30.0 <= d <= 90.0 for d in delays)
    assert max(delays) - min(delays) > 20.0  # spread, not one instant


def test_the_bound_s_default_and_the_pools_share_the_cores() -> None:
    assert Settings.from_env({}).max_crawls == 0
    assert Settings.from_env({"KLIPING_MAX_CRAWLS": "3"}).max_crawls == 3
    assert crawl_slots(0, cores=2) >= 1 and crawl_slots(5, cores=2) == 5
    assert extract_workers(0, slots=2, cores=2) == 1
    assert extract_workers(0, slots=8, cores=2) == 1
    assert extract_workers(3, slots=8, cores=2) == 3


def test_the_workers_setting_is_local_or_external() -> None:
    assert Settings.from_env({}).workers == "local"
    assert Settings.from_env({"KLIPING_WORKERS": "External"}).workers == "external"
    with pytest.raises(SettingsError, match="KLIPING_WORKERS"):
        Settings.from_env({"KLIPING_WORKERS": "remote"})
    with pytest.raises(SettingsError, match="KLIPING_MAX_CRAWLS"):
        Settings.from_env({"KLIPING_MAX_CRAWLS": "1e30"})
