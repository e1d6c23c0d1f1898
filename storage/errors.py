"""Storage errors, named for what the user must do about them."""

from __future__ import annotations

import errno

from kliping.config.errors import KlipingError
from kliping.config.exits import EXIT_DISK_FULL


class StorageError(KlipingError):
    """Base of every storage problem kliping reports."""


class PostgresNotFound(StorageError):
    """No PostgreSQL server binaries (initdb, pg_ctl) could be found."""

    def __init__(self, searched: list[str]) -> None:
        super().__init__(
            "PostgreSQL server binaries (initdb, pg_ctl) not found on PATH nor in "
            + ", ".join(searched)
            + ". Install them (Debian/Ubuntu: `apt-get install postgresql`; Fedora: "
            "`dnf install postgresql-server`; macOS: `brew install postgresql@16`) "
            "or point DATABASE_URL at an existing server."
        )


class EmbeddedStartError(StorageError):
    """The embedded PostgreSQL server could not be initialised or started."""


class EmbeddedDiskFull(EmbeddedStartError):
    """The embedded server cannot be set up or started: its disk is full (ENOSPC)."""

    exit_code = EXIT_DISK_FULL


class MigrationError(StorageError):
    """A schema migration failed; the database is left at the previous version."""


class UnsafePathError(StorageError):
    """A file or folder kliping would trust (a socket folder) is not the one it made."""


class EmbeddedServerBusy(StorageError):
    """The embedded server runs but refuses this connection; it is left running."""


# SQLSTATE 53100 disk_full; a PANIC on a WAL write ("could not write to file "pg_wal/...": No
# space left on device") reaches the client only as text, and so do OS errors.
DISK_FULL_SQLSTATE = "53100"


def disk_full(exc: BaseException) -> bool:
    """Did ``exc`` (a database or OS error) come from a full disk (ENOSPC)?"""
    if getattr(exc, "sqlstate", None) == DISK_FULL_SQLSTATE:
        return True
    return "No space left on device" in str(exc) or getattr(exc, "errno", None) == errno.ENOSPC
