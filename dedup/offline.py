"""`kliping cluster --input F`: JSON lines in, one assignment per line out, no database."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from datetime import UTC, datetime

from kliping.dedup.clusterer import Clusterer, Doc
from kliping.dedup.params import Params


def _parse_time(value: object) -> datetime | None:
    if not value or not isinstance(value, str):
        return None
    t = datetime.fromisoformat(value.replace("Z", "+00:00"))
    # A time without offset is taken as UTC, so ordering never depends on the machine's zone.
    return t if t.tzinfo is not None else t.replace(tzinfo=UTC)


def parse_doc(obj: dict[str, object]) -> Doc:
    """One input object as a ``Doc`` (``text`` may be missing: headline-only data)."""
    return Doc(
        id=str(obj["id"]),
        title=str(obj.get("title") or ""),
        text=str(obj.get("text") or ""),
        published=_parse_time(obj.get("published")),
        outlet=obj.get("outlet") or None,  # type: ignore[arg-type]
        url=obj.get("url") or None,  # type: ignore[arg-type]
    )


def replay_order(docs: list[Doc]) -> list[int]:
    """Indices in the order the engine should see them: by publication time, then input order.

    An undated article takes the time of the dated one before it in the input (undated ones at the
    very start stay first), so it stays where the input put it. This makes ``duplicate_of`` the
    earliest published copy, as the contract says.
    """
    keys: list[tuple[int, float, int]] = []
    last: datetime | None = None
    for i, d in enumerate(docs):
        last = d.published or last
        keys.append((0, 0.0, i) if last is None else (1, last.timestamp(), i))
    return [k[2] for k in sorted(keys)]


def cluster_jsonl(
    lines: Iterable[str], params: Params | None = None
) -> Iterator[dict[str, str | None]]:
    """Cluster JSON lines; yield ``{"id", "event", "story", "duplicate_of"}`` per article, in
    input order (labels as they are at the end: a story merged later has a new label)."""
    docs = [parse_doc(json.loads(line)) for line in lines if line.strip()]
    engine = Clusterer(params)
    dup: dict[int, str | None] = {}
    for i in replay_order(docs):
        dup[i] = engine.add(docs[i]).duplicate_of
    # Labels are read at the end: a story merged after an article joined it has a new label.
    for i, d in enumerate(docs):
        yield {
            "id": d.id,
            "event": engine.event_of(d.id),
            "story": engine.story_of(d.id),
            "duplicate_of": dup[i],
        }
