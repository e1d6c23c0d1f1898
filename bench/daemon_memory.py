"""Memory of the daemon over many scheduled crawls of the sample site.

    python bench/daemon_memory.py            # 100 crawls (about 4-6 minutes on 2 cores)
    python bench/daemon_memory.py --crawls 20

The daemon runs every crawl in a child process; this measures the daemon's own resident
memory (VmRSS from /proc) after each finished crawl, and prints first, last and the ratio.
Baseline: the daemon's RSS after its first crawl, measured in the same run.
"""

from __future__ import annotations

import argparse
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from kliping.sample_site.server import SampleSite, serve
from kliping.storage import db
from kliping.storage.embedded import EmbeddedPostgres


def rss_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise RuntimeError("no VmRSS")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--crawls", type=int, default=100)
    parser.add_argument("--outlet", default="tempo")
    args = parser.parse_args()
    home = Path(tempfile.mkdtemp(prefix="kliping-bench-"))
    home.chmod(0o755)
    server = EmbeddedPostgres(home)
    conninfo = server.ensure_running()
    try:
        with serve(SampleSite()) as site:
            registry = home / "outlets.toml"
            registry.write_text(site.registry_text())
            env = dict(
                os.environ, DATABASE_URL=conninfo, KLIPING_OUTLETS=str(registry),
                KLIPING_HOME=str(home), KLIPING_DOWNLOAD_DELAY="0", KLIPING_LOG_LEVEL="WARNING",
            )  # fmt: skip
            daemon = subprocess.Popen(
                [sys.executable, "-m", "kliping", "daemon", args.outlet, "--every", "1"], env=env
            )
            samples: list[tuple[int, int]] = []
            started = time.monotonic()
            with db.connect(conninfo) as conn:  # migrates, so the first query cannot race
                done = 0
                while done < args.crawls:
                    time.sleep(0.5)
                    row = conn.execute(
                        "SELECT count(*) FROM crawl_runs WHERE status <> 'running'"
                    ).fetchone()
                    count = int(row[0]) if row else 0
                    if count > done:
                        done = count
                        samples.append((done, rss_kib(daemon.pid)))
                        if done % 10 == 0:
                            print(f"{done:4d} crawls  daemon RSS {samples[-1][1] / 1024:6.1f} MiB",
                                  flush=True)  # fmt: skip
            elapsed = time.monotonic() - started
            daemon.send_signal(signal.SIGTERM)
            code = daemon.wait(60)
    finally:
        server.stop()
        shutil.rmtree(server._state()["data_dir"], ignore_errors=True)
        shutil.rmtree(home, ignore_errors=True)
    first, last = samples[0][1], samples[-1][1]
    peak = max(s[1] for s in samples)
    print(f"\ncrawls: {done} in {elapsed:.0f}s ({elapsed / done:.2f}s each), daemon exit {code}")
    print(f"daemon RSS after crawl 1: {first / 1024:.1f} MiB   (baseline)")
    print(f"daemon RSS after crawl {done}: {last / 1024:.1f} MiB   ratio {last / first:.2f}x")
    print(f"daemon RSS peak: {peak / 1024:.1f} MiB")


if __name__ == "__main__":
    main()
