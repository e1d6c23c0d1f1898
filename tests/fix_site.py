"""The sample site on 127.0.0.1, and ``kliping`` run against it (lab/run.py) as a fixture."""

from __future__ import annotations

import os
import signal
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from kliping.sample_site.server import SampleSite, serve
from lab.run import Kliping, kliping_env, wait_for

__all__ = ["Kliping", "daemons", "kliping", "kliping_env", "site", "wait_for"]


@pytest.fixture(scope="module")
def site() -> Iterator[SampleSite]:
    with serve(SampleSite()) as running:
        yield running


@pytest.fixture
def kliping(site: SampleSite, db_url: str, tmp_path: Path) -> Kliping:
    registry = tmp_path / "outlets.toml"
    registry.write_text(site.registry_text())
    return Kliping(kliping_env(db_url, registry, tmp_path / "home"))


@pytest.fixture
def daemons() -> Iterator[list[subprocess.Popen[str]]]:
    """Daemons a test started (``Kliping.daemon``); each is killed with its process group after."""
    started: list[subprocess.Popen[str]] = []
    yield started
    for proc in started:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
