"""Crawl throughput by number of worker processes on one Postgres (KLIPING_WORKERS=external).

    python bench/scale.py                          # 1, 2, 4 workers; 12 outlets; delay 1 s
    python bench/scale.py --copies 2 --workers 1 2 4 --kills 10

The sample site (``--copies`` servers, 12 outlets each, lab/many.py) runs in its own process;
every crawl is polite (KLIPING_DOWNLOAD_DELAY, 1 s by default, as kliping's default), so one
crawl is delay-bound. For each worker count: a fresh database, one job per outlet queued
(scheduler/queue.py), the workers started, the clock stopped when the queue is empty.
Printed: articles/s and its ratio to 1 worker, each worker's peak RSS (its whole tree:
crawl children, forkservers, extraction workers), and the fault drills' database check:
every sample article stored (0 lost), none twice (0 doubled), every one in one story.
``--kills N``: a last run with 2 workers where a worker is killed (-9) mid-crawl N times and
restarted; its jobs must come back through stalled-job recovery, with the same check.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from kliping.sample_site.server import SampleSite

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # the shared lab/ toolkit
from lab import many
from lab.pg import fresh_database, rows, start_postgres
from lab.procs import TreeWatch

BASE = re.compile(r'^feeds = \["(http://127\.0\.0\.1:\d+)/', re.MULTILINE)


def queue_all(url: str, outlets: list[str]) -> None:
    from kliping.scheduler import queue

    queue.ensure_schema(url)
    app = queue.app(url, sync=True)
    with app.open():
        for outlet in outlets:
            queue.defer(app, outlet, "schedule", [])


def check(url: str, expected: set[str]) -> tuple[int, int, int]:
    """(lost, doubled, articles not in exactly one story)."""
    stored = [r[0] for r in rows(url, "SELECT url FROM articles")]
    lost = len(expected - set(stored))
    doubled = len(stored) - len(set(stored))
    members = rows(url, "SELECT a.id FROM articles a LEFT JOIN story_members m"
                   " ON m.article_id = a.id GROUP BY a.id"
                   " HAVING count(m.article_id) <> 1")  # fmt: skip
    return lost, doubled, len(members)


def open_jobs(url: str) -> int:
    return int(rows(url, "SELECT count(*) FROM procrastinate_jobs WHERE status IN"
                    " ('todo', 'doing')")[0][0])  # fmt: skip


def crawl_under_way(url: str, workers: list[subprocess.Popen[bytes]]) -> int | None:
    """The index of a worker whose crawl child has stored something and not finished."""
    pids = rows(url, "SELECT r.pid FROM crawl_runs r WHERE r.status = 'running' AND EXISTS"
                " (SELECT 1 FROM articles a WHERE a.run_id = r.id)")  # fmt: skip
    for (pid,) in pids:
        try:
            parent = int(Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[1])
        except OSError:
            continue
        for i, worker in enumerate(workers):
            if worker.pid == parent and worker.poll() is None:
                return i
    return None


def run(args: argparse.Namespace, admin: str, name: str, env: dict[str, str], count: int,
        outlets: list[str], expected: set[str], kills: int = 0) -> dict[str, float]:  # fmt: skip
    url = fresh_database(admin, name)
    env = dict(env, DATABASE_URL=url)
    queue_all(url, outlets)
    command = [sys.executable, "-m", "kliping", "worker", "--concurrency", str(args.concurrency)]
    started = time.monotonic()

    def start() -> tuple[subprocess.Popen[bytes], TreeWatch]:
        worker = subprocess.Popen(command, env=env, stderr=subprocess.DEVNULL,
                                  start_new_session=True)  # fmt: skip
        watch = TreeWatch(worker.pid, {})
        watch.start()
        return worker, watch

    pairs = [start() for _ in range(count)]
    killed = 0
    try:
        while open_jobs(url):
            if killed < kills and (i := crawl_under_way(url, [w for w, _ in pairs])) is not None:
                os.kill(pairs[i][0].pid, signal.SIGKILL)  # its crawl child dies with it
                pairs[i][0].wait()
                pairs.append(start())
                killed += 1
            time.sleep(0.2)
        elapsed = time.monotonic() - started
    finally:
        for worker, watch in pairs:
            watch.done.set()
            if worker.poll() is None:
                worker.send_signal(signal.SIGTERM)
                worker.wait(90)
    articles = rows(url, "SELECT count(*) FROM articles")[0][0]
    lost, doubled, unclustered = check(url, expected)
    failed = rows(url, "SELECT count(*) FROM procrastinate_jobs WHERE status = 'failed'")[0][0]
    return {
        "workers": count, "seconds": elapsed, "articles": articles,
        "per_second": articles / elapsed, "peak_mib": max(w.peak_rss for _, w in pairs) / 2**20,
        "lost": lost, "doubled": doubled, "unclustered": unclustered, "failed_jobs": failed,
        "kills": killed,
    }  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2, 4])
    parser.add_argument("--concurrency", type=int, default=2, help="crawls per worker")
    parser.add_argument("--copies", type=int, default=1, help="sample sites (12 outlets each)")
    parser.add_argument("--delay", default="1.0", help="KLIPING_DOWNLOAD_DELAY (politeness)")
    parser.add_argument("--kills", type=int, default=0)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="kliping-scale-"))
    work.chmod(0o755)
    server, admin = start_postgres(work / "pg")
    site = None
    results = []
    try:
        registry = work / "outlets.toml"
        site = many.start(args.copies, registry)
        text = registry.read_text()
        # Not the broken-pages outlet (rusak): its timeouts would make the slowest crawl the
        # whole run, measuring the download timeout instead of the workers.
        outlets = [o for o in re.findall(r"^\[([a-z0-9_-]+)\]$", text, re.MULTILINE)
                   if not o.startswith("rusak")]  # fmt: skip
        corpus = SampleSite().corpus
        expected = {base + a.path for base in set(BASE.findall(text)) for a in corpus}
        env = dict(
            os.environ, KLIPING_OUTLETS=str(registry), KLIPING_HOME=str(work / "home"),
            KLIPING_DOWNLOAD_DELAY=args.delay, KLIPING_LOG_LEVEL="WARNING",
        )  # fmt: skip
        for count in args.workers:
            results.append(run(args, admin, f"w{count}", env, count, outlets, expected))
            print(results[-1], flush=True)
        if args.kills:
            drill = run(args, admin, "drill", env, 2, outlets, expected, kills=args.kills)
            print(drill, flush=True)
    finally:
        if site is not None:
            site.terminate()
            site.wait(30)
        server.stop()
        shutil.rmtree(work, ignore_errors=True)
    one = results[0]["per_second"]
    print(f"\n{len(outlets)} outlets, delay {args.delay}s, {args.concurrency} crawls per worker,"
          f" {os.cpu_count()} cores")  # fmt: skip
    print(f"{'workers':>7} {'seconds':>8} {'articles':>8} {'art/s':>6} {'ratio':>6}"
          f" {'peak MiB/worker':>15} {'lost':>4} {'doubled':>7}")  # fmt: skip
    for r in results:
        print(f"{r['workers']:>7} {r['seconds']:>8.1f} {r['articles']:>8} {r['per_second']:>6.2f}"
              f" {r['per_second'] / one:>6.2f} {r['peak_mib']:>15.0f} {r['lost']:>4}"
              f" {r['doubled']:>7}")  # fmt: skip
    if args.kills:
        print(f"kill drill: {drill['kills']} workers killed -9 mid-crawl; lost {drill['lost']},"
              f" doubled {drill['doubled']}, not in one story {drill['unclustered']},"
              f" failed jobs {drill['failed_jobs']}")  # fmt: skip


if __name__ == "__main__":
    main()
