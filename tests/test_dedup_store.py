"""The clusterer wired to Postgres: every stored article gets one story, copies point at their
original, state survives a restart, two writers cannot corrupt it, a window can be redone."""

from __future__ import annotations

from datetime import datetime

import psycopg
import pytest

from kliping.dedup.store import StoryStore, cluster_pending, recluster
from kliping.sample_site.corpus import load_records
from kliping.sample_site.render import gold
from kliping.storage.articles import ArticleRecord, upsert_article
from tests.concurrently import at_once

RECORDS = sorted(load_records(), key=lambda r: r["published"])


def _store(conn: psycopg.Connection, records: list[dict]) -> dict[str, int]:
    ids = {}
    for r in records:
        text = gold(r)["text"]
        article = ArticleRecord(
            url=f"https://example.id/{r['outlet']}/{r['id']}",
            outlet=r["outlet"],
            title=r["title"],
            text=text,
            published=datetime.fromisoformat(r["published"]),
            authors=tuple(r["authors"]),
            language="id",
            pages=1,
        )
        ids[r["id"]] = upsert_article(conn, article)[0]
    return ids


def _membership(conn: psycopg.Connection) -> dict[int, tuple[int, int | None]]:
    rows = conn.execute("SELECT article_id, story_id, duplicate_of FROM story_members").fetchall()
    return {a: (s, d) for a, s, d in rows}


def test_every_article_gets_one_story_and_copies_their_original(conn: psycopg.Connection) -> None:
    ids = _store(conn, RECORDS)
    assert cluster_pending(conn) == len(RECORDS)
    members = _membership(conn)
    assert set(members) == set(ids.values())
    copies = [r for r in RECORDS if r["duplicate_of"]]
    assert copies
    for r in copies:
        story, original = members[ids[r["id"]]]
        assert original == ids[r["duplicate_of"]], r["id"]
        assert story == members[ids[r["duplicate_of"]]][0]
    total = conn.execute("SELECT sum(article_count) FROM stories").fetchone()[0]  # type: ignore[index]
    assert total == len(RECORDS)
    # Re-processing is idempotent: nothing pending, nothing changed.
    assert cluster_pending(conn) == 0
    assert _membership(conn) == members


def test_a_restarted_clusterer_continues_the_stories(conn: psycopg.Connection) -> None:
    half = len(RECORDS) // 2
    first, rest = RECORDS[:half], RECORDS[half:]
    ids = _store(conn, first)
    StoryStore().cluster_pending(conn)
    ids |= _store(conn, rest)
    StoryStore().cluster_pending(conn)  # a new process: state rebuilt from the database
    members = _membership(conn)
    late_copies = [r for r in rest if r["duplicate_of"] in {f["id"] for f in first}]
    for r in late_copies:
        assert members[ids[r["id"]]] == (members[ids[r["duplicate_of"]]][0], ids[r["duplicate_of"]])


def test_two_clusterers_at_once_write_each_membership_once(db_url: str) -> None:
    with psycopg.connect(db_url, autocommit=True) as conn:
        ids = _store(conn, RECORDS)
    done = at_once(db_url, lambda conn: StoryStore().cluster_pending(conn), 2)
    assert sorted(done) == [0, len(RECORDS)]  # one did the work, the other found none left
    with psycopg.connect(db_url) as conn:
        assert set(_membership(conn)) == set(ids.values())


