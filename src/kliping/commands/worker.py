"""``kliping worker``: take crawl jobs from the task queue (``KLIPING_WORKERS=external``), on
this machine or any other sharing the database; SIGTERM stops it after its crawls end."""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import socket
import sys

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


# A backfill of more days than this is a typo (2 years of one outlet is 730 jobs).
MAX_BACKFILL_DAYS = 3660


def backfill(args: argparse.Namespace) -> int:
    """``kliping backfill OUTLET ... --since DATE [--until DATE]``: one job per outlet and day
    for the workers (KLIPING_WORKERS=external), so a long backfill spreads over machines."""
    from datetime import timedelta

    from kliping.commands.dates import parse_date
    from kliping.commands.outlets import chosen
    from kliping.scheduler import queue

    since = parse_date(args.since, "--since")
    until = parse_date(args.until, "--until") or since
    assert since is not None and until is not None  # --since is required by the parser
    if since > until:
        raise CommandError(f"--since {since} is after --until {until}")
    days = (until - since).days + 1
    if days > MAX_BACKFILL_DAYS:
        raise CommandError(f"--since to --until spans {days} days; at most {MAX_BACKFILL_DAYS}")
    outlets = chosen(args)
    conninfo = db.database_url(args.settings)
    with db.connect(conninfo):
        pass
    queue.ensure_schema(conninfo)
    app = queue.app(conninfo, sync=True)
    queued = waiting = 0
    with app.open():
        for outlet in outlets:
            for n in range(days):
                day = (since + timedelta(days=n)).isoformat()
                if queue.defer(app, outlet.key, "backfill", [], day=day) is None:
                    waiting += 1
                else:
                    queued += 1
    print(f"{queued} backfill jobs queued ({len(outlets)} outlets x {days} days)"
          + (f", {waiting} already waiting" if waiting else ""))  # fmt: skip
    if args.settings.workers != "external":
        print("KLIPING_WORKERS is not external: the jobs wait for a `kliping worker`",
              file=sys.stderr)  # fmt: skip
    return 0
