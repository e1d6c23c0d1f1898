"""Docs as tests: a command, an outlet or a view column that is not documented fails here."""

from __future__ import annotations

import argparse
import re
from pathlib import Path

import psycopg
import pytest

from kliping.cli import build_parser
from kliping.commands.outlets_doc import render
from kliping.config.outlets import load_registry

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text("utf-8")
REGENERATE = "python -m kliping.commands.outlets_doc > docs/outlets.md"


def _section(title: str) -> str:
    """The README text under ``## title``, up to the next ``## `` heading."""
    parts = re.split(rf"^## {re.escape(title)}\n", README, flags=re.M)
    assert len(parts) == 2, f"README has no single '## {title}' section"
    return re.split(r"^## ", parts[1], flags=re.M)[0]


def _subcommands() -> dict[str, str | None]:
    """Name -> help text of every `kliping` subcommand."""
    (sub,) = [a for a in build_parser()._actions if isinstance(a, argparse._SubParsersAction)]
    helps = {a.dest: a.help for a in sub._choices_actions}
    return {name: helps.get(name) for name in sub.choices}


def test_every_command_has_help() -> None:
    commands = _subcommands()
    assert len(commands) >= 10
    for name, help_text in commands.items():
        assert help_text and len(help_text) > 10, f"`kliping {name}` has no help text"


def test_every_command_is_in_the_readme_table() -> None:
    documented = set(re.findall(r"^\| `kliping ([a-z-]+)", _section("Commands"), flags=re.M))
    commands = set(_subcommands())
    assert commands - documented == set(), "commands missing from README's command table"
    assert documented - commands == set(), "README documents commands that do not exist"


def test_every_outlet_is_in_docs_outlets_md() -> None:
    doc = ROOT / "docs" / "outlets.md"
    assert doc.exists(), f"docs/outlets.md is missing: {REGENERATE}"
    listed = re.findall(r"^\| `([a-z0-9_-]+)` \|", doc.read_text("utf-8"), flags=re.M)
    registry = load_registry()
    assert sorted(listed) == sorted(registry), f"docs/outlets.md is stale: {REGENERATE}"
    assert len(listed) == len(set(listed))
    assert all(f"| `{key}` |" in render(registry) for key in registry)


@pytest.mark.parametrize("view", ["story_overview", "story_events", "story_articles"])
def test_readme_lists_the_views_columns(conn: psycopg.Connection, view: str) -> None:
    section = _section("Reading stories")
    row = next((r for r in section.splitlines() if r.startswith(f"| `{view}` |")), None)
    assert row, f"README 'Reading stories' has no table row for {view}"
    documented = re.findall(r"`([a-z_]+)`", row.split("|")[3])
    columns = [
        r[0]
        for r in conn.execute(
            "SELECT column_name FROM information_schema.columns WHERE table_name = %s"
            " ORDER BY ordinal_position",
            (view,),
        )
    ]
    assert documented == columns


def test_readme_names_the_search_configuration() -> None:
    migration = (ROOT / "storage" / "migrations" / "0002_story_views.sql").read_text("utf-8")
    configs = set(re.findall(r"to_tsvector\('(\w+)'", migration))
    assert configs == {"simple"}
    assert "`simple`" in _section("Reading stories")


def test_help_gives_every_exit_status() -> None:
    # Every EXIT_* of config/exits.py has its words in `kliping --help`: a new status cannot be
    # added without telling the user what it means.
    from kliping.config import exits

    codes = {v for k, v in vars(exits).items() if k.startswith("EXIT_")}
    assert codes == {code for code, _ in exits.MEANINGS} - {0}
    text = " ".join(build_parser().format_help().split())
    for code, what in exits.MEANINGS:
        assert f"{code} {what}" in text
