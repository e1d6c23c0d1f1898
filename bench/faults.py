"""Faults and bad input, against the sample site on 127.0.0.1 and a real Postgres: the figures
of the README's reliability section. tests/reliability runs the same drills (lab/drills.py),
smaller.

    python bench/faults.py                      # every drill at full size (about 10 minutes)
    python bench/faults.py --quick              # the sizes the tests use
    python bench/faults.py killed-daemon --rounds 20
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # the shared lab/ toolkit
from kliping.sample_site.server import SampleSite, serve
from lab.drills import (
    DRILLS,
    Lab,
    bad_pages,
    concurrency,
    database_faults,
    killed_daemon,
    network_faults,
)
from lab.pg import start_postgres


def _print(title: str, figures: dict) -> None:
    print(f"\n## {title}")
    for key, value in figures.items():
        if key == "cases":
            for name, what, expected, outcome, reason, hits in value:
                mark = "ok " if expected == outcome else "BAD"
                print(f"  {mark} {name:<14} {what:<52} {outcome:<7} {hits} hits  {reason}")
        elif key == "kinds":
            for kind, outcomes in sorted(value.items()):
                print(f"  {kind:<16} " + ", ".join(f"{k} {v}" for k, v in sorted(outcomes.items())))
        elif key == "reasons":
            print("  failure reasons: " + ", ".join(f"{k} {v}" for k, v in value.most_common()))
        else:
            print(f"  {key}: {value}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("drills", nargs="*", metavar="DRILL", help=", ".join(DRILLS))
    parser.add_argument("--quick", action="store_true", help="the sizes the tests use")
    parser.add_argument("--rounds", type=int, help="killed-daemon rounds (default 20, quick 3)")
    parser.add_argument("--pages", type=int, help="bad pages (default 1000, quick 300)")
    args = parser.parse_args()
    chosen = args.drills or DRILLS
    if unknown := set(chosen) - set(DRILLS):
        parser.error(f"unknown drill: {', '.join(sorted(unknown))} (drills: {', '.join(DRILLS)})")
    rounds = args.rounds or (3 if args.quick else 20)
    pages = args.pages or (300 if args.quick else 1000)
    folder = Path(tempfile.mkdtemp(prefix="kliping-faults-"))
    folder.chmod(0o755)
    server, conninfo = start_postgres(folder / "pg")
    started = time.monotonic()
    try:
        # 150 synthetic articles beside the 68 written ones: crawls long enough to be hit.
        with serve(SampleSite(scale=150)) as site:
            lab = Lab(server, conninfo, site, folder)
            if "killed-daemon" in chosen:
                _print(f"killed daemon: {rounds} rounds of kill -9", killed_daemon(lab, rounds))
            if "database" in chosen:
                for mode in ("fast", "immediate"):
                    _print(f"Postgres {mode} shutdown mid-crawl", database_faults(lab, mode))
            if "network" in chosen:
                _print("network faults", network_faults(lab))
            if "bad-pages" in chosen:
                _print(f"{pages} generated bad pages", bad_pages(lab, pages))
            if "concurrency" in chosen:
                _print("5 crawls and a recluster loop at once", concurrency(lab))
    finally:
        server.stop()
        shutil.rmtree(server._state()["data_dir"], ignore_errors=True)
        shutil.rmtree(folder, ignore_errors=True)
    print(f"\nall drills: {time.monotonic() - started:.0f}s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
