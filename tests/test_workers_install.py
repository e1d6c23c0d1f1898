"""An installed (wheel) kliping, run with the repository root as the current directory.

The extraction pool's forkserver runs as ``python -c`` and the daemon's children as ``python -m
kliping``: both put the current directory first on sys.path. The repository root once held an
incomplete ``kliping/`` folder, which shadowed the installed package there (every extraction
worker and every daemon child died with ``ModuleNotFoundError: kliping.config``). The package is
now ``src/kliping`` (the top-level folders are links inside it), so nothing in the root shadows it.
This test builds the wheel and runs it without ``site`` (no editable install to hide the bug).
"""

from __future__ import annotations

import os
import site
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]

pytestmark = pytest.mark.slow  # builds a wheel and starts interpreters

LAUNCHER = """
import asyncio

from kliping.config.extract_rules import DEFAULT_RULES
from kliping.crawler.workers import ExtractPool

if __name__ == "__main__":
    pool = ExtractPool(1)
    page = b"<html><body><p>" + b"kata " * 200 + b"</p></body></html>"
    result = asyncio.run(pool.extract(page, "http://127.0.0.1/a", DEFAULT_RULES))
    pool.close()
    print(type(result).__name__, result.failure)
"""


def test_installed_pool_works_from_the_repository_root(tmp_path: Path) -> None:
    wheels = tmp_path / "wheels"
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "-w", str(wheels), str(REPO)],
        check=True,
        capture_output=True,
    )
    installed = tmp_path / "installed"
    with zipfile.ZipFile(next(wheels.glob("kliping-*.whl"))) as whl:
        whl.extractall(installed)
    launcher = tmp_path / "bin" / "launch.py"  # like a console script: its own folder on sys.path
    launcher.parent.mkdir()
    launcher.write_text(LAUNCHER, encoding="utf-8")
    # -S: no site, so no .pth file installs the editable finder; the dependencies come from
    # this environment's site-packages through PYTHONPATH, after the wheel's files.
    path = os.pathsep.join([str(installed), *site.getsitepackages()])
    env = {**os.environ, "PYTHONPATH": path}
    env.pop("PYTHONSAFEPATH", None)
    done = subprocess.run(
        [sys.executable, "-S", str(launcher)],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.split()[0] == "PageResult", done.stdout
    # The wheel carries the linked folders' modules and data (registry, migrations, sample site).
    for part in ("config/outlets.toml", "storage/migrations", "crawler/extract", "sample_site"):
        assert any(installed.glob(f"kliping/{part}*")), part
    # A daemon child is `python -m kliping crawl`: from the root it must import the wheel's package.
    child = subprocess.run(
        [sys.executable, "-S", "-m", "kliping", "outlets", "check"],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert child.returncode == 0, child.stderr[-2000:]
