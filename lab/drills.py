"""The fault drills (bench/faults.py runs them at full size, tests/reliability at test size).

Each compares with a clean crawl of the same outlets made in the same run:
  killed-daemon    kill -9 at random moments of a daemon's crawls (the whole process group,
                   or the daemon alone leaving its crawl orphaned), restart, repeat; then a
                   final run: stored articles vs the clean run's, integrity checks
  database         Postgres stopped (fast, then immediate) and restarted mid-crawl under a daemon
  network          slow answers past the timeout, resets, 503 + Retry-After, redirect loops,
                   a robots.txt-forbidden section
  bad-pages        N generated broken pages (sample_site/badpages.py); peak memory of the crawl
  concurrency      5 ``kliping crawl`` processes started at one instant on one database
"""

from __future__ import annotations

import contextlib
import itertools
import os
import random
import signal
import subprocess
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import psycopg

from kliping.sample_site import badpages, faults
from kliping.sample_site.server import SampleSite
from kliping.storage import integrity
from kliping.storage.embedded import EmbeddedPostgres
from lab.pg import fresh_database, rows
from lab.procs import TreeWatch
from lab.run import Kliping, kliping_env, wait_for

OUTLETS = ["detik", "kompas", "tribunnews", "poskupang", "liputan6", "tempo"]
# Slow enough that a crawl lasts seconds, so kills and restarts land inside one.
CONTROL = "[\x01-\x08\x0b\x0e-\x1f]"  # no NUL: Postgres text cannot hold one at all
SLOW = {"KLIPING_DOWNLOAD_DELAY": "0.1", "KLIPING_CONCURRENCY_PER_DOMAIN": "1"}


@dataclass
class Lab:
    """A throw-away world: a Postgres the drills may restart, the sample site, registries."""

    server: EmbeddedPostgres | None  # None: a server the drills must not restart
    conninfo: str
    site: SampleSite
    folder: Path
    _numbers: itertools.count = field(default_factory=itertools.count)
    _references: dict[tuple[str, ...], dict[str, str]] = field(default_factory=dict)

    def database(self) -> str:
        return fresh_database(self.conninfo, f"faults_{os.getpid()}_{next(self._numbers)}")

    def kliping(self, db_url: str, registry: str = "outlets", **env: str) -> Kliping:
        """``kliping`` on ``db_url`` with the site's ``outlets`` or ``faults`` registry."""
        path = self.folder / f"{registry}.toml"
        path.write_text(self.site.registry_text(path.name))
        return Kliping(kliping_env(db_url, path, self.folder / "home", **env))

    def reference(self, outlets: list[str]) -> dict[str, str]:
        """url -> content hash after one clean, uninterrupted crawl of ``outlets``."""
        key = tuple(outlets)
        if key not in self._references:
            db_url = self.database()
            done = self.kliping(db_url).run("crawl", *outlets)
            if done.returncode != 0:
                raise RuntimeError(f"the clean crawl failed: {done.stderr[-2000:]}")
            self._references[key] = stored(db_url)
        return self._references[key]


def stored(db_url: str) -> dict[str, str]:
    return dict(rows(db_url, "SELECT url, content_hash FROM articles"))


def compare(db_url: str, reference: dict[str, str]) -> dict[str, int]:
    """Lost, extra, changed and doubled articles against the clean run; integrity faults."""
    got = stored(db_url)
    urls = [r[0] for r in rows(db_url, "SELECT url FROM articles")]
    with psycopg.connect(db_url) as conn:
        broken = integrity.problems(conn)
        waiting = integrity.pending(conn)
    return {
        "lost": len(reference.keys() - got.keys()),
        "extra": len(got.keys() - reference.keys()),
        "changed": sum(1 for u in reference.keys() & got.keys() if reference[u] != got[u]),
        "doubled": len(urls) - len(set(urls)) + broken["doubled"],
        "half-written": broken["half-written"] + broken["unlisted"],
        "story faults": broken["miscounted"] + broken["empty"] + broken["stray-copy"],
        "unclustered": waiting,
        "run faults": broken["unended"],
    }


def _finished_after(db_url: str, outlets: list[str], since: float) -> bool:
    """Every outlet has a run that started after ``since`` (epoch) and ended ok/partial."""
    done = rows(
        db_url,
        "SELECT DISTINCT outlet FROM crawl_runs WHERE status IN ('ok', 'partial')"
        " AND started_at >= to_timestamp(%s)",
        since,
    )
    return {r[0] for r in done} >= set(outlets)


def _running_since(db_url: str, since: float) -> bool:
    """A run started after ``since`` (epoch) is still going."""
    query = "SELECT 1 FROM crawl_runs WHERE status = 'running' AND started_at >= to_timestamp(%s)"
    return bool(rows(db_url, query, since))


