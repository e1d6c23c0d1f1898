"""A real PostgreSQL for the tests: TEST_DATABASE_URL, or a throw-away embedded cluster.

Every test that asks for ``db_url`` gets a fresh database cloned from a migrated template.
"""

from __future__ import annotations

import itertools
import os
import re
import secrets
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import psycopg
import pytest
from psycopg import sql
from psycopg.conninfo import make_conninfo

from kliping.storage import migrate
from kliping.storage.embedded import EmbeddedPostgres
from lab.pg import database_name, rows

__all__ = ["database_name", "rows"]

TEMPLATE = "kliping_test_template"
_counter = itertools.count()


@pytest.fixture(scope="session")
def pg_embedded() -> Iterator[EmbeddedPostgres | None]:
    """The throw-away embedded server, or None when TEST_DATABASE_URL names another one."""
    if os.environ.get("TEST_DATABASE_URL"):
        yield None
        return
    # A folder the server's own user can traverse when the tests run as root (see embedded.py).
    home = Path(tempfile.mkdtemp(prefix="kliping-test-"))
    home.chmod(0o755)
    server = EmbeddedPostgres(home)
    server.ensure_running()
    try:
        yield server
    finally:
        server.stop()
        data_dir = Path(server._state()["data_dir"])
        shutil.rmtree(home, ignore_errors=True)
        shutil.rmtree(data_dir, ignore_errors=True)


@pytest.fixture(scope="session")
def pg_server(pg_embedded: EmbeddedPostgres | None) -> str:
    """Conninfo of a server where the tests may create and drop databases."""
    return pg_embedded.conninfo() if pg_embedded else os.environ["TEST_DATABASE_URL"]


def _admin(conninfo: str) -> psycopg.Connection:
    return psycopg.connect(make_conninfo(conninfo, dbname="postgres"), autocommit=True)


@pytest.fixture(scope="session")
def pg_template(pg_server: str) -> str:
    with _admin(pg_server) as admin:
        admin.execute(sql.SQL("DROP DATABASE IF EXISTS {}").format(sql.Identifier(TEMPLATE)))
        admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(TEMPLATE)))
    with psycopg.connect(make_conninfo(pg_server, dbname=TEMPLATE)) as conn:
        migrate.upgrade(conn)
    return TEMPLATE


def _fresh_database(pg_server: str, template: str) -> Iterator[str]:
    name = f"kliping_test_{os.getpid()}_{next(_counter)}"
    with _admin(pg_server) as admin:
        admin.execute(
            sql.SQL("CREATE DATABASE {} TEMPLATE {}").format(
                sql.Identifier(name), sql.Identifier(template)
            )
        )
    try:
        yield make_conninfo(pg_server, dbname=name)
    finally:
        with _admin(pg_server) as admin:
            admin.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
            )


@pytest.fixture
def db_url(pg_server: str, pg_template: str) -> Iterator[str]:
    """A fresh, migrated database for this test."""
    yield from _fresh_database(pg_server, pg_template)


@pytest.fixture
def empty_db_url(pg_server: str) -> Iterator[str]:
    """A fresh database with no schema at all (for migration tests)."""
    yield from _fresh_database(pg_server, "template0")


@pytest.fixture
def conn(db_url: str) -> Iterator[psycopg.Connection]:
    with psycopg.connect(db_url, autocommit=True) as c:
        yield c


README = Path(__file__).resolve().parents[1] / "README.md"


def readme_reader_sql() -> str:
    """The README's SQL that creates the read-only role."""
    section = README.read_text("utf-8").split("## Reading stories", 1)[1].split("\n## ", 1)[0]
    blocks = re.findall(r"```sql\n(.*?)```", section, re.S)
    found = [b for b in blocks if "CREATE ROLE" in b]
    assert len(found) == 1, "README 'Reading stories' needs one SQL block creating the role"
    return found[0]


@contextmanager
def readme_reader(admin: psycopg.Connection, url: str) -> Iterator[str]:
    """The README's read-only role, made by its script as an operator would adapt it (its own
    role, password and database) on ``url``'s database; yields the role's conninfo and drops
    the role after. Skips where the test server's user may not create roles."""
    role, password = f"kliping_reader_{secrets.token_hex(4)}", secrets.token_hex(12)
    dbname = database_name(url)
    script = (
        readme_reader_sql()
        .replace("kliping_reader", role)
        .replace("'change-me'", sql.Literal(password).as_string(admin))
        .replace(" kliping ", " " + sql.Identifier(dbname).as_string(admin) + " ")
    )
    assert role in script and password in script and dbname in script
    try:
        for statement in filter(str.strip, script.split(";")):
            admin.execute(statement)
    except psycopg.errors.InsufficientPrivilege:
        pytest.skip("the test server's user may not create roles")
    try:
        yield make_conninfo(url, user=role, password=password)
    finally:
        admin.execute(sql.SQL("DROP OWNED BY {}").format(sql.Identifier(role)))
        admin.execute(sql.SQL("DROP ROLE {}").format(sql.Identifier(role)))
