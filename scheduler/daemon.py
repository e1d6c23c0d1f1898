"""The scheduling daemon: APScheduler runs each outlet's crawl on its interval, manual
triggers arrive through Postgres (a row, plus LISTEN/NOTIFY to wake up), and every crawl
runs as a child process (Scrapy's reactor cannot be restarted; a child also keeps the
daemon's memory flat and isolates a crash). After each crawl the daemon clusters what was
stored, with a clusterer kept in memory for its whole life.
"""

from __future__ import annotations

import logging
import os
import signal
import subprocess
import threading
import time
from datetime import UTC, datetime, timedelta
from types import FrameType

import psycopg
from apscheduler.events import EVENT_JOB_ERROR, JobExecutionEvent
from apscheduler.executors.pool import ThreadPoolExecutor
from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.triggers.date import DateTrigger
from apscheduler.triggers.interval import IntervalTrigger

from kliping import alerts
from kliping.config.errors import KlipingError
from kliping.config.limits import CRAWL_TIMEOUT_SECONDS, STOP_GRACE_SECONDS
from kliping.config.outlets import Outlet
from kliping.dedup.store import StoryStore
from kliping.scheduler import capacity
from kliping.scheduler.children import WAKE_SECONDS, CrawlChildren
from kliping.storage import locks, migrate, requests, runs

log = logging.getLogger(__name__)

HEARTBEAT_SECONDS = 5.0
MAX_BACKOFF_SECONDS = 60.0
# A crawl that failed (its database was down, it crashed) runs again after this, doubling with
# each failure in a row up to the outlet's own interval: soon enough that a Postgres restart
# costs minutes, not an interval; spaced enough that a broken outlet is no crash loop.
RETRY_SECONDS = 30.0


class DaemonError(KlipingError):
    """The daemon cannot start (another one runs, or the database is unusable)."""


