"""``kliping crawl [OUTLET ...] [--since DATE [--until DATE]] [--refresh]``."""

from __future__ import annotations

import argparse
import sys

from kliping.cli import CommandError
from kliping.commands.dates import parse_date
from kliping.commands.outlets import chosen
from kliping.config.exits import EXIT_BUSY, EXIT_DISK_FULL, EXIT_STOPPED, EXIT_UNAVAILABLE
from kliping.crawler.run import CrawlResult, run_crawl
from kliping.storage import db


def summary(result: CrawlResult) -> str:
    # The same words as the progress line and the log: "new", "updated", "already stored".
    lines = [
        f"{'outlet':<14} {'new':>5} {'updated':>8} {'already stored':>15} {'failed':>7}"
        f" {'pages':>6}"
    ]
    for key, t in result.tallies.items():
        lines.append(
            f"{key:<14} {t.articles_new:>5} {t.articles_updated:>8} {t.articles_skipped:>15}"
            f" {t.failures:>7} {t.pages_fetched:>6}"
            + (
                f"   ({', '.join(f'{r} ×{n}' for r, n in t.reasons.most_common(3))})"
                if t.reasons
                else ""
            )
        )
        if t.error:
            lines.append(f"{'':<14} failed: {t.error}")
    for key in result.busy:
        lines.append(f"{key:<14} skipped: another process is crawling it")
    return "\n".join(lines)


def run(args: argparse.Namespace) -> int:
    settings = args.settings
    outlets = chosen(args)
    since, until = parse_date(args.since, "--since"), parse_date(args.until, "--until")
    if until and not since:
        raise CommandError("--until needs --since")
    if args.run_id is not None and len(outlets) != 1:
        raise CommandError("--run-id names the run of exactly one outlet")
    conninfo = db.database_url(settings)
    from kliping.dedup.store import cluster_pending

    print(f"crawling {len(outlets)} outlet(s) into {db.describe(settings)}", file=sys.stderr)
    result = run_crawl(
        settings,
        outlets,
        conninfo,
        trigger=args.trigger,
        since=since,
        until=until,
        refresh=args.refresh,
        max_articles=args.max_articles,
        # A line every 2 s is for a person at a terminal; a log gets the summary at the end.
        progress=sys.stderr.isatty(),
        after=None if args.no_cluster else cluster_pending,
        run_id=args.run_id,
    )
    print(summary(result))
    if result.stopped:
        return EXIT_STOPPED
    if result.lost is not None:
        what = "free some space, then crawl again" if result.lost.disk_full else "crawl again"
        print(f"kliping: {result.lost}: the crawl stopped, what it stored is kept; {what}",
              file=sys.stderr)  # fmt: skip
        return EXIT_DISK_FULL if result.lost.disk_full else EXIT_UNAVAILABLE
    if not result.tallies and result.busy:
        return EXIT_BUSY
    if result.pages_fetched == 0:
        print("kliping: nothing could be fetched", file=sys.stderr)
        return 1
    return 0
