"""Probes of the embedded Postgres (issue 15): it never kills live work, a first start killed at
any step is resumed by the next command, and a broken state file or KLIPING_HOME, or a full
disk, is a one-line error."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest

from kliping.config.exits import EXIT_DISK_FULL
from kliping.storage.embedded import EmbeddedPostgres
from kliping.storage.errors import EmbeddedServerBusy, EmbeddedStartError
from tests.reliability import homes
from tests.reliability.homes import base, stop_and_remove

__all__ = ["base"]
pytestmark = pytest.mark.slow


def _pid(server: EmbeddedPostgres) -> int:
    return int((Path(server._state()["data_dir"]) / "postmaster.pid").read_text().split()[0])


def _kliping(home: Path, *args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    return subprocess.run(
        [sys.executable, "-m", "kliping", *args],
        env=dict(env, KLIPING_HOME=str(home)),
        capture_output=True,
        text=True,
        timeout=180,
        cwd=cwd,
    )


def _one_line_error(done: subprocess.CompletedProcess[str], code: int = 1) -> str:
    assert done.returncode == code, (done.returncode, done.stderr[-2000:])
    assert "Traceback" not in done.stderr
    lines = [line for line in done.stderr.splitlines() if line.startswith("kliping:")]
    assert len(lines) == 1, done.stderr
    return lines[0]


@pytest.fixture
def server(base: Path) -> Iterator[EmbeddedPostgres]:
    home = base / "home"
    home.mkdir(mode=0o755)
    yield EmbeddedPostgres(home)


def test_a_full_server_is_reported_not_restarted(server: EmbeddedPostgres) -> None:
    conninfo = server.ensure_running()
    with psycopg.connect(conninfo, autocommit=True) as conn:
        conn.execute("ALTER SYSTEM SET max_connections = 6")
    server.stop()
    conninfo = server.ensure_running()
    pid = _pid(server)
    held = []
    try:
        for _ in range(6):  # the superuser may use the reserved slots too: 6 fill it
            held.append(psycopg.connect(conninfo, autocommit=True))
        with pytest.raises(psycopg.OperationalError, match="too many clients"):
            server.ensure_running()
        line = _one_line_error(_kliping(server.home, "db", "status"), code=69)
        assert "too many clients" in line
        assert _pid(server) == pid  # the same postmaster: nothing was restarted
        for conn in held:  # and every session it held lives on
            assert conn.execute("SELECT 1").fetchone() == (1,)
    finally:
        for conn in held:
            conn.close()
    assert server.ensure_running() == conninfo


def test_a_wrong_password_is_reported_not_restarted(server: EmbeddedPostgres) -> None:
    conninfo = server.ensure_running()
    pid = _pid(server)
    session = psycopg.connect(conninfo, autocommit=True)
    state = json.loads(server.state_file.read_text())
    server.state_file.write_text(json.dumps({**state, "password": "not-the-password"}))
    try:
        with pytest.raises(EmbeddedServerBusy, match="refuses the password"):
            server.ensure_running()
        assert "refuses the password" in _one_line_error(_kliping(server.home, "stories"))
        assert _pid(server) == pid
        assert session.execute("SELECT 1").fetchone() == (1,)
    finally:
        session.close()
        server.state_file.write_text(json.dumps(state))
    assert server.ensure_running() == conninfo


# A first start in a child process that kills itself (SIGKILL: no clean-up runs) at one step.
_DIE_AT = textwrap.dedent(
    """
    import os, signal, subprocess, sys, time
    from pathlib import Path
    from kliping.storage import embedded
    step = sys.argv[2]
    if step == "database":
        embedded.EmbeddedPostgres._create_database = lambda *a: os.kill(os.getpid(), 9)
    else:
        real = embedded.run_pg
        def run_pg(tool, *args, user):
            if tool != "initdb":
                return real(tool, *args, user=user)
            # initdb with its whole process group killed half-way, as by a power cut.
            command = [str(embedded.find_binaries() / tool), *args]
            if user:
                command = ["runuser", "-u", user, "--", *command]
            subprocess.Popen(command, cwd="/")
            data = Path(args[1])
            while not (data / "base").exists():
                time.sleep(0.01)
            os.killpg(0, signal.SIGKILL)
        embedded.run_pg = run_pg
    embedded.EmbeddedPostgres(Path(sys.argv[1])).ensure_running()
    """
)


@pytest.mark.parametrize("step", ["initdb", "database"])
def test_a_first_start_killed_half_way_is_resumed(server: EmbeddedPostgres, step: str) -> None:
    child = subprocess.run(
        [sys.executable, "-c", _DIE_AT, str(server.home), step],
        start_new_session=True,
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert child.returncode == -signal.SIGKILL, child.stderr[-2000:]
    left = json.loads(server.state_file.read_text())
    assert left["phase"] == ("initdb" if step == "initdb" else "created")
    try:
        done = _kliping(server.home, "db", "status")  # the next command finishes the start
        assert done.returncode == 0, done.stderr[-2000:]
        assert "articles: 0" in done.stdout
        assert json.loads(server.state_file.read_text())["phase"] == "ready"
        assert not Path(left.get("pwdir", "/nonexistent")).exists()  # no password left lying
    finally:
        stop_and_remove(server)


def test_three_first_starts_at_once_make_one_cluster(server: EmbeddedPostgres) -> None:
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    children = [
        subprocess.Popen(
            [sys.executable, "-m", "kliping", "db", "status"],
            env=dict(env, KLIPING_HOME=str(server.home)),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(3)
    ]
    results = [(child.wait(timeout=180), child.communicate()) for child in children]
    assert [code for code, _ in results] == [0, 0, 0], results
    assert all("articles: 0" in out for _, (out, _err) in results)
    assert server._state()["phase"] == "ready"


def test_a_deleted_state_file_stops_and_says_so(server: EmbeddedPostgres) -> None:
    server.ensure_running()
    data_dir = server._state()["data_dir"]
    server.state_file.unlink()
    assert "missing" in _one_line_error(_kliping(server.home, "stories"))
    done = _kliping(server.home, "db", "stop")
    assert done.returncode == 0 and "stopped" in done.stdout and "not" not in done.stdout
    assert not (Path(data_dir) / "postmaster.pid").exists()


@pytest.mark.parametrize("content", ["{}", "{not json", '{"data_dir": 3}', "[]", ""])
def test_a_corrupt_state_file_is_one_line(server: EmbeddedPostgres, content: str) -> None:
    server.ensure_running()
    server.state_file.write_text(content)
    assert "corrupt or incomplete" in _one_line_error(_kliping(server.home, "stories"))


def test_a_corrupt_state_file_without_a_cluster_is_started_afresh(base: Path) -> None:
    home = base / "fresh"
    home.mkdir(mode=0o755)
    (home / "postgres.json").write_text("{}")
    server = EmbeddedPostgres(home)
    server.ensure_running()
    assert server._state()["phase"] == "ready"


@pytest.mark.parametrize(
    ("kind", "words"),
    [
        ("file", "is a file"),
        ("under a file", "is a file"),
        ("too long", "too long"),
    ],
)
def test_an_unusable_home_is_one_line(base: Path, kind: str, words: str) -> None:
    target = base / "plain-file"
    target.write_text("x")
    home = {
        "file": target,
        "under a file": target / "home",
        "too long": base / "/".join(["d" * 250] * 20),  # > PATH_MAX (4096)
    }[kind]
    assert words in _one_line_error(_kliping(home, "stories"))


def test_a_relative_home_is_taken_from_the_working_folder(base: Path) -> None:
    # initdb runs in "/": "relative/home" used to become /relative/home/... for it alone.
    done = _kliping(Path("relative/home"), "db", "status", cwd=base)
    assert done.returncode == 0, done.stderr[-2000:]
    assert (base / "relative/home/postgres.json").exists()
    assert EmbeddedPostgres(base / "relative/home").stop()


def test_quotes_and_commas_in_the_home_are_quoted(base: Path) -> None:
    home = base / "it's, a home"
    home.mkdir(mode=0o755)
    server = EmbeddedPostgres(home)
    conninfo = server.ensure_running()
    with psycopg.connect(conninfo) as conn:
        assert conn.execute("SHOW listen_addresses").fetchone() == ("",)
    # The socket could not live in the data folder (libpq splits a host at commas).
    assert server._state()["socket_dir"].startswith("/tmp/kliping-")
    server.stop()
    assert server.ensure_running() == conninfo  # the config still parses after a restart


@pytest.fixture
def small_disk(base: Path) -> Iterator[Path]:
    with homes.small_disk(base, "4m") as mount:
        yield mount


def test_a_full_disk_says_enospc_and_resumes_when_freed(small_disk: Path) -> None:
    line = _one_line_error(_kliping(small_disk / "home", "stories"), EXIT_DISK_FULL)
    assert "ENOSPC" in line
    server = EmbeddedPostgres(small_disk / "home")
    with pytest.raises(EmbeddedStartError, match="ENOSPC"):  # and again: no other state left
        server.ensure_running()
    # Space freed (the disk grown): the next command starts afresh and works.
    grown = subprocess.run(["mount", "-o", "remount,size=256m", str(small_disk)])
    assert grown.returncode == 0
    with psycopg.connect(server.ensure_running()) as conn:
        assert conn.execute("SELECT 1").fetchone() == (1,)


def test_a_read_only_home_is_one_line(base: Path) -> None:
    mount = base / "ro"
    mount.mkdir()
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "ro,size=1m", "tmpfs", str(mount)], capture_output=True
    )
    if done.returncode != 0:
        pytest.skip("cannot mount a read-only tmpfs here")
    try:
        line = _one_line_error(_kliping(mount / "home", "stories"))
        assert "Read-only" in line or "not writable" in line
    finally:
        subprocess.run(["umount", "-l", str(mount)], capture_output=True)


def test_a_disk_that_fills_under_a_running_server(base: Path) -> None:
    """Writes fail with ENOSPC named, nothing committed is lost, and once space is freed the
    same server (or a restarted one) takes writes again."""
    mount = base / "disk"
    mount.mkdir()
    made = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=256m,mode=0755", "tmpfs", str(mount)],
        capture_output=True,
    )
    if made.returncode != 0:
        pytest.skip("cannot mount a tmpfs here")
    server = EmbeddedPostgres(mount / "home")
    try:
        conninfo = server.ensure_running()
        with psycopg.connect(conninfo, autocommit=True) as conn:
            conn.execute("CREATE TABLE filler (n int, pad text)")
            conn.execute("INSERT INTO filler SELECT i, 'kept' FROM generate_series(1, 100) i")
        used = os.statvfs(mount)
        used_bytes = (used.f_blocks - used.f_bfree) * used.f_frsize
        shrink = f"remount,size={used_bytes + 8 * 1024 * 1024}"
        assert subprocess.run(["mount", "-o", shrink, str(mount)]).returncode == 0
        failure = ""
        try:
            with psycopg.connect(conninfo, autocommit=True) as conn:
                for _ in range(200):  # 200 x 1 MB of incompressible text: past the 8 MB left
                    conn.execute(
                        "INSERT INTO filler SELECT 0, string_agg(md5(random()::text), '')"
                        " FROM generate_series(1, 32768)"
                    )
        except psycopg.Error as exc:
            failure = str(exc)
        # A data file that cannot grow fails the statement (ENOSPC named); a WAL segment that
        # cannot be written makes Postgres stop the server (PANIC), so the session is cut. Which
        # comes first depends on timing; either way nothing committed may be lost (below).
        cut = ("server closed the connection", "terminating connection", "consuming input failed")
        assert "No space left on device" in failure or any(c in failure for c in cut), failure
        assert subprocess.run(["mount", "-o", "remount,size=256m", str(mount)]).returncode == 0
        with psycopg.connect(server.ensure_running(), autocommit=True) as conn:
            kept = conn.execute("SELECT count(*) FROM filler WHERE pad = 'kept'").fetchone()
            assert kept == (100,)  # nothing committed before the disk filled is lost
            conn.execute("INSERT INTO filler VALUES (101, 'after')")
    finally:
        stop_and_remove(server)
        subprocess.run(["umount", "-l", str(mount)], capture_output=True)


def test_disk_full_is_named_by_the_cli(capsys: pytest.CaptureFixture[str]) -> None:
    from kliping import cli

    error = psycopg.errors.DiskFull("could not extend file: No space left on device")
    assert cli._database_error(error, psycopg) == EXIT_DISK_FULL
    assert "disk full (ENOSPC)" in capsys.readouterr().err
