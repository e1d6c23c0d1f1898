"""The daemon's bookkeeping of its crawl children: a run is known by the id the daemon gave
it, a stop while a child starts leaves it abandoned and its manual request queued, SIGHUP
stops cleanly, and bad numbers are refused before anything runs."""

from __future__ import annotations

import signal
import socket
import subprocess
import threading
import time
from pathlib import Path

import pytest

from kliping.sample_site.server import SampleSite
from tests.fix_db import rows
from tests.fix_site import Kliping, wait_for


def _wait_line(proc: subprocess.Popen[str], text: str, seen: list[str]) -> None:
    assert proc.stderr is not None
    for line in proc.stderr:
        seen.append(line)
        if text in line:
            return
    raise AssertionError(f"the daemon ended before printing {text!r}: {''.join(seen)[-2000:]}")


@pytest.mark.slow
@pytest.mark.parametrize("repeated", [False, True])  # issue 15: twice recorded a 0-page run ok
def test_sigterm_while_a_child_starts_abandons_its_run_and_keeps_the_request(
    kliping: Kliping, db_url: str, daemons: list, repeated: bool
) -> None:
    assert kliping.run("trigger", "tempo").returncode == 0  # waits for the daemon
    # Slow pages (3 s apart: tempo's 7 take 20 s): should the child get past its start before
    # the signal lands (a loaded machine delays both processes), it is still crawling when stopped.
    slow = {"KLIPING_DOWNLOAD_DELAY": "3", "KLIPING_CONCURRENCY_PER_DOMAIN": "1"}
    daemon = kliping.daemon("tempo", "--every", "3600", **slow)
    daemons.append(daemon)
    seen: list[str] = []
    _wait_line(daemon, "crawl started", seen)
    daemon.send_signal(signal.SIGTERM)  # the child is still importing Scrapy
    if repeated:  # a second SIGTERM while it stops, then more while Python tears it down
        time.sleep(0.2)
        daemon.send_signal(signal.SIGTERM)
        _wait_line(daemon, "daemon stopped", seen)
        while daemon.poll() is None:  # the teardown used to put back the default action: -15
            daemon.send_signal(signal.SIGTERM)
            time.sleep(0.005)
    seen.extend(daemon.stderr or ())
    assert daemon.wait(60) == 0, "".join(seen)
    assert sum("received SIGTERM" in line for line in seen) == 1  # said once, not per signal
    finished = rows(db_url, "SELECT status, pages_fetched, error FROM crawl_runs")
    assert finished, "the daemon created the child's run before starting it"
    assert all(status != "running" for status, _, _ in finished)
    assert not [r for r in finished if r[0] == "ok" and r[1] == 0], finished
    assert "abandoned" in {r[0] for r in finished}, (finished, "".join(seen))
    assert rows(db_url, "SELECT status FROM crawl_requests") == [("pending",)]


@pytest.mark.slow
def test_crawl_timeout_fails_its_own_run_never_an_older_one(
    kliping: Kliping, db_url: str, daemons: list
) -> None:
    older = rows(
        db_url,
        "INSERT INTO crawl_runs (outlet, trigger, status, finished_at, pages_fetched)"
        " VALUES ('kompas', 'schedule', 'ok', now(), 7) RETURNING id",
    )[0][0]
    slow = {"KLIPING_DOWNLOAD_DELAY": "0.5", "KLIPING_CONCURRENCY_PER_DOMAIN": "1"}
    daemon = kliping.daemon("kompas", "--every", "3600", "--crawl-timeout", "2", **slow)
    daemons.append(daemon)
    wait_for(
        lambda: rows(db_url, "SELECT 1 FROM crawl_runs WHERE error LIKE 'timed out%%'"),
        90,
        "the timed-out run",
    )
    daemon.send_signal(signal.SIGTERM)
    assert daemon.wait(60) == 0
    assert rows(db_url, "SELECT status, error FROM crawl_runs WHERE id = %s", older) == [
        ("ok", None)
    ]
    timed_out = rows(db_url, "SELECT id FROM crawl_runs WHERE error LIKE 'timed out%%'")
    assert [r[0] for r in timed_out] != [older] and len(timed_out) == 1


@pytest.mark.slow
def test_sighup_stops_the_daemon_cleanly(kliping: Kliping, db_url: str, daemons: list) -> None:
    daemon = kliping.daemon("tempo", "--every", "3600")
    daemons.append(daemon)
    wait_for(lambda: rows(db_url, "SELECT 1 FROM daemon_heartbeat"), 60, "a heartbeat")
    daemon.send_signal(signal.SIGHUP)
    assert daemon.wait(60) == 0
    assert rows(db_url, "SELECT 1 FROM daemon_heartbeat") == []
    assert rows(db_url, "SELECT 1 FROM crawl_runs WHERE status = 'running'") == []


