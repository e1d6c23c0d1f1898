"""``kliping daemon``, ``kliping trigger OUTLET ...``, ``kliping status``."""

from __future__ import annotations

import argparse
import sys

from kliping.cli import CommandError
from kliping.commands.outlets import chosen
from kliping.storage import db, requests

ALIVE_SECONDS = 30  # a heartbeat older than this means the daemon is gone


def run(args: argparse.Namespace) -> int:
    from kliping.scheduler.capacity import crawl_slots
    from kliping.scheduler.daemon import Daemon, DaemonError

    outlets = chosen(args)  # --every and --crawl-timeout are bounded by the parser
    conninfo = db.database_url(args.settings)
    settings = args.settings
    if settings.workers == "external":
        from kliping.scheduler.dispatch import QueueDaemon as Daemon
    daemon = Daemon(
        outlets, conninfo, every=args.every, crawl_timeout=args.crawl_timeout,
        max_parallel=crawl_slots(settings.max_crawls),
        extract_workers=settings.extract_workers,
    )  # fmt: skip
    try:
        return daemon.run()
    except DaemonError as exc:
        raise CommandError(str(exc)) from None


def scheduled(beat: requests.Heartbeat) -> list[str]:
    """The outlets a daemon schedules, from its heartbeat (``key`` and ``key:running``)."""
    return sorted({key.split(":")[0] for key in beat.next_runs})  # and key:queued


def trigger(args: argparse.Namespace) -> int:
    outlets = chosen(args)
    with db.connect(db.database_url(args.settings)) as conn:
        beat = requests.heartbeat(conn)
        alive = beat is not None and beat.age_seconds <= ALIVE_SECONDS
        if alive and beat is not None and beat.next_runs:
            # A request for an outlet the running daemon does not crawl would wait forever.
            known = scheduled(beat)
            missing = [o.key for o in outlets if o.key not in known]
            if missing:
                raise CommandError(
                    f"the running daemon does not schedule {', '.join(missing)}"
                    f" (it schedules: {', '.join(known)}); `kliping crawl {missing[0]}` crawls"
                    " it now"
                )
        for outlet in outlets:
            fresh = requests.request_crawl(conn, outlet.key)
            print(f"{outlet.key}: {'queued' if fresh else 'already queued'}")
    if not alive:
        print(
            "no daemon is running: the request waits until `kliping daemon` starts "
            "(or crawl now with `kliping crawl OUTLET`)",
            file=sys.stderr,
        )
    return 0
