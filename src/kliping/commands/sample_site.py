"""``kliping sample-site serve``: the bundled sample site on 127.0.0.1, for watching
``kliping daemon`` (or any command) work offline against a registry of its outlets."""

from __future__ import annotations

import argparse
import signal
import sys
import threading
from types import FrameType

from kliping.cli import CommandError
from kliping.sample_site.server import SampleSite, port_free, serve
from kliping.storage.demo import DEMO_PORT


def serve_command(args: argparse.Namespace) -> int:
    port = args.port
    if not port_free(port):
        raise CommandError(
            f"port {port} is busy (a `kliping demo` running?); --port N serves elsewhere"
            + (" (its articles then have other URLs than the demo's)" if port == DEMO_PORT else "")
        )
    home = args.settings.home
    home.mkdir(parents=True, exist_ok=True)
    registry = home / "sample-outlets.toml"
    stop = threading.Event()

    def finish(signum: int, frame: FrameType | None) -> None:
        stop.set()

    for sig in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
        signal.signal(sig, finish)
    with serve(SampleSite(), port=port) as site:
        registry.write_text(site.registry_text(), encoding="utf-8")
        print(
            f"sample site: {site.base}/ ({len(site.corpus)} articles, {len(site.registry())}"
            f" outlets)\nregistry of its outlets: {registry}\n\n"
            "in another terminal (a loopback site needs no delay between requests):\n"
            f"  export KLIPING_OUTLETS={registry} KLIPING_DOWNLOAD_DELAY=0\n"
            "  kliping daemon --every 60      # every outlet every minute\n"
            "  kliping status                 # from a third terminal; `kliping trigger tempo`\n"
            "\nCtrl-C stops the site.",
            flush=True,
        )
        stop.wait()
    print("sample site stopped", file=sys.stderr)
    return 0
