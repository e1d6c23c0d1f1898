"""What a ``kliping worker`` does with a crawl job (scheduler/queue.py): the crawl in a
``kliping crawl`` child that dies with the worker, the manual requests the job carries
settled, and, beside the jobs, the stalled jobs of dead workers put back in the queue."""

from __future__ import annotations

import asyncio
import contextlib
import ctypes
import logging
import os
import signal
import subprocess
import sys

import procrastinate

from kliping.config.exits import EXIT_BUSY
from kliping.config.limits import CRAWL_TIMEOUT_SECONDS, STOP_GRACE_SECONDS
from kliping.scheduler import queue
from kliping.storage import db, requests

log = logging.getLogger(__name__)

PR_SET_PDEATHSIG = 1  # linux/prctl.h


def _die_with_parent() -> None:
    """In the child, before exec: SIGKILL when the worker dies (kill -9 included), so a
    crawl never outlives the job that the queue hands to another worker."""
    libc = ctypes.CDLL(None, use_errno=True)
    libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL)


async def crawl_job(
    context: procrastinate.JobContext,
    outlet: str,
    trigger: str,
    request_ids: list[int],
    day: str | None = None,
) -> None:
    conninfo = os.environ["DATABASE_URL"]
    command = [sys.executable, "-m", "kliping", "crawl", outlet]
    if day:  # the crawl records a run with --since as a 'backfill' whatever its trigger
        command += ["--since", day, "--until", day]
    else:
        command += ["--trigger", trigger]
    child = await asyncio.create_subprocess_exec(
        *command, stdout=subprocess.DEVNULL, preexec_fn=_die_with_parent
    )
    job = context.job.id if context.job else None
    log.info("crawl started", extra={"fields": {"outlet": outlet, "day": day, "job": job,
                                                "pid": child.pid}})  # fmt: skip
    try:
        code = await asyncio.wait_for(child.wait(), CRAWL_TIMEOUT_SECONDS)
    except (asyncio.CancelledError, TimeoutError):
        # The worker stops, or the crawl hangs: the child stops and records its run.
        child.terminate()
        try:
            await asyncio.wait_for(child.wait(), STOP_GRACE_SECONDS)
        except TimeoutError:
            child.kill()
            await child.wait()
        raise
    log.info("crawl ended", extra={"fields": {"outlet": outlet, "exit": code, "job": job}})
    await asyncio.to_thread(_settle, conninfo, request_ids, code)
    if code == EXIT_BUSY:
        raise queue.Deferred(f"{outlet} is being crawled elsewhere")
    if code != 0:
        raise queue.Deferred(f"crawl of {outlet} exited with {code}")


def _settle(conninfo: str, request_ids: list[int], code: int) -> None:
    if not request_ids:
        return
    with db.connect(conninfo, upgrade=False) as conn:
        if code == EXIT_BUSY:
            requests.release(conn, request_ids)
        else:
            requests.finish(conn, request_ids, "done" if code == 0 else "failed", None)


async def _recover_forever(app: procrastinate.App, stop: asyncio.Event) -> None:
    while not stop.is_set():
        try:
            again = await queue.recover(app)
            if again:
                log.warning("re-queued the jobs of dead workers: %s", again)
        except procrastinate.exceptions.ConnectorException as exc:
            log.warning("could not look for stalled jobs: %s", exc)
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), timeout=queue.STALLED_SECONDS / 2)


async def work(conninfo: str, concurrency: int, name: str) -> None:
    """Take crawl jobs until SIGTERM/SIGINT; ``concurrency`` crawls at once."""
    app = queue.app(conninfo)
    stop = asyncio.Event()
    async with app.open_async():
        recovering = asyncio.create_task(_recover_forever(app, stop))
        try:
            await app.run_worker_async(
                queues=[queue.QUEUE],
                concurrency=concurrency,
                name=name,
                update_heartbeat_interval=queue.HEARTBEAT_SECONDS,
                stalled_worker_timeout=queue.STALLED_SECONDS,
                # A stopping worker lets its crawls record their runs (scheduler/children).
                shutdown_graceful_timeout=30.0,
                delete_jobs="successful",
            )
        finally:
            stop.set()
            await recovering
