from __future__ import annotations

import os
import shutil
import signal
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest

from kliping.storage.embedded import EmbeddedPostgres, find_binaries


@pytest.fixture
def server() -> Iterator[EmbeddedPostgres]:
    home = Path(tempfile.mkdtemp(prefix="kliping-emb-"))
    home.chmod(0o755)
    embedded = EmbeddedPostgres(home)
    try:
        yield embedded
    finally:
        if embedded.state_file.exists():
            embedded.stop()
            shutil.rmtree(embedded._state()["data_dir"], ignore_errors=True)
        shutil.rmtree(home, ignore_errors=True)


def _postmaster_pid(server: EmbeddedPostgres) -> int:
    pid_file = Path(server._state()["data_dir"]) / "postmaster.pid"
    return int(pid_file.read_text().split("\n", 1)[0])


def _query(conninfo: str) -> int:
    with psycopg.connect(conninfo) as conn:
        row = conn.execute("SELECT 41 + 1").fetchone()
    assert row is not None
    return int(row[0])


def test_binaries_are_found() -> None:
    assert (find_binaries() / "initdb").exists()


def test_first_start_initialises_then_reuses(server: EmbeddedPostgres) -> None:
    conninfo = server.ensure_running()
    assert _query(conninfo) == 42
    state = server._state()
    assert Path(state["data_dir"], "PG_VERSION").exists()
    assert oct(server.state_file.stat().st_mode & 0o777) == "0o600"
    assert "listen_addresses = ''" in Path(state["data_dir"], "kliping.conf").read_text()
    pid = _postmaster_pid(server)
    assert server.ensure_running() == conninfo
    assert _postmaster_pid(server) == pid  # reused, not restarted


def test_wrong_password_is_refused(server: EmbeddedPostgres) -> None:
    conninfo = server.ensure_running()
    with pytest.raises(psycopg.OperationalError):
        psycopg.connect(conninfo.replace(server._state()["password"], "guess"))


def test_restart_after_stop(server: EmbeddedPostgres) -> None:
    server.ensure_running()
    assert server.stop()
    assert _query(server.ensure_running()) == 42


def test_recovers_after_kill_9(server: EmbeddedPostgres) -> None:
    conninfo = server.ensure_running()
    os.kill(_postmaster_pid(server), signal.SIGKILL)
    time.sleep(0.2)
    assert _query(server.ensure_running()) == 42
    assert server.ensure_running() == conninfo


def test_stale_pid_file_of_another_process_does_not_block(server: EmbeddedPostgres) -> None:
    server.ensure_running()
    server.stop()
    pid_file = Path(server._state()["data_dir"]) / "postmaster.pid"
    # A pid that is alive but not postgres: what a reboot or a container restart leaves.
    pid_file.write_text(f"{os.getpid()}\n{server._state()['data_dir']}\n")
    assert _query(server.ensure_running()) == 42


def test_running_server_whose_socket_vanished_is_restarted(server: EmbeddedPostgres) -> None:
    server.ensure_running()
    socket_dir = Path(server._state()["socket_dir"])
    for leftover in socket_dir.glob(".s.PGSQL.*"):
        leftover.unlink()  # what a /tmp cleaner, or an old server sharing the folder, does
    assert _query(server.ensure_running()) == 42
