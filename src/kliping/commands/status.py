"""``kliping status [--json]``: is the daemon alive, and per outlet its last (or current) run,
its failures' reasons and its next run; times in WIB, like the stories."""

from __future__ import annotations

import argparse
import json
from datetime import UTC, datetime
from typing import Any

from kliping import alerts
from kliping.commands.daemon import ALIVE_SECONDS
from kliping.commands.dates import WIB
from kliping.commands.outlets import load
from kliping.crawler import drift
from kliping.storage import db, queue_state, requests, runs, sources

# A worker beats every 2 s (scheduler/queue.py); silent 10 s, its job is crawled again.
WORKER_ALIVE_SECONDS = 10


def _iso(when: datetime | None) -> str | None:
    return when.astimezone(WIB).isoformat() if when else None


def _wib(when: str | datetime | None) -> str:
    """ "06 Dec 16:47 WIB" for a time (or an ISO string, as the heartbeat stores them)."""
    if not when or when == "now":
        return "-" if not when else "now"
    moment = datetime.fromisoformat(when) if isinstance(when, str) else when
    return moment.astimezone(WIB).strftime("%d %b %H:%M WIB")


def _span(seconds: float) -> str:
    """ "42s", "3m05s", "2h10m": how long an outlet has waited past its due time."""
    whole = int(seconds)
    if whole < 60:
        return f"{whole}s"
    if whole < 3600:
        return f"{whole // 60}m{whole % 60:02d}s"
    return f"{whole // 3600}h{whole % 3600 // 60:02d}m"


def _reasons(reasons: dict[str, int], limit: int = 3) -> str:
    top = sorted(reasons.items(), key=lambda kv: (-kv[1], kv[0]))[:limit]
    more = len(reasons) - len(top)
    return ", ".join(f"{r} ×{n}" for r, n in top) + (f", +{more} more" if more > 0 else "")


def report(args: argparse.Namespace) -> dict[str, Any]:
    registry = load(args)
    with db.connect(db.database_url(args.settings)) as conn:
        beat = requests.heartbeat(conn)
        last = runs.last_runs(conn, list(registry))
        queued = requests.pending(conn)
        history = sources.source_history(conn, list(registry))
        failed = alerts.failed_deliveries(conn)
        workers = queue_state.workers(conn)  # KLIPING_WORKERS=external: the task queue's
        jobs = queue_state.waiting(conn)
    alive = beat is not None and beat.age_seconds <= ALIVE_SECONDS
    out: dict[str, Any] = {
        "daemon": {
            "alive": alive,
            "pid": beat.pid if beat else None,
            "host": beat.host if beat else None,
            "started_at": _iso(beat.started_at) if beat else None,
            "last_heartbeat_seconds_ago": round(beat.age_seconds, 1) if beat else None,
        },
        "outlets": {},
        "queued": [{"outlet": o, "requested_at": _iso(t)} for o, t in queued],
        # A source whose entries stopped being taken as articles (crawler/drift.py).
        "drift": [
            {"outlet": d.outlet, "source": d.source, "reason": d.reason, "evidence": d.evidence}
            for d in drift.assess(history)
        ],
        # Only the target's kind: a webhook URL may carry a token.
        "failed_alerts": [
            {
                "watchlist": f.watchlist,
                "target": f.target.split(":")[0],
                "title": f.title,
                "attempts": f.attempts,
                "reason": f.reason,
                "at": _iso(f.created_at),
            }
            for f in failed
        ],
        "workers": [
            {"id": w.id, "heartbeat_seconds_ago": round(w.heartbeat_age, 1), "job": w.job,
             "job_id": w.job_id, "host": w.host, "crawl_pid": w.pid,
             "alive": w.heartbeat_age <= WORKER_ALIVE_SECONDS}
            for w in workers
        ],
        "jobs_waiting": [{"outlet": o, "queued_at": _iso(t)} for o, t in jobs],
    }  # fmt: skip
    now = datetime.now(UTC)
    for key in registry:
        run = last.get(key)
        due = beat.next_runs.get(f"{key}:queued") if beat and alive else None
        entry: dict[str, Any] = {
            "next_run": _iso(datetime.fromisoformat(n))
            if beat and alive and (n := beat.next_runs.get(key)) and n != "now"
            else None,
            "running": bool(beat and alive and f"{key}:running" in beat.next_runs),
            # Due, waiting for a free crawl place (KLIPING_MAX_CRAWLS): since when.
            "queued_since": _iso(datetime.fromisoformat(due)) if due else None,
            "overdue_seconds": round((now - datetime.fromisoformat(due)).total_seconds(), 1)
            if due
            else None,
        }
        if run is not None:
            duration = (
                (run.finished_at - run.started_at).total_seconds() if run.finished_at else None
            )
            # A 'running' run is the current one: its counts are its progress so far.
            entry["last_run"] = {
                "id": run.id,
                "trigger": run.trigger,
                "status": run.status,
                "started_at": _iso(run.started_at),
                "seconds": round(duration, 1) if duration is not None else None,
                "pages": run.pages_fetched,
                "new": run.articles_new,
                "updated": run.articles_updated,
                "already_stored": run.articles_skipped,
                "failures": run.failures,
                "error": run.error,
                "failure_reasons": run.failure_reasons,
            }
        out["outlets"][key] = entry
    entries = out["outlets"].items()
    # With workers (KLIPING_WORKERS=external) the crawls run in them, not in the daemon.
    working = {w["job"].split(":")[0] for w in out["workers"] if w["job"] and w["alive"]}
    out["crawls"] = {
        "running": sorted({k for k, e in entries if e["running"]} | working),
        # In the order they will start: the most overdue first.
        "queued": [k for k, e in sorted(entries, key=lambda kv: -(kv[1]["overdue_seconds"] or 0))
                   if e["queued_since"]],
    }  # fmt: skip
    return out


