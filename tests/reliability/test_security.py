"""Who can reach the database, what the logs may show, how SQL is built."""

from __future__ import annotations

import ast
import re
import stat
from pathlib import Path

import psycopg
import pytest
from psycopg.conninfo import conninfo_to_dict, make_conninfo

from kliping.sample_site.server import SampleSite
from kliping.storage.embedded import EmbeddedPostgres
from tests.fix_site import Kliping

REPO = Path(__file__).resolve().parents[2]
SOURCES = ["src", "lab", "config", "storage", "crawler", "dedup", "scheduler", "sample_site",
           "bench", "tests"]  # fmt: skip
# SQL as kliping writes it: keywords in capitals (prose says "from", SQL says FROM).
SQL_WORDS = re.compile(
    r"\b(SELECT|INSERT|UPDATE|DELETE|CREATE|DROP|ALTER|GRANT|REVOKE|LISTEN|NOTIFY|COPY|FROM|INTO"
    r"|WHERE|VALUES|SET|TABLE|DATABASE|ROLE)\b"
)


def _string_built_sql(path: Path, root: Path = REPO) -> list[str]:
    """f-strings, %-formatting, .format() and + that put values into SQL text."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        text = None
        if isinstance(node, ast.JoinedStr):
            text = "".join(v.value for v in node.values if isinstance(v, ast.Constant))
        elif (
            isinstance(node, ast.BinOp)
            and isinstance(node.op, ast.Mod | ast.Add)
            and isinstance(node.left, ast.Constant)
            and isinstance(node.left.value, str)
            and not isinstance(node.right, ast.Constant)
        ):
            text = node.left.value
        elif (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr == "format"
            and isinstance(node.func.value, ast.Constant)
            and isinstance(node.func.value.value, str)
        ):
            text = node.func.value.value
        if text and SQL_WORDS.search(text) and "sql.SQL" not in ast.unparse(node):
            found.append(f"{path.relative_to(root)}:{node.lineno}: {ast.unparse(node)[:80]}")
    return found


def test_no_sql_is_built_from_strings() -> None:
    found = []
    for folder in SOURCES:
        for path in sorted((REPO / folder).rglob("*.py")):
            found += _string_built_sql(path)
    # Identifiers that cannot be parameters go through psycopg.sql.Identifier instead.
    assert found == [], "\n".join(found)


def test_the_scan_finds_string_built_sql(tmp_path: Path) -> None:
    bad = tmp_path / "bad.py"
    bad.write_text(
        "conn.execute(f\"SELECT * FROM articles WHERE url = '{url}'\")\n"
        'conn.execute("DELETE FROM stories WHERE id = %s" % story)\n'
        'conn.execute("UPDATE articles SET title = {}".format(title))\n'
        'q = "SELECT 1 FROM articles WHERE outlet = " + outlet\n'
        'log.info(f"stored {url}")\n'
        'conn.execute("SELECT %s", (value,))\n'
    )
    found = _string_built_sql(bad, tmp_path)
    assert sorted(line.split(":")[1] for line in found) == ["1", "2", "3", "4"], found


def test_embedded_postgres_listens_on_a_socket_only_with_a_password(
    pg_embedded: EmbeddedPostgres | None, pg_server: str
) -> None:
    if pg_embedded is None:
        pytest.skip("checks the embedded server")
    with psycopg.connect(pg_server) as conn:
        assert conn.execute("SHOW listen_addresses").fetchone() == ("",)  # no TCP at all
        assert conn.execute("SHOW password_encryption").fetchone() == ("scram-sha-256",)
        methods = {r[0] for r in conn.execute("SELECT auth_method FROM pg_hba_file_rules")}
    assert methods <= {"scram-sha-256", "reject"}, methods
    without = {k: v for k, v in conninfo_to_dict(pg_server).items() if k != "password"}
    with pytest.raises(psycopg.OperationalError, match="password"):
        psycopg.connect(make_conninfo("", **without), connect_timeout=5).close()
    state = pg_embedded.state_file
    assert stat.S_IMODE(state.stat().st_mode) == 0o600  # the password is in it
    socket_dir = Path(conninfo_to_dict(pg_server)["host"])
    assert not stat.S_IMODE(socket_dir.stat().st_mode) & stat.S_IWOTH


def test_no_secret_in_output_or_logs(kliping: Kliping, site: SampleSite, db_url: str) -> None:
    password = conninfo_to_dict(db_url).get("password")
    if not password:
        pytest.skip("the test server has no password to leak")
    env = dict(kliping.env, KLIPING_LOG_LEVEL="DEBUG")
    shown = []
    for args in (("crawl", "detik"), ("status",), ("db", "status"), ("stories",), ("outlets",)):
        done = Kliping(env).run(*args)
        assert done.returncode in (0, 1), done.stderr[-2000:]
        shown += [done.stdout, done.stderr]
    # A database that refuses: the error names the server, not the password.
    refused = make_conninfo(db_url, port="1", host="127.0.0.1")
    done = Kliping(dict(env, DATABASE_URL=refused)).run("stories")
    assert done.returncode == 69 and "database unavailable" in done.stderr
    shown += [done.stdout, done.stderr]
    logs = [p.read_text(errors="replace") for p in Path(env["KLIPING_HOME"]).rglob("*.log")]
    assert all(password not in text for text in shown + logs)
    assert any("detik" in text for text in shown)  # the commands did say things
