"""Demo data: what ``kliping demo`` stored, recognised and removed as one.

The demo crawls the bundled sample site, whose articles always carry URLs under ``DEMO_BASE``
(whatever port the site was really served on: the demo reaches it as a proxy), and records
its runs with the trigger ``demo``. No real outlet lives on a loopback address, so those two
marks tell demo data from the user's own.
"""

from __future__ import annotations

from dataclasses import dataclass

import psycopg

from kliping.storage import locks

# The sample site's address in every demo article's URL: its identity (a fixed port keeps it).
DEMO_PORT = 47801
DEMO_BASE = f"http://127.0.0.1:{DEMO_PORT}"


@dataclass(frozen=True)
class DemoData:
    articles: int
    stories: int
    runs: int


def count(conn: psycopg.Connection) -> DemoData:
    row = conn.execute(
        "SELECT (SELECT count(*) FROM articles a WHERE starts_with(a.url, %(base)s)),"
        " (SELECT count(DISTINCT m.story_id) FROM story_members m JOIN articles a"
        " ON a.id = m.article_id WHERE starts_with(a.url, %(base)s)),"
        " (SELECT count(*) FROM crawl_runs WHERE trigger = 'demo')",
        {"base": DEMO_BASE + "/"},
    ).fetchone()
    assert row is not None
    return DemoData(int(row[0]), int(row[1]), int(row[2]))


def forget(conn: psycopg.Connection) -> DemoData:
    """Delete the demo's articles, their stories and events and the demo runs; return what was
    there.

    A real article that shared a story with demo articles loses that story and is clustered
    again by the next run (or ``cluster_pending``): it is put back pending, never deleted.
    """
    found = count(conn)
    conn.autocommit = True
    locks.lock(conn, locks.CLUSTERER)  # no clustering writes a membership meanwhile
    try:
        with conn.transaction():
            params = {"base": DEMO_BASE + "/"}
            touched = [
                r[0]
                for r in conn.execute(
                    "SELECT DISTINCT m.story_id FROM story_members m JOIN articles a"
                    " ON a.id = m.article_id WHERE starts_with(a.url, %(base)s)",
                    params,
                )
            ]
            events = [
                r[0]
                for r in conn.execute(
                    "SELECT DISTINCT event_id FROM story_members"
                    " WHERE story_id = ANY(%s::bigint[]) AND event_id IS NOT NULL",
                    (touched,),
                )
            ]
            conn.execute("DELETE FROM story_members WHERE story_id = ANY(%s::bigint[])", (touched,))
            # An event lies inside one story (dedup/store.py): the touched stories' events go too.
            conn.execute("DELETE FROM events WHERE id = ANY(%s::bigint[])", (events,))
            conn.execute("DELETE FROM stories WHERE id = ANY(%s::bigint[])", (touched,))
            conn.execute("DELETE FROM story_merges WHERE into_id = ANY(%s::bigint[])", (touched,))
            # Runs of the demo (`kliping demo --daemon` records its runs as 'demo' too), and
            # any other run that stored or failed a demo URL.
            conn.execute(
                "DELETE FROM crawl_runs r WHERE r.trigger = 'demo' OR EXISTS (SELECT 1 FROM"
                " articles a WHERE a.run_id = r.id AND starts_with(a.url, %(base)s))"
                " OR EXISTS (SELECT 1 FROM crawl_failures f WHERE f.run_id = r.id"
                " AND starts_with(f.url, %(base)s))",
                params,
            )
            conn.execute("DELETE FROM articles a WHERE starts_with(a.url, %(base)s)", params)
            # Outlet rows the demo registered and nothing else uses any more.
            conn.execute(
                "DELETE FROM outlets o WHERE NOT EXISTS (SELECT 1 FROM articles a"
                " WHERE a.outlet = o.key) AND NOT EXISTS (SELECT 1 FROM crawl_runs r"
                " WHERE r.outlet = o.key)"
            )
    finally:
        locks.unlock(conn, locks.CLUSTERER)
    return found