def status(args: argparse.Namespace) -> int:
    found = report(args)
    if args.json:
        print(json.dumps(found, ensure_ascii=False))
        return 0
    d = found["daemon"]
    if d["alive"]:
        print(f"daemon: alive (pid {d['pid']} on {d['host']}, since {_wib(d['started_at'])})")
    else:
        print(
            "daemon: not running"
            + (f" (last heartbeat {d['last_heartbeat_seconds_ago']}s ago)" if d["pid"] else "")
        )
    crawls, waiting = found["crawls"], found["outlets"]
    if d["alive"]:
        running = f" ({', '.join(crawls['running'])})" if crawls["running"] else ""
        late = [f"{k} overdue {_span(waiting[k]['overdue_seconds'])}" for k in crawls["queued"]]
        queued = f" ({', '.join(late)})" if late else ""
        print(f"crawls: {len(crawls['running'])} running{running}, {len(late)} queued{queued}")
    print(f"{'outlet':<14} {'last run':<10} {'started':<17} {'pages':>5} {'new':>4} {'fail':>4}"
          "  next run")  # fmt: skip
    for key, entry in found["outlets"].items():
        run = entry.get("last_run")
        state = run["status"] if run else "never"
        if entry["running"] and state != "running":
            state = "starting"  # the daemon started it; its run row is not written yet
        elif entry["queued_since"]:
            state = "queued"  # due, waiting for a free crawl place
        cells = (
            (_wib(run["started_at"]), run["pages"], run["new"], run["failures"])
            if run
            else ("-", "", "", "")
        )
        print(f"{key:<14} {state:<10} {cells[0]:<17} {cells[1]:>5} {cells[2]:>4} {cells[3]:>4}"
              f"  {_wib(entry['next_run'])}")  # fmt: skip
        if run and run["status"] == "running":
            print(f"{'':<14} so far: {run['pages']} pages, {run['new']} new,"
                  f" {run['already_stored']} already stored, {run['failures']} failed")  # fmt: skip
        if run and run["error"]:
            print(f"{'':<14} error: {run['error']}")
        if run and run["failure_reasons"]:
            print(f"{'':<14} failures: {_reasons(run['failure_reasons'])}")
    for w in found["workers"]:
        doing = (
            f"crawling {w['job']} (job {w['job_id']}"
            + (f", pid {w['crawl_pid']} on {w['host']})" if w["host"] else ")")
            if w["job"]
            else "idle"
        )
        state = "alive" if w["alive"] else "silent"
        print(
            f"worker {w['id']}: {state}, heartbeat {w['heartbeat_seconds_ago']:.0f}s ago, {doing}"
        )
    if found["jobs_waiting"]:
        print("jobs waiting for a worker: " + ", ".join(j["outlet"] for j in found["jobs_waiting"]))
    if found["queued"]:
        print("queued triggers: " + ", ".join(q["outlet"] for q in found["queued"]))
    for d in found["drift"]:
        sample = f"; e.g. {', '.join(d['evidence'][:3])}" if d["evidence"] else ""
        print(f"drift: {d['outlet']} {d['source']}: {d['reason']}{sample}")
    if found["failed_alerts"]:
        newest = found["failed_alerts"][0]
        print(f"failed alert deliveries: {len(found['failed_alerts'])} (newest: watchlist"
              f" {newest['watchlist']}, {newest['target']}: {newest['reason']});"
              " `kliping watch list` shows them")  # fmt: skip
    print("times in WIB (UTC+7); `kliping status --json` for scripts")
    return 0
