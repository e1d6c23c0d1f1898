"""Where the database is, and connections to it.

``DATABASE_URL`` wins; without it kliping starts (or reuses) its embedded Postgres. The
schema is brought up to date on first connection, so no command needs a set-up step.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

import psycopg
from psycopg.rows import class_row
from psycopg_pool import ConnectionPool

from kliping.config.settings import Settings
from kliping.storage import migrate
from kliping.storage.embedded import EmbeddedPostgres

log = logging.getLogger(__name__)


def database_url(settings: Settings) -> str:
    """The conninfo to use; starts the embedded server when no DATABASE_URL is set."""
    if settings.database_url:
        return settings.database_url
    return EmbeddedPostgres(settings.home).ensure_running()


def describe(settings: Settings) -> str:
    if settings.database_url:
        # Never print the URL itself: it may carry a password.
        info = psycopg.conninfo.conninfo_to_dict(settings.database_url)
        host, name = info.get("host", "local"), info.get("dbname", "?")
        return f"DATABASE_URL (host {host}, database {name})"
    return EmbeddedPostgres(settings.home).describe()


# A server that accepts TCP and never answers must not hang a command: connecting gives up
# after this long (unless the URL sets its own connect_timeout) ...
CONNECT_TIMEOUT = 10
# ... and a pooled connection is waited for this long before the caller hears the database
# is unavailable (a Postgres restart takes ~2 s; the crawl's own retries ride out longer).
POOL_TIMEOUT = 10.0


def _timeouts(conninfo: str) -> dict[str, object]:
    if "connect_timeout" in psycopg.conninfo.conninfo_to_dict(conninfo):
        return {}
    return {"connect_timeout": CONNECT_TIMEOUT}


def connect(conninfo: str, *, upgrade: bool = True) -> psycopg.Connection:
    conn = psycopg.connect(conninfo, autocommit=True, **_timeouts(conninfo))  # type: ignore[arg-type]
    if upgrade:
        try:
            migrate.upgrade(conn)
        except BaseException:
            conn.close()
            raise
    return conn


def open_pool(conninfo: str, *, max_size: int = 4, upgrade: bool = True) -> ConnectionPool:
    if upgrade:
        connect(conninfo).close()
    # check: a connection broken by a Postgres restart is replaced, not handed out.
    pool = ConnectionPool(
        conninfo,
        min_size=1,
        max_size=max_size,
        open=False,
        check=ConnectionPool.check_connection,
        kwargs=_timeouts(conninfo),
        timeout=POOL_TIMEOUT,
    )
    pool.open(wait=True, timeout=30)
    return pool


def set_statement_timeout(conn: psycopg.Connection, timeout: str) -> None:
    """Statements on ``conn`` give up after ``timeout``, a Postgres duration ("60s"; a bare
    number is milliseconds), for the rest of the session."""
    conn.execute("SELECT set_config('statement_timeout', %s, false)", (timeout,))


def configure_reader(conn: psycopg.Connection, timeout_ms: int) -> None:
    """A session for short read-only queries (the web pages)."""
    conn.autocommit = True
    set_statement_timeout(conn, str(timeout_ms))
    # JIT compiling took ~0.9 s of a 30 ms search plan with 100k articles (bench/web.py): these
    # queries are short, never worth compiling.
    conn.execute("SET jit = off")
    # Read-only whatever the role may do: this application has no write path.
    conn.execute("SET default_transaction_read_only = on")


@dataclass(frozen=True)
class Totals:
    articles: int
    stories: int
    crawl_runs: int


def totals(conn: psycopg.Connection) -> Totals:
    """How many articles, stories and crawl runs are stored (0 each before the first migration)."""
    if not migrate.applied(conn):
        return Totals(0, 0, 0)
    with conn.cursor(row_factory=class_row(Totals)) as cur:
        cur.execute(
            "SELECT (SELECT count(*) FROM articles) AS articles,"
            " (SELECT count(*) FROM stories) AS stories,"
            " (SELECT count(*) FROM crawl_runs) AS crawl_runs"
        )
        row = cur.fetchone()
    assert row is not None
    return row
