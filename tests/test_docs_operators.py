"""The README's operator sections as tests: every `kliping …` line in "Watch it run", "Two
commands" and "Running as a service" parses with the real CLI, the `kliping cluster` example
runs, and the documented exit codes are the ones the code returns."""

from __future__ import annotations

import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

from kliping.cli import build_parser
from kliping.config import exits

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text("utf-8")


def _section(title: str) -> str:
    parts = re.split(rf"^## {re.escape(title)}\n", README, flags=re.M)
    assert len(parts) == 2, f"README has no single '## {title}' section"
    return re.split(r"^## ", parts[1], flags=re.M)[0]


def _commands(text: str) -> list[list[str]]:
    """The `kliping ...` invocations in the section's shell blocks, comments cut."""
    found = []
    for block in re.findall(r"```sh\n(.*?)```", text, re.S):
        for line in block.replace("\\\n", " ").splitlines():
            line = line.split("#", 1)[0]
            # `kliping` as a command (bare or the venv's), not as a user name (`-u kliping`).
            match = re.search(r"(?:^|(?<!-u)\s|/bin/)kliping ([^|&;]*)", line)
            if match and not line.strip().startswith(("sudo useradd", "sudo install")):
                found.append(shlex.split(match[1]))
    return found


@pytest.mark.parametrize("title", ["Two commands", "Watch it run", "Running as a service"])
def test_documented_commands_parse(title: str) -> None:
    commands = _commands(_section(title))
    assert commands, f"no kliping command in '{title}'"
    parser = build_parser()
    for args in commands:
        parser.parse_args(args)  # SystemExit (and a failed test) on a wrong option


def test_watch_it_run_names_both_ways() -> None:
    section = _section("Watch it run")
    assert "kliping demo --daemon" in section and "kliping sample-site serve" in section
    assert "KLIPING_OUTLETS" in section


def test_cluster_example_runs() -> None:
    (block,) = [b for b in re.findall(r"```sh\n(.*?)```", README, re.S) if "kliping cluster" in b]
    line = block.replace("\\\n", " ").strip()
    assert line.startswith("printf '%s\\n' ")
    data = shlex.split(line.split("|")[0])[2]
    done = subprocess.run(
        [sys.executable, "-m", "kliping", "cluster", "--input", "-"],
        input=data + "\n", capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    pattern = r'\{"id": "a1", "event": "[^"]+", "story": "[^"]+", "duplicate_of": null\}\n'
    assert re.fullmatch(pattern, done.stdout)


def test_documented_exit_codes_are_the_codes() -> None:
    section = _section("Commands")
    codes = [v for k, v in vars(exits).items() if k.startswith("EXIT_")]
    for code in codes:
        assert re.search(rf"\*\*{code}\*\*", section), code
