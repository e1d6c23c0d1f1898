"""The embedded default: a private PostgreSQL cluster under KLIPING_HOME.

With no DATABASE_URL, kliping initialises a cluster on first use, starts it listening on a
Unix socket only (no TCP port, so nothing is exposed beyond the machine), with a generated
password, and leaves it running for the next command. ``kliping db stop`` stops it.

As root, ``initdb`` and ``postgres`` refuse to run, so the server runs as an unprivileged
system user (Debian's ``postgres`` when it exists) and owns only its data folder.
"""

from __future__ import annotations

import contextlib
import fcntl
import glob
import hashlib
import json
import logging
import os
import pwd
import secrets
import shutil
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import psycopg
from psycopg import sql
from psycopg.conninfo import make_conninfo

from kliping.storage.errors import EmbeddedStartError, PostgresNotFound

log = logging.getLogger(__name__)

SUPERUSER = "kliping"
DATABASE = "kliping"
PORT = 5432  # only names the socket file; no TCP listener is opened
# Unix socket paths are limited to 107 bytes (sun_path); leave room for ".s.PGSQL.5432".
_SOCKET_PATH_MAX = 90
_SEARCH = [
    "/usr/lib/postgresql/*/bin",
    "/usr/pgsql-*/bin",
    "/usr/local/pgsql/bin",
    "/opt/homebrew/opt/postgresql@*/bin",
    "/usr/local/opt/postgresql@*/bin",
    "/opt/homebrew/bin",
]
_UNPRIVILEGED_USERS = ("postgres", "kliping")


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


def _server_user() -> str | None:
    """The user the server runs as: None for ourselves, else an unprivileged account."""
    if os.geteuid() != 0:
        return None
    for name in _UNPRIVILEGED_USERS:
        with contextlib.suppress(KeyError):
            pwd.getpwnam(name)
            return name
    log.warning("running as root: creating system user 'kliping' to run PostgreSQL")
    subprocess.run(
        ["useradd", "--system", "--no-create-home", "--shell", "/usr/sbin/nologin", "kliping"],
        check=True,
        capture_output=True,
    )
    return "kliping"


def _traversable_by(user: str, path: Path) -> bool:
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


