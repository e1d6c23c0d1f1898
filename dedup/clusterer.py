"""The online engine: each new article is a copy of an earlier one, joins a story, or starts one.

Deterministic: the state after a sequence of ``add`` calls depends only on that sequence, so the
daemon rebuilds it by replaying stored articles in their stored order.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import UTC, datetime

from kliping.dedup.features import Idf, extract, vectorise
from kliping.dedup.fingerprint import (
    Sketch,
    content_hash_words,
    normalised_words,
    resemblance,
    sketch,
)
from kliping.dedup.idf_reference import load_reference
from kliping.dedup.index import CopyIndex, StoryIndex
from kliping.dedup.params import Params
from kliping.dedup.text import clean_body, clean_title, normalise_url


@dataclass(frozen=True)
class Doc:
    id: str
    title: str
    text: str
    published: datetime | None
    outlet: str | None = None
    url: str | None = None


@dataclass(frozen=True)
class Assignment:
    id: str
    story: str  # the id of the story's first article: stable across replays
    duplicate_of: str | None  # the earliest known article of this one's copy group
    score: float  # copy resemblance, story similarity, or 0.0 for a new story


@dataclass(slots=True)
class _Story:
    label: str
    centroid: dict[str, float] = field(default_factory=dict)
    norm2: float = 0.0
    first: datetime | None = None
    last: datetime | None = None
    members: list[int] = field(default_factory=list)


@dataclass(slots=True)
class _Rec:
    assignment: Assignment
    story: int
    root: int  # first document of the copy group (itself if original)
    sketch: Sketch | None
    keys: tuple[str | None, str | None, str | None]  # content hash, title key, url key


def _aware(t: datetime | None) -> datetime | None:
    """Naive times are taken as UTC, so naive and aware inputs can be compared."""
    return t if t is None or t.tzinfo is not None else t.replace(tzinfo=UTC)


class Clusterer:
    def __init__(self, params: Params | None = None) -> None:
        self.params = params or Params()
        ref, ref_docs = load_reference()
        self._idf = Idf(self.params, ref, ref_docs)
        self._stories: dict[int, _Story] = {}
        self._recs: dict[int, _Rec] = {}
        self._by_id: dict[str, int] = {}
        self._by_hash: dict[str, int] = {}
        self._by_title: dict[str, int] = {}
        self._by_url: dict[str, int] = {}
        self._story_index = StoryIndex(self.params.posting_cap)
        self._copy_index = CopyIndex()
        self._next = 0
        self._clock: datetime | None = None

    def __len__(self) -> int:
        return len(self._recs)

    def add(self, doc: Doc) -> Assignment:
        known = self._by_id.get(doc.id)
        if known is not None:
            return self._recs[known].assignment
        p = self.params
        n = self._next
        self._next += 1
        published = _aware(doc.published)
        when = published or self._clock
        if published and (self._clock is None or published > self._clock):
            self._clock = published

        title = clean_title(doc.title)
        cleaned = clean_body(doc.text, title)
        words = normalised_words(cleaned.body)
        chash = content_hash_words(words) if words else None
        tkey = " ".join(normalised_words(title)) if not words and title else None
        ukey = normalise_url(doc.url)
        sk = sketch(words) if len(words) >= 3 else None

        dup, score = self._find_copy(chash, tkey, cleaned.source_url, sk)
        terms = extract(title, doc.text, p, cleaned)
        if dup is not None:
            root = self._recs[dup].root
            story = self._recs[root].story
            a = Assignment(
                doc.id, self._stories[story].label, self._recs[root].assignment.id, score
            )
        else:
            root = n
            vec = vectorise(terms, self._idf)
            story, score = self._best_story(vec, when)
            if story is None:
                story = n
                self._stories[story] = _Story(label=doc.id)
                score = 0.0
            if p.story_df:
                cen = self._stories[story].centroid
                self._idf.add([t for t in terms.counts if t not in cen], story == n)
            else:
                self._idf.add(terms.counts, True)
            self._join(story, vec)
            a = Assignment(doc.id, self._stories[story].label, None, score)
        st = self._stories[story]
        st.members.append(n)
        if when is not None:
            st.first = when if st.first is None or when < st.first else st.first
            st.last = when if st.last is None or when > st.last else st.last

        self._recs[n] = _Rec(a, story, root, sk, (chash, tkey, ukey))
        self._by_id[doc.id] = n
        if chash is not None:
            self._by_hash.setdefault(chash, root)
        if tkey:
            self._by_title.setdefault(tkey, root)
        if ukey:
            self._by_url.setdefault(ukey, n)
        if sk is not None and sk.size >= p.copy_min_shingles and dup is None:
            self._copy_index.add(n, sk.keys())
        return a

    def _alive_doc(self, n: int) -> bool:
        return n in self._recs

    def _alive_story(self, s: int) -> bool:
        return s in self._stories

    def _find_copy(
        self, chash: str | None, tkey: str | None, src: str | None, sk: Sketch | None
    ) -> tuple[int | None, float]:
        p = self.params
        if chash is not None and chash in self._by_hash:
            return self._by_hash[chash], 1.0
        if tkey and tkey in self._by_title:
            return self._by_title[tkey], 1.0
        if src:
            named = self._by_url.get(normalise_url(src) or "")
            if named is not None:
                return named, 1.0
        if sk is None or sk.size < p.copy_min_shingles:
            return None, 0.0
        best, best_score = None, 0.0
        for cand in self._copy_index.lookup(sk.keys(), self._alive_doc):
            other = self._recs[cand].sketch
            if other is None:
                continue
            jac, cont = resemblance(sk, other)
            if jac >= p.copy_jaccard or cont >= p.copy_containment:
                s = max(jac, cont)
                if s > best_score:  # candidates come oldest first: ties keep the oldest
                    best, best_score = cand, s
        return best, best_score

    def _best_story(self, vec: dict[str, float], when: datetime | None) -> tuple[int | None, float]:
        p = self.params
        if not vec:
            return None, 0.0
        top = sorted(vec.items(), key=lambda kv: (-kv[1], kv[0]))
        cands = self._story_index.candidates(top[: p.query_terms], p.candidates, self._alive_story)
        best, best_score = None, 0.0
        for s in cands:
            st = self._stories[s]
            factor = self._time_factor(st, when)
            if factor <= 0.0 or st.norm2 <= 0.0:
                continue
            c = st.centroid
            dot = sum(w * c.get(t, 0.0) for t, w in vec.items())
            score = dot / math.sqrt(st.norm2) * factor
            if score > best_score or (score == best_score and best is not None and s > best):
                best, best_score = s, score
        if best is None or best_score < p.threshold:
            return None, best_score
        return best, best_score

    def _time_factor(self, st: _Story, when: datetime | None) -> float:
        if when is None or st.first is None or st.last is None:
            return 1.0
        p = self.params
        gap_h = max(0.0, (st.first - when).total_seconds(), (when - st.last).total_seconds()) / 3600
        if gap_h > p.time_window_hours:
            return 0.0
        return 0.5 ** (max(0.0, gap_h - p.time_grace_hours) / p.time_half_life_hours)

    def _join(self, story: int, vec: dict[str, float]) -> None:
        p = self.params
        st = self._stories[story]
        c = st.centroid
        norm2 = st.norm2
        for t, w in vec.items():
            old = c.get(t, 0.0)
            new = old + w
            c[t] = new
            norm2 += new * new - old * old
        if len(c) > 2 * p.centroid_terms:
            # Keep the heaviest terms: a long-running story must not grow without bound.
            kept = sorted(c.items(), key=lambda kv: (-kv[1], kv[0]))[: p.centroid_terms]
            st.centroid = c = dict(kept)
            norm2 = sum(v * v for v in c.values())
        st.norm2 = norm2
        top = sorted(vec.items(), key=lambda kv: (-kv[1], kv[0]))[: p.index_terms]
        self._story_index.add(story, (t for t, _ in top), self._alive_story)

    def forget_before(self, t: datetime) -> None:
        """Drop stories whose last article is older than ``t`` (their ids are forgotten too)."""
        old = [s for s, st in self._stories.items() if st.last is not None and st.last < t]
        for s in old:
            st = self._stories.pop(s)
            for n in st.members:
                rec = self._recs.pop(n)
                del self._by_id[rec.assignment.id]
                chash, tkey, ukey = rec.keys
                for table, key in (
                    (self._by_hash, chash),
                    (self._by_title, tkey),
                    (self._by_url, ukey),
                ):
                    if key is not None and table.get(key) in (n, rec.root):
                        del table[key]
                if rec.sketch is not None:
                    self._copy_index.remove(n, rec.sketch.keys())
        if old:
            self._story_index.compact(self._alive_story)
