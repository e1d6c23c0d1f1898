"""When watchlists fire: events produced by real clustering of the sample articles, once per
watchlist, reason and event, through further passes, restarts, reclusters and two clusterers."""

from __future__ import annotations

import re
from datetime import datetime

import psycopg
import pytest

from kliping.alerts import match, watchlists
from kliping.dedup.store import StoryStore, recluster
from kliping.sample_site.render import gold
from kliping.storage import runs
from tests.alerts_parts import RECORDS, cluster, store
from tests.concurrently import at_once

HOOK = "webhook:http://127.0.0.1:9/hook"


def _words(record: dict) -> set[str]:
    return {w.lower() for w in re.findall(r"\w+", record["title"] + " " + gold(record)["text"])}


def _expected_events(conn: psycopg.Connection, ids: dict[str, int], word: str,
                     outlets: set[str] | None = None) -> set[int]:  # fmt: skip
    """Stories holding a record that has ``word`` (found in Python, not by Postgres)."""
    hits = [ids[r["id"]] for r in RECORDS if r["id"] in ids and word in _words(r)
            and (outlets is None or r["outlet"] in outlets)]  # fmt: skip
    rows = conn.execute(
        "SELECT DISTINCT story_id FROM story_members WHERE article_id = ANY(%s)", (hits,)
    ).fetchall()
    return {r[0] for r in rows}


def _outbox(conn: psycopg.Connection) -> list[tuple]:
    return conn.execute(
        "SELECT w.name, o.reason, o.event_id, o.event_key, o.status, o.payload FROM alert_outbox o"
        " JOIN watchlists w ON w.id = o.watchlist_id ORDER BY w.name, o.reason, o.event_id"
    ).fetchall()


def test_new_and_spreading_events_fire_once_each(conn: psycopg.Connection) -> None:
    watchlists.add(conn, "gempa", "gempa", min_outlets=4, targets=[HOOK])
    # First pass: the Mamuju earthquake has reached three outlets.
    cut = "2025-07-15T08:00:00+07:00"
    early = [r for r in RECORDS if datetime.fromisoformat(r["published"])
             < datetime.fromisoformat(cut)]  # fmt: skip
    ids = store(conn, early)
    cluster(conn)
    first = _outbox(conn)
    mamuju = _expected_events(conn, ids, "gempa")
    assert len(mamuju) == 1
    assert [(r[1], r[2]) for r in first] == [("new", next(iter(mamuju)))]
    payload = first[0][5]
    assert payload["event"]["outlet_count"] == 3 and "Mamuju" in payload["event"]["title"]
    assert payload["event"]["first_seen_wib"] == "14 Jul 2025 21:12 WIB"  # detik's first report
    assert payload["idempotency_key"] and len(payload["event"]["articles"]) == 3

    # Second pass: Mamuju reaches its fourth outlet; Majene's reports and a volcano that
    # mentions earthquakes arrive.
    ids |= store(conn, [r for r in RECORDS if r not in early])
    cluster(conn)
    events = _expected_events(conn, ids, "gempa")
    rows = _outbox(conn)
    spread = {r[2] for r in rows if r[1] == "outlets"}
    assert {r[2] for r in rows if r[1] == "new"} == events
    big = {e for e in events if len(conn.execute(
        "SELECT DISTINCT a.outlet FROM story_members m JOIN articles a ON a.id = m.article_id"
        " WHERE m.story_id = %s", (e,)).fetchall()) >= 4}  # fmt: skip
    assert spread == big and mamuju <= spread
    assert len(rows) == len(events) + len(big)  # once per event and reason
    assert all(r[4] == "pending" for r in rows)
    keys = {r[3] for r in rows}
    for key in keys:  # the event key is the event's first article
        member = conn.execute("SELECT min(article_id) FROM story_members WHERE story_id ="
                              " (SELECT story_id FROM story_members WHERE article_id = %s)",
                              (key,)).fetchone()  # fmt: skip
        assert member is not None and member[0] == key

    # Nothing fires twice: another pass, a restarted clusterer, a recluster of the window.
    cluster(conn)
    StoryStore().cluster_pending(conn)
    assert recluster(conn, datetime.fromisoformat("2025-07-01T00:00:00+07:00")) > 0
    after = _outbox(conn)
    assert [(r[0], r[1], r[3]) for r in after] == [(r[0], r[1], r[3]) for r in rows]


