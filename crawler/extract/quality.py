"""How close an extracted body is to the expected one: the measure of the gold tests and
bench/extract.py (one definition, so a test floor and a benchmark figure mean the same)."""

from __future__ import annotations

from collections import Counter


def token_f1(gold: str, got: str) -> float:
    """F1 of the whitespace tokens of ``got`` against ``gold`` (as bags: order-free)."""
    expected, actual = Counter(gold.split()), Counter(got.split())
    common = sum((expected & actual).values())
    if not common:
        return 0.0
    precision, recall = common / sum(actual.values()), common / sum(expected.values())
    return 2 * precision * recall / (precision + recall)
