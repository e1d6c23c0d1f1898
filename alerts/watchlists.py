"""Watchlists in Postgres: a named full-text query, optional outlets, spread threshold, targets."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, time

import psycopg
from psycopg.rows import class_row

from kliping.config.errors import KlipingError

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$|^[^@\s]+@localhost$")


class WatchlistError(KlipingError):
    """A watchlist that cannot be stored or found: printed as one line."""


@dataclass(frozen=True)
class Watchlist:
    id: int
    name: str
    query: str
    outlets: list[str]
    min_outlets: int
    targets: list[str]
    created_at: datetime
    digest_at: time | None = None


def check_target(target: str) -> str:
    """``webhook:http(s)://…`` or ``email:ADDR``, else a one-line error."""
    kind, _, where = target.partition(":")
    if kind == "webhook" and re.match(r"^https?://[^\s/]+", where):
        return target
    if kind == "email" and _EMAIL.match(where):
        return target
    raise WatchlistError(f"--notify {target!r}: expected webhook:http(s)://HOST/PATH or email:ADDR")


def add(
    conn: psycopg.Connection,
    name: str,
    query: str,
    *,
    outlets: list[str] | tuple[str, ...] = (),
    min_outlets: int = 0,
    targets: list[str] | tuple[str, ...] = (),
    digest_at: time | None = None,
) -> Watchlist:
    if not name.strip() or len(name) > 100:
        raise WatchlistError("a watchlist name is 1 to 100 characters")
    if min_outlets < 0:
        raise WatchlistError("--min-outlets must not be negative")
    for target in targets:
        check_target(target)
    # What Postgres makes of the query: nothing left (only punctuation) would match nothing.
    parsed = conn.execute("SELECT websearch_to_tsquery('simple', %s)::text", (query,)).fetchone()
    if not parsed or not parsed[0]:
        raise WatchlistError(f"query {query!r} has no words to search for")
    with conn.cursor(row_factory=class_row(Watchlist)) as cur:
        try:
            cur.execute(
                "INSERT INTO watchlists (name, query, outlets, min_outlets, targets, digest_at)"
                " VALUES (%s, %s, %s, %s, %s, %s) RETURNING *",
                (
                    name,
                    query,
                    sorted(set(outlets)),
                    min_outlets,
                    list(dict.fromkeys(targets)),
                    digest_at,
                ),
            )
        except psycopg.errors.UniqueViolation:
            raise WatchlistError(f"a watchlist named {name!r} exists already") from None
        return cur.fetchone()  # type: ignore[return-value]


def remove(conn: psycopg.Connection, name: str) -> None:
    """Forget a watchlist and its alerts (undelivered ones are dropped)."""
    if conn.execute("DELETE FROM watchlists WHERE name = %s", (name,)).rowcount == 0:
        raise WatchlistError(f"no watchlist named {name!r}")


def get(conn: psycopg.Connection, name: str) -> Watchlist:
    with conn.cursor(row_factory=class_row(Watchlist)) as cur:
        found = cur.execute("SELECT * FROM watchlists WHERE name = %s", (name,)).fetchone()
    if found is None:
        raise WatchlistError(f"no watchlist named {name!r}")
    return found


def all_watchlists(conn: psycopg.Connection) -> list[Watchlist]:
    with conn.cursor(row_factory=class_row(Watchlist)) as cur:
        return cur.execute("SELECT * FROM watchlists ORDER BY name").fetchall()
