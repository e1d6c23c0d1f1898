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


def test_recluster_rebuilds_a_window(conn: psycopg.Connection) -> None:
    _store(conn, RECORDS)
    cluster_pending(conn)
    before = _membership(conn)
    since = datetime.fromisoformat(RECORDS[len(RECORDS) // 2]["published"])
    count = recluster(conn, since)
    assert count == sum(1 for r in RECORDS if datetime.fromisoformat(r["published"]) >= since)
    after = _membership(conn)
    assert set(after) == set(before)

    # Same partition (story ids may be new for the redone window).
    def groups(m: dict[int, tuple[int, int | None]]) -> set[frozenset[int]]:
        by: dict[int, set[int]] = {}
        for a, (s, _) in m.items():
            by.setdefault(s, set()).add(a)
        return {frozenset(g) for g in by.values()}

    assert len(groups(after)) == pytest.approx(len(groups(before)), abs=2)
    empty = conn.execute("SELECT count(*) FROM stories WHERE article_count = 0").fetchone()
    assert empty is not None and empty[0] == 0


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
    offline = {int(o["id"]): o["story"] for o in cluster_jsonl(lines)}
    assert set(offline) == set(ids.values())
    assert _partition(offline) == _partition(stored)