@pytest.mark.parametrize(
    "since", [RECORDS[len(RECORDS) // 2]["published"], "2025-07-01T00:00:00+07:00"]
)
def test_recluster_is_clustering_the_window_from_scratch(
    conn: psycopg.Connection, since: str
) -> None:
    """The redone window gets the stories and events `kliping cluster` gives its articles alone;
    the articles before it keep theirs, and a story whose first article is unchanged keeps its
    id (issue 14: a recluster once renumbered every story)."""
    import json

    from kliping.dedup.offline import cluster_jsonl

    _store(conn, RECORDS)
    cluster_pending(conn)
    before = _membership(conn)
    labels_before = dict(conn.execute("SELECT label, id FROM stories").fetchall())
    start = datetime.fromisoformat(since)
    count = recluster(conn, start)
    window = conn.execute(
        "SELECT id, title, text, published, outlet, url FROM articles"
        " WHERE published >= %s ORDER BY id",
        (start,),
    ).fetchall()
    assert (
        count
        == len(window)
        == sum(1 for r in RECORDS if datetime.fromisoformat(r["published"]) >= start)
    )
    after = _membership(conn)
    assert set(after) == set(before)
    lines = [
        json.dumps({"id": str(r[0]), "title": r[1], "text": r[2],
                    "published": r[3].isoformat(), "outlet": r[4], "url": r[5]})
        for r in window
    ]  # fmt: skip
    alone = list(cluster_jsonl(lines))
    inside = {r[0] for r in window}
    events = _events(conn)
    assert _partition({a: s for a, (s, _) in after.items() if a in inside}) == _partition(
        {int(o["id"]): o["story"] for o in alone}
    )
    assert _partition({a: e for a, e in events.items() if a in inside}) == _partition(
        {int(o["id"]): o["event"] for o in alone}
    )
    # Before the window nothing moved.
    assert _partition({a: s for a, (s, _) in after.items() if a not in inside}) == _partition(
        {a: s for a, (s, _) in before.items() if a not in inside}
    )
    # A story whose first article came back first (same label) keeps its id, window or not.
    labels_after = dict(conn.execute("SELECT label, id FROM stories").fetchall())
    same = set(labels_before) & set(labels_after)
    assert all(labels_before[x] == labels_after[x] for x in same)
    assert any(labels_after[x] in {s for a, (s, _) in after.items() if a in inside} for x in same)
    stale = conn.execute(
        "SELECT count(*) FROM stories s WHERE article_count <>"
        " (SELECT count(*) FROM story_members m WHERE m.story_id = s.id)"
    ).fetchone()
    assert stale is not None and stale[0] == 0
    empty = conn.execute("SELECT count(*) FROM events WHERE article_count = 0").fetchone()
    assert empty is not None and empty[0] == 0


def _events(conn: psycopg.Connection) -> dict[int, object]:
    return dict(conn.execute("SELECT article_id, event_id FROM story_members").fetchall())  # type: ignore[arg-type]


def _partition(labels: dict[int, object]) -> set[frozenset[int]]:
    by: dict[object, set[int]] = {}
    for article, label in labels.items():
        by.setdefault(label, set()).add(article)
    return {frozenset(g) for g in by.values()}


@pytest.mark.parametrize("parallel", [False, True])
def test_database_and_offline_command_give_the_same_stories(
    conn: psycopg.Connection, parallel: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    import json

    from kliping.dedup import store
    from kliping.dedup.offline import cluster_jsonl

    if parallel:  # the worker-process path large batches take
        monkeypatch.setattr(store, "PARALLEL_FROM", 1)
    ids = _store(conn, RECORDS)
    cluster_pending(conn)
    stored = {a: s for a, (s, _) in _membership(conn).items()}
    rows = conn.execute(
        "SELECT id, title, text, published, outlet, url FROM articles ORDER BY id"
    ).fetchall()
    lines = [
        json.dumps({"id": str(r[0]), "title": r[1], "text": r[2],
                    "published": r[3].isoformat(), "outlet": r[4], "url": r[5]})
        for r in rows
    ]  # fmt: skip
    out = list(cluster_jsonl(lines))
    offline = {int(o["id"]): o["story"] for o in out}
    assert set(offline) == set(ids.values())
    assert _partition(offline) == _partition(stored)
    # Events too: the same partition, every member has one, every event lies in one story.
    rows = conn.execute("SELECT article_id, event_id, story_id FROM story_members").fetchall()
    assert all(e is not None for _, e, _ in rows)
    assert _partition({a: e for a, e, _ in rows}) == _partition(
        {int(o["id"]): o["event"] for o in out}
    )
    assert len({(e, s) for _, e, s in rows}) == len({e for _, e, _ in rows})
    counted = conn.execute(
        "SELECT e.id, e.article_count, count(*) FROM events e"
        " JOIN story_members m ON m.event_id = e.id GROUP BY e.id"
    ).fetchall()
    assert counted and all(n == c for _, n, c in counted)
