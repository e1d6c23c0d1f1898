"""Watchlists: what a valid one is (name, query, targets) and the one-line errors a reader sees;
the table itself is storage/watchlists.py's."""

from __future__ import annotations

import re
from datetime import time

import psycopg

from kliping.config.errors import KlipingError
from kliping.storage import watchlists as table
from kliping.storage.watchlists import Watchlist, all_watchlists

__all__ = ["Watchlist", "WatchlistError", "add", "all_watchlists", "check_target", "get", "remove"]

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$|^[^@\s]+@localhost$")


class WatchlistError(KlipingError):
    """A watchlist that cannot be stored or found: printed as one line."""


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
    if not table.search_terms(conn, query):
        raise WatchlistError(f"query {query!r} has no words to search for")
    stored = table.insert_watchlist(
        conn,
        name,
        query,
        outlets=sorted(set(outlets)),
        min_outlets=min_outlets,
        targets=list(dict.fromkeys(targets)),
        digest_at=digest_at,
    )
    if stored is None:
        raise WatchlistError(f"a watchlist named {name!r} exists already")
    return stored


def remove(conn: psycopg.Connection, name: str) -> None:
    """Forget a watchlist and its alerts (undelivered ones are dropped)."""
    if not table.delete_watchlist(conn, name):
        raise WatchlistError(f"no watchlist named {name!r}")


def get(conn: psycopg.Connection, name: str) -> Watchlist:
    found = table.get_watchlist(conn, name)
    if found is None:
        raise WatchlistError(f"no watchlist named {name!r}")
    return found
