"""``kliping watch``: add, list, test, remove and their one-line errors (in-process CLI, real
Postgres, articles clustered for real)."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from pathlib import Path

import psycopg
import pytest

from kliping import cli
from tests.alerts_parts import RECORDS, cluster, store

Run = Callable[..., tuple[int, str, str]]


@pytest.fixture
def watch(db_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
          capsys: pytest.CaptureFixture[str]) -> Iterator[Run]:  # fmt: skip
    monkeypatch.setenv("DATABASE_URL", db_url)
    monkeypatch.setenv("KLIPING_HOME", str(tmp_path))
    monkeypatch.delenv("KLIPING_OUTLETS", raising=False)
    monkeypatch.delenv("KLIPING_WEBHOOK_SECRET", raising=False)

    def run(*args: str) -> tuple[int, str, str]:
        code = cli.main(["watch", *args])
        out = capsys.readouterr()
        return code, out.out, out.err

    # The CLI points the root logger at this test's captured stderr: put it back afterwards,
    # or later tests log into a closed stream.
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    yield run
    root.handlers[:] = handlers
    root.setLevel(level)


def test_add_list_test_remove(watch: Run, db_url: str) -> None:
    code, out, err = watch("add", "gempa", "gempa -majene", "--min-outlets", "4",
                           "--notify", "webhook:http://127.0.0.1:9/hook?token=abc",
                           "--notify", "email:analis@media.id")  # fmt: skip
    assert code == 0, err
    assert "fires on new events matching 'gempa -majene'" in out and "4 outlets" in out
    assert "token=abc" not in out and "webhook:http://127.0.0.1:9/…" in out
    assert "KLIPING_WEBHOOK_SECRET is unset" in err
    code, out, _ = watch("test", "gempa")
    assert code == 0 and "nothing would have fired" in out
    with psycopg.connect(db_url, autocommit=True) as conn:
        store(conn, RECORDS)
        cluster(conn)
        fired = conn.execute(
            "SELECT DISTINCT reason, event_id FROM alert_outbox ORDER BY 1, 2"
        ).fetchall()
    code, out, _ = watch("test", "gempa", "--days", "1")
    lines = out.splitlines()
    assert code == 0 and lines[1].split()[:3] == ["reason", "fired", "event"]
    shown = sorted((line.split()[0], int(line.split()[2])) for line in lines[2:])
    assert shown == fired and fired
    assert all(line.split()[1] == "yes" for line in lines[2:])
    assert not any("Majene" in line for line in lines[2:])  # "-majene" excludes
    code, out, _ = watch("list")
    row = next(line for line in out.splitlines() if line.startswith("gempa"))
    assert f"{2 * len(fired)} pending" in row and "email:analis@media.id" in row
    assert watch("remove", "gempa")[0] == 0
    assert "no watchlists" in watch("list")[1]
    with psycopg.connect(db_url) as conn:
        assert conn.execute("SELECT count(*) FROM alert_outbox").fetchone() == (0,)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("add", "x", "gempa", "--notify", "sms:0812"), "expected webhook:http(s)://"),
        (("add", "x", "gempa", "--notify", "email:nobody"), "expected webhook:http(s)://"),
        (("add", "x", "gempa", "--outlet", "nosuch"), "unknown outlet(s): nosuch"),
        (("add", "x", "!!! ---"), "has no words"),
        (("add", "x", "gempa", "--min-outlets", "-1"), "must not be negative"),
        (("add", "x", "gempa", "--digest", "25:00"), "expected a time as HH:MM"),
        (("remove", "nosuch"), "no watchlist named 'nosuch'"),
        (("test", "nosuch"), "no watchlist named 'nosuch'"),
    ],
)
def test_bad_input_is_one_line(watch: Run, args: tuple[str, ...], message: str) -> None:
    code, _, err = watch(*args)
    assert code == 1 and message in err and err.count("\n") == 1, err


def test_a_name_is_taken_once(watch: Run) -> None:
    assert watch("add", "x", "gempa")[0] == 0
    code, _, err = watch("add", "x", "banjir")
    assert code == 1 and "exists already" in err
