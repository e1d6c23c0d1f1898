"""Clustering quality measures: B-cubed and pairwise precision/recall/F1 (Amigó et al. 2009)."""

from __future__ import annotations

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