@pytest.mark.slow
def test_trigger_of_an_outlet_the_daemon_does_not_schedule_is_an_error(
    kliping: Kliping, db_url: str, daemons: list
) -> None:
    daemon = kliping.daemon("tempo", "--every", "3600")
    daemons.append(daemon)
    wait_for(lambda: rows(db_url, "SELECT 1 FROM daemon_heartbeat"), 60, "a heartbeat")
    asked = kliping.run("trigger", "detik")
    assert asked.returncode == 1
    assert "does not schedule detik" in asked.stderr and "tempo" in asked.stderr
    assert rows(db_url, "SELECT 1 FROM crawl_requests WHERE outlet = 'detik'") == []
    assert kliping.run("trigger", "tempo").returncode == 0


def test_a_database_that_never_answers_does_not_hang_stories(kliping: Kliping) -> None:
    """A port that accepts TCP and never says a word: the connect timeout ends the wait."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(8)
    held: list[socket.socket] = []

    def accept() -> None:
        while True:
            try:
                held.append(listener.accept()[0])
            except OSError:
                return

    threading.Thread(target=accept, daemon=True).start()
    port = listener.getsockname()[1]
    env = dict(kliping.env, DATABASE_URL=f"postgresql://u:p@127.0.0.1:{port}/x")
    try:
        for command in (["stories"], ["status"]):
            done = subprocess.run(
                kliping.command(*command), env=env, capture_output=True, text=True, timeout=90
            )
            assert done.returncode == 69, done.stderr
            assert "database unavailable" in done.stderr
            assert "p@" not in done.stderr  # no password in the message
    finally:
        listener.close()
        for conn in held:
            conn.close()


@pytest.mark.slow
def test_crawl_obeys_sigterm_while_postgres_is_down(
    kliping: Kliping,
    db_url: str,
    pg_embedded,  # type: ignore[no-untyped-def]
) -> None:
    if pg_embedded is None:
        pytest.skip("stops the test server: only with the embedded one")
    slow = dict(kliping.env, KLIPING_DOWNLOAD_DELAY="0.3", KLIPING_CONCURRENCY_PER_DOMAIN="1")
    child = Kliping(slow).start("crawl", "kompas", "tribunnews")
    try:
        wait_for(lambda: rows(db_url, "SELECT 1 FROM articles"), 60, "a first stored article")
        pg_embedded.stop()
        try:
            child.send_signal(signal.SIGTERM)
            # A hang detector, not a speed test: before, it waited for Postgres to return.
            _, stderr = child.communicate(timeout=120)
        finally:
            pg_embedded.ensure_running()
    finally:
        if child.poll() is None:
            child.kill()
            child.wait()
    assert child.returncode == 143, stderr[-3000:]
    assert "Traceback" not in stderr, stderr[-3000:]
    # Its runs could not be recorded while the database was down: the next crawl of the
    # outlets closes them as abandoned, and nothing stored is half-written.
    assert kliping.run("crawl", "kompas", "tribunnews").returncode == 0
    statuses = [r[0] for r in rows(db_url, "SELECT status FROM crawl_runs ORDER BY id")]
    assert statuses[:2] == ["abandoned", "abandoned"] and "running" not in statuses
    assert rows(db_url, "SELECT count(*) FROM articles WHERE text = '' OR title IS NULL") == [(0,)]


def _never_ok_without_work(db_url: str, done: subprocess.CompletedProcess[str]) -> None:
    """Refused at the edge (no run), or a run recorded 'failed' with its reason: never 'ok'."""
    assert done.returncode != 0, done.stderr[-2000:]
    recorded = rows(db_url, "SELECT status, error FROM crawl_runs")
    assert all(status == "failed" and error for status, error in recorded), recorded


@pytest.mark.slow
def test_a_crawl_that_cannot_start_its_workers_is_failed_with_the_reason(
    kliping: Kliping, db_url: str
) -> None:
    env = dict(kliping.env, KLIPING_EXTRACT_WORKERS=str(10**23))
    _never_ok_without_work(db_url, Kliping(env).run("crawl", "tempo"))


@pytest.mark.slow
def test_a_backfill_with_a_broken_archive_template_is_failed_with_the_reason(
    kliping: Kliping, db_url: str, site: SampleSite, tmp_path: Path
) -> None:
    registry = tmp_path / "broken.toml"
    registry.write_text(site.registry_text().replace("&page={page}", "&page={page}&x={nosuch}", 1))
    env = dict(kliping.env, KLIPING_OUTLETS=str(registry))
    done = Kliping(env).run("crawl", "detik", "--since", "2025-07-14", "--until", "2025-07-15")
    _never_ok_without_work(db_url, done)
    # Refused when the registry is read (config/outlets.py tries the template): no run at all.
    assert rows(db_url, "SELECT 1 FROM crawl_runs") == []
    assert "field 'archive': bad template" in done.stderr, done.stderr


def test_outlet_names_ignore_case_and_repeats(kliping: Kliping, db_url: str) -> None:
    done = kliping.run("crawl", "Tempo", "TEMPO")
    assert done.returncode == 0, done.stderr[-2000:]
    assert rows(db_url, "SELECT outlet, status FROM crawl_runs") == [("tempo", "ok")]
