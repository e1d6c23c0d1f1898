"""The PostgreSQL server programs (initdb, pg_ctl), run as the user the server runs as.

As root, ``initdb`` and ``postgres`` refuse to run, so the server runs as an unprivileged
system user (Debian's ``postgres`` when it exists) and owns only its data folder.
"""

from __future__ import annotations

import contextlib
import glob
import logging
import os
import pwd
import shutil
import subprocess
from pathlib import Path

from kliping.storage import private as files
from kliping.storage.errors import PostgresNotFound

log = logging.getLogger(__name__)

_SEARCH = [
    "/usr/lib/postgresql/*/bin",
    "/usr/pgsql-*/bin",
    "/usr/local/pgsql/bin",
    "/opt/homebrew/opt/postgresql@*/bin",
    "/usr/local/opt/postgresql@*/bin",
    "/opt/homebrew/bin",
]
_UNPRIVILEGED_USERS = ("postgres", "kliping")
# pg_ctl status: 0 = a server runs in that data folder, 3 = none, 4 = no usable data folder.
STATUS_RUNNING = 0


def find_binaries() -> Path:
    """The folder holding initdb and pg_ctl: PATH first, then the usual install places."""
    found = shutil.which("pg_ctl")
    if found and shutil.which("initdb"):
        return Path(found).parent
    for pattern in _SEARCH:
        # Highest major version first: "16" sorts after "15" as text for two-digit majors.
        for folder in sorted(glob.glob(pattern), reverse=True):
            if (Path(folder) / "pg_ctl").exists() and (Path(folder) / "initdb").exists():
                return Path(folder)
    raise PostgresNotFound(_SEARCH)


def server_user(create: bool = True) -> str | None:
    """The user the server runs as: None for ourselves, else an unprivileged account."""
    if os.geteuid() != 0:
        return None
    for name in _UNPRIVILEGED_USERS:
        with contextlib.suppress(KeyError):
            pwd.getpwnam(name)
            return name
    if not create:
        return _UNPRIVILEGED_USERS[-1]
    log.warning("running as root: creating system user 'kliping' to run PostgreSQL")
    subprocess.run(
        ["useradd", "--system", "--no-create-home", "--shell", "/usr/sbin/nologin", "kliping"],
        check=True,
        capture_output=True,
    )
    return "kliping"


def server_ids(user: str | None) -> tuple[int, int]:
    """(uid, gid) the server runs as: the files it must own, the socket it must own."""
    if user is None:
        return os.geteuid(), os.getegid()
    entry = pwd.getpwnam(user)
    return entry.pw_uid, entry.pw_gid


def traversable_by(user: str, path: Path) -> bool:
    entry = pwd.getpwnam(user)
    for folder in [path, *path.parents]:
        if not folder.exists():
            continue
        st = folder.stat()
        if st.st_uid == entry.pw_uid:
            ok = bool(st.st_mode & 0o100)
        elif st.st_gid == entry.pw_gid:
            ok = bool(st.st_mode & 0o010)
        else:
            ok = bool(st.st_mode & 0o001)
        if not ok:
            return False
    return True


def run_pg(tool: str, *args: str, user: str | None) -> subprocess.CompletedProcess[str]:
    command = [str(find_binaries() / tool), *args]
    if user is not None:
        command = ["runuser", "-u", user, "--", *command]
    # cwd "/": as another user, a cwd under /root is unreadable and initdb aborts.
    return subprocess.run(command, cwd="/", capture_output=True, text=True, timeout=120)


def clear_stale_pid(data_dir: Path) -> bool | None:
    """Remove a postmaster.pid whose pid is dead or reused by another program (common after a
    kill -9 in a container): the file would make postgres refuse to start. Returns True when
    the pid is a live postgres, False when there is none (now), None when /proc cannot tell."""
    pid_file = data_dir / "postmaster.pid"
    try:
        pid = int(pid_file.read_text().split("\n", 1)[0])
    except FileNotFoundError:
        return False
    except (OSError, ValueError):
        return None  # being written, or damaged: pg_ctl decides
    try:
        cmdline = Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        if not Path("/proc/self").exists():
            return None  # no /proc (macOS): pg_ctl's own kill(pid, 0) check decides
        cmdline = b""
    if b"postgres" in cmdline:
        return True
    log.warning("removing stale %s (pid %d is not a running postgres)", pid_file, pid)
    pid_file.unlink(missing_ok=True)
    return False


def is_running(data_dir: Path, user: str | None) -> bool:
    """A postmaster process lives for this data folder (whether or not it answers)."""
    alive = clear_stale_pid(data_dir)
    if alive is not None:
        return alive
    # pg_ctl's own check (kill(pid, 0)); 15 ms, a process as the server user.
    return run_pg("pg_ctl", "-D", str(data_dir), "status", user=user).returncode == STATUS_RUNNING


def log_tail(log_file: Path, lines: int = 3) -> str:
    try:
        text = log_file.read_text(errors="replace")
    except OSError:
        return ""
    return " | ".join(line.strip() for line in text.strip().splitlines()[-lines:])


# kliping's own settings, included by postgresql.conf; rewritten at each new socket folder.
OWN_CONF = "kliping.conf"


def write_own_conf(data_dir: Path, socket_dir: str, port: int, ids: tuple[int, int] | None) -> None:
    files.write_private(
        data_dir / OWN_CONF,
        "# written by kliping at each new socket folder; values quoted for postgresql.conf\n"
        "listen_addresses = ''\n"
        f"unix_socket_directories = {files.conf_string(socket_dir)}\n"
        f"port = {port}\n",
        owner=ids,
    )
