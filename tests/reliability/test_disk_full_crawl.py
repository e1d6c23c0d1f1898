"""A crawl into the embedded Postgres on a disk that fills up (issue 15): the crawl says ENOSPC
in one line, stops by itself (exit 74, EXIT_DISK_FULL) instead of waiting on every article,
obeys SIGTERM meanwhile, loses and corrupts nothing, and the next crawl after space is freed
resumes and completes. KLIPING_HOME is a 64 MB tmpfs (root only; skipped otherwise), filled
with a ballast file up to a few MB so the crawl of the sample site fills the rest."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest

from kliping.config.exits import EXIT_DISK_FULL
from kliping.sample_site.server import SampleSite, serve
from kliping.storage.embedded import EmbeddedPostgres
from tests.reliability import homes
from tests.reliability.homes import base

__all__ = ["base"]
pytestmark = pytest.mark.slow  # mounts a disk, runs Postgres and crawls in child processes
OUTLETS = ("detik", "tribunnews")  # their news sitemaps list every synthetic article too


@pytest.fixture
def disk(base: Path) -> Iterator[Path]:
    with homes.small_disk(base, "64m") as mount:
        yield mount


def _env(home: Path, registry: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}  # the embedded server
    return dict(env, KLIPING_HOME=str(home), KLIPING_OUTLETS=str(registry),
                KLIPING_DOWNLOAD_DELAY="0", KLIPING_CONCURRENCY_PER_DOMAIN="8",
                KLIPING_RETRY_BACKOFF="0.05", KLIPING_LOG_LEVEL="INFO")  # fmt: skip


def _kliping(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "kliping", *args], env=env,
                          capture_output=True, text=True, timeout=300)  # fmt: skip


def _crawl_until_full(env: dict[str, str], sigterm: bool) -> tuple[int, str, str]:
    """``kliping crawl`` on the full disk; with ``sigterm``, a SIGTERM as soon as it says the
    disk is full (while it winds down). A crawl that does not end fails the test."""
    child = subprocess.Popen([sys.executable, "-m", "kliping", "crawl", *OUTLETS], env=env,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)  # fmt: skip
    err: list[str] = []
    out: list[str] = []
    reader = threading.Thread(target=lambda: out.append(child.stdout.read()))  # type: ignore[union-attr]
    reader.start()
    for line in child.stderr:  # type: ignore[union-attr]
        err.append(line)
        if sigterm and "stopping the crawl: disk full" in line:
            child.send_signal(signal.SIGTERM)
    try:
        code = child.wait(timeout=240)
    finally:
        if child.poll() is None:
            child.kill()
    reader.join()
    return code, "".join(out), "".join(err)


def _stored(env: dict[str, str]) -> dict[str, str]:
    done = _kliping(env, "db", "status")
    assert done.returncode == 0, done.stderr
    server = EmbeddedPostgres(Path(env["KLIPING_HOME"]))
    with psycopg.connect(server.conninfo()) as conn:
        return dict(conn.execute("SELECT url, content_hash FROM articles").fetchall())


@pytest.mark.parametrize(
    ("left_mb", "scale", "sigterm"),
    [
        (1, 800, False),  # a data file cannot grow: Postgres answers "disk full" (53100)
        (10, 2000, True),  # room for data, not for the next 16 MB WAL segment: PANIC, server down
    ],
)
def test_a_crawl_on_a_full_disk_stops_and_resumes_once_freed(
    disk: Path, tmp_path: Path, left_mb: int, scale: int, sigterm: bool
) -> None:
    with serve(SampleSite(scale=scale)) as site:
        registry = tmp_path / "outlets.toml"
        registry.write_text(site.registry_text())
        env = _env(disk / "home", registry)
        assert _kliping(env, "db", "upgrade").returncode == 0  # the server, set up
        room = os.statvfs(disk)
        ballast = disk / "ballast"
        ballast.write_bytes(b"\0" * (room.f_bavail * room.f_frsize - left_mb * 2**20))

        code, out, err = _crawl_until_full(env, sigterm)
        assert code == EXIT_DISK_FULL, (code, err[-3000:])
        said = [line for line in err.splitlines() if line.startswith("kliping:")]
        assert len(said) == 1 and "disk full (ENOSPC)" in said[0], err[-3000:]
        assert "Traceback" not in err and "Extracted(" not in err  # no article dumped in a log
        # What the crawl reported as stored ("new" column of its summary).
        reported = sum(int(line.split()[1]) for line in out.splitlines()[1:] if line.split()
                       and line.split()[0] in OUTLETS)  # fmt: skip
        assert reported > 0

        # Space freed: the ballast removed and the disk grown (the database itself may now
        # fill the 64 MB: its write-ahead log grew during the crawl).
        ballast.unlink()
        assert subprocess.run(["mount", "-o", "remount,size=256m", str(disk)]).returncode == 0
        check = _kliping(env, "db", "check")
        assert check.returncode == 0, check.stdout + check.stderr  # nothing half-written
        before = _stored(env)
        assert len(before) == reported  # every article it said it stored is there

        again = _kliping(env, "crawl", *OUTLETS)
        assert again.returncode == 0, again.stderr[-3000:]
        after = _stored(env)
        expected = {site.url(a) for a in site.articles if a.outlet in OUTLETS}
        assert set(after) == expected  # resumed and completed
        assert {u: after[u] for u in before} == before  # nothing stored before was changed
        check = _kliping(env, "db", "check")
        assert check.returncode == 0, check.stdout + check.stderr
        server = EmbeddedPostgres(disk / "home")
        with psycopg.connect(server.conninfo()) as conn:
            statuses = dict(conn.execute("SELECT id, status FROM crawl_runs").fetchall())
        first, second = sorted(statuses)[: len(OUTLETS)], sorted(statuses)[len(OUTLETS) :]
        # The full-disk runs: failed with the reason, or abandoned when even that could not be
        # written; never 'ok'. The resumed ones: ok.
        assert {statuses[i] for i in first} <= {"failed", "abandoned"}, statuses
        assert {statuses[i] for i in second} == {"ok"}, statuses