class Daemon(CrawlChildren):
    def __init__(
        self,
        outlets: list[Outlet],
        conninfo: str,
        *,
        every: float | None = None,
        crawl_timeout: float = CRAWL_TIMEOUT_SECONDS,
        record_as: str | None = None,
        max_parallel: int | None = None,
        extract_workers: int = 0,
    ) -> None:
        self.outlets = {o.key: o for o in outlets}
        self.record_as = record_as  # every run's trigger, whatever started it ('demo')
        # At most this many crawl children at once (None: one per outlet, as scheduled).
        self.gate = capacity.CrawlGate(max_parallel)
        slots = max_parallel or len(outlets) or 1
        self.extract_workers = capacity.extract_workers(extract_workers, slots)
        self.conninfo = conninfo
        self.every = every  # seconds; overrides every outlet's interval (tests, benchmarks)
        self.crawl_timeout = crawl_timeout
        self.stop = threading.Event()
        self.mutex = threading.Lock()
        self.running: dict[str, subprocess.Popen[bytes] | None] = {}
        self.failures: dict[str, int] = {}  # outlet -> failed crawls in a row
        self.cluster_mutex = threading.Lock()
        self.stories = StoryStore()
        self.started_at = datetime.now(UTC)
        self.scheduler = BackgroundScheduler(
            timezone=UTC,
            executors={"default": ThreadPoolExecutor(max_workers=max(4, len(outlets) + 1))},
            job_defaults={"coalesce": True, "max_instances": 1, "misfire_grace_time": 600},
        )
        self.scheduler.add_listener(self._job_error, EVENT_JOB_ERROR)

    # -- life cycle ------------------------------------------------------------------------

    def run(self) -> int:
        # SIGHUP (a closed terminal, `kill -HUP`) stops cleanly like SIGTERM: the registry is
        # read once at start, so a changed registry takes a restart (systemctl restart kliping).
        for sig in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
            signal.signal(sig, self._on_signal)
        control = self._connect_until_up()
        migrate.upgrade(control)
        if not locks.try_lock(control, locks.DAEMON):
            beat = requests.heartbeat(control)
            who = f"pid {beat.pid} on {beat.host}" if beat else "another process"
            control.close()
            raise DaemonError(f"another kliping daemon ({who}) already schedules this database")
        log.info(
            "daemon started", extra={"fields": {"outlets": len(self.outlets), "pid": os.getpid()}}
        )
        self._recover(control)
        alerts.start_delivery(self.conninfo, self.stop)  # a thread; ends with the daemon
        self._schedule()
        self.scheduler.start()
        try:
            self._serve(control)
        finally:
            self._shutdown()
            try:
                requests.clear_beat(control)
                control.close()
            except psycopg.Error:
                pass
            # Stopped: a repeated signal is ignored from here on. Python puts the default
            # action back while it tears the interpreter down, so a second SIGTERM landing
            # then killed a daemon that had stopped cleanly (exit -15 instead of 0).
            for sig in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
                signal.signal(sig, signal.SIG_IGN)
        log.info("daemon stopped")
        return 0

    def _on_signal(self, signum: int, frame: FrameType | None) -> None:
        if not self.stop.is_set():  # a repeated signal: already stopping, nothing to add
            log.info("received %s: stopping", signal.Signals(signum).name)
        self.stop.set()

    def _connect_until_up(self) -> psycopg.Connection:
        """Connect, waiting with exponential backoff while Postgres is down (no crash loop)."""
        delay = 1.0
        while True:
            try:
                return self._connect()
            except psycopg.OperationalError as exc:
                if self.stop.is_set():
                    raise DaemonError("stopped while waiting for the database") from exc
                log.warning("database unavailable, retrying in %.0fs: %s", delay, str(exc).strip())
                self.stop.wait(delay)
                delay = min(delay * 2, MAX_BACKOFF_SECONDS)

    def _recover(self, conn: psycopg.Connection) -> None:
        """Runs a killed daemon left 'running' become abandoned; their outlets crawl first."""
        again = runs.abandon_dead_runs(conn, list(self.outlets))
        orphans = requests.reclaim_orphans(conn)
        if again or orphans:
            log.warning("recovering: %s abandoned, %d requests re-queued", again or "none", orphans)
        self._recrawl = set(again)

    def _schedule(self) -> None:
        now = datetime.now(UTC)
        intervals = {key: self._interval(key) for key in self.outlets}
        # The first crawls spread over the first interval, not all at once (scheduler/capacity).
        firsts = capacity.first_runs(
            list(self.outlets), intervals, self.gate.size or len(self.outlets), now
        )
        for key in self.outlets:
            seconds = intervals[key]
            # Jitter keeps outlets from firing together; a tenth of the interval, at most 60 s.
            jitter = min(60.0, seconds / 10)
            first = now if key in self._recrawl else firsts[key]
            self.scheduler.add_job(
                self.crawl,
                IntervalTrigger(seconds=seconds, jitter=int(jitter) or None, timezone=UTC),
                args=[key, "schedule", []],
                id=key,
                name=f"crawl {key}",
                next_run_time=first,
            )

    def _serve(self, control: psycopg.Connection) -> None:
        """Main loop: heartbeat, claim manual requests, sleep until NOTIFY or timeout."""
        listener: psycopg.Connection | None = None
        delay = 1.0
        while not self.stop.is_set():
            try:
                if control.closed:
                    control = self._reconnect_control()
                if listener is None or listener.closed:
                    listener = self._connect()
                    requests.listen(listener)
                self._claim(control)
                requests.beat(control, self.started_at, self._next_runs())
                self._wait_for_notify(listener)
                delay = 1.0
            except psycopg.OperationalError as exc:
                log.warning(
                    "database connection lost, retrying in %.0fs: %s", delay, str(exc).strip()
                )
                for conn in (control, listener):
                    if conn is not None:
                        conn.close()
                self.stop.wait(delay)
                delay = min(delay * 2, MAX_BACKOFF_SECONDS)
        if listener is not None:
            listener.close()

    def _wait_for_notify(self, listener: psycopg.Connection) -> None:
        """Until a NOTIFY or the next heartbeat; in short slices, so a stop signal is seen
        within WAKE_SECONDS (a crawl starting meanwhile would otherwise run to its end)."""
        deadline = time.monotonic() + HEARTBEAT_SECONDS
        while not self.stop.is_set() and time.monotonic() < deadline:
            for _ in listener.notifies(timeout=WAKE_SECONDS, stop_after=1):
                return

    def _reconnect_control(self) -> psycopg.Connection:
        control = self._connect_until_up()
        if not locks.try_lock(control, locks.DAEMON):
            self.stop.set()
            raise DaemonError("lost the daemon lock to another daemon while reconnecting")
        return control

    def _claim(self, conn: psycopg.Connection) -> None:
        with self.mutex:
            busy = set(self.running)
        claimed = requests.claim(conn, list(self.outlets), busy)
        for outlet, ids in claimed.items():
            log.info("manual trigger", extra={"fields": {"outlet": outlet, "requests": ids}})
            self.scheduler.add_job(
                self.crawl, DateTrigger(timezone=UTC), args=[outlet, "manual", ids],
                id=f"manual:{outlet}:{ids[0]}",
            )  # fmt: skip

    def _next_runs(self) -> dict[str, str | None]:
        out: dict[str, str | None] = {}
        for job in self.scheduler.get_jobs():
            if job.id in self.outlets:
                out[job.id] = job.next_run_time.isoformat() if job.next_run_time else None
        with self.mutex:
            for key, child in self.running.items():
                if child is not None:  # not one waiting for a free place
                    out[f"{key}:running"] = "now"
        for key, due in self.gate.queued():  # waiting for a free place, most overdue first
            out[f"{key}:queued"] = due.isoformat()
        return out

    def _job_error(self, event: JobExecutionEvent) -> None:
        log.error("job %s failed: %r", event.job_id, event.exception)

    def _interval(self, outlet: str) -> float:
        """Seconds between two scheduled crawls of ``outlet``."""
        return self.every or self.outlets[outlet].interval_minutes * 60.0

    def _retry_later(self, outlet: str, why: str) -> None:
        """One extra run of ``outlet`` after a backoff (the regular schedule goes on too)."""
        if self.stop.is_set():
            return
        failed = self.failures[outlet] = self.failures.get(outlet, 0) + 1
        if RETRY_SECONDS * 2 ** (failed - 1) >= self._interval(outlet):
            return  # the regular schedule comes as soon
        delay = capacity.retry_delay(RETRY_SECONDS, failed)  # jittered: no pile-up again
        log.warning("%s: crawling %s again in %.0fs", why, outlet, delay)
        self.scheduler.add_job(
            self.crawl,
            DateTrigger(datetime.now(UTC) + timedelta(seconds=delay), timezone=UTC),
            args=[outlet, "schedule", []],
            id=f"retry:{outlet}",
            replace_existing=True,
        )

    def _shutdown(self) -> None:
        self.stop.set()
        self.scheduler.pause()
        with self.mutex:
            children = [c for c in self.running.values() if c is not None]
        for child in children:
            if child.poll() is None:
                child.terminate()
        deadline = time.monotonic() + STOP_GRACE_SECONDS
        for child in children:
            try:
                child.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                child.kill()
                child.wait()
        self.scheduler.shutdown(wait=True)
        self._close_dead_runs([c for c in children])

    def _close_dead_runs(self, children: list[subprocess.Popen[bytes]]) -> None:
        """A child killed before it could record its end leaves its run 'running': close it."""
        if not children:
            return
        try:
            with self._connect() as conn:
                runs.abandon_dead_runs(conn, list(self.outlets))
        except psycopg.OperationalError:
            pass  # the next start marks them
