"""``kliping db upgrade|status|stop|recluster|check``."""

from __future__ import annotations

import argparse

from kliping.storage import db, migrate
from kliping.storage.embedded import EmbeddedPostgres


def _recluster(conninfo: str, since: str | None, until: str | None) -> int:
    from kliping.cli import CommandError
    from kliping.commands.dates import day_end, day_start
    from kliping.dedup.recluster import recluster

    start, end = day_start(since, "--since"), day_end(until, "--until")
    if start is None:
        raise CommandError("recluster needs --since DATE")
    with db.connect(conninfo) as conn:
        count = recluster(conn, start, end)
    print(f"reclustered {count} articles")
    return 0


def _check(conninfo: str) -> int:
    from kliping.storage import integrity

    with db.connect(conninfo) as conn:
        found = integrity.problems(conn)
        waiting = integrity.pending(conn)
    for name, count in found.items():
        print(f"{'ok' if count == 0 else 'FAIL':>4}  {integrity.CHECKS[name][0]}: {count}")
    print(f"      articles waiting to be clustered (the next run places them): {waiting}")
    return 1 if any(found.values()) else 0


def run(args: argparse.Namespace) -> int:
    settings = args.settings
    if args.action == "stop":
        if settings.database_url:
            print("DATABASE_URL is set: kliping does not manage that server")
            return 0
        stopped = EmbeddedPostgres(settings.home).stop()
        print("embedded PostgreSQL stopped" if stopped else "embedded PostgreSQL was not running")
        return 0
    conninfo = db.database_url(settings)
    print(f"database: {db.describe(settings)}")
    if args.action == "recluster":
        return _recluster(conninfo, args.since, args.until)
    if args.action == "check":
        return _check(conninfo)
    with db.connect(conninfo, upgrade=False) as conn:
        if args.action == "upgrade":
            done = migrate.upgrade(conn)
            if not done:
                print("schema is up to date: nothing to do")
            for m in done:
                print(f"applied {m.version:04d}_{m.name}")
            return 0
        applied = migrate.applied(conn)
        for m in migrate.available():
            state = "applied" if m.version in applied else "pending"
            print(f"{m.version:04d}_{m.name}: {state}")
        counts = db.totals(conn)
        print(
            f"articles: {counts.articles}, stories: {counts.stories},"
            f" crawl runs: {counts.crawl_runs}"
        )
    return 0
