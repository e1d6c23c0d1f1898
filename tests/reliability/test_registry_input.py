"""Bad registry entries (issue 15) through `kliping outlets check`: every number bounded, every
template tried, no control character, a file that is not UTF-8: one line naming the file, the
outlet and the field, exit 1; never a traceback, never a pass that fails at crawl time."""

from __future__ import annotations

from pathlib import Path

import pytest

from kliping.cli import main
from kliping.config.exits import EXIT_ERROR

GOOD = '[x]\ndomains = ["x.id"]\narticle_pattern = "/a/"\nfeeds = ["https://x.id/rss"]\n'


@pytest.mark.parametrize(
    ("entry", "field"),
    [
        (f"interval_minutes = {10**30}\n", "interval_minutes"),  # a TOML integer past int64
        ("interval_minutes = 10081\n", "interval_minutes"),  # over a week
        ("interval_minutes = -1\n", "interval_minutes"),
        ("interval_minutes = 1.5\n", "interval_minutes"),
        ("interval_minutes = true\n", "interval_minutes"),
        (f"concurrency = {10**23}\n", "concurrency"),
        ('archive = "https://x.id/i?d={day}"\n', "archive"),  # a field the crawl cannot fill
        ('name = "X\\u0000"\n', "name"),  # a NUL in a name
        ('domains = ["127.0.0.1:x"]\n', "domains"),
        ('feeds = ["https://other.id/rss"]\n', "domains"),  # a source outside the outlet
        ('feeds = ["http://127.0.0.1:8124/rss"]\n', "domains"),  # another port of the same host
    ],
)
def test_bad_entries_fail_outlets_check_in_one_line(
    entry: str, field: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:  # fmt: skip
    key = entry.split(" =")[0]
    lines = [line for line in GOOD.splitlines() if not line.startswith(key + " =")]
    text = "\n".join(lines) + "\n" + entry
    if key != "name":
        text += 'name = "X"\n'
    if entry.startswith("feeds") and "127.0.0.1" in entry:
        text = text.replace('["x.id"]', '["127.0.0.1:8123"]')
    registry = tmp_path / "outlets.toml"
    registry.write_text(text, encoding="utf-8")
    monkeypatch.setenv("KLIPING_OUTLETS", str(registry))
    assert main(["outlets", "check"]) == EXIT_ERROR
    err = capsys.readouterr().err
    assert "Traceback" not in err
    (line,) = err.strip().splitlines()
    assert line.startswith(f"kliping: {registry}: outlet 'x', field '{field}'"), line


def test_a_registry_that_is_not_utf8_fails_outlets_check_in_one_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    registry = tmp_path / "outlets.toml"
    registry.write_bytes(GOOD.encode() + b'name = "\xff"\n')
    monkeypatch.setenv("KLIPING_OUTLETS", str(registry))
    assert main(["outlets", "check"]) == EXIT_ERROR
    (line,) = capsys.readouterr().err.strip().splitlines()
    assert "not UTF-8" in line and str(registry) in line
