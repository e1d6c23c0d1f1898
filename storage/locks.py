"""Advisory locks: one crawl per outlet, one clusterer, one scheduling daemon — across
processes and machines that share the database. Session locks die with their connection,
so a killed process never leaves one behind."""

from __future__ import annotations

import psycopg

# The first key of the two-int advisory lock form, so kliping's locks cannot collide with
# another application's on the same database.
NAMESPACE = 0x4B4C50  # "KLP"
CLUSTERER = 1
DAEMON = 2
QUEUE_SCHEMA = 3  # creating the task queue's tables (scheduler/queue.py)


def try_outlet_lock(conn: psycopg.Connection, outlet: str) -> bool:
    row = conn.execute(
        "SELECT pg_try_advisory_lock(%s, hashtext('outlet:' || %s))", (NAMESPACE, outlet)
    ).fetchone()
    return bool(row and row[0])


def unlock_outlet(conn: psycopg.Connection, outlet: str) -> None:
    conn.execute("SELECT pg_advisory_unlock(%s, hashtext('outlet:' || %s))", (NAMESPACE, outlet))


def try_lock(conn: psycopg.Connection, key: int) -> bool:
    row = conn.execute("SELECT pg_try_advisory_lock(%s, %s)", (NAMESPACE, key)).fetchone()
    return bool(row and row[0])


def lock(conn: psycopg.Connection, key: int) -> None:
    conn.execute("SELECT pg_advisory_lock(%s, %s)", (NAMESPACE, key))


def unlock(conn: psycopg.Connection, key: int) -> None:
    conn.execute("SELECT pg_advisory_unlock(%s, %s)", (NAMESPACE, key))
