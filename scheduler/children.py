"""One crawl as the daemon runs it: a child ``kliping crawl`` process recording into a run
row the daemon created for it (so the run is known by id, never looked up as "the latest"),
and what happens after: the run closed if the child could not, its manual requests settled
(kept in the queue when the crawl was stopped), what it stored clustered.
"""

from __future__ import annotations

import logging
import os
import subprocess
import sys
import threading
import time
from typing import TYPE_CHECKING

import psycopg

from kliping.config.exits import EXIT_BUSY, EXIT_DISK_FULL, EXIT_STOPPED, EXIT_UNAVAILABLE
from kliping.config.limits import STOP_GRACE_SECONDS
from kliping.crawler import drift
from kliping.storage import db, requests, runs, sources

if TYPE_CHECKING:
    from kliping.dedup.store import StoryStore
    from kliping.scheduler.capacity import CrawlGate

log = logging.getLogger(__name__)

WAKE_SECONDS = 0.5  # how often a crawl waiting for a free place checks for a stop


class CrawlChildren:
    """The crawling half of the daemon (scheduler/daemon.py holds the scheduling half)."""

    conninfo: str
    crawl_timeout: float
    record_as: str | None
    stop: threading.Event
    mutex: threading.Lock
    running: dict[str, subprocess.Popen[bytes] | None]
    gate: CrawlGate
    extract_workers: int
    failures: dict[str, int]
    cluster_mutex: threading.Lock
    stories: StoryStore

    def _connect(self) -> psycopg.Connection:
        return db.connect(self.conninfo, upgrade=False)

    def _retry_later(self, outlet: str, why: str) -> None:
        raise NotImplementedError  # the daemon schedules it

    def crawl(self, outlet: str, trigger: str, request_ids: list[int]) -> None:
        trigger = self.record_as or trigger
        with self.mutex:
            if outlet in self.running or self.stop.is_set():
                taken = False
            else:
                self.running[outlet] = None
                taken = True
        slot = False
        try:
            # Queued behind the crawls already running, the most overdue first.
            slot = taken and self.gate.enter(outlet, self.stop)
            with self._connect() as conn:
                if not slot:
                    # Busy (it runs again after the current crawl), or stopped while waiting.
                    requests.release(conn, request_ids)
                    return
                # Requests waiting for this outlet are served by this very run.
                request_ids = request_ids + requests.claim(conn, [outlet], set()).get(outlet, [])
                # The child records into this row: its run is known by id, never by "latest".
                run_id = runs.start_run(conn, outlet, trigger)  # type: ignore[arg-type]
            code = self._run_child(outlet, trigger, run_id)
            with self._connect() as conn:
                self._after_child(conn, outlet, run_id, code, request_ids)
        except psycopg.OperationalError as exc:
            log.error("crawl of %s: database unavailable: %s", outlet, str(exc).strip())
            self._retry_later(outlet, "database unavailable")
        finally:
            if slot:
                self.gate.leave(outlet)
            if taken:
                with self.mutex:
                    self.running.pop(outlet, None)

    def _after_child(
        self,
        conn: psycopg.Connection,
        outlet: str,
        run_id: int,
        code: int | str | None,
        request_ids: list[int],
    ) -> None:
        """Close the child's run if it could not, settle its requests, cluster what it stored."""
        if code == EXIT_BUSY:
            log.info("busy elsewhere: skipped", extra={"fields": {"outlet": outlet}})
            runs.drop_unused_run(conn, run_id)
            requests.release(conn, request_ids)
            return
        if code == "timeout":
            runs.fail_run(conn, run_id, f"timed out after {self.crawl_timeout:.0f}s")
        elif code in (None, EXIT_STOPPED) or (code != 0 and self.stop.is_set()):
            # Stopped (by us, or a signal) before it finished: abandoned, and its manual
            # requests go back to the queue for the next start, not 'failed'.
            runs.close_run(conn, run_id, "abandoned", "stopped before the end")
            requests.release(conn, request_ids)
            request_ids = []
        elif code != 0:
            named = {EXIT_DISK_FULL: ": disk full (ENOSPC)", EXIT_UNAVAILABLE: ": database down"}
            why = named.get(code, "") if isinstance(code, int) else ""
            runs.close_run(conn, run_id, "failed", f"crawl process exited with {code}{why}")
        if code not in (0, None, EXIT_STOPPED) and not self.stop.is_set():
            self._retry_later(outlet, f"crawl exited with {code}")
        requests.finish(conn, request_ids, "done" if code == 0 else "failed", run_id)
        with self.cluster_mutex:
            self.stories.cluster_pending(conn)
        if code == 0:
            self.failures.pop(outlet, None)
            for found in drift.onset(sources.source_history(conn, [outlet])):
                # Said once, when it starts; `kliping status` shows it while it lasts.
                log.warning(found.line(), extra={"fields": {"outlet": outlet, "run": run_id}})

    def _run_child(self, outlet: str, trigger: str, run_id: int) -> int | str | None:
        """The child's exit code; None when stopping before it started; "timeout"."""
        command = [sys.executable, "-m", "kliping", "crawl", outlet, "--trigger", trigger,
                   "--no-cluster", "--run-id", str(run_id)]  # fmt: skip
        env = dict(os.environ, DATABASE_URL=self.conninfo)
        # Each child has its own extraction pool: the cores are shared among the crawls.
        env["KLIPING_EXTRACT_WORKERS"] = str(self.extract_workers)
        started = time.monotonic()
        with self.mutex:
            if self.stop.is_set():
                return None
            child = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL)
            self.running[outlet] = child
        log.info(
            "crawl started",
            extra={"fields": {"outlet": outlet, "trigger": trigger, "pid": child.pid,
                              "run": run_id}},
        )  # fmt: skip
        try:
            code = child.wait(timeout=self.crawl_timeout)
        except subprocess.TimeoutExpired:
            log.error("crawl exceeded %.0fs: stopping it", self.crawl_timeout,
                      extra={"fields": {"outlet": outlet, "run": run_id}})  # fmt: skip
            self._terminate(child)
            return "timeout"
        log.info("crawl ended", extra={"fields": {"outlet": outlet, "exit": code, "run": run_id,
                 "seconds": round(time.monotonic() - started, 1)}})  # fmt: skip
        return code

    @staticmethod
    def _terminate(child: subprocess.Popen[bytes]) -> None:
        child.terminate()  # Scrapy stops gracefully on SIGTERM and records the run
        try:
            child.wait(timeout=STOP_GRACE_SECONDS)
        except subprocess.TimeoutExpired:
            child.kill()
            child.wait()
