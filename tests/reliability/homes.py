"""Throw-away KLIPING_HOMEs for the embedded-server probes, each server stopped and its data
and socket folders removed afterwards."""

from __future__ import annotations

import contextlib
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from kliping.storage.embedded import EmbeddedPostgres


@pytest.fixture
def base() -> Iterator[Path]:
    folder = Path(tempfile.mkdtemp(prefix="kliping-sec-"))
    folder.chmod(0o755)  # the server's own user and the intruder may traverse it
    try:
        yield folder
    finally:
        homes = {p.parent for p in folder.rglob("postgres.json")}
        homes |= {p.parent for p in folder.rglob("pgdata")}
        for home in homes:
            stop_and_remove(EmbeddedPostgres(home))
        shutil.rmtree(folder, ignore_errors=True)


def stop_and_remove(server: EmbeddedPostgres) -> None:
    """Stop the server (works without its state file) and remove its data and socket folders."""
    server.stop()
    try:
        state = server._load_state() or {}
    except Exception:
        state = {}
    shutil.rmtree(state.get("data_dir", "/nonexistent"), ignore_errors=True)
    if state.get("socket_dir", "").startswith("/tmp/kliping-"):
        shutil.rmtree(state["socket_dir"], ignore_errors=True)


@contextlib.contextmanager
def small_disk(base: Path, size: str) -> Iterator[Path]:
    """A tmpfs of ``size`` ("64m") under ``base``, for disk-full probes (skipped where mounting
    is not permitted); an embedded server on it is stopped before it is unmounted."""
    mount = base / f"disk-{size}"
    mount.mkdir()
    made = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={size},mode=0755", "tmpfs", str(mount)],
        capture_output=True,
        text=True,
    )
    if made.returncode != 0:
        pytest.skip(f"mounting a {size} tmpfs is not permitted here: {made.stderr.strip()}")
    try:
        yield mount
    finally:
        stop_and_remove(EmbeddedPostgres(mount / "home"))
        subprocess.run(["umount", "-l", str(mount)], capture_output=True)
