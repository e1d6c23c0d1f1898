"""Stories as TF-IDF centroids: candidate lookup, scoring with time decay, joining and merging.

A story is known by an int (the engine's number of its first article) and labelled by that
article's id. When an article is close to two stories that are close to each other, the younger
story is merged into the older one (``Params.merge_threshold``): online clustering otherwise keeps
the fragments it opened before it had seen enough of a story. Merged ids stay valid through
``resolve`` (union-find), so index postings never need rewriting.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import datetime
from itertools import islice

import numpy as np

from kliping.dedup.index import StoryIndex
from kliping.dedup.params import Params
from kliping.dedup.vectors import Vec, Vocab


@dataclass(slots=True)
class Story:
    label: str
    centroid: Vec = field(default_factory=Vec.empty)  # compact: see dedup/vectors.py
    norm2: float = 0.0
    first: datetime | None = None
    last: datetime | None = None
    members: list[int] = field(default_factory=list)
    emb: np.ndarray | None = None  # sum of the members' sentence embeddings (if any)


def _emb_cos(emb: np.ndarray, total: np.ndarray, center: float) -> float:
    """Cosine of a unit embedding with a story's summed embeddings, minus ``center``."""
    norm = float(np.linalg.norm(total))
    return float(emb @ total) / norm - center if norm > 0.0 else 0.0


