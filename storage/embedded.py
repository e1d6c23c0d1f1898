"""The embedded default: a private PostgreSQL cluster under KLIPING_HOME.

With no DATABASE_URL, kliping initialises a cluster on first use, starts it listening on a
Unix socket only (no TCP port, so nothing is exposed beyond the machine), with a generated
password, and leaves it running for the next command. ``kliping db stop`` stops it.

Two rules keep it safe. A server that runs is never restarted unless it is really dead (no
process, or no socket): a full ``max_connections`` or a refused password is reported, and
the sessions of other commands live on. And the first start is resumable at every step:
``postgres.json`` records the phase reached (initdb, then the database), so a start killed
half-way is finished, or redone from scratch while nothing is stored yet, by the next command.
"""

from __future__ import annotations

import contextlib
import logging
import os
import re
import secrets
import shutil
import time
from dataclasses import dataclass
from pathlib import Path

import psycopg
from psycopg import sql
from psycopg.conninfo import make_conninfo

from kliping.storage import pgctl, pgstate
from kliping.storage import private as files
from kliping.storage.errors import (
    EmbeddedDiskFull,
    EmbeddedServerBusy,
    EmbeddedStartError,
    UnsafePathError,
    disk_full,
)
from kliping.storage.pgctl import find_binaries, is_running, run_pg, server_ids, server_user

__all__ = ["EmbeddedPostgres", "find_binaries"]
log = logging.getLogger(__name__)

SUPERUSER = "kliping"
DATABASE = "kliping"
PORT = 5432  # only names the socket file; no TCP listener is opened
# Unix socket paths are limited to 107 bytes (sun_path); leave room for "/.s.PGSQL.5432".
_SOCKET_PATH_MAX = 90
# A socket folder inside the data folder must also be a plain path: libpq splits a host at
# commas, and postgresql.conf's list syntax at commas and quotes.
_PLAIN_PATH = re.compile(r"^[^,'\"\\\s]+$")
# Messages of a server that will answer soon: crash recovery replays the WAL since the last
# checkpoint (checkpoint_timeout 5 min: seconds of work on this scale), so wait up to a minute.
# What a server says (or does) while it restarts after a crash: after a PANIC (a WAL write on a
# full disk) the postmaster cuts every session, new ones included, until it has reset.
_TRANSIENT = (
    "starting up",
    "recovery mode",
    "not yet accepting connections",
    "server closed the connection unexpectedly",
)
_RECOVERY_WAIT = 60.0
# Phases of the first start, in order; a state file without one predates them (= ready).
INITDB, CREATED, READY = "initdb", "created", "ready"