def test_outlets_filter_and_backfills(conn: psycopg.Connection) -> None:
    watchlists.add(conn, "bali", "gempa OR banjir", outlets=["poskupang"])
    watchlists.add(conn, "kpk", '"OTT KPK"')
    ids = store(conn, RECORDS)
    # The KPK sting's articles came from a backfill: old news, no alert.
    run = runs.start_run(conn, "detik", "backfill")
    ott = [ids[r["id"]] for r in RECORDS if "ott" in r["id"]]
    conn.execute("UPDATE articles SET run_id = %s WHERE id = ANY(%s)", (run, ott))
    cluster(conn)
    rows = _outbox(conn)
    expected = _expected_events(conn, ids, "gempa", {"poskupang"})
    expected |= _expected_events(conn, ids, "banjir", {"poskupang"})
    assert {r[2] for r in rows if r[0] == "bali"} == expected and expected
    assert not [r for r in rows if r[0] == "kpk"]
    assert all(r[4] == "recorded" for r in rows)  # no --notify: nothing to deliver


def test_preview_shows_what_fired(conn: psycopg.Connection) -> None:
    w = watchlists.add(conn, "mudik", "mudik", min_outlets=3, targets=[HOOK])
    store(conn, RECORDS)
    before = match.preview(conn, w, days=1)
    assert before == []  # nothing clustered yet
    cluster(conn)
    shown = match.preview(conn, w, days=1)
    fired = {(r[1], r[2]) for r in _outbox(conn)}
    assert {(f.reason, f.event.id) for f in shown} == fired and fired
    assert all(f.fired for f in shown)
    # Memberships older than the window are not shown.
    conn.execute("UPDATE story_members SET added_at = added_at - interval '10 days'")
    assert match.preview(conn, w, days=7) == []


def test_two_clusterers_at_once_fire_once(db_url: str) -> None:
    with psycopg.connect(db_url, autocommit=True) as conn:
        watchlists.add(conn, "gempa", "gempa", min_outlets=2, targets=[HOOK, "email:a@b.id"])
        store(conn, RECORDS)
    at_once(db_url, lambda conn: StoryStore().cluster_pending(conn), 2)
    with psycopg.connect(db_url) as conn:
        rows = conn.execute(
            "SELECT reason, event_key, target, count(*) FROM alert_outbox"
            " GROUP BY reason, event_key, target"
        ).fetchall()
    assert rows and all(r[3] == 1 for r in rows)
    assert len({r[2] for r in rows}) == 2  # one row per target


def test_a_recluster_brings_no_old_news_to_a_new_watchlist(conn: psycopg.Connection) -> None:
    store(conn, RECORDS)
    cluster(conn)
    w = watchlists.add(conn, "late", "gempa", targets=[HOOK])
    assert recluster(conn, datetime.fromisoformat("2025-01-01T00:00:00+07:00")) == len(RECORDS)
    assert _outbox(conn) == []
    # What it would have fired is still shown, as not fired.
    shown = match.preview(conn, w, days=1)
    assert shown and not any(f.fired for f in shown)


def test_a_failing_alert_write_does_not_stop_clustering(
    conn: psycopg.Connection, monkeypatch: pytest.MonkeyPatch
) -> None:
    watchlists.add(conn, "gempa", "gempa", targets=[HOOK])

    def broken(conn: psycopg.Connection, found: list) -> int:
        conn.execute("INSERT INTO alert_outbox (watchlist_id) VALUES (NULL)")  # violates NOT NULL
        return 0

    monkeypatch.setattr(match, "_enqueue", broken)
    store(conn, RECORDS)
    assert cluster(conn) == len(RECORDS)  # the memberships committed
    assert conn.execute("SELECT count(*) FROM story_members").fetchone() == (len(RECORDS),)
    assert _outbox(conn) == []


def test_alerts_import_only_storage_and_config() -> None:
    """alerts sits under dedup (whose clustering pass calls it) and over storage and config."""
    import ast
    from pathlib import Path

    folder = Path(__file__).resolve().parents[1] / "alerts"
    for module in folder.glob("*.py"):
        tree = ast.parse(module.read_text())
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("kliping."):
                layer = node.module.split(".")[1]  # type: ignore[union-attr]
                assert layer in {"alerts", "storage", "config"}, f"{module.name}: {node.module}"
