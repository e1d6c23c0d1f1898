"""``kliping demo``: the whole pipeline with no set-up and no network.

Starts (or reuses) the embedded Postgres, serves the bundled sample site on 127.0.0.1,
crawls it, clusters what was stored, and prints the stories. ``--daemon`` runs the scheduler
over the sample site instead, to watch scheduled crawls and triggers; ``--remove`` deletes
what the demo stored.

Demo data stays recognisable and apart: its articles' URLs are always under ``DEMO_BASE``
(one identity whatever port the site really got, so a second demo stores nothing again), its
runs have the trigger ``demo``, and it goes into the embedded database, never into
``DATABASE_URL``'s unless ``--into-database-url`` says so.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace

from kliping.cli import CommandError
from kliping.commands.crawl import summary
from kliping.commands.read import print_table
from kliping.config.settings import Settings
from kliping.sample_site.server import SampleSite, port_free, serve
from kliping.storage import db
from kliping.storage.demo import DEMO_BASE, DEMO_PORT

# For the daemon's crawl children, which read their settings from the environment: a site on
# loopback needs no delay between requests, and a brief retry backoff.
_FAST = {
    "KLIPING_DOWNLOAD_DELAY": "0",
    "KLIPING_CONCURRENCY_PER_DOMAIN": "8",
    "KLIPING_RETRY_BACKOFF": "0.1",
}


@contextmanager
def sample_site() -> Iterator[SampleSite]:
    """The sample site, its pages naming ``DEMO_BASE`` wherever it is really served.

    When port 47801 is taken, the site listens on a free port and this process (and the crawl
    children it starts) reach it as an HTTP proxy: the articles keep their URLs, so the same
    article is never stored twice under two ports.
    """
    free = port_free(DEMO_PORT)
    with serve(SampleSite(), port=DEMO_PORT if free else 0, base=DEMO_BASE) as site:
        if not free:
            print(f"port {DEMO_PORT} is busy: sample site served on {site.address}, its"
                  f" articles keep their {DEMO_BASE} addresses", file=sys.stderr)  # fmt: skip
            saved = {k: os.environ.get(k) for k in ("http_proxy", "no_proxy", "NO_PROXY")}
            os.environ.update(http_proxy=site.address, no_proxy="", NO_PROXY="")
        try:
            yield site
        finally:
            if not free:
                for key, value in saved.items():
                    if value is None:
                        os.environ.pop(key, None)
                    else:
                        os.environ[key] = value


def demo_settings(args: argparse.Namespace) -> Settings:
    """Where the demo writes: the embedded database unless ``--into-database-url``."""
    settings: Settings = args.settings
    if args.into_database_url:
        if not settings.database_url:
            raise CommandError("--into-database-url: DATABASE_URL is not set")
        return settings
    if settings.database_url:
        print("DATABASE_URL is set: the demo uses the embedded database under KLIPING_HOME"
              " instead (--into-database-url writes into DATABASE_URL's)",
              file=sys.stderr)  # fmt: skip
    return replace(settings, database_url=None)


def run(args: argparse.Namespace) -> int:
    settings = demo_settings(args)
    # How to read the demo's data back when DATABASE_URL points elsewhere.
    reading = (
        "env -u DATABASE_URL " if args.settings.database_url and not args.into_database_url else ""
    )
    if args.remove:
        return _remove(settings, reading)
    if args.daemon:
        from kliping.commands.demo_daemon import watch

        return watch(settings, args.every, _FAST)
    from kliping.crawler.run import run_crawl
    from kliping.dedup.store import cluster_pending
    from kliping.storage.stories import StoryFilter, list_stories

    # A site on loopback: no delay between requests, brief retry backoff.
    settings = replace(settings, download_delay=0.0, concurrency_per_domain=8, retry_backoff=0.1)
    conninfo = db.database_url(settings)
    print(f"database: {db.describe(settings)}", file=sys.stderr)
    with sample_site() as site:
        print(f"sample site: {site.base}/ ({len(site.corpus)} articles, 11 outlets + broken pages)",
              file=sys.stderr)  # fmt: skip
        outlets = list(site.registry().values())
        result = run_crawl(settings, outlets, conninfo, trigger="demo",
                           progress=sys.stderr.isatty(), after=cluster_pending)  # fmt: skip
    print(summary(result))
    with db.connect(conninfo) as conn:
        multi = list_stories(conn, StoryFilter(min_size=2), limit=None)
        singles = len(list_stories(conn, StoryFilter(), limit=None)) - len(multi)
    stories = multi[:30]
    print(f"\nstories with two or more articles ({singles} single-article stories not shown):")
    print_table(stories)
    print(f"\nnext: `{reading}kliping story ID` for one story, `{reading}kliping stories --json`"
          f" for scripts; `{reading}kliping demo --remove` deletes the demo's data")  # fmt: skip
    return 0 if result.pages_fetched else 1


def _remove(settings: Settings, reading: str) -> int:
    from kliping.dedup.store import cluster_pending
    from kliping.storage.demo import forget

    with db.connect(db.database_url(settings)) as conn:
        gone = forget(conn)
        cluster_pending(conn)  # real articles that shared a story with demo ones get one again
    print(f"removed the demo's data from {db.describe(settings)}: {gone.articles} articles,"
          f" {gone.stories} stories, {gone.runs} crawl runs")  # fmt: skip
    return 0
