"""The embedded server's state file (postgres.json: data folder, socket folder, password, phase),
its home folder and the lock that serialises first starts."""

from __future__ import annotations

import contextlib
import errno
import fcntl
import json
import logging
import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from kliping.storage import private as files
from kliping.storage.errors import EmbeddedStartError

log = logging.getLogger(__name__)

KEYS = ("data_dir", "socket_dir", "password")


def load(state_file: Path, no_cluster: Callable[[], bool]) -> dict[str, str] | None:
    """The state, None when there is none yet; a one-line error when it cannot be used.

    ``no_cluster()`` says no cluster was ever created: then a broken file is simply redone,
    since nothing can have been stored.
    """
    try:
        text = state_file.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None
    except (OSError, UnicodeDecodeError) as exc:
        if isinstance(exc, OSError) and exc.errno == errno.ENOTDIR:
            return None  # KLIPING_HOME is (under) a file: make_home says so
        if isinstance(exc, OSError):
            reason = files.explain_os_error(exc, f"cannot read {state_file}")
            raise EmbeddedStartError(reason) from None
        text = ""
    try:
        state: Any = json.loads(text)
    except ValueError:
        state = None
    if isinstance(state, dict) and all(isinstance(state.get(k), str) and state[k] for k in KEYS):
        return state
    if no_cluster():
        log.warning("%s is unusable and no cluster exists: starting afresh", state_file)
        return None
    raise EmbeddedStartError(
        f"{state_file} is corrupt or incomplete (needs {', '.join(KEYS)}): restore it, "
        "or stop the server (kliping db stop) and move the data folder away to start afresh"
    )


def save(state_file: Path, state: dict[str, str]) -> dict[str, str]:
    files.write_private(state_file, json.dumps(state, indent=2))
    return state


@contextlib.contextmanager
def lock(home: Path) -> Iterator[None]:
    """Two kliping processes starting at once must not both run initdb or pg_ctl start."""
    fd = os.open(home / "postgres.lock", os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)  # closing releases the lock


def make_home(home: Path) -> None:
    """KLIPING_HOME, created not world-readable. As root the server user must still traverse it
    (0711) to reach home/pgdata; otherwise the cluster goes to /var/lib/kliping."""
    mode = 0o711 if os.geteuid() == 0 else 0o700
    if home.exists() and not home.is_dir():
        raise EmbeddedStartError(f"KLIPING_HOME {home} is a file, not a folder")
    home.mkdir(parents=True, exist_ok=True, mode=mode)
    if not os.access(home, os.W_OK | os.X_OK):
        raise EmbeddedStartError(f"KLIPING_HOME {home} is not writable")
