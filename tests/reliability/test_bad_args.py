"""Bad input at every edge (issue 15): command-line numbers and texts, settings, DATABASE_URL,
`kliping cluster` input. Each is a one-line error with a documented exit status (README,
"Commands"): 2 for arguments, 1 for settings and input; never a traceback, never a secret."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys

import pytest

from kliping.cli import main
from kliping.config.errors import SettingsError
from kliping.config.exits import EXIT_ERROR, EXIT_USAGE
from kliping.config.settings import Settings
from kliping.dedup.jsonl import InputError, checked_lines

SECRET = "s3cret-Pw"


def _usage_error(capsys: pytest.CaptureFixture[str], *argv: str) -> str:
    with pytest.raises(SystemExit) as stopped:
        main(list(argv))
    assert stopped.value.code == EXIT_USAGE
    err = capsys.readouterr().err
    assert "Traceback" not in err
    return err.strip().splitlines()[-1]


@pytest.mark.parametrize(
    "argv",
    [["daemon", "--every", value] for value in ("-1", "0", "nan", "inf", "1e30", "x")]
    + [["daemon", "--crawl-timeout", value] for value in ("-1", "0", "nan", "1e400")]
    + [["stories", "--limit", value] for value in ("-1", "99999999999999999999", "1.5")]
    + [["stories", "--min-size", "0"], ["crawl", "--max-articles", "-1"]]
    + [["story", "0"], ["story", "99999999999999999999999"], ["story", "abc"]]
    + [["stories", "--since", "15-07-2025"], ["export", "--since", "2025-13-01"]],
)
def test_numbers_and_dates_are_checked_at_the_edge(
    capsys: pytest.CaptureFixture[str], argv: list[str]
) -> None:
    line = _usage_error(capsys, *argv)
    assert line.startswith("kliping ") and "error: argument" in line


def test_search_must_say_something_and_not_too_much(capsys: pytest.CaptureFixture[str]) -> None:
    assert "empty search" in _usage_error(capsys, "stories", "--search", "")
    assert "empty search" in _usage_error(capsys, "stories", "--search", "   ")
    many = " ".join(["kata"] * 20_000)  # 'stack depth limit exceeded' in Postgres before
    assert "at most 64 words" in _usage_error(capsys, "stories", "--search", many)


def test_since_after_until(capsys: pytest.CaptureFixture[str]) -> None:
    line = _usage_error(capsys, "crawl", "--since", "2025-02-01", "--until", "2025-01-01")
    assert "--since 2025-02-01 is after --until 2025-01-01" in line
    line = _usage_error(capsys, "db", "recluster", "--since", "2025-02-01", "--until", "2025-01-01")
    assert "is after" in line


def test_non_utf8_arguments(capsys: pytest.CaptureFixture[str]) -> None:
    bad = b"\xff\xfe".decode("utf-8", "surrogateescape")  # what Python makes of such argv
    assert main(["stories", "--search", bad]) == EXIT_USAGE
    assert capsys.readouterr().err.strip() == "kliping: argument 3 is not valid UTF-8"


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("KLIPING_DOWNLOAD_DELAY", "inf"),
        ("KLIPING_DOWNLOAD_DELAY", "nan"),
        ("KLIPING_DOWNLOAD_DELAY", "-1"),
        ("KLIPING_EXTRACT_WORKERS", str(10**23)),
        ("KLIPING_EXTRACT_WORKERS", "10^23"),
        ("KLIPING_CONCURRENCY_PER_DOMAIN", "0"),
        ("KLIPING_MAX_PAGE_BYTES", "1e9"),
        ("KLIPING_MAX_PAGE_BYTES", str(2**40)),
        ("KLIPING_RETRY_BACKOFF", "1e30"),
        ("KLIPING_DOWNLOAD_TIMEOUT", "0"),
        ("KLIPING_USER_AGENT", "kliping\r\nX-Injected: 1"),
        ("KLIPING_USER_AGENT", "x" * 513),
        ("KLIPING_HOME", "/tmp/kliping-\udcff"),  # what Python makes of a non-UTF-8 byte
    ],
)
def test_settings_are_finite_and_bounded(name: str, value: str) -> None:
    with pytest.raises(SettingsError, match=name):
        Settings.from_env({name: value})


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        (f"postgresql+psycopg://kliping:{SECRET}@db.example/kliping", "SQLAlchemy"),
        (f"mysql://kliping:{SECRET}@db.example/kliping", "'mysql' is not PostgreSQL"),
        ("notaurl", "not a valid connection string"),
        (f"postgresql://kliping:{SECRET}@[::1/kliping", "malformed host or port"),
        (f"postgresql://kliping:{SECRET}@host:port/kliping", "malformed host or port"),
        (f"postgresql://kliping:{SECRET}@host/kliping?sslmode=maybe&x=1", "not a valid"),
        (f"host=db password={SECRET} nonsense", "not a valid connection string"),
    ],
)
def test_a_malformed_database_url_is_one_line_without_the_password(url: str, reason: str) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "kliping", "stories"],
        env=dict(os.environ, DATABASE_URL=url),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == EXIT_ERROR, done.stderr
    assert done.stderr.count("\n") == 1 and reason in done.stderr, done.stderr
    assert SECRET not in done.stdout + done.stderr


def test_an_internal_error_masks_the_password() -> None:
    """The last line of defence: a bug's traceback quotes values; the password is masked."""
    url = f"postgresql://kliping:{SECRET}@127.0.0.1:1/kliping"
    code = (
        "import os, sys; from kliping import cli\n"
        "def boom(args): raise RuntimeError('cannot use ' + os.environ['DATABASE_URL'])\n"
        "cli._lazy = lambda module, function: boom\n"
        "sys.exit(cli.main(['stories']))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code],
        env=dict(os.environ, DATABASE_URL=url),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 70 and "internal error" in done.stderr, done.stderr
    assert "RuntimeError: cannot use ***" in done.stderr and SECRET not in done.stderr


def _lines(text: str, max_chars: int = 1000) -> list[str]:
    return list(checked_lines(io.StringIO(text), max_chars))


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ('{"id": "a"}\n[1, 2]\n', "line 2: expected a JSON object, got list"),
        ('"just a string"\n', "line 1: expected a JSON object, got str"),
        ('{"id": "a", "url": 5}\n', "line 1: url must be a string, not int"),
        ('{"id": "a", "url": ["x"]}\n', "line 1: url must be a string, not list"),
        ('{"id": "a", "title": {"x": 1}}\n', "line 1: title must be a string, not dict"),
        ('{"id": [1]}\n', "line 1: id must be a string or a whole number"),
        ('{"id": true}\n', "line 1: id must be a string or a whole number"),
        ('{"title": "x"}\n', "line 1: no id"),
        ('{"id": "a", "published": "kemarin"}\n', "line 1: published 'kemarin' is not an ISO"),
        ('\n\n{"id": "a"\n', "line 3: not JSON"),
        ("[" * 100_000 + "]" * 100_000 + "\n", "line 1: JSON nested too deeply"),
        ('{"id": "a", "text": "' + "x" * 2000 + '"}\n', "line 1: longer than 1000 characters"),
        ('{"id": "a", "title": "x"}\n{"id": "a", "title": "y"}\n', "line 2: id 'a' is already"),
    ],
)
def test_cluster_input_errors_name_the_line(text: str, reason: str) -> None:
    with pytest.raises(InputError) as error:
        _lines(text, max_chars=1000 if "longer" in reason else 1_000_000)
    assert str(error.value).startswith(reason), error.value


def test_cluster_input_repeats_are_read_once() -> None:
    text = '{"id": "a", "title": "x"}\n\n{"title": "x", "id": "a"}\n{"id": 7, "title": "y"}\n'
    assert [json.loads(line)["id"] for line in _lines(text)] == ["a", 7]


@pytest.mark.slow
def test_cluster_command_with_a_huge_line(tmp_path: object) -> None:
    big = '{"id": "a", "text": "' + "kata " * 1_000_000 + '"}\n'  # 5 MB: over the 4 Mi cap
    done = subprocess.run(
        [sys.executable, "-m", "kliping", "cluster", "--input", "-"],
        input='{"id": "b", "title": "x"}\n' + big,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == EXIT_ERROR
    assert done.stderr.strip() == "kliping: -: line 2: longer than 4194304 characters"
