"""Record the engine's outputs, or check that a change left them byte-identical.

    python bench/cluster_identical.py record DIR     # before a change
    python bench/cluster_identical.py compare DIR    # after it: exit 1 if anything differs

For a speed change that must not move a single decision. Outputs: ``cluster_jsonl`` on uci_dev
(seeds 0-3, no time, shuffled, as bench/cluster_quality.py scores it), id_events_dev and the
sample corpus; the same data through ``Clusterer.add`` with each score's repr, the event and the
story and event merges; 20k synthetic articles from bench/cluster_scale.py through ``add``, the
last 3k also through ``add_many(workers=2)``. About 1-2 minutes.
"""

from __future__ import annotations

import hashlib
import json
import sys
from collections.abc import Iterator
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import cluster_quality as cq
import cluster_scale as cs

from kliping.dedup import Assignment, Clusterer, cluster_jsonl
from kliping.dedup.offline import parse_doc, replay_order


def _lines(rows: list[dict[str, object]]) -> list[str]:
    return [
        json.dumps({k: v for k, v in r.items() if k not in ("story", "duplicate_of")}) for r in rows
    ]


def _row(a: Assignment, engine: Clusterer) -> str:
    merges = f"{engine.drain_merges()!r}\t{engine.drain_event_merges()!r}"
    return f"{a.id}\t{a.story}\t{a.duplicate_of}\t{a.score!r}\t{a.event}\t{merges}\n"


def _trace(lines: list[str]) -> str:
    docs = [parse_doc(json.loads(line)) for line in lines]
    engine = Clusterer()
    return "".join(_row(engine.add(docs[i]), engine) for i in replay_order(docs))


def _datasets() -> Iterator[tuple[str, list[str]]]:
    rows = cq.load(cq.UCI)
    for seed in (0, 1, 2, 3):
        yield f"uci{seed}", _lines(cq.without_time(rows, seed))
    yield "id_events", _lines(cq.load(cq.ID_EVENTS))
    sample = []
    for f in sorted(cq.SAMPLE.glob("*.jsonl")):
        for r in cq.load(f):
            text = r.get("text") or "\n".join(r.get("paragraphs") or [])  # type: ignore[arg-type]
            sample.append({**r, "text": text})
    yield "sample", _lines(sample)


def outputs() -> Iterator[tuple[str, str]]:
    for name, lines in _datasets():
        yield f"{name}.cluster.jsonl", "".join(json.dumps(o) + "\n" for o in cluster_jsonl(lines))
        yield f"{name}.trace.tsv", _trace(lines)
    docs = list(cs.articles(20_000))
    one, many = Clusterer(), Clusterer()
    head = "".join(_row(one.add(d), one) for d in docs[:17_000])
    for _ in many.add_many(docs[:17_000], workers=2):
        pass
    many.drain_merges()
    many.drain_event_merges()
    yield "synthetic.add.tsv", head + "".join(_row(one.add(d), one) for d in docs[17_000:])
    tail = "".join(_row(a, many) for a in many.add_many(docs[17_000:], workers=2))
    yield "synthetic.add_many.tsv", head + tail


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 2 or args[0] not in ("record", "compare"):
        print(__doc__)
        return 2
    mode, out = args[0], Path(args[1])
    out.mkdir(parents=True, exist_ok=True)
    differ = 0
    for name, text in outputs():
        digest = hashlib.sha256(text.encode()).hexdigest()[:16]
        if mode == "record":
            (out / name).write_text(text, encoding="utf-8")
            print(f"recorded {name} {digest}")
        else:
            same = (out / name).read_text(encoding="utf-8") == text
            differ += not same
            print(f"{'same' if same else 'DIFFERENT'} {name} {digest}")
    if mode == "compare":
        print("all identical" if not differ else f"{differ} outputs differ")
    return 1 if differ else 0


if __name__ == "__main__":
    sys.exit(main())
