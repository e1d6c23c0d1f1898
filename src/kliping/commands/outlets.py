"""``kliping outlets [list|check|match] [--live] [--json] [URL ...]``."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterable

from kliping.config.identity import match
from kliping.config.outlets import Outlet, Registry, load_registry, select


def load(args: argparse.Namespace) -> Registry:
    return load_registry(args.settings.outlets_file)


def match_urls(registry: Registry, urls: Iterable[str]) -> None:
    """One JSON line per URL: {"url", "outlet", "article", "canonical"}: a contract for scripts
    (tests/test_urls.py holds it)."""
    for raw in urls:
        url = raw.strip()
        if url:
            print(json.dumps(match(url, registry).as_dict(), ensure_ascii=False), flush=True)


def chosen(args: argparse.Namespace) -> list[Outlet]:
    """The outlets named on the command line (all when none): keys in any case, each once
    (naming one twice would start a second, busy run of it)."""
    names = list(dict.fromkeys(name.strip().lower() for name in args.outlets))
    return select(load(args), names)


def run(args: argparse.Namespace) -> int:
    registry = load(args)
    if args.action == "match":
        match_urls(registry, args.urls or sys.stdin)
        return 0
    if args.urls:
        print(
            f"kliping outlets {args.action}: takes no URL (did you mean 'match'?)", file=sys.stderr
        )
        return 2
    if args.action == "check":
        if args.live:
            from kliping.crawler.probe import check_live

            return check_live(registry, args.settings, as_json=args.json)
        print(f"{len(registry)} outlets: registry is valid")
        return 0
    if args.json:
        for o in registry.values():
            row = {
                "key": o.key,
                "name": o.name,
                "domains": list(o.domains),
                "feeds": list(o.feeds),
                "sitemaps": list(o.sitemaps),
                "sections": list(o.sections),
                "archive": o.archive,
                "interval_minutes": o.interval_minutes,
                "network": o.network,
                "evidence": o.evidence,
            }
            print(json.dumps(row, ensure_ascii=False))
        return 0
    print(f"{'outlet':<14} {'name':<18} {'every':>6}  sources  backfill  domains")
    for o in registry.values():
        sources = f"{len(o.feeds)}f {len(o.sitemaps)}s {len(o.sections)}p"
        backfill = "yes" if o.archive else "-"
        every = f"{o.interval_minutes}m"
        domains = ", ".join(o.domains)
        print(f"{o.key:<14} {o.name:<18} {every:>6}  {sources:<8} {backfill:<9} {domains}")
    print("sources: f = RSS/Atom feeds, s = news sitemaps, p = section pages;"
          " backfill: a dated archive for `kliping crawl --since`")  # fmt: skip
    return 0
