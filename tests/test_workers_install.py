"""The extraction pool of an installed kliping, started in a source checkout.

The forkserver behind the pool runs as ``python -c``, which puts the current directory first on
its sys.path. In the repository root that directory holds a ``kliping/`` folder that is not the
installed package (config/, crawler/ ... are mapped into it only by the install), so the README's
``pip install . && kliping demo`` killed every extraction worker until the forkserver was started
with PYTHONSAFEPATH. An editable install hides the bug (its finder wins over sys.path), so this
test builds the wheel and runs it without ``site``.
"""

from __future__ import annotations

import os
import site
import subprocess
import sys
import zipfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]

LAUNCHER = """
import asyncio

from kliping.crawler.workers import ExtractPool

if __name__ == "__main__":
    pool = ExtractPool(1)
    page = b"<html><body><p>" + b"kata " * 200 + b"</p></body></html>"
    result = asyncio.run(pool.extract(page, "http://127.0.0.1/a", "x", {}))
    pool.close()
    print(type(result).__name__, result.error)
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
