"""Story merges on the labelled development data (skipped when ../shared/data is absent); the
quality floors are in tests/floors.toml (tests/test_dedup_floors.py)."""

from __future__ import annotations

import json
import random
from collections.abc import Callable
from pathlib import Path

import pytest

from kliping.dedup import cluster_jsonl

DATA = Path(__file__).resolve().parents[2] / "shared" / "data"


def _rows(name: str) -> list[dict[str, object]]:
    path = DATA / name
    if not path.exists():
        pytest.skip(f"{path} not present")
    with path.open(encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def _predict(rows: list[dict[str, object]]) -> dict[str, str]:
    lines = [json.dumps({k: v for k, v in r.items() if k != "story"}) for r in rows]
    return {str(o["id"]): str(o["story"]) for o in cluster_jsonl(lines)}


def _following(merges: list[tuple[str, str]]) -> Callable[[str], str]:
    """A label's current label after the reported (absorbed, surviving) merges, in order."""
    final = dict(merges)

    def resolve(label: str) -> str:
        while label in final:
            label = final[label]
        return label

    return resolve


def test_merges_are_reported_and_labels_follow_them() -> None:
    """Merged stories: drain_merges names them, story_of and cluster_jsonl show the survivor."""
    from kliping.dedup import Clusterer
    from kliping.dedup.offline import parse_doc

    rows = [{**r, "published": None} for r in _rows("uci_dev.jsonl")]
    random.Random(0).shuffle(rows)
    rows = rows[:800]
    eng = Clusterer()
    first: dict[str, str] = {}
    merges: list[tuple[str, str]] = []
    for r in rows:
        first[str(r["id"])] = eng.add(parse_doc(r)).story
        merges.extend(eng.drain_merges())
    assert merges, "uci headlines should need at least one merge"
    assert eng.drain_merges() == []
    resolve = _following(merges)

    # Applying the merges to the labels given at add time yields the current labels.
    assert all(resolve(first[i]) == eng.story_of(i) for i in first)
    lines = [json.dumps({k: v for k, v in r.items() if k != "story"}) for r in rows]
    assert {o["id"]: o["story"] for o in cluster_jsonl(lines)} == {
        i: eng.story_of(i) for i in first
    }


def test_forget_after_merges_empties_the_engine() -> None:
    from datetime import UTC, datetime, timedelta

    from kliping.dedup import Clusterer
    from kliping.dedup.offline import parse_doc

    t0 = datetime(2014, 3, 10, tzinfo=UTC)
    rows = _rows("uci_dev.jsonl")[:400]
    eng = Clusterer()
    merged = 0
    for i, r in enumerate(rows):
        doc = parse_doc({**r, "published": (t0 + timedelta(seconds=i)).isoformat()})
        eng.add(doc)
        merged += len(eng.drain_merges())
    assert merged
    eng.forget_before(t0 + timedelta(days=2))
    assert len(eng) == 0
    again = eng.add(parse_doc({**rows[0], "published": (t0 + timedelta(days=3)).isoformat()}))
    assert again.story == str(rows[0]["id"])


def test_event_merges_are_reported_and_event_labels_follow_them() -> None:
    """Events merge only with their stories; drain_event_merges names them, event_of and
    cluster_jsonl show the survivor, and every event stays inside one story."""
    from kliping.dedup import Clusterer
    from kliping.dedup.offline import parse_doc, replay_order

    rows = _rows("id_events_dev.jsonl")
    docs = [parse_doc(r) for r in rows]
    eng = Clusterer()
    first: dict[str, str] = {}
    merges: list[tuple[str, str]] = []
    for i in replay_order(docs):
        first[docs[i].id] = eng.add(docs[i]).event
        merges.extend(eng.drain_event_merges())
    assert merges, "id_events should need at least one event merge"
    resolve = _following(merges)

    assert all(resolve(first[i]) == eng.event_of(i) for i in first)
    stories: dict[str, set[str | None]] = {}
    for i in first:
        stories.setdefault(str(eng.event_of(i)), set()).add(eng.story_of(i))
    assert all(len(s) == 1 for s in stories.values())
    lines = [json.dumps({k: v for k, v in r.items() if k != "story"}) for r in rows]
    assert {o["id"]: o["event"] for o in cluster_jsonl(lines)} == {
        i: eng.event_of(i) for i in first
    }
