"""Compact vectors (dedup/vectors.py) give the same floats as the dict code they replaced."""

from __future__ import annotations

import math
import random
from operator import mul

from kliping.dedup.vectors import Vec, Vocab


def _dict_dot(a: dict[str, float], b: dict[str, float]) -> float:
    shared = a.keys() & b.keys()
    return math.fsum(map(mul, map(a.__getitem__, shared), map(b.__getitem__, shared)))


def _dict_add(c: dict[str, float], norm2: float, v: dict[str, float]) -> float:
    for t, w in v.items():
        old = c.get(t, 0.0)
        new = old + w
        c[t] = new
        norm2 += new * new - old * old
    return norm2


def _as_dict(voc: Vocab, v: Vec) -> dict[str, float]:
    return {voc.terms[i]: w for i, w in zip(v.ids.tolist(), v.w.tolist(), strict=True)}


def test_vectors_match_the_dict_code_to_the_last_bit() -> None:
    rng = random.Random(3)
    words = [f"w{i}" for i in range(400)]
    voc = Vocab()
    ref: dict[str, float] = {}
    c, ref_n2, n2 = Vec.empty(), 0.0, 0.0
    for _ in range(60):
        v = {w: rng.random() ** 3 for w in rng.sample(words, rng.randrange(1, 60))}
        v[rng.choice(words)] = 0.25  # equal weights: ties for ``top``
        v[rng.choice(words)] = 0.25
        vec = voc.vec(v)
        assert voc.dot(vec, c) == _dict_dot(v, ref)
        with voc.scatter(vec) as query:
            assert query.dot(c) == _dict_dot(v, ref)
        ref_n2 = _dict_add(ref, ref_n2, v)
        n2 = voc.add_into(c, n2, vec)
        assert n2 == ref_n2
        assert _as_dict(voc, c) == ref and list(_as_dict(voc, c)) == list(ref)  # same order
        lacking = [*v, "unseen"]
        assert voc.absent(c, lacking) == ["unseen"]
    kept = sorted(ref.items(), key=lambda kv: (-kv[1], kv[0]))[:50]
    assert list(_as_dict(voc, voc.top(c, 50)).items()) == kept
    assert not Vec.empty() and len(c) == len(ref)