def _nothing_running(db_url: str) -> bool:
    return not _running_since(db_url, 0.0)


# -- drills ------------------------------------------------------------------------------------


def killed_daemon(lab: Lab, rounds: int, seed: int = 1, outlets: list[str] = OUTLETS) -> dict:
    reference = lab.reference(outlets)
    db_url = lab.database()
    kliping = lab.kliping(db_url, **SLOW)
    rng = random.Random(seed)
    mid_crawl = orphaned = 0
    for number in range(rounds):
        since = time.time()
        daemon = kliping.daemon(*outlets, "--every", "20")
        # A random moment of a crawl: from its start (process start-up, feeds) to its storing.
        with contextlib.suppress(TimeoutError):
            wait_for(lambda t=since: _running_since(db_url, t), 30, "a crawl to start")
        time.sleep(rng.uniform(0.0, 4.0))
        mid_crawl += _running_since(db_url, since)
        if number % 2:  # the daemon alone: its crawl children live on, orphaned
            daemon.kill()
            orphaned += 1
        else:  # the daemon and everything it started, as a power cut or an OOM kill of all
            os.killpg(daemon.pid, signal.SIGKILL)
        daemon.wait()
        daemon.stderr.close()  # type: ignore[union-attr]
    since = time.time()
    # Every 20 s: an outlet an orphaned crawl still holds is tried again once that crawl ends.
    final = kliping.daemon(*outlets, "--every", "20")
    wait_for(lambda: _finished_after(db_url, outlets, since), 300, "the final run")
    final.send_signal(signal.SIGTERM)
    code = final.wait(60)
    final.stderr.close()  # type: ignore[union-attr]
    wait_for(lambda: _nothing_running(db_url), 120, "orphaned crawls to end")
    statuses = Counter(r[0] for r in rows(db_url, "SELECT status FROM crawl_runs"))
    return {
        "rounds": rounds,
        "kills mid-crawl": mid_crawl,
        "daemon-only kills (orphaned crawls)": orphaned,
        "articles (clean run)": len(reference),
        **compare(db_url, reference),
        "runs abandoned": statuses["abandoned"],
        "final daemon exit": code,
    }


def database_faults(lab: Lab, mode: str, outlets: list[str] = OUTLETS[:3]) -> dict:
    if lab.server is None:
        raise RuntimeError("the database drill restarts Postgres: it needs the embedded server")
    reference = lab.reference(outlets)
    db_url = lab.database()
    kliping = lab.kliping(db_url, **SLOW)
    since = time.time()
    daemon = kliping.daemon(*outlets, "--every", "3600")
    wait_for(lambda: len(stored(db_url)) >= 3, 120, "a first stored article")
    stopped_at = time.monotonic()
    lab.server.stop(mode)
    time.sleep(3)
    lab.server.ensure_running()
    down = time.monotonic() - stopped_at
    alive_after_restart = daemon.poll() is None
    wait_for(lambda: _finished_after(db_url, outlets, since), 300, "every outlet's crawl")
    alive = daemon.poll() is None
    daemon.send_signal(signal.SIGTERM)
    code = daemon.wait(60)
    log = daemon.stderr.read()  # type: ignore[union-attr]
    said = [line for line in log.splitlines() if "database unavailable" in line]
    return {
        "shutdown": mode,
        "seconds down": round(down, 1),
        **compare(db_url, reference),
        "daemon alive after restart": alive_after_restart and alive,
        "daemon said": len(said),
        "daemon exit": code,
    }


def network_faults(lab: Lab) -> dict:
    db_url = lab.database()
    kliping = lab.kliping(db_url, "faults", KLIPING_DOWNLOAD_TIMEOUT="1")
    before = Counter(lab.site.hits)
    started = time.monotonic()
    done = kliping.run("crawl", "gangguan")
    seconds = time.monotonic() - started
    hits = Counter(lab.site.hits)
    hits.subtract(before)
    got = stored(db_url)
    reasons = dict(rows(db_url, "SELECT url, reason FROM crawl_failures"))
    cases = []
    for name, (what, expected) in faults.CASES.items():
        url = lab.site.base + faults.PREFIX + name
        outcome = "stored" if url in got else "failed" if url in reasons else "missing"
        reason, count = reasons.get(url, ""), hits[faults.PREFIX + name]
        cases.append((name, what, expected, outcome, reason, count))
    forbidden = sum(n for path, n in hits.items() if path.startswith(faults.FORBIDDEN))
    return {
        "cases": cases,
        "as expected": sum(1 for c in cases if c[2] == c[3]),
        "forbidden fetches": forbidden,
        "off-outlet fetches": hits[faults.MOVED_TO],
        "seconds": round(seconds, 1),
        "exit": done.returncode,
        "tracebacks": done.stderr.count("Traceback"),
    }