class Stories:
    def __init__(self, params: Params) -> None:
        self.params = params
        self._live: dict[int, Story] = {}
        self._alias: dict[int, int] = {}  # merged story -> the story it went into
        self._index = StoryIndex(params.posting_cap)
        self.vocab = Vocab()  # the centroids' term ids

    def __len__(self) -> int:
        return len(self._live)

    def __getitem__(self, s: int) -> Story:
        return self._live[self.resolve(s)]  # type: ignore[index]

    def resolve(self, s: int) -> int | None:
        """The live story ``s`` is now part of, or None if it was forgotten."""
        alias = self._alias
        if s in alias:  # merged (most stories never are)
            seen = []
            while s in alias:
                seen.append(s)
                s = alias[s]
            for x in seen[:-1]:  # path compression keeps chains short
                alias[x] = s
        return s if s in self._live else None

    def _alive(self, s: int) -> bool:
        return self.resolve(s) is not None

    def create(self, s: int, label: str) -> Story:
        st = self._live[s] = Story(label=label)
        return st

    def scored(
        self,
        vec: dict[str, float],
        when: datetime | None,
        size_bonus: float = 0.0,
        emb: np.ndarray | None = None,
        embed_weight: float = 0.0,
    ) -> list[tuple[int, float]]:
        """Candidate stories (from the index) with their time-decayed cosine, best first.

        ``size_bonus`` scales a story of n articles by 1 + size_bonus * ln n (headline-only).
        """
        p = self.params
        if not vec:
            return []
        top = list(islice(vec.items(), p.query_terms))  # vectors come heaviest first
        out = []
        candidates = self._index.candidates(top, p.candidates, self.resolve)
        with self.vocab.scatter(self.vocab.vec(vec)) as query:
            for s in candidates:
                st = self._live[s]
                factor = self.time_factor(st, when)
                if factor > 0.0:
                    bonus = 1.0 + size_bonus * math.log(len(st.members)) if st.members else 1.0
                    cos = query.dot(st.centroid) / math.sqrt(st.norm2) if st.norm2 > 0.0 else 0.0
                    score = cos * bonus
                    if emb is not None and st.emb is not None:
                        score += embed_weight * _emb_cos(emb, st.emb, self.params.embed_center)
                    out.append((s, score * factor))
        # Ties go to the older story (smaller number): deterministic and stable under replay.
        out.sort(key=lambda x: (-x[1], x[0]))
        return out

    def _between(self, sa: Story, sb: Story, bonus: float, embed_weight: float) -> float:
        """How well story ``sb`` fits ``sa``, on the scale of an article's score."""
        dot = self.vocab.dot(sb.centroid, sa.centroid)
        cos = dot / math.sqrt(sa.norm2) if sa.norm2 > 0.0 else 0.0
        score = cos / math.sqrt(sb.norm2) * bonus
        if embed_weight and sa.emb is not None and sb.emb is not None:
            n = float(np.linalg.norm(sb.emb))
            if n > 0.0:
                center = self.params.embed_story_center
                score += embed_weight * _emb_cos(sb.emb / n, sa.emb, center)
        return score

    def time_factor(self, st: Story, when: datetime | None) -> float:
        """1 within the grace period of the story's time span, then halving per half-life."""
        if when is None or st.first is None or st.last is None:
            return 1.0
        p = self.params
        gap = max((st.first - when).total_seconds(), (when - st.last).total_seconds(), 0.0) / 3600
        if gap > p.time_window_hours:
            return 0.0
        return 0.5 ** (max(0.0, gap - p.time_grace_hours) / p.time_half_life_hours)

    def join(
        self,
        s: int,
        n: int,
        vec: dict[str, float] | None,
        when: datetime | None,
        emb: np.ndarray | None = None,
    ) -> None:
        """Add article ``n`` to story ``s``; ``vec`` None for a copy (it adds no new wording)."""
        st = self._live[s]
        st.members.append(n)
        if when is not None:
            st.first = when if st.first is None or when < st.first else st.first
            st.last = when if st.last is None or when > st.last else st.last
        if not vec:
            return
        if emb is not None:
            # Summed in float64: a long story's sum must not drift with the order of additions.
            st.emb = emb.astype(np.float64) if st.emb is None else st.emb + emb
        self._add_vector(st, self.vocab.vec(vec))
        top = islice(vec.items(), self.params.index_terms)
        self._index.add(s, (t for t, _ in top), self._alive)

    def _add_vector(self, st: Story, vec: Vec) -> None:
        p = self.params
        c = st.centroid
        norm2 = self.vocab.add_into(c, st.norm2, vec)
        if len(c) > 2 * p.centroid_terms:
            # Keep the heaviest terms: a long-running story must not grow without bound.
            st.centroid = c = self.vocab.top(c, p.centroid_terms)
            norm2 = sum(v * v for v in c.w.tolist())
        st.norm2 = norm2

    def merge_close(
        self,
        s: int,
        scored: list[tuple[int, float]],
        threshold: float,
        merge: float | None,
        embed_weight: float = 0.0,
    ) -> list[tuple[str, str]]:
        """Merge into one the stories the new article of ``s`` bridges; return (from, into) labels.

        A candidate qualifies when the article scored above the join threshold with it too and
        the two centroids are close (cosine >= ``merge``).
        """
        if merge is None:
            return []
        merged: list[tuple[str, str]] = []
        for other, score in scored:
            if score < threshold:
                break
            a, b = self.resolve(s), self.resolve(other)
            if a is None or b is None or a == b:
                continue
            sa, sb = self._live[a], self._live[b]
            if (
                not sb.centroid
                or self.time_factor(sa, sb.first) * self.time_factor(sa, sb.last) == 0
            ):
                continue
            if self._between(sa, sb, 1.0, embed_weight) < merge:
                continue
            keep, gone = (a, b) if a < b else (b, a)
            merged.append((self._live[gone].label, self._live[keep].label))
            self._absorb(keep, gone)
        return merged

    def absorb_small(
        self,
        s: int,
        scored: list[tuple[int, float]],
        threshold: float,
        size_bonus: float,
        max_size: int,
        embed_weight: float = 0.0,
    ) -> list[tuple[str, str]]:
        """Merge into ``s`` the small candidate stories that would now join it; (from, into) labels.

        A story of at most ``max_size`` articles was opened when ``s`` was smaller or worded
        otherwise; it is asked the join question again (its centroid scored against ``s``, with
        ``s``'s size bonus, against the join threshold). Only the new article's candidates are
        looked at, so the work is bounded by ``Params.candidates``.
        """
        a = self.resolve(s)
        if a is None or len(self._live[a].members) <= max_size:
            return []
        merged: list[tuple[str, str]] = []
        for other, _ in scored:
            a, b = self.resolve(a), self.resolve(other)  # type: ignore[arg-type]
            if a is None or b is None or a == b:
                continue
            sa, sb = self._live[a], self._live[b]
            if len(sb.members) > max_size or not sb.centroid or sb.norm2 <= 0.0:
                continue
            if self.time_factor(sa, sb.first) * self.time_factor(sa, sb.last) == 0:
                continue
            bonus = 1.0 + size_bonus * math.log(len(sa.members))
            if self._between(sa, sb, bonus, embed_weight) < threshold:
                continue
            keep, gone = (a, b) if a < b else (b, a)
            merged.append((self._live[gone].label, self._live[keep].label))
            self._absorb(keep, gone)
        return merged

    def _absorb(self, keep: int, gone: int) -> None:
        sk, sg = self._live[keep], self._live.pop(gone)
        self._alias[gone] = keep
        self._add_vector(sk, sg.centroid)
        sk.members.extend(sg.members)
        if sg.emb is not None:
            sk.emb = sg.emb if sk.emb is None else sk.emb + sg.emb
        for t in (sg.first, sg.last):
            if t is not None:
                sk.first = t if sk.first is None or t < sk.first else sk.first
                sk.last = t if sk.last is None or t > sk.last else sk.last

    def forget_before(self, t: datetime) -> list[Story]:
        """Remove stories whose last article is older than ``t``; return them."""
        old = [s for s, st in self._live.items() if st.last is not None and st.last < t]
        gone = [self._live.pop(s) for s in old]
        if gone:
            self._alias = {
                a: b for a, b in list(self._alias.items()) if self.resolve(b) is not None
            }
            self._index.compact(self._alive)
        return gone
