"""Exit statuses of the `kliping` command: one place, read by the CLI and by the daemon, which
runs each crawl as a `kliping crawl` child and acts on its status. Values follow BSD sysexits.h
where one fits, so shell scripts and systemd see the usual meanings."""

from __future__ import annotations

EXIT_ERROR = 1  # a user-facing error, printed as one line
EXIT_USAGE = 2  # bad arguments (argparse's own status)
EXIT_UNAVAILABLE = 69  # EX_UNAVAILABLE: the database cannot be reached
EXIT_INTERNAL = 70  # EX_SOFTWARE: a bug; the traceback is printed with secrets masked
# EX_IOERR: the disk under the database is full (ENOSPC): a crawl stops (what it stored is
# kept and checked by `kliping db check`) and the next one resumes once space is freed
EXIT_DISK_FULL = 74
EXIT_BUSY = 75  # EX_TEMPFAIL: every asked outlet is being crawled by another process
EXIT_NOPERM = 77  # EX_NOPERM: the database refused the login, or the role may not do this
EXIT_STOPPED = 143  # 128 + SIGTERM: stopped by a signal, what was done is recorded

# What `kliping --help` prints: each status with the words a user needs (the comments above say
# why each number).
MEANINGS: tuple[tuple[int, str], ...] = (
    (0, "done"),
    (EXIT_ERROR, "an error, said in one line"),
    (EXIT_USAGE, "bad arguments"),
    (EXIT_UNAVAILABLE, "the database cannot be reached"),
    (EXIT_INTERNAL, "a bug in kliping"),
    (EXIT_DISK_FULL, "the disk under the database is full"),
    (EXIT_BUSY, "every asked outlet is being crawled elsewhere"),
    (EXIT_NOPERM, "the database refused the login or the action"),
    (EXIT_STOPPED, "stopped by a signal (what was done is kept)"),
)
