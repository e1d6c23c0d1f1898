"""Clustering quality measures: B-cubed and pairwise precision/recall/F1 (Amigó et al. 2009)."""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Scores:
    precision: float
    recall: float
    f1: float


def _f1(p: float, r: float) -> float:
    return 2 * p * r / (p + r) if p + r else 0.0


def bcubed(gold: Mapping[str, str], pred: Mapping[str, str]) -> Scores:
    """Per-item precision/recall of its predicted cluster against its gold class, averaged."""
    items = list(gold)
    if not items:
        return Scores(0.0, 0.0, 0.0)
    joint = Counter((gold[i], pred[i]) for i in items)
    g_size = Counter(gold[i] for i in items)
    p_size = Counter(pred[i] for i in items)
    p = sum(joint[(gold[i], pred[i])] / p_size[pred[i]] for i in items) / len(items)
    r = sum(joint[(gold[i], pred[i])] / g_size[gold[i]] for i in items) / len(items)
    return Scores(p, r, _f1(p, r))


def pairwise(gold: Mapping[str, str], pred: Mapping[str, str]) -> Scores:
    """Precision/recall over all item pairs put together (by pred) or belonging together (gold)."""
    items = list(gold)

    def pairs(counter: Counter[object]) -> int:
        return sum(n * (n - 1) // 2 for n in counter.values())

    both = pairs(Counter((gold[i], pred[i]) for i in items))
    in_pred = pairs(Counter(pred[i] for i in items))
    in_gold = pairs(Counter(gold[i] for i in items))
    p = both / in_pred if in_pred else 1.0
    r = both / in_gold if in_gold else 1.0
    return Scores(p, r, _f1(p, r))


def naive_centroid(rows: list[Mapping[str, object]], threshold: float) -> dict[str, str]:
    """The reference baseline: one pass, raw-tf word TF-IDF (IDF from the articles seen so far),
    each article joins the most similar centroid at >= ``threshold`` or starts one.

    Only centroids sharing a word can score above 0, so they are found through an index of the
    centroids' words (same result as comparing with every centroid: ties go to the oldest).
    """
    df: Counter[str] = Counter()
    centroids: list[dict[str, float]] = []
    norms: list[float] = []
    by_word: dict[str, list[int]] = {}
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
        cands = sorted({i for w in vec for i in by_word.get(w, ())})
        best, best_s = -1, 0.0
        for i in cands:
            c = centroids[i]
            s = sum(v * c.get(w, 0.0) for w, v in vec.items()) / (math.sqrt(norms[i]) or 1.0)
            if s > best_s:
                best, best_s = i, s
        if best < 0 or best_s < threshold:
            best = len(centroids)
            centroids.append({})
            norms.append(0.0)
            labels.append(str(r["id"]))
        c = centroids[best]
        for w, v in vec.items():
            old = c.get(w, 0.0)
            if not old:
                by_word.setdefault(w, []).append(best)
            c[w] = old + v
        norms[best] = sum(v * v for v in c.values())
        pred[str(r["id"])] = labels[best]
    return pred
