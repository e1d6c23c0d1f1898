"""Load and memory of ``kliping daemon`` crawling many outlets at once, by KLIPING_MAX_CRAWLS.

    python bench/daemon_capacity.py --max-crawls 2            # 24 outlets, 150 s window
    python bench/daemon_capacity.py --max-crawls 1 --copies 2 --seconds 150 --delay 1.0
    PYTHONPATH=/path/to/older/src python bench/daemon_capacity.py   # an older daemon: "before"

The sample site (``--copies`` servers of it, lab/many.py: 12 outlets each) runs in its own
process; the daemon schedules every outlet every 15 minutes, so the window sees the start-up
rush: the case where every outlet is due at once. Read from /proc every 0.1-1 s:
- the peak RSS summed over the daemon's whole process tree (crawl children, forkservers,
  extraction workers), and the peak number of crawl children alive at once;
- "own load": a 1-minute load average computed like the kernel's (exponentially weighted,
  sampled every second) over the tasks of the tree that are runnable or in disk wait, so it
  holds without the other programs of a shared machine; and the machine's /proc/loadavg;
- the crawls finished and the articles stored in the window (the work done).
"""

from __future__ import annotations

import argparse
import math
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # the shared lab/ toolkit
from lab import many
from lab.pg import fresh_database, rows, start_postgres
from lab.procs import TreeWatch, _processes, _tree, crawl_children

DECAY = math.exp(-1 / 60)  # per 1-second sample: the kernel's 1-minute load average


def runnable(pids: list[int]) -> int:
    """Tasks (threads) of ``pids`` running or waiting to run, or in uninterruptible sleep."""
    count = 0
    for pid in pids:
        try:
            tasks = os.listdir(f"/proc/{pid}/task")
        except OSError:
            continue
        for task in tasks:
            try:
                with open(f"/proc/{pid}/task/{task}/stat") as fh:
                    state = fh.read().rsplit(")", 1)[1].split()[0]
            except (OSError, IndexError):
                continue
            count += state in ("R", "D")
    return count


def load1() -> float:
    return float(Path("/proc/loadavg").read_text().split()[0])


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--max-crawls", default="0", help="KLIPING_MAX_CRAWLS (0: default)")
    parser.add_argument("--copies", type=int, default=2, help="sample sites (12 outlets each)")
    parser.add_argument("--seconds", type=float, default=150.0)
    parser.add_argument("--delay", default="1.0", help="KLIPING_DOWNLOAD_DELAY")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="kliping-capacity-"))
    work.chmod(0o755)
    server, admin = start_postgres(work / "pg")
    site = daemon = None
    try:
        url = fresh_database(admin, "capacity")
        registry = work / "outlets.toml"
        site = many.start(args.copies, registry)
        env = dict(
            os.environ, DATABASE_URL=url, KLIPING_OUTLETS=str(registry),
            KLIPING_HOME=str(work / "home"), KLIPING_DOWNLOAD_DELAY=args.delay,
            KLIPING_LOG_LEVEL="WARNING", KLIPING_MAX_CRAWLS=args.max_crawls,
        )  # fmt: skip
        loads = [load1()]
        daemon = subprocess.Popen(
            [sys.executable, "-m", "kliping", "daemon", "--every", "900"],
            env=env, stdout=subprocess.DEVNULL, start_new_session=True,
        )  # fmt: skip
        watch = TreeWatch(daemon.pid, {})
        watch.start()
        own = peak_own = 0.0
        peak_children = 0
        started = time.monotonic()
        while time.monotonic() - started < args.seconds:
            processes = _processes()
            tree = _tree(daemon.pid, processes)
            own = own * DECAY + runnable(tree) * (1 - DECAY)
            peak_own = max(peak_own, own)
            peak_children = max(peak_children, crawl_children(daemon.pid, processes))
            loads.append(load1())
            time.sleep(1.0)
        watch.done.set()
        os.killpg(daemon.pid, signal.SIGTERM)
        daemon.wait(90)
        done = rows(url, "SELECT count(*), count(DISTINCT outlet) FROM crawl_runs"
                    " WHERE status IN ('ok', 'partial')")[0]  # fmt: skip
        articles = rows(url, "SELECT count(*) FROM articles")[0][0]
    finally:
        if daemon is not None and daemon.poll() is None:
            os.killpg(daemon.pid, signal.SIGKILL)
        if site is not None:
            site.terminate()
            site.wait(30)
        server.stop()
        shutil.rmtree(work, ignore_errors=True)
    print(
        f"max_crawls={args.max_crawls} outlets={12 * args.copies} delay={args.delay}s"
        f" window={args.seconds:.0f}s cores={os.cpu_count()}\n"
        f"  crawl children at once (peak): {peak_children}\n"
        f"  tree RSS peak: {watch.peak_rss / 2**20:.0f} MiB (PSS {watch.peak_pss / 2**20:.0f} MiB,"
        f" {watch.peak_processes} processes)\n"
        f"  own load (1-min, runnable tasks of the tree) peak: {peak_own:.2f}\n"
        f"  machine load1: {loads[0]:.2f} at start, peak {max(loads):.2f} (shared machine)\n"
        f"  finished crawls: {done[0]} ({done[1]} outlets), articles stored: {articles}"
    )


if __name__ == "__main__":
    main()
