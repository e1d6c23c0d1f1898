"""``kliping demo --daemon``: the scheduler over the sample site, to watch it work offline.

The daemon starts each crawl as a child ``kliping crawl`` that reads its registry and
settings from the environment, so the sample registry is written under KLIPING_HOME and
named in KLIPING_OUTLETS for the children (with the sample site's address filled in).
"""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping

from kliping.cli import CommandError
from kliping.config.settings import Settings
from kliping.storage import db


def watch(settings: Settings, every: float, fast: Mapping[str, str]) -> int:
    from kliping.commands.demo import sample_site
    from kliping.scheduler.daemon import Daemon, DaemonError

    conninfo = db.database_url(settings)
    settings.home.mkdir(parents=True, exist_ok=True)
    registry = settings.home / "demo-outlets.toml"
    with sample_site() as site:
        registry.write_text(site.registry_text(), encoding="utf-8")
        os.environ.update(fast, KLIPING_OUTLETS=str(registry))
        outlets = list(site.registry().values())
        print(
            f"database: {db.describe(settings)}\n"
            f"sample site: {site.base}/ ({len(outlets)} outlets, crawled every {every:.0f}s)\n"
            "watch it from another terminal:\n"
            f"  KLIPING_OUTLETS={registry} kliping status\n"
            f"  KLIPING_OUTLETS={registry} kliping trigger tempo\n"
            "  kliping stories\n"
            "Ctrl-C stops it; `kliping demo --remove` deletes what it stored.",
            file=sys.stderr,
            flush=True,
        )
        # Two crawls at a time: twelve children starting at once on a 2-core machine took
        # ~30 s each just to import Scrapy (measured), and the demo is for watching.
        daemon = Daemon(outlets, conninfo, every=every, record_as="demo", max_parallel=2)
        try:
            return daemon.run()
        except DaemonError as exc:
            raise CommandError(str(exc)) from None