@dataclass(frozen=True)
class EmbeddedPostgres:
    """A private cluster whose state (data folder, socket, password) lives under ``home``."""

    home: Path

    def __post_init__(self) -> None:
        # initdb and pg_ctl run with cwd "/": a relative KLIPING_HOME would name another folder.
        object.__setattr__(self, "home", Path(os.path.abspath(self.home)))

    @property
    def state_file(self) -> Path:
        return self.home / "postgres.json"

    def conninfo(self) -> str:
        """Connection string; the socket folder is checked first, never a password sent to a
        socket another user could have put there."""
        state = self._state()
        files.check_private_dir(Path(state["socket_dir"]), server_ids(server_user(False))[0])
        return make_conninfo(
            host=state["socket_dir"],
            port=PORT,
            user=SUPERUSER,
            password=state["password"],
            dbname=DATABASE,
        )

    def ensure_running(self) -> str:
        """Initialise (first time) and start the server if needed; return its conninfo."""
        try:
            pgstate.make_home(self.home)
            with pgstate.lock(self.home):
                state = self._load_state()
                if state is not None and state.get("phase") == INITDB:
                    self._discard(state)  # initdb never finished: nothing can be stored yet
                    state = None
                if state is None:
                    state = self._initialise()
                self._run(state)
                if state.get("phase", READY) != READY:
                    self._create_database(state)
                    state = self._save_state({**state, "phase": READY})
                self._probe(state)
        except OSError as exc:
            error = EmbeddedDiskFull if disk_full(exc) else EmbeddedStartError
            raise error(
                files.explain_os_error(exc, f"embedded PostgreSQL in {self.home}")
            ) from None
        return self.conninfo()

    def stop(self, mode: str = "fast") -> bool:
        """Stop the server if it runs; True when it was running. ``mode`` is pg_ctl's: "fast"
        (roll back, disconnect, checkpoint) or "immediate" (as if the machine lost power).
        Works without ``postgres.json`` too: pg_ctl needs only the data folder."""
        user = server_user(create=False)
        try:
            state = self._load_state()
        except EmbeddedStartError:
            state = None
        data_dir = Path(state["data_dir"]) if state else self._data_dir(user)
        if not is_running(data_dir, user):
            return False
        done = run_pg("pg_ctl", "-D", str(data_dir), "-m", mode, "-w", "stop", user=user)
        return done.returncode == 0

    def describe(self) -> str:
        state = self._state()
        return f"embedded PostgreSQL, data {state['data_dir']}, socket {state['socket_dir']}"

    # -- the state file ---------------------------------------------------------------------

    def _state(self) -> dict[str, str]:
        state = self._load_state()
        if state is None:
            raise EmbeddedStartError(
                f"{self.state_file} is missing: the embedded server is not set up"
            )
        return state

    def _load_state(self) -> dict[str, str] | None:
        fresh = lambda: self._fresh(self._data_dir(server_user(create=False)))  # noqa: E731
        return pgstate.load(self.state_file, fresh)

    def _save_state(self, state: dict[str, str]) -> dict[str, str]:
        return pgstate.save(self.state_file, state)

    # -- first start ------------------------------------------------------------------------

    def _data_dir(self, user: str | None) -> Path:
        return pgctl.data_dir_for(self.home, user)

    @staticmethod
    def _fresh(data_dir: Path) -> bool:
        """No cluster was ever created there (the folder is missing or empty)."""
        return not data_dir.is_dir() or not any(data_dir.iterdir())

    def _discard(self, state: dict[str, str]) -> None:
        data_dir, socket_dir = Path(state["data_dir"]), Path(state["socket_dir"])
        log.warning("the first start of the embedded server was interrupted: starting afresh")
        if is_running(data_dir, server_user(create=False)):
            raise EmbeddedStartError(f"{data_dir}: a server runs in a half-initialised cluster")
        shutil.rmtree(data_dir, ignore_errors=True)
        pwdir = state.get("pwdir", "")
        if pwdir.startswith(f"{files.SOCKET_PARENT}/kliping-init-"):
            shutil.rmtree(pwdir, ignore_errors=True)  # its password was never used
        if socket_dir != data_dir:
            with contextlib.suppress(OSError):
                socket_dir.rmdir()  # only when empty: it is ours, a socket would be the server's

    def _initialise(self) -> dict[str, str]:
        user = server_user()
        ids = server_ids(user) if user else None
        data_dir = self._data_dir(user)
        if not self._fresh(data_dir):
            raise EmbeddedStartError(
                f"{data_dir} holds a cluster but {self.state_file} is missing: its password is "
                "lost; stop it (kliping db stop) and move the folder away to start afresh"
            )
        if self.home not in data_dir.parents:
            # /var/lib/kliping/<digest>: a name anyone can compute, so check nobody else made
            # it. Made 0755 whatever the umask (the server user must traverse it).
            for folder in (data_dir.parent.parent, data_dir.parent):
                with contextlib.suppress(FileExistsError):
                    os.mkdir(folder, 0o755)
                    os.chmod(folder, 0o755)
                files.check_private_dir(folder, os.geteuid())
        data_dir.mkdir(parents=True, exist_ok=True)
        files.own_dir(data_dir, ids, 0o700)
        if ids is not None:
            log.info("running as root: PostgreSQL runs as system user %r", user)
        socket_dir = data_dir
        if len(str(data_dir)) > _SOCKET_PATH_MAX or not _PLAIN_PATH.match(str(data_dir)):
            socket_dir = files.make_private_dir(files.SOCKET_PARENT, "kliping-", ids)
        password = secrets.token_urlsafe(24)
        state = {"data_dir": str(data_dir), "socket_dir": str(socket_dir), "password": password}
        # In a private folder of its own, not in the home: whoever else may write the home
        # could swap the file before initdb reads it and so choose the superuser's password.
        pwdir = files.make_private_dir(files.SOCKET_PARENT, "kliping-init-", ids)
        self._save_state({**state, "phase": INITDB, "pwdir": str(pwdir)})  # _discard removes it
        pwfile = pwdir / "pwfile"
        try:
            files.write_private(pwfile, password + "\n", owner=ids)
            done = run_pg(
                "initdb", "-D", str(data_dir), "-U", SUPERUSER, f"--pwfile={pwfile}",
                "--auth=scram-sha-256", "-E", "UTF8", "--no-locale", user=user,
            )  # fmt: skip
        finally:
            shutil.rmtree(pwdir, ignore_errors=True)
        if done.returncode != 0:
            detail = done.stderr.strip().splitlines()[-1:] or ["?"]
            if "No space left" in done.stderr:
                raise EmbeddedDiskFull(f"initdb in {data_dir}: no space left on device (ENOSPC)")
            raise EmbeddedStartError(f"initdb failed in {data_dir}: {detail[0]}")
        # O_NOFOLLOW: the server user owns this folder; root must not append through its links.
        fd = os.open(data_dir / "postgresql.conf", os.O_WRONLY | os.O_APPEND | os.O_NOFOLLOW)
        with open(fd, "a", encoding="utf-8") as conf:
            conf.write(
                f"\n# kliping's settings (socket only, no TCP)\ninclude = '{pgctl.OWN_CONF}'\n"
            )
        pgctl.write_own_conf(Path(state["data_dir"]), state["socket_dir"], PORT, ids)
        return self._save_state({**state, "phase": CREATED})

    # -- running ----------------------------------------------------------------------------

    def _run(self, state: dict[str, str]) -> None:
        """Start the server unless it runs and its socket is there; never stop a live one
        that has its socket (its sessions belong to other commands)."""
        user = server_user()
        uid = server_ids(user)[0]
        data_dir, socket_dir = Path(state["data_dir"]), Path(state["socket_dir"])
        if not (data_dir / "PG_VERSION").exists():
            raise EmbeddedStartError(f"the embedded data folder {data_dir} is missing or empty")
        socket = socket_dir / f".s.PGSQL.{PORT}"
        try:
            files.check_private_dir(socket_dir, uid)
            socket_ok = files.socket_alive(socket, uid)
        except (FileNotFoundError, UnsafePathError) as exc:
            if socket_dir == data_dir:
                raise
            log.warning("socket folder not usable (%s): making a new one", exc)
            socket_ok = False
            state["socket_dir"] = ""
        running = is_running(data_dir, user)
        if running and socket_ok:
            return
        if running:
            # Nobody can connect to a server without its socket (a /tmp cleaner deleted it).
            log.warning("the embedded server runs but its socket is gone: restarting it")
            run_pg("pg_ctl", "-D", str(data_dir), "-m", "fast", "-w", "stop", user=user)
        if not state["socket_dir"]:
            ids = server_ids(user) if user else None
            state["socket_dir"] = str(files.make_private_dir(files.SOCKET_PARENT, "kliping-", ids))
            pgctl.write_own_conf(Path(state["data_dir"]), state["socket_dir"], PORT, ids)
            self._save_state(state)
        self._start(data_dir, user)

    def _start(self, data_dir: Path, user: str | None) -> None:
        log_file = data_dir / "server.log"
        last = ""
        # After a kill -9, orphaned backends may hold the old shared memory for a moment.
        for _attempt in range(10):
            pgctl.clear_stale_pid(data_dir)
            done = run_pg(
                "pg_ctl", "-D", str(data_dir), "-l", str(log_file), "-w", "-t", "60", "start",
                user=user,
            )  # fmt: skip
            if done.returncode == 0:
                log.info("started %s", self.describe())
                return
            last = pgctl.log_tail(log_file) or done.stderr.strip() or done.stdout.strip()
            if "No space left" in last:
                raise EmbeddedDiskFull(
                    f"the embedded server cannot start in {data_dir}: no space left on device "
                    "(ENOSPC)"
                )
            time.sleep(1)
        raise EmbeddedStartError(f"pg_ctl start failed (log: {log_file}): {last}")

    def _create_database(self, state: dict[str, str]) -> None:
        admin = make_conninfo(self.conninfo(), dbname="postgres")
        with psycopg.connect(admin, autocommit=True, connect_timeout=30) as conn:
            found = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (DATABASE,))
            if found.fetchone() is None:
                conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(DATABASE)))

    def _probe(self, state: dict[str, str]) -> None:
        """One connection: a refused password is named; a full server is left alone; a server
        recovering from a crash (after a full disk, a kill -9) is waited for."""
        deadline = time.monotonic() + _RECOVERY_WAIT
        while True:
            try:
                psycopg.connect(self.conninfo(), connect_timeout=10).close()
                return
            except psycopg.OperationalError as exc:
                text = str(exc)
                if "password authentication failed" in text:
                    raise EmbeddedServerBusy(
                        f"the running embedded server refuses the password in {self.state_file}"
                        " (was it edited?): the server is left running"
                    ) from None
                if f'database "{DATABASE}" does not exist' in text:
                    self._create_database(state)  # a first start killed before it was created
                    return
                if not any(m in text for m in _TRANSIENT) or time.monotonic() > deadline:
                    raise  # e.g. too many clients: "database unavailable", the server lives on
            time.sleep(0.5)
