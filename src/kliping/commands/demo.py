"""``kliping demo``: the whole pipeline with no set-up and no network.

Starts (or reuses) the embedded Postgres, serves the bundled sample site on 127.0.0.1,
crawls it, clusters what was stored, and prints the stories.
"""

from __future__ import annotations

import argparse
import socket
import sys
from dataclasses import replace

from kliping.commands.crawl import summary
from kliping.commands.read import print_table
from kliping.crawler.run import run_crawl
from kliping.dedup.store import cluster_pending
from kliping.sample_site.server import SampleSite, serve
from kliping.storage import db
from kliping.storage.stories import list_stories

# A fixed port keeps the sample articles' URLs (their identity) the same from run to run,
# so a second demo finds them stored instead of storing them again.
DEMO_PORT = 47801


def _port() -> int:
    with socket.socket() as probe:
        # As the server will: a port in TIME_WAIT from the last demo is free to reuse.
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(("127.0.0.1", DEMO_PORT))
            return DEMO_PORT
        except OSError:
            print(
                f"port {DEMO_PORT} is busy: serving the sample site on another port",
                file=sys.stderr,
            )
            return 0


def run(args: argparse.Namespace) -> int:
    # A site on loopback: no delay between requests, brief retry backoff.
    settings = replace(
        args.settings, download_delay=0.0, concurrency_per_domain=8, retry_backoff=0.1
    )
    conninfo = db.database_url(settings)
    print(f"database: {db.describe(settings)}", file=sys.stderr)
    with serve(SampleSite(), port=_port()) as site:
        print(f"sample site: {site.base}/ ({len(site.corpus)} articles, 11 outlets + broken pages)",
              file=sys.stderr)  # fmt: skip
        outlets = list(site.registry().values())
        result = run_crawl(settings, outlets, conninfo, trigger="demo", progress=True,
                           after=cluster_pending)  # fmt: skip
    print(summary(result))
    with db.connect(conninfo) as conn:
        stories = list_stories(conn, min_size=2, limit=30)
        singles = len(list_stories(conn, limit=None)) - len(stories)
    print(f"\nstories with two or more articles ({singles} single-article stories not shown):")
    print_table(stories)
    print("\nnext: `kliping story ID` for one story, `kliping stories --json` for scripts")
    return 0 if result.pages_fetched else 1
