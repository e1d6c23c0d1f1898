"""Bad input on the command line: a one-line error and a documented exit code, before any
query runs (issue 15's probes: huge or negative limits, empty or giant searches, reversed date
ranges, ids past bigint, arguments that are not UTF-8)."""

from __future__ import annotations

import subprocess
import sys

import pytest

from tests.fix_db import rows
from tests.fix_site import Kliping


@pytest.mark.parametrize(
    "args, message",
    [
        (("stories", "--limit", "-1"), "--limit must be between 0 (all) and 100000"),
        (("stories", "--limit", str(10**20)), "--limit must be between"),
        (("stories", "--min-size", "0"), "--min-size must be 1 or more"),
        (("stories", "--search", ""), "--search needs at least one word"),
        (("stories", "--search", "   "), "--search needs at least one word"),
        (("stories", "--search", " ".join(["gempa"] * 20_000)), "--search takes at most 64"),
        (("story", str(2**64)), "no story 18446744073709551616"),
        (("crawl", "tempo", "--since", "2025-07-15", "--until", "2025-07-14"), "is after --until"),
        (("db", "recluster", "--since", "2025-07-15", "--until", "2025-07-14"), "is after"),
    ],
)
def test_bad_input_is_one_line_exit_1(
    kliping: Kliping, db_url: str, args: tuple[str, ...], message: str
) -> None:
    done = kliping.run(*args, timeout=120)
    assert done.returncode == 1, done.stderr[-2000:]
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and message in lines[0], done.stderr[-2000:]
    assert rows(db_url, "SELECT count(*) FROM crawl_runs") == [(0,)]


def test_arguments_that_are_not_utf8_are_refused(kliping: Kliping) -> None:
    command = [sys.executable.encode(), b"-m", b"kliping", b"stories", b"--search", b"gem\xffpa"]
    done = subprocess.run(command, env=kliping.env, capture_output=True, timeout=120)
    assert done.returncode == 2
    assert done.stderr.decode().startswith("kliping: arguments must be UTF-8 text")
    assert b"Traceback" not in done.stderr
