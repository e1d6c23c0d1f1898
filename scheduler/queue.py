"""Crawl jobs on procrastinate, a Postgres-backed task queue (no new server: Postgres is the
store already), for crawling from many machines (``KLIPING_WORKERS=external``).

The daemon still decides *when*: where it would start a crawl child it defers a job instead,
and ``kliping worker`` processes on any machine take them. One job crawls one outlet, or one
outlet's backfill day, in a ``kliping crawl`` child of the worker (Scrapy's reactor runs once
per process), which records its run and clusters what it stored under the clusterer's
advisory lock. Per outlet, procrastinate's ``queueing_lock`` keeps one job waiting and its
``lock`` one job running; the crawl's own advisory lock stays the last word.

A worker killed (-9) leaves its job 'doing' with a heartbeat that stops; any live worker
re-queues such stalled jobs (``recover``), and the crawl's child dies with its worker
(PR_SET_PDEATHSIG), so the retried crawl never races the old one. Articles are unique by URL:
a crawl done again stores nothing twice.
"""

from __future__ import annotations

import logging

import procrastinate
from procrastinate import exceptions
from procrastinate.types import JSONValue

from kliping.storage import db, queue_state

log = logging.getLogger(__name__)

QUEUE = "crawl"
TASK = "kliping.crawl"
HEARTBEAT_SECONDS = 2.0  # a worker's heartbeat: one UPDATE of one row
# A worker silent this long is dead: its job is crawled again. 5 missed heartbeats, so a
# worker busy extracting (the CPU taken) is not declared dead; 10 s of a crawl lost at most.
STALLED_SECONDS = 10.0
# A failed crawl (exit status not 0) is tried again 3 times, 30 s then 60 s then 120 s later.
RETRY = procrastinate.RetryStrategy(max_attempts=3, wait=30, exponential_wait=2)


class Deferred(Exception):
    """The crawl could not be done now; procrastinate tries it again (RETRY)."""


def app(conninfo: str, *, sync: bool = False) -> procrastinate.App:
    """The queue's app, its crawl task registered (``sync``: for the daemon's threads)."""
    from kliping.scheduler.jobs import crawl_job

    connector: procrastinate.BaseConnector = (
        procrastinate.SyncPsycopgConnector(conninfo=conninfo)
        if sync
        else procrastinate.PsycopgConnector(conninfo=conninfo)
    )
    queue = procrastinate.App(connector=connector)
    queue.task(name=TASK, queue=QUEUE, pass_context=True, retry=RETRY)(crawl_job)
    return queue


def ensure_schema(conninfo: str) -> None:
    """procrastinate's tables, once per database (whoever comes first, under a lock)."""
    with db.connect(conninfo, upgrade=False) as conn:
        schema = procrastinate.schema.SchemaManager.get_schema()
        if queue_state.install_schema(conn, schema):
            log.info("task queue schema created")


def defer(
    queue: procrastinate.App,
    outlet: str,
    trigger: str,
    request_ids: list[int],
    day: str | None = None,
) -> int | None:
    """Queue a crawl of ``outlet`` (or of its backfill ``day``); None when one already waits."""
    what = f"{outlet}:{day}" if day else outlet
    ids: list[JSONValue] = list(request_ids)
    try:
        return queue.configure_task(
            TASK,
            queueing_lock=f"crawl:{what}",  # one waiting job per outlet (or outlet and day)
            lock=f"outlet:{outlet}",  # one running job per outlet
        ).defer(outlet=outlet, trigger=trigger, request_ids=ids, day=day)
    except exceptions.AlreadyEnqueued:
        return None


async def recover(queue: procrastinate.App) -> list[int]:
    """Jobs of workers silent for STALLED_SECONDS go back to the queue; their ids."""
    again = []
    for job in await queue.job_manager.get_stalled_jobs(seconds_since_heartbeat=STALLED_SECONDS):
        try:
            await queue.job_manager.retry_job(job)
        except exceptions.ConnectorException:
            continue  # another worker re-queued it first
        assert job.id is not None
        again.append(job.id)
    await queue.job_manager.prune_stalled_workers(seconds_since_heartbeat=STALLED_SECONDS * 6)
    return again
