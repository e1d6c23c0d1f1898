"""Story clustering quality of `cluster_jsonl` on the labelled development sets.

    python bench/cluster_quality.py            # all data sets, tables on stdout
    python bench/cluster_quality.py --seeds 0 1 2 3

(a) uci_dev.jsonl: English headlines; `published` removed and lines shuffled (fixed seeds),
    because the timestamps alone give the answer away (shared/data/README.md). A naive single-pass
    word TF-IDF centroid baseline runs beside it, at its best threshold on the same data.
(b) id_events_dev.jsonl: Indonesian full text, time kept.
(c) sample_site/data/*.jsonl: the project's own sample corpus, with duplicate precision/recall.
"""

from __future__ import annotations

import argparse
import json
import math
import random
import sys
import time
from collections import Counter
from pathlib import Path

from kliping.dedup.evaluate import Scores, bcubed, pairwise
from kliping.dedup.offline import cluster_jsonl

REPO = Path(__file__).resolve().parents[1]
SHARED = Path(__file__).resolve().parents[2] / "shared"
UCI = SHARED / "data" / "uci_dev.jsonl"
ID_EVENTS = SHARED / "data" / "id_events_dev.jsonl"
SAMPLE = REPO / "sample_site" / "data"


def load(path: Path) -> list[dict[str, object]]:
    with path.open(encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def without_time(rows: list[dict[str, object]], seed: int) -> list[dict[str, object]]:
    """`published` set to null and the order shuffled with a fixed seed."""
    out = [{**r, "published": None} for r in rows]
    random.Random(seed).shuffle(out)
    return out


def predict(rows: list[dict[str, object]]) -> tuple[dict[str, str], dict[str, str | None]]:
    lines = [
        json.dumps({k: v for k, v in r.items() if k not in ("story", "duplicate_of")}) for r in rows
    ]
    out = list(cluster_jsonl(lines))
    return {o["id"]: o["story"] for o in out}, {o["id"]: o["duplicate_of"] for o in out}  # type: ignore[misc]


def naive_baseline(rows: list[dict[str, object]], threshold: float) -> dict[str, str]:
    """Single pass; raw-tf word TF-IDF (idf from the docs seen so far); cosine to every centroid."""
    df: Counter[str] = Counter()
    centroids: list[dict[str, float]] = []
    labels: list[str] = []
    pred: dict[str, str] = {}
    for n, r in enumerate(rows):
        words = f"{r.get('title') or ''} {r.get('text') or ''}".lower().split()
        tf = Counter(w.strip(".,:;!?\"'()") for w in words)
        tf.pop("", None)
        vec = {w: c * (math.log((n + 1) / (df[w] + 1)) + 1) for w, c in tf.items()}
        norm = math.sqrt(sum(v * v for v in vec.values())) or 1.0
        vec = {w: v / norm for w, v in vec.items()}
        df.update(tf.keys())
        best, best_s = -1, 0.0
        for i, c in enumerate(centroids):
            cn = math.sqrt(sum(v * v for v in c.values())) or 1.0
            s = sum(v * c.get(w, 0.0) for w, v in vec.items()) / cn
            if s > best_s:
                best, best_s = i, s
        if best >= 0 and best_s >= threshold:
            for w, v in vec.items():
                centroids[best][w] = centroids[best].get(w, 0.0) + v
            pred[str(r["id"])] = labels[best]
        else:
            centroids.append(dict(vec))
            labels.append(str(r["id"]))
            pred[str(r["id"])] = str(r["id"])
    return pred


def best_naive(rows: list[dict[str, object]], gold: dict[str, str]) -> tuple[float, Scores, Scores]:
    best = (0.0, Scores(0, 0, 0), Scores(0, 0, 0))
    for th in (0.05, 0.1, 0.15, 0.2, 0.25, 0.3, 0.4, 0.5):
        pred = naive_baseline(rows, th)
        b = bcubed(gold, pred)
        if b.f1 > best[1].f1:
            best = (th, b, pairwise(gold, pred))
    return best


def row(name: str, b: Scores, pw: Scores, extra: str = "") -> str:
    return (
        f"| {name} | {b.precision:.3f} | {b.recall:.3f} | **{b.f1:.3f}** | "
        f"{pw.precision:.3f} | {pw.recall:.3f} | {pw.f1:.3f} |{extra}"
    )


HEADER = "| run | B3 P | B3 R | B3 F1 | pair P | pair R | pair F1 |\n|---|---|---|---|---|---|---|"


def bench_uci(seeds: list[int], baseline: bool) -> None:
    if not UCI.exists():
        print(f"skip uci: {UCI} missing")
        return
    rows = load(UCI)
    gold = {str(r["id"]): str(r["story"]) for r in rows}
    n_stories = len(set(gold.values()))
    print(f"\n## uci_dev ({len(rows)} headlines, {n_stories} stories), no time, shuffled\n")
    print(HEADER)
    f1s = []
    for seed in seeds:
        shuffled = without_time(rows, seed)
        t0 = time.perf_counter()
        pred, _ = predict(shuffled)
        dt = time.perf_counter() - t0
        b, pw = bcubed(gold, pred), pairwise(gold, pred)
        f1s.append(b.f1)
        print(row(f"kliping seed={seed}", b, pw, f" {len(set(pred.values()))} stories, {dt:.1f}s"))
        if baseline:
            th, nb, npw = best_naive(shuffled, gold)
            print(row(f"naive TF-IDF centroid seed={seed} (best th={th})", nb, npw))
    print(f"\nkliping B-cubed F1 mean over seeds {seeds}: {sum(f1s) / len(f1s):.3f}")


def bench_id_events(baseline: bool) -> None:
    if not ID_EVENTS.exists():
        print(f"skip id_events: {ID_EVENTS} missing")
        return
    rows = load(ID_EVENTS)
    gold = {str(r["id"]): str(r["story"]) for r in rows}
    print(
        f"\n## id_events_dev ({len(rows)} articles, {len(set(gold.values()))} events), time kept\n"
    )
    print(HEADER)
    pred, _ = predict(rows)
    print(
        row(
            "kliping",
            bcubed(gold, pred),
            pairwise(gold, pred),
            f" {len(set(pred.values()))} stories",
        )
    )
    alone = {i: i for i in gold}
    print(row("every article alone", bcubed(gold, alone), pairwise(gold, alone)))
    if baseline:
        th, nb, npw = best_naive(rows, gold)
        print(row(f"naive TF-IDF centroid (best th={th})", nb, npw))


def bench_sample() -> None:
    files = sorted(SAMPLE.glob("*.jsonl")) if SAMPLE.exists() else []
    if not files:
        print(f"\nskip sample corpus: no {SAMPLE}/*.jsonl yet")
        return
    rows = []
    for f in files:
        for r in load(f):
            text = r.get("text") or "\n".join(r.get("paragraphs") or [])  # type: ignore[arg-type]
            rows.append({**r, "text": text})
    labelled = [r for r in rows if r.get("story")]
    gold = {str(r["id"]): str(r["story"]) for r in labelled}
    print(
        f"\n## sample corpus ({len(rows)} articles from {len(files)} files, "
        f"{len(set(gold.values()))} stories), time kept\n"
    )
    pred, dups = predict(rows)
    print(HEADER)
    print(
        row(
            "kliping",
            bcubed(gold, {i: pred[i] for i in gold}),
            pairwise(gold, {i: pred[i] for i in gold}),
        )
    )
    truth = {str(r["id"]): r.get("duplicate_of") for r in rows}
    said = {i for i, d in dups.items() if d}
    real = {i for i, d in truth.items() if d}
    right = {i for i in said & real if dups[i] == truth[i]}
    p = len(right) / len(said) if said else 1.0
    r = len(right) / len(real) if real else 1.0
    print(
        f"\nduplicates: {len(real)} labelled, {len(said)} found, precision {p:.3f}, recall {r:.3f}"
        " (a hit needs the same `duplicate_of`)"
    )


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2, 3])
    ap.add_argument("--no-baseline", action="store_true", help="skip the naive baseline (faster)")
    ap.add_argument("--only", choices=["uci", "id", "sample"], help="one data set")
    args = ap.parse_args(argv)
    if args.only in (None, "uci"):
        bench_uci(args.seeds, not args.no_baseline)
    if args.only in (None, "id"):
        bench_id_events(not args.no_baseline)
    if args.only in (None, "sample"):
        bench_sample()
    return 0


if __name__ == "__main__":
    sys.exit(main())
