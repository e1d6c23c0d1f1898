"""Storage errors, named for what the user must do about them."""

from __future__ import annotations

from kliping.config.errors import KlipingError


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


class MigrationError(StorageError):
    """A schema migration failed; the database is left at the previous version."""


class UnsafePathError(StorageError):
    """A file or folder kliping would trust (a socket folder) is not the one it made."""


class EmbeddedServerBusy(StorageError):
    """The embedded server runs but refuses this connection; it is left running."""
