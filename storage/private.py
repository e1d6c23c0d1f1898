"""Files and folders only kliping may have made: the embedded server's password, its socket.

Other local users share ``/tmp`` and may race us for any name we create there, or plant a
symlink in advance. So nothing here reuses an existing path it did not just create itself:
folders come from ``mkdtemp`` (mkdir fails if the name exists), files from ``O_CREAT|O_EXCL``
with their final mode (never written world-readable, then chmod'ed), and a folder is trusted
only after ``lstat`` shows it is a real folder, owned by the expected user, that nobody else
may write to.
"""

from __future__ import annotations

import contextlib
import errno
import os
import stat
import tempfile
from pathlib import Path

from kliping.storage.errors import EmbeddedStartError, UnsafePathError

# Socket folders go straight under /tmp, not $TMPDIR: a long TMPDIR would overflow the 107-byte
# Unix socket path again, which is the reason a separate socket folder exists at all.
SOCKET_PARENT = Path("/tmp")


def write_private(path: Path, data: str, owner: tuple[int, int] | None = None) -> None:
    """Write ``data`` to ``path`` atomically, mode 0600 from the first byte, never via a link.

    A temporary name created with O_EXCL is filled, flushed to disk, then renamed over ``path``:
    a reader sees the old file or the new one, never a half-written or readable one.
    """
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{os.urandom(4).hex()}")
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0)
    fd = os.open(tmp, flags, 0o600)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            if owner is not None:
                os.fchown(handle.fileno(), *owner)
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def make_private_dir(parent: Path, prefix: str, owner: tuple[int, int] | None = None) -> Path:
    """A new folder under ``parent`` that did not exist before this call, mode 0700."""
    made = Path(tempfile.mkdtemp(prefix=prefix, dir=parent))
    if owner is not None:
        # The folder is ours and fresh; no link can be in its place (mkdtemp used mkdir).
        os.chown(made, *owner, follow_symlinks=False)
    return made


def own_dir(path: Path, owner: tuple[int, int] | None, mode: int) -> None:
    """chown/chmod a folder through a descriptor opened without following links: a link put in
    its place (by whoever may write the parent) fails here instead of redirecting root."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_DIRECTORY | getattr(os, "O_NOFOLLOW", 0))
    except OSError as exc:
        if exc.errno in (errno.ENOTDIR, errno.ELOOP) and os.path.islink(path):
            raise UnsafePathError(f"{path} is a symbolic link, not a folder kliping made") from None
        raise
    try:
        if owner is not None:
            os.fchown(fd, *owner)
        os.fchmod(fd, mode)
    finally:
        os.close(fd)


def check_private_dir(path: Path, uid: int) -> None:
    """Raise UnsafePathError unless ``path`` is a real folder owned by ``uid`` that no other
    user can write to (group/other write bits clear). Missing: FileNotFoundError."""
    st = os.lstat(path)
    if stat.S_ISLNK(st.st_mode):
        raise UnsafePathError(f"{path} is a symbolic link, not a folder kliping made")
    if not stat.S_ISDIR(st.st_mode):
        raise UnsafePathError(f"{path} is not a folder")
    if st.st_uid != uid:
        raise UnsafePathError(f"{path} belongs to uid {st.st_uid}, not to uid {uid}")
    if st.st_mode & (stat.S_IWGRP | stat.S_IWOTH):
        raise UnsafePathError(f"{path} is writable by other users (mode {st.st_mode & 0o777:o})")


def socket_alive(path: Path, uid: int) -> bool:
    """True when ``path`` is a Unix socket owned by ``uid`` (the server's own socket file)."""
    try:
        st = os.lstat(path)
    except OSError:
        return False
    return stat.S_ISSOCK(st.st_mode) and st.st_uid == uid


def conf_string(value: str) -> str:
    """A postgresql.conf string literal: single-quoted, quotes doubled, no line breaks."""
    if any(c in value for c in "\n\r\0"):
        raise EmbeddedStartError(f"{value!r}: a line break or NUL cannot go into postgresql.conf")
    return "'" + value.replace("\\", "\\\\").replace("'", "''") + "'"


def explain_os_error(exc: OSError, what: str) -> str:
    """One line for an OSError while preparing the server's files (ENOSPC named as such)."""
    if exc.errno == errno.ENOSPC:
        return f"{what}: no space left on device (ENOSPC): free some space and run again"
    if exc.errno in (errno.EROFS, errno.EACCES, errno.EPERM):
        return f"{what}: {exc.strerror}: is KLIPING_HOME a writable folder?"
    if exc.errno in (errno.ENOTDIR, errno.EEXIST):
        return f"{what}: {exc.strerror}: KLIPING_HOME or a folder above it is a file"
    if exc.errno == errno.ENAMETOOLONG:
        return f"{what}: file name too long: choose a shorter KLIPING_HOME"
    return f"{what}: {exc.strerror or exc}"
