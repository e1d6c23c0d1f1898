"""A second, unprivileged local user for the security probes: what another account on the same
machine can do to kliping (pre-create names in /tmp, plant links and fake sockets, race to read
files). Needs root (to create the user); the tests skip elsewhere."""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

# The intruder's scripts run with the system Python: the test's interpreter may live under
# /root, which another user cannot enter.
SYSTEM_PYTHON = shutil.which("python3", path="/usr/bin:/usr/local/bin:/bin")

# Listens on a Unix socket at argv[1] and appends whatever a client sends to argv[2]: what a
# fake PostgreSQL socket would learn (libpq's startup packet, then the password).
FAKE_SOCKET = """
import socket, sys
server = socket.socket(socket.AF_UNIX)
server.bind(sys.argv[1])
server.listen(5)
open(sys.argv[1] + ".ready", "w").close()
while True:
    conn, _ = server.accept()
    conn.settimeout(2)
    try:
        while data := conn.recv(4096):
            open(sys.argv[2], "ab").write(data)
            conn.sendall(b"R\\x00\\x00\\x00\\x08\\x00\\x00\\x00\\x03")  # "send a clear password"
    except OSError:
        pass
    conn.close()
"""


@dataclass
class Intruder:
    name: str
    uid: int
    gid: int

    def run(self, *command: str, timeout: float = 30) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            ["runuser", "-u", self.name, "--", *command],
            capture_output=True,
            text=True,
            timeout=timeout,
            cwd="/",
        )

    def python(
        self, code: str, *args: str, timeout: float = 30
    ) -> subprocess.CompletedProcess[str]:
        assert SYSTEM_PYTHON
        return self.run(SYSTEM_PYTHON, "-c", code, *args, timeout=timeout)

    def start_python(self, code: str, *args: str) -> subprocess.Popen[bytes]:
        assert SYSTEM_PYTHON
        # setpriv execs (runuser forks): the pid is the intruder's process itself, to kill.
        ids = [f"--reuid={self.uid}", f"--regid={self.gid}", "--clear-groups"]
        return subprocess.Popen(["setpriv", *ids, SYSTEM_PYTHON, "-c", code, *args], cwd="/")


@pytest.fixture(scope="module")
def intruder() -> Iterator[Intruder]:
    if os.geteuid() != 0 or not shutil.which("useradd") or not SYSTEM_PYTHON:
        pytest.skip("needs root, useradd and a system python3 to act as a second local user")
    name = f"klp-probe-{os.getpid()}"
    subprocess.run(
        ["useradd", "--no-create-home", "--shell", "/usr/sbin/nologin", name],
        check=True,
        capture_output=True,
    )
    try:
        out = subprocess.run(["id", "-u", name], capture_output=True, text=True, check=True)
        gid = subprocess.run(["id", "-g", name], capture_output=True, text=True, check=True)
        yield Intruder(name, int(out.stdout), int(gid.stdout))
    finally:
        subprocess.run(["userdel", name], capture_output=True)


def long_home(parent: Path) -> Path:
    """A KLIPING_HOME whose pgdata path is too long for a Unix socket (> 90 bytes)."""
    home = parent / ("h" * 100)
    home.mkdir(mode=0o755)
    return home