def bad_pages(lab: Lab, count: int) -> dict:
    lab.site.bad_pages = count
    db_url = lab.database()
    kliping = lab.kliping(db_url, "faults", KLIPING_DOWNLOAD_TIMEOUT="10")
    started = time.monotonic()
    crawl = kliping.start("crawl", "remuk")
    watch = TreeWatch(crawl.pid, {})
    watch.start()
    _, stderr = crawl.communicate(timeout=1800)
    watch.done.set()
    watch.join()
    seconds = time.monotonic() - started
    urls = {badpages.url(lab.site.base, n): n for n in range(count)}
    got = stored(db_url)
    failed = Counter(r[0] for r in rows(db_url, "SELECT url FROM crawl_failures"))
    reasons = Counter(_short(r[0]) for r in rows(db_url, "SELECT reason FROM crawl_failures"))
    kinds: dict[str, Counter[str]] = {}
    for url, n in urls.items():
        outcome = "stored" if url in got else "failed" if failed[url] else "missing"
        kinds.setdefault(badpages.kind(n), Counter())[outcome] += 1
    titles = [r[0] for r in rows(db_url, "SELECT title FROM articles")]
    expected_titles = {" ".join(t.replace("\x00", "").split()) for t in badpages.MALICIOUS_TITLES}
    with psycopg.connect(db_url) as conn:
        broken = integrity.problems(conn)
    return {
        "pages": count,
        "stored": sum(c["stored"] for c in kinds.values()),
        "failed": sum(c["failed"] for c in kinds.values()),
        "neither (lost)": sum(c["missing"] for c in kinds.values()),
        "both": len(got.keys() & failed.keys()),
        "kinds": kinds,
        "reasons": reasons,
        "crashes": stderr.count("Traceback") + reasons["extractor crashed"],
        "exit": crawl.returncode,
        "malicious titles stored intact": len(expected_titles & set(titles)),
        "malicious titles": len(expected_titles),
        "control characters in stored titles/text": rows(
            db_url,
            "SELECT count(*) FROM articles WHERE title ~ %s OR text ~ %s",
            CONTROL,
            CONTROL,
        )[0][0],
        "half-written": broken["half-written"] + broken["unlisted"],
        "peak RSS MiB": round(watch.peak_rss / 2**20),
        "peak PSS MiB": round(watch.peak_pss / 2**20),
        "seconds": round(seconds, 1),
    }


def _short(reason: str) -> str:
    """A failure reason without its details: "extraction: not text" from a longer one."""
    parts = reason.split(":")
    return ":".join(parts[:2] if parts[0] == "extraction" else parts[:1]).strip()


def concurrency(lab: Lab, processes: int = 5, outlets: list[str] = OUTLETS) -> dict:
    """``processes`` crawls of the same outlets (each in its own order) started together, each
    clustering what it stored, while another process re-clusters the whole window in a loop."""
    reference = lab.reference(outlets)
    db_url = lab.database()
    kliping = lab.kliping(db_url)
    day = min(a.published for a in lab.site.corpus).date().isoformat()
    rng = random.Random(processes)
    crawls = [kliping.start("crawl", *rng.sample(outlets, len(outlets))) for _ in range(processes)]
    reclusters = Counter()
    while any(c.poll() is None for c in crawls):
        reclusters[kliping.run("db", "recluster", "--since", day).returncode] += 1
    deadlocked = 0
    for crawl in crawls:
        try:
            crawl.communicate(timeout=300)
        except subprocess.TimeoutExpired:
            deadlocked += 1
            crawl.kill()
            crawl.communicate()
    overlaps = rows(
        db_url,
        "SELECT count(*) FROM crawl_runs a JOIN crawl_runs b ON a.outlet = b.outlet"
        " AND a.id < b.id AND b.started_at < coalesce(a.finished_at, now())"
        " AND a.started_at < coalesce(b.finished_at, now())",
    )[0][0]
    return {
        "crawl processes": processes,
        "crawl exit codes (75: every outlet busy elsewhere)": dict(
            Counter(c.returncode for c in crawls)
        ),
        "reclusters meanwhile (exit code: count)": dict(reclusters),
        "deadlocked (no exit in 300 s)": deadlocked,
        "runs": rows(db_url, "SELECT count(*) FROM crawl_runs")[0][0],
        "overlapping runs of one outlet": overlaps,
        **compare(db_url, reference),
    }


# -- the command -------------------------------------------------------------------------------

DRILLS = ["killed-daemon", "database", "network", "bad-pages", "concurrency"]
