"""Security probes with a second local user: the embedded server's socket folder and password
file against someone who shares /tmp with kliping (issue 15, "Security")."""

from __future__ import annotations

import hashlib
import os
import shutil
import stat
import time
from pathlib import Path

import pytest

from kliping.storage.embedded import EmbeddedPostgres
from kliping.storage.errors import UnsafePathError
from tests.reliability.homes import base
from tests.reliability.intruder import FAKE_SOCKET, Intruder, intruder, long_home

__all__ = ["base", "intruder"]
pytestmark = pytest.mark.slow


def _old_predictable_name(server: EmbeddedPostgres) -> Path:
    """Where kliping used to put the socket: /tmp/kliping-<sha1(pgdata)[:12]>."""
    data_dir = server.home / "pgdata"
    return Path("/tmp") / f"kliping-{hashlib.sha1(str(data_dir).encode()).hexdigest()[:12]}"


def test_a_precreated_or_linked_socket_folder_is_never_used(base: Path, intruder: Intruder) -> None:
    server = EmbeddedPostgres(long_home(base))
    trap = _old_predictable_name(server)
    victim = base / "victim"  # a folder the link points at: root must not chown it
    victim.mkdir(mode=0o755)
    # The intruder makes the old predictable name first, world-writable, then a link variant.
    made = intruder.python(
        "import os, sys; os.mkdir(sys.argv[1]); os.chmod(sys.argv[1], 0o777)", str(trap)
    )
    assert made.returncode == 0, made.stderr
    link = Path(str(trap) + "-link")
    intruder.python("import os, sys; os.symlink(sys.argv[1], sys.argv[2])", str(victim), str(link))
    try:
        server.ensure_running()
        socket_dir = Path(server._state()["socket_dir"])
        assert socket_dir not in (trap, link) and socket_dir.parent == Path("/tmp")
        st = os.lstat(socket_dir)
        assert stat.S_ISDIR(st.st_mode) and stat.S_IMODE(st.st_mode) == 0o700
        assert st.st_uid != intruder.uid and st.st_uid != 0  # the server's user, not root
        assert os.lstat(trap).st_uid == intruder.uid  # left alone
        assert os.lstat(victim).st_uid == 0
        # The intruder cannot list or enter the real socket folder.
        peek = intruder.python("import os, sys; os.listdir(sys.argv[1])", str(socket_dir))
        assert peek.returncode != 0 and "Permission denied" in peek.stderr
    finally:
        shutil.rmtree(trap, ignore_errors=True)
        link.unlink(missing_ok=True)


def test_no_password_goes_to_a_socket_folder_another_user_replaced(
    base: Path, intruder: Intruder
) -> None:
    server = EmbeddedPostgres(long_home(base))
    server.ensure_running()
    password = server._state()["password"]
    socket_dir = Path(server._state()["socket_dir"])
    server.stop()
    shutil.rmtree(socket_dir)  # what a reboot's /tmp cleaning does
    # The intruder saw the name in /tmp and takes it over, with a fake server socket inside.
    heard = base / "heard"
    intruder.python("import os, sys; os.mkdir(sys.argv[1], 0o755)", str(socket_dir))
    fake = intruder.start_python(FAKE_SOCKET, str(socket_dir / ".s.PGSQL.5432"), str(heard))
    try:
        deadline = time.monotonic() + 20
        while not (socket_dir / ".s.PGSQL.5432.ready").exists():
            assert time.monotonic() < deadline and fake.poll() is None, "fake socket not up"
            time.sleep(0.05)
        with pytest.raises(UnsafePathError, match="belongs to uid"):
            server.conninfo()  # the check comes before any connection
        conninfo = server.ensure_running()  # a new folder of its own, the server restarted
        assert str(socket_dir) not in conninfo
        assert Path(server._state()["socket_dir"]) != socket_dir
    finally:
        fake.kill()
        fake.wait()
        shutil.rmtree(socket_dir, ignore_errors=True)
    heard_bytes = heard.read_bytes() if heard.exists() else b""
    assert password.encode() not in heard_bytes and heard_bytes == b""


def test_the_password_file_is_never_readable_by_another_user(
    base: Path, intruder: Intruder
) -> None:
    """The intruder polls the home while the first start writes postgres.json (the old code
    wrote it 0644 then chmod'ed it: 4 of 5 races read the password)."""
    home = base / "home"
    home.mkdir(mode=0o755)
    got = base / "got"
    watcher = intruder.start_python(
        "import os, sys, time\n"
        "end = time.time() + 60\n"
        "while time.time() < end:\n"
        "    for name in os.listdir(sys.argv[1]):\n"
        "        try:\n"
        "            data = open(os.path.join(sys.argv[1], name), 'rb').read()\n"
        "        except OSError:\n"
        "            continue\n"
        "        open(sys.argv[2], 'ab').write(data)\n",
        str(home),
        str(got),
    )
    try:
        server = EmbeddedPostgres(home)
        server.ensure_running()
        password = server._state()["password"]
    finally:
        watcher.kill()
        watcher.wait()
    assert stat.S_IMODE(server.state_file.stat().st_mode) == 0o600
    assert not got.exists() or password.encode() not in got.read_bytes()
    # Nothing in the home (nor the data folder) shows the password to the intruder.
    found = intruder.run("grep", "-rl", password, str(home), str(server._state()["data_dir"]))
    assert found.stdout == ""


def test_a_new_home_is_not_world_readable(base: Path) -> None:
    home = base / "new" / "home"
    server = EmbeddedPostgres(home)
    server.ensure_running()
    assert not stat.S_IMODE(home.stat().st_mode) & 0o044  # neither group nor others may list


def test_a_home_the_server_user_cannot_reach(base: Path) -> None:
    """As root with a home in a 0700 folder (/root), the cluster lives in /var/lib/kliping."""
    if os.geteuid() != 0:
        pytest.skip("only root runs the server as another user")
    private = base / "private"
    private.mkdir(mode=0o700)
    server = EmbeddedPostgres(private / "home")
    try:
        server.ensure_running()
        data_dir = Path(server._state()["data_dir"])
        assert data_dir.parts[:4] == ("/", "var", "lib", "kliping")
        for folder in (data_dir.parent, data_dir.parent.parent):
            st = os.lstat(folder)
            assert st.st_uid == 0 and stat.S_IMODE(st.st_mode) == 0o755
        assert stat.S_IMODE(os.lstat(data_dir).st_mode) == 0o700
    finally:
        server.stop()
        state = server._load_state() or {}
        if state.get("data_dir", "").startswith("/var/lib/kliping/"):
            shutil.rmtree(Path(state["data_dir"]).parent, ignore_errors=True)


def test_a_link_planted_as_the_data_folder_is_refused(base: Path, intruder: Intruder) -> None:
    """A home another user may write (here: owns): a link in place of pgdata must not make
    root chown or chmod where it points."""
    home = base / "shared-home"
    home.mkdir(mode=0o755)
    os.chown(home, intruder.uid, intruder.gid)
    victim = base / "victim"
    victim.mkdir(mode=0o755)
    planted = intruder.python(
        "import os, sys; os.symlink(sys.argv[1], sys.argv[2])", str(victim), str(home / "pgdata")
    )
    assert planted.returncode == 0, planted.stderr
    with pytest.raises(UnsafePathError, match="symbolic link"):
        EmbeddedPostgres(home).ensure_running()
    st = os.lstat(victim)
    assert st.st_uid == 0 and stat.S_IMODE(st.st_mode) == 0o755
    assert not list(victim.iterdir())
