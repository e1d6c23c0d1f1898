"""Held-out protocol for tuning the story clusterer on uci_dev without overfitting it.

Superseded by ``bench/cluster_quality.py`` (every dev set, events and stories, halves A/B in one
run); kept because docs/dedup.md's story-level history was measured with it.

    python bench/cluster_heldout.py                          # current Params
    python bench/cluster_heldout.py short_absorb_size=0      # any Params field overridden

uci_dev's 40 stories are split in two halves by a hash of the story label (blake2b, first bit):
half A (23 stories, 1,387 headlines) to tune on, half B (17 stories, 1,026 headlines) to confirm
on. Each half is clustered on its own (``published`` removed, shuffled, seeds 0-3), and the
whole file is clustered at its real density (seeds 0-7) and also scored on each half's headlines
only ("all|A", "all|B"). A change is kept only if it helps on A and does not hurt on B or on the
whole file. id_events_dev (time kept) is printed beside it: it must not regress.
"""

from __future__ import annotations

import hashlib
import json
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import fields, replace

from cluster_quality import ID_EVENTS, UCI, _value, load, without_time

from kliping.dedup.evaluate import bcubed, pairwise
from kliping.dedup.offline import cluster_jsonl
from kliping.dedup.params import Params


def half(story: str) -> str:
    return "AB"[hashlib.blake2b(story.encode(), digest_size=8).digest()[0] & 1]


def _run(rows: list[dict[str, object]], params: Params) -> dict[str, str]:
    lines = [json.dumps({k: v for k, v in r.items() if k != "story"}) for r in rows]
    return {o["id"]: o["story"] for o in cluster_jsonl(lines, params)}  # type: ignore[misc]


def _job(args: tuple[str, int, dict[str, object]]) -> tuple[str, int, list[float], float, int]:
    name, seed, kw = args
    params = replace(Params(), **kw)
    if name == "id":
        rows = load(ID_EVENTS)
    else:
        rows = [r for r in load(UCI) if name == "all" or half(str(r["story"])) == name]
        rows = without_time(rows, seed)
    gold = {str(r["id"]): str(r["story"]) for r in rows}
    t0 = time.process_time()
    pred = _run(rows, params)
    cpu = time.process_time() - t0
    scores = [bcubed(gold, pred).f1, pairwise(gold, pred).f1]
    if name == "all":
        for h in "AB":
            scores.append(bcubed({i: s for i, s in gold.items() if half(s) == h}, pred).f1)
    return name, seed, scores, cpu, len(rows)


def main(argv: list[str]) -> int:
    known = {f.name for f in fields(Params)}
    kw = {}
    for arg in argv:
        key, _, value = arg.partition("=")
        if key not in known:
            print(f"unknown Params field: {key}", file=sys.stderr)
            return 2
        kw[key] = _value(value)
    jobs = [("all", s, kw) for s in range(8)]
    jobs += [(h, s, kw) for h in "AB" for s in range(4)] + [("id", 0, kw)]
    with ProcessPoolExecutor(2) as pool:
        results = list(pool.map(_job, jobs))
    print(f"Params overrides: {kw or 'none'}\n")
    print("| set | B3 F1 mean | per seed |\n|---|---|---|")
    for name, label in (("A", "half A alone"), ("B", "half B alone"), ("all", "whole file")):
        got = [r for r in results if r[0] == name]
        f1 = [r[2][0] for r in got]
        print(f"| {label} | **{sum(f1) / len(f1):.3f}** | {' '.join(f'{x:.3f}' for x in f1)} |")
        if name == "all":
            for i, h in ((2, "A"), (3, "B")):
                part = [r[2][i] for r in got]
                print(f"| whole file, scored on {h} | {sum(part) / len(part):.3f} | |")
    idr = next(r for r in results if r[0] == "id")
    print(f"\nid_events_dev (time kept): B3 {idr[2][0]:.3f}, pairwise {idr[2][1]:.3f}")
    every = [r for r in results if r[0] == "all"]
    ms = sum(r[3] for r in every) / sum(r[4] for r in every) * 1000
    print(f"uci whole file: {ms:.2f} ms CPU a headline (cluster_jsonl, incl. parsing)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
