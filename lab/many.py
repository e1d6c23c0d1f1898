"""Many outlets from the sample site: ``copies`` servers of it, each on its own port, and one
registry naming every outlet of every copy (``detik``, ``detik2``, ...), so a benchmark can
crawl 24, 48, ... distinct outlets with distinct URLs on 127.0.0.1.

    python -m lab.many --copies 2 --registry /tmp/outlets.toml [--scale 2]

serves until stopped (SIGTERM, Ctrl-C), in its own process as the benchmarks want it; it
prints "ready" once the registry is written.
"""

from __future__ import annotations

import argparse
import os
import re
import signal
import subprocess
import sys
import threading
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path
from types import FrameType

from kliping.sample_site.server import SampleSite, serve

SECTION = re.compile(r"^\[([a-z0-9_-]+)((?:\.[a-z_]+)?)\]$", re.MULTILINE)


def renamed(text: str, suffix: str) -> str:
    """A sample registry's outlet keys with ``suffix`` appended (the first copy keeps them)."""
    if not suffix:
        return text
    return SECTION.sub(lambda m: f"[{m.group(1)}{suffix}{m.group(2)}]", text)


@contextmanager
def serve_many(copies: int, scale: int = 0) -> Iterator[tuple[list[SampleSite], str]]:
    """``copies`` sample sites served at once, and the registry of all their outlets."""
    with ExitStack() as stack:
        sites = [stack.enter_context(serve(SampleSite(scale))) for _ in range(copies)]
        parts = [renamed(site.registry_text(), str(i + 1) if i else "") for i, site in
                 enumerate(sites)]  # fmt: skip
        yield sites, "\n".join(parts)


def start(copies: int, registry: Path) -> subprocess.Popen[str]:
    """``python -m lab.many`` in its own process (a benchmark's crawls must not share its CPU
    with the site's threads), returned once it has written ``registry``."""
    root = Path(__file__).resolve().parents[1]
    path = os.pathsep.join(p for p in (os.environ.get("PYTHONPATH"), str(root)) if p)
    site = subprocess.Popen(
        [sys.executable, "-m", "lab.many", "--copies", str(copies), "--registry", str(registry)],
        cwd=root, env=dict(os.environ, PYTHONPATH=path), stdout=subprocess.PIPE, text=True,
    )  # fmt: skip
    assert site.stdout is not None and site.stdout.readline().startswith("ready")
    return site


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--copies", type=int, default=2)
    parser.add_argument("--scale", type=int, default=0)
    parser.add_argument("--registry", type=Path, required=True)
    args = parser.parse_args()
    stop = threading.Event()

    def finish(signum: int, frame: FrameType | None) -> None:
        stop.set()

    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, finish)
    with serve_many(args.copies, args.scale) as (sites, text):
        args.registry.write_text(text, encoding="utf-8")
        print(f"ready: {len(sites)} copies", flush=True)
        stop.wait()


if __name__ == "__main__":
    main()
