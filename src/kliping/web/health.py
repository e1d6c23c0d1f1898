"""Outlet health for the Outlets page: the last crawl, articles per day, stale, failing and
drifting sources (web/source_health.py)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

import psycopg

from kliping.commands.dates import WIB
from kliping.config.extract_rules import READERS_ZONE
from kliping.config.outlets import Outlet
from kliping.storage import runs
from kliping.storage.web_queries import (
    RECENT_RUNS,
    articles_per_day,
    crawled_outlets,
    outlet_activity,
)
from kliping.web.format import iso, run_json
from kliping.web.source_health import SourceCache, SourceHealth, judge

DAYS = 14  # the articles-per-day strip: two weeks
DEFAULT_INTERVAL_MINUTES = 30  # an outlet missing from the registry: the registry's default
# Stale: no successful crawl in three of its intervals (one late or failed run is not yet news).
STALE_INTERVALS = 3


@dataclass(frozen=True)
class OutletHealth:
    key: str
    name: str
    interval_minutes: int
    last_run: runs.CrawlRun | None
    last_success: datetime | None
    stale: bool
    failing: bool
    per_day: list[tuple[date, int]]  # oldest first, DAYS entries
    sources: list[SourceHealth]  # those of its latest finished run, by URL

    @property
    def drifting(self) -> list[SourceHealth]:
        return [s for s in self.sources if s.drift]

    def json(self) -> dict[str, Any]:
        return {
            "outlet": self.key,
            "name": self.name,
            "interval_minutes": self.interval_minutes,
            "last_run": run_json(self.last_run),
            "last_success": iso(self.last_success),
            "stale": self.stale,
            "failing": self.failing,
            "drift": bool(self.drifting),
            "articles_per_day": {d.isoformat(): n for d, n in self.per_day},
            "sources": [src.json() for src in self.sources],
        }


def outlet_health(
    conn: psycopg.Connection,
    registry: dict[str, Outlet],
    now: datetime | None = None,
    cache: SourceCache | None = None,
) -> list[OutletHealth]:
    """Every outlet of the registry, and any other that has crawl runs; its sources judged
    afresh, or through ``cache`` (the server's)."""
    now = now or datetime.now(WIB)
    today = now.astimezone(WIB).date()
    days = [today - timedelta(days=i) for i in range(DAYS - 1, -1, -1)]
    keys = sorted(set(registry) | set(crawled_outlets(conn)))
    last = runs.last_runs(conn, keys)
    activity = outlet_activity(conn, keys)
    counts = articles_per_day(conn, keys, days[0], READERS_ZONE)
    by_outlet = cache.get(conn, keys) if cache else judge(conn, keys)
    out = []
    for key in keys:
        outlet = registry.get(key)
        interval = outlet.interval_minutes if outlet else DEFAULT_INTERVAL_MINUTES
        act = activity.get(key)
        success = act.last_success if act else None
        stale = success is None or now - success > timedelta(minutes=STALE_INTERVALS * interval)
        run = last.get(key)
        # Failing: the last run failed, or most of the recent ones did (an outlet that flaps).
        failing = bool(run and run.status in ("failed", "abandoned")) or bool(
            act and act.runs_failed * 2 > RECENT_RUNS
        )
        per_day = [(d, counts.get(key, {}).get(d, 0)) for d in days]
        out.append(
            OutletHealth(
                key,
                outlet.name if outlet else key,
                interval,
                run,
                success,
                stale,
                failing,
                per_day,
                by_outlet.get(key, []),
            )
        )
    return out