@dataclass(frozen=True)
class EmbeddedPostgres:
    """A private cluster whose state (data folder, socket, password) lives under ``home``."""

    home: Path

    @property
    def state_file(self) -> Path:
        return self.home / "postgres.json"

    def conninfo(self) -> str:
        state = self._state()
        return make_conninfo(
            host=state["socket_dir"],
            port=PORT,
            user=SUPERUSER,
            password=state["password"],
            dbname=DATABASE,
        )

    def ensure_running(self) -> str:
        """Initialise (first time) and start the server if needed; return its conninfo."""
        self.home.mkdir(parents=True, exist_ok=True)
        with self._lock():
            if not self.state_file.exists():
                self._initialise()
            if not self._accepts_connections():
                self._start()
        return self.conninfo()

    def stop(self, mode: str = "fast") -> bool:
        """Stop the server if it runs; True when it was running. ``mode`` is pg_ctl's: "fast"
        (roll back, disconnect, checkpoint) or "immediate" (as if the machine lost power)."""
        if not self.state_file.exists():
            return False
        state = self._state()
        done = self._run_pg("pg_ctl", "-D", state["data_dir"], "-m", mode, "-w", "stop")
        return done.returncode == 0

    def describe(self) -> str:
        state = self._state()
        return f"embedded PostgreSQL, data {state['data_dir']}, socket {state['socket_dir']}"

    # -- internals -------------------------------------------------------------------------

    def _state(self) -> dict[str, str]:
        return json.loads(self.state_file.read_text())

    @contextlib.contextmanager
    def _lock(self) -> Iterator[None]:
        # Two kliping processes starting at once must not both run initdb or pg_ctl start.
        with open(self.home / "postgres.lock", "w") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)

    def _run_pg(self, tool: str, *args: str) -> subprocess.CompletedProcess[str]:
        command = [str(find_binaries() / tool), *args]
        user = _server_user()
        if user is not None:
            command = ["runuser", "-u", user, "--", *command]
        # cwd "/": as another user, a cwd under /root is unreadable and initdb aborts.
        return subprocess.run(command, cwd="/", capture_output=True, text=True, timeout=120)

    def _data_dir(self, user: str | None) -> Path:
        wanted = self.home / "pgdata"
        if user is None or _traversable_by(user, self.home):
            return wanted
        # e.g. /root is 0700: the server user cannot reach it. Keep the cluster in a
        # root-owned place it can reach, named after the home so homes do not collide.
        digest = hashlib.sha1(str(self.home.resolve()).encode()).hexdigest()[:12]
        return Path("/var/lib/kliping") / digest / "pgdata"

    def _initialise(self) -> None:
        user = _server_user()
        data_dir = self._data_dir(user)
        if data_dir.exists() and any(data_dir.iterdir()):
            raise EmbeddedStartError(
                f"{data_dir} exists but {self.state_file} is missing: move it away to start afresh"
            )
        data_dir.mkdir(parents=True, exist_ok=True)
        socket_dir = data_dir
        if len(str(socket_dir)) > _SOCKET_PATH_MAX:
            digest = hashlib.sha1(str(data_dir).encode()).hexdigest()[:12]
            socket_dir = Path("/tmp") / f"kliping-{digest}"
            socket_dir.mkdir(mode=0o700, exist_ok=True)
        password = secrets.token_urlsafe(24)
        pwfile = data_dir.parent / ".pwfile"
        pwfile.write_text(password + "\n")
        pwfile.chmod(0o600)
        if user is not None:
            entry = pwd.getpwnam(user)
            for path in {data_dir, socket_dir, pwfile}:
                os.chown(path, entry.pw_uid, entry.pw_gid)
            log.info("running as root: PostgreSQL runs as system user %r", user)
        data_dir.chmod(0o700)
        try:
            done = self._run_pg(
                "initdb", "-D", str(data_dir), "-U", SUPERUSER, f"--pwfile={pwfile}",
                "--auth=scram-sha-256", "-E", "UTF8", "--no-locale",
            )  # fmt: skip
        finally:
            pwfile.unlink(missing_ok=True)
        if done.returncode != 0:
            raise EmbeddedStartError(f"initdb failed in {data_dir}:\n{done.stderr.strip()}")
        with open(data_dir / "postgresql.conf", "a") as conf:
            conf.write(
                "\n# kliping embedded server: Unix socket only, never a TCP port\n"
                "listen_addresses = ''\n"
                f"unix_socket_directories = '{socket_dir}'\n"
                f"port = {PORT}\n"
            )
        state = {"data_dir": str(data_dir), "socket_dir": str(socket_dir), "password": password}
        self.state_file.write_text(json.dumps(state, indent=2))
        self.state_file.chmod(0o600)
        self._start(create_db=True)

    def _accepts_connections(self) -> bool:
        try:
            with psycopg.connect(self.conninfo(), connect_timeout=3):
                return True
        except psycopg.OperationalError:
            return False

    def _clear_stale_pid(self, data_dir: Path) -> None:
        pid_file = data_dir / "postmaster.pid"
        try:
            pid = int(pid_file.read_text().split("\n", 1)[0])
        except (OSError, ValueError):
            return
        try:
            cmdline = Path(f"/proc/{pid}/cmdline").read_bytes()
        except OSError:
            cmdline = b""
        if b"postgres" not in cmdline:
            # The pid is dead or reused by another program (common after a kill -9 in a
            # container): the file would make postgres refuse to start.
            log.warning("removing stale %s (pid %d is not a running postgres)", pid_file, pid)
            pid_file.unlink(missing_ok=True)

    def _start(self, create_db: bool = False) -> None:
        state = self._state()
        data_dir = Path(state["data_dir"])
        log_file = data_dir / "server.log"
        last = ""
        # After a kill -9, orphaned backends may hold the old shared memory for a moment.
        for attempt in range(10):
            self._clear_stale_pid(data_dir)
            done = self._run_pg(
                "pg_ctl", "-D", str(data_dir), "-l", str(log_file), "-w", "-t", "60", "start"
            )
            if done.returncode == 0 or self._accepts_connections():
                break
            last = done.stderr.strip() or done.stdout.strip()
            if attempt == 2:
                # A live postmaster that accepts no connection (its socket file was deleted,
                # e.g. by a cleaner of /tmp): stop it so the next attempt starts it afresh.
                log.warning("the embedded server runs but does not answer: restarting it")
                self._run_pg("pg_ctl", "-D", str(data_dir), "-m", "fast", "-w", "stop")
            time.sleep(1)
        else:
            raise EmbeddedStartError(f"pg_ctl start failed (log: {log_file}): {last}")
        log.info("started %s", self.describe())
        if create_db:
            admin = make_conninfo(self.conninfo(), dbname="postgres")
            with psycopg.connect(admin, autocommit=True) as conn:
                conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(DATABASE)))
