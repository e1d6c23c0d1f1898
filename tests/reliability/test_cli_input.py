"""Bad input on the command line is refused by the parser (``kliping/argtypes.py``) before
any query or crawl: exit 2 and argparse's one-line error (issue 15's probes: huge or negative
limits, empty or giant searches, reversed date ranges, ids past bigint, bad durations,
arguments that are not UTF-8)."""

from __future__ import annotations

import subprocess
import sys

import pytest

from tests.fix_db import rows
from tests.fix_site import Kliping


@pytest.mark.parametrize(
    "args, message",
    [
        (("stories", "--limit", "-1"), "--limit: -1 is not between 0 and 1000000"),
        (("stories", "--limit", str(10**20)), "--limit: 100000000000000000000 is not between"),
        (("stories", "--min-size", "0"), "--min-size: 0 is not between 1"),
        (("stories", "--search", ""), "empty search: give at least one word"),
        (("stories", "--search", "   "), "empty search: give at least one word"),
        (("stories", "--search", " ".join(["gempa"] * 20_000)), "at most 64"),
        (("story", str(2**64)), "ID: 18446744073709551616 is not between 1"),
        (("crawl", "tempo", "--since", "2025-07-15", "--until", "2025-07-14"), "is after --until"),
        (("db", "recluster", "--since", "2025-07-15", "--until", "2025-07-14"), "is after"),
        (("crawl", "tempo", "--max-articles", "-1"), "argument --max-articles"),
        (("daemon", "--every", "-1"), "argument --every"),
        (("daemon", "--every", "nan"), "argument --every"),
        (("daemon", "--every", "1e30"), "argument --every"),
        (("daemon", "--crawl-timeout", "-1"), "argument --crawl-timeout"),
        (("demo", "--daemon", "--every", "0"), "argument --every"),
        (("sample-site", "serve", "--port", "70000"), "argument --port"),
    ],
)
def test_bad_input_is_one_line_exit_2(
    kliping: Kliping, db_url: str, args: tuple[str, ...], message: str
) -> None:
    done = kliping.run(*args, timeout=120)
    assert done.returncode == 2, done.stderr[-2000:]  # a bad command line (config/exits.py)
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and message in lines[0], done.stderr[-2000:]
    assert rows(db_url, "SELECT count(*) FROM crawl_runs") == [(0,)]


def test_arguments_that_are_not_utf8_are_refused(kliping: Kliping) -> None:
    command = [sys.executable.encode(), b"-m", b"kliping", b"stories", b"--search", b"gem\xffpa"]
    done = subprocess.run(command, env=kliping.env, capture_output=True, timeout=120)
    assert done.returncode == 2
    assert done.stderr.decode().startswith("kliping: argument 3 is not valid UTF-8")
    assert b"Traceback" not in done.stderr
