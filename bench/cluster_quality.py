"""Clustering quality on every labelled development set at once, on a tuning and a confirming half.

    python bench/cluster_quality.py                       # everything, current Params
    python bench/cluster_quality.py event_core=4          # any Params field overridden
    python bench/cluster_quality.py --sets topic events --no-baseline --json out.json

Each set is clustered whole (at its real density) and scored separately on two halves of its
gold labels, split by a hash of the label (blake2b, first bit): **tune on half A, confirm on B**.

- uci (story level): uci_dev.jsonl, English headlines; `published` removed and lines shuffled
  (8 seeds), because its timestamps give the answer away (each story's headlines share one
  timestamp and stories do not overlap in time);
- events (event level): id_events_dev.jsonl, Indonesian full text, time kept;
- topic (event level): id_topic_dev.jsonl, one-topic Indonesian headlines, time kept;
- sample (event level): sample_site/data/*.jsonl, the sample corpus, time kept (+ copies found).

Beside kliping, in the same run: every article alone, and the naive single-pass TF-IDF centroid
clusterer (``evaluate.naive_centroid``) at the threshold that scores best on half A.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
import statistics
import sys
from concurrent.futures import ProcessPoolExecutor
from dataclasses import fields, replace
from pathlib import Path
from typing import Any

from kliping.dedup.evaluate import bcubed, naive_centroid, pairwise
from kliping.dedup.offline import cluster_jsonl
from kliping.dedup.params import Params

REPO = Path(__file__).resolve().parents[1]
SHARED = Path(__file__).resolve().parents[2] / "shared"
UCI = SHARED / "data" / "uci_dev.jsonl"
ID_EVENTS = SHARED / "data" / "id_events_dev.jsonl"
ID_TOPIC = SHARED / "data" / "id_topic_dev.jsonl"
SAMPLE = REPO / "sample_site" / "data"

# set -> (level judged, shuffled without time?)
SETS = {"uci": ("story", True), "events": ("event", False), "topic": ("event", False),
        "sample": ("event", False)}  # fmt: skip
NAIVE_THRESHOLDS = (0.1, 0.15, 0.2, 0.27, 0.35, 0.45)
Row = dict[str, Any]


def load(path: Path) -> list[Row]:
    with path.open(encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def load_set(name: str) -> list[Row]:
    if name == "sample":
        rows = []
        for f in sorted(SAMPLE.glob("*.jsonl")):
            for r in load(f):
                text = r.get("text") or "\n".join(r.get("paragraphs") or [])
                rows.append({**r, "text": text})
        return rows
    path = {"uci": UCI, "events": ID_EVENTS, "topic": ID_TOPIC}[name]
    return load(path) if path.exists() else []


def without_time(rows: list[Row], seed: int) -> list[Row]:
    """`published` set to null and the order shuffled with a fixed seed."""
    out = [{**r, "published": None} for r in rows]
    random.Random(seed).shuffle(out)
    return out


def half(label: str) -> str:
    return "AB"[hashlib.blake2b(label.encode(), digest_size=8).digest()[0] & 1]


def cluster(rows: list[Row], params: Params) -> list[dict[str, str | None]]:
    drop = ("story", "duplicate_of", "paragraphs")
    lines = [json.dumps({k: v for k, v in r.items() if k not in drop}) for r in rows]
    return list(cluster_jsonl(lines, params))


def scores(gold: dict[str, str], pred: dict[str, str]) -> dict[str, list[float]]:
    """Per half and for the whole set: [B3 P, B3 R, B3 F1, pairwise F1]."""
    out = {}
    for h in "ABW":
        g = {i: s for i, s in gold.items() if h == "W" or half(s) == h}
        b, pw = bcubed(g, pred), pairwise(g, pred)
        out[h] = [b.precision, b.recall, b.f1, pw.f1]
    return out


def job(args: tuple[str, int, dict[str, Any], bool]) -> Row:
    name, seed, overrides, baseline = args
    params = replace(Params(), **overrides)
    rows = load_set(name)
    if SETS[name][1]:
        rows = without_time(rows, seed)
    gold = {str(r["id"]): str(r["story"]) for r in rows if r.get("story")}
    out = cluster(rows, params)
    res: Row = {"set": name, "seed": seed}
    for level in ("event", "story"):
        res[level] = scores(gold, {str(o["id"]): str(o[level]) for o in out})
    res["alone"] = scores(gold, {i: i for i in gold})
    if baseline:
        res["naive"] = {th: scores(gold, naive_centroid(rows, th)) for th in NAIVE_THRESHOLDS}
    if name == "sample":
        said = {str(o["id"]): o["duplicate_of"] for o in out if o["duplicate_of"]}
        real = {str(r["id"]): r["duplicate_of"] for r in rows if r.get("duplicate_of")}
        right = sum(1 for i, d in said.items() if real.get(i) == d)
        res["copies"] = [len(real), len(said), right]
    return res


def _mean(runs: list[Row], key: str, h: str, th: float | None = None) -> list[float]:
    vals = [r[key][th][h] if th is not None else r[key][h] for r in runs]
    return [statistics.fmean(v[i] for v in vals) for i in range(4)]


def summarise(results: list[Row], sets: list[str], baseline: bool) -> Row:
    summary: Row = {}
    for name in sets:
        runs = [r for r in results if r["set"] == name]
        if not runs:
            continue
        level = SETS[name][0]
        s: Row = {"level": level, "runs": len(runs)}
        for key in ("event", "story", "alone"):
            s[key] = {h: _mean(runs, key, h) for h in "ABW"}
        s["sd"] = {
            h: statistics.pstdev(r[level][h][2] for r in runs) if len(runs) > 1 else 0.0
            for h in "AB"
        }
        if baseline:
            th = max(NAIVE_THRESHOLDS, key=lambda t: _mean(runs, "naive", "A", t)[2])
            s["naive"] = {h: _mean(runs, "naive", h, th) for h in "ABW"}
            s["naive_threshold"] = th
        if "copies" in runs[0]:
            s["copies"] = runs[0]["copies"]
        summary[name] = s
    return summary


def report(summary: Row) -> None:
    head = "| set (level judged) | run | A: B3 P | B3 R | B3 F1 | pair F1 | B: B3 P | B3 R | B3 F1"
    print(head + " | pair F1 | whole: B3 F1 | pair F1 |\n" + "|---" * 12 + "|")
    for name, s in summary.items():
        level = s["level"]
        other = "story" if level == "event" else "event"
        names = [(level, f"kliping {level}"), (other, f"kliping {other}"), ("alone", "alone")]
        if "naive" in s:
            names.append(("naive", f"naive (th {s['naive_threshold']})"))
        for key, label in names:
            cells = " | ".join(
                " | ".join(
                    f"**{x:.3f}**" if i == 2 and key == level else f"{x:.3f}"
                    for i, x in enumerate(s[key][h])
                )
                for h in "AB"
            )
            whole = s[key]["W"]
            cells += f" | {whole[2]:.3f} | {whole[3]:.3f}"
            runs = f"{s['runs']} run{'s' * (s['runs'] > 1)}"
            print(f"| {name} ({level}, {runs}) | {label} | {cells} |")
        if s["runs"] > 1:
            print(f"| {name} | shuffle sd of B3 F1 | | | {s['sd']['A']:.3f} | | | | "
                  f"{s['sd']['B']:.3f} | | | |")  # fmt: skip
    for name, s in summary.items():
        if "copies" in s:
            real, said, right = s["copies"]
            print(f"\n{name}: copies labelled {real}, found {said}, right {right}")


def _value(text: str) -> object:
    if text == "None":
        return None
    for kind in (int, float):
        try:
            return kind(text)
        except ValueError:
            pass
    return text


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("overrides", nargs="*", help="Params field=value")
    ap.add_argument("--sets", nargs="+", choices=list(SETS), default=list(SETS))
    ap.add_argument("--shuffles", type=int, default=8, help="uci shuffles (seeds 0..n-1)")
    ap.add_argument("--no-baseline", action="store_true", help="skip the naive baseline")
    ap.add_argument("--json", type=Path, help="write the summary here")
    ap.add_argument("--workers", type=int, default=2)
    args = ap.parse_args(argv)
    known = {f.name for f in fields(Params)}
    kw = {}
    for arg in args.overrides:
        key, _, value = arg.partition("=")
        if key not in known:
            print(f"unknown Params field: {key}", file=sys.stderr)
            return 2
        kw[key] = _value(value)
    jobs = []
    for name in args.sets:
        seeds = range(args.shuffles) if SETS[name][1] else range(1)
        jobs += [(name, seed, kw, not args.no_baseline) for seed in seeds]
    jobs.sort(key=lambda j: j[0] != "uci")  # the long ones first
    with ProcessPoolExecutor(args.workers) as pool:
        results = list(pool.map(job, jobs))
    summary = summarise(results, args.sets, not args.no_baseline)
    print(f"Params overrides: {kw or 'none'}\n")
    report(summary)
    if args.json:
        args.json.write_text(json.dumps(summary, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
