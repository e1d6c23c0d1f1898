"""A real PostgreSQL for benchmarks and tests: a throw-away embedded server, fresh databases,
one-query reads."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import psycopg
from psycopg import sql
from psycopg.conninfo import conninfo_to_dict, make_conninfo

from kliping.storage import migrate
from kliping.storage.embedded import EmbeddedPostgres


def start_postgres(folder: Path) -> tuple[EmbeddedPostgres, str]:
    # As root the server runs as an unprivileged user: its home must be traversable (0755).
    folder.mkdir(mode=0o755)
    folder.parent.chmod(0o755)
    server = EmbeddedPostgres(folder)
    return server, server.ensure_running()


def fresh_database(conninfo: str, name: str) -> str:
    """A new, migrated database on the server: each crawl starts from nothing stored."""
    with psycopg.connect(conninfo, autocommit=True) as conn:
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    url = make_conninfo(conninfo, dbname=name)
    with psycopg.connect(url, autocommit=True) as conn:
        migrate.upgrade(conn)
    return url


def rows(db_url: str, query: str, *params: object) -> list[tuple[Any, ...]]:
    """All rows of one parametrized query, on a connection of its own."""
    with psycopg.connect(db_url) as conn:
        return conn.execute(query, params).fetchall()  # type: ignore[arg-type]


def database_name(conninfo: str) -> str:
    return conninfo_to_dict(conninfo)["dbname"]  # type: ignore[return-value]
