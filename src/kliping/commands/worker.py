"""``kliping worker``: take crawl jobs from the task queue (``KLIPING_WORKERS=external``), on
this machine or any other sharing the database; SIGTERM stops it after its crawls end."""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import socket

from kliping.cli import CommandError
from kliping.storage import db

log = logging.getLogger(__name__)


def run(args: argparse.Namespace) -> int:
    from kliping.scheduler import capacity, jobs, queue

    settings = args.settings
    concurrency = args.concurrency or capacity.crawl_slots(settings.max_crawls)
    if not 1 <= concurrency <= 1024:
        raise CommandError("--concurrency must be between 1 and 1024")
    conninfo = db.database_url(settings)
    # The crawl children read these: the same database, the cores shared among the crawls.
    os.environ["DATABASE_URL"] = conninfo
    os.environ["KLIPING_EXTRACT_WORKERS"] = str(
        capacity.extract_workers(settings.extract_workers, concurrency)
    )
    with db.connect(conninfo):  # migrated, or a clear error now rather than per job
        pass
    queue.ensure_schema(conninfo)
    name = f"{socket.gethostname()}:{os.getpid()}"
    log.info("worker started", extra={"fields": {"name": name, "concurrency": concurrency}})
    asyncio.run(jobs.work(conninfo, concurrency, name))
    log.info("worker stopped")
    return 0
