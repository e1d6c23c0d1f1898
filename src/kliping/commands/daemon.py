"""``kliping daemon``, ``kliping trigger OUTLET ...``, ``kliping status``."""

from __future__ import annotations

import argparse
import json
import sys
from datetime import datetime
from typing import Any

from kliping.cli import CommandError
from kliping.commands.outlets import load
from kliping.config.outlets import select
from kliping.storage import db, requests, runs

ALIVE_SECONDS = 30  # a heartbeat older than this means the daemon is gone


# Bounds for the daemon's durations: a second is the least that is not a busy loop; a week
# is more than any outlet's interval or crawl needs (and what APScheduler still handles).
MIN_SECONDS, MAX_SECONDS = 1.0, 7 * 24 * 3600.0


def _seconds(value: float | None, option: str) -> float | None:
    if value is not None and not (MIN_SECONDS <= value <= MAX_SECONDS):  # also NaN
        raise CommandError(
            f"{option} must be between {MIN_SECONDS:.0f} and {MAX_SECONDS:.0f} seconds"
        )
    return value


def run(args: argparse.Namespace) -> int:
    from kliping.scheduler.daemon import Daemon, DaemonError

    every = _seconds(args.every, "--every")
    _seconds(args.crawl_timeout, "--crawl-timeout")
    outlets = select(load(args), args.outlets)
    conninfo = db.database_url(args.settings)
    daemon = Daemon(outlets, conninfo, every=every, crawl_timeout=args.crawl_timeout)
    try:
        return daemon.run()
    except DaemonError as exc:
        raise CommandError(str(exc)) from None


def scheduled(beat: requests.Heartbeat) -> list[str]:
    """The outlets a daemon schedules, from its heartbeat (``key`` and ``key:running``)."""
    return sorted({key.split(":")[0] for key in beat.next_runs})


def trigger(args: argparse.Namespace) -> int:
    outlets = select(load(args), args.outlets)
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


def _iso(when: datetime | None) -> str | None:
    return when.isoformat() if when else None


def status(args: argparse.Namespace) -> int:
    registry = load(args)
    with db.connect(db.database_url(args.settings)) as conn:
        beat = requests.heartbeat(conn)
        last = runs.last_runs(conn)
        queued = requests.pending(conn)
    alive = beat is not None and beat.age_seconds <= ALIVE_SECONDS
    report: dict[str, Any] = {
        "daemon": {
            "alive": alive,
            "pid": beat.pid if beat else None,
            "host": beat.host if beat else None,
            "started_at": _iso(beat.started_at) if beat else None,
            "last_heartbeat_seconds_ago": round(beat.age_seconds, 1) if beat else None,
        },
        "outlets": {},
        "queued": [{"outlet": o, "requested_at": _iso(t)} for o, t in queued],
    }
    for key in registry:
        run = last.get(key)
        entry: dict[str, Any] = {
            "next_run": (beat.next_runs.get(key) if beat and alive else None),
            "running": bool(beat and alive and f"{key}:running" in beat.next_runs),
        }
        if run is not None:
            duration = (
                (run.finished_at - run.started_at).total_seconds() if run.finished_at else None
            )
            entry["last_run"] = {
                "id": run.id,
                "trigger": run.trigger,
                "status": run.status,
                "started_at": _iso(run.started_at),
                "seconds": round(duration, 1) if duration is not None else None,
                "new": run.articles_new,
                "updated": run.articles_updated,
                "failures": run.failures,
                "error": run.error,
                "failure_reasons": run.failure_reasons,
            }
        report["outlets"][key] = entry
    if args.json:
        print(json.dumps(report, ensure_ascii=False))
        return 0
    d = report["daemon"]
    if alive:
        print(f"daemon: alive (pid {d['pid']} on {d['host']}, since {d['started_at']})")
    else:
        print(
            "daemon: not running"
            + (f" (last heartbeat {d['last_heartbeat_seconds_ago']}s ago)" if beat else "")
        )
    print(f"{'outlet':<14} {'last run':<10} {'when':<26} {'new':>4} {'fail':>4}  next run")
    for key, entry in report["outlets"].items():
        last_run = entry.get("last_run")
        when = (last_run["started_at"] or "")[:19] if last_run else "-"
        state = "running" if entry["running"] else (last_run["status"] if last_run else "never")
        new = last_run["new"] if last_run else ""
        fail = last_run["failures"] if last_run else ""
        print(
            f"{key:<14} {state:<10} {when:<26} {new:>4} {fail:>4}  {(entry['next_run'] or '-')[:19]}"  # noqa: E501
        )
        if last_run and last_run["error"]:
            print(f"{'':<14} error: {last_run['error']}")
    if report["queued"]:
        print("queued triggers: " + ", ".join(q["outlet"] for q in report["queued"]))
    return 0
