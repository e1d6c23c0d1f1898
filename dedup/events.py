"""Events: the articles that report one happening (same actors, same action, same day or days).

An event is the fine level under a story. It must not grow by chaining, so unlike a story it has
no growing centroid, no merges, no absorption and no size bonus:

- its articles are weighed with a **stream-adaptive IDF** (``WindowIdf``): document frequencies
  over the last ``Params.event_idf_window`` articles, so the words that flood the stream this
  week ("Gaza", "Rafah", "Israel" on a one-topic feed) weigh little for it;
- an article is compared with the event's **core** (its first ``Params.event_core`` articles, each
  vector as it was when it joined) by average link: the mean cosine with the core members, so one
  member that happens to share the topic's words cannot pull in an article the others do not fit;
- only events whose span is within ``Params.event_window_hours`` of the article are candidates.

Candidates come from an inverted index (term -> events), never a scan. Deterministic: the state
depends only on the sequence of ``add`` calls.
"""

from __future__ import annotations

import math
from collections import deque
from dataclasses import dataclass, field
from datetime import datetime
from itertools import islice
from operator import mul

from kliping.dedup.features import Idf
from kliping.dedup.index import StoryIndex
from kliping.dedup.params import Params


class WindowIdf(Idf):
    """IDF over the last ``size`` documents: a word common in the recent stream weighs little."""

    def __init__(self, size: int, plus: float = 1.0) -> None:
        super().__init__()
        self._size = size
        self._plus = plus
        self._recent: deque[tuple[str, ...]] = deque()
        self._popped = 0

    def push(self, terms: tuple[str, ...]) -> None:
        self._recent.append(terms)
        self._df.update(terms)
        self._n += 1
        if self._n > self._size:
            self._df.subtract(self._recent.popleft())
            self._n -= 1
            self._popped += 1
            if self._popped % self._size == 0:
                # Drop the words no recent article has (in C): the table stays the size of the
                # window's vocabulary. A zero count reads as an absent one meanwhile.
                self._df = +self._df


@dataclass(slots=True)
class Event:
    label: str
    story: int  # the engine's story this event lies in (resolved through merges by the caller)
    core: dict[str, float] = field(default_factory=dict)  # sum of the first members' vectors
    core_n: int = 0  # members in ``core``
    first: datetime | None = None
    last: datetime | None = None
    members: list[int] = field(default_factory=list)


def _add(into: dict[str, float], vec: dict[str, float]) -> None:
    for t, w in vec.items():
        into[t] = into.get(t, 0.0) + w


def _dot(a: dict[str, float], b: dict[str, float]) -> float:
    if len(a) > len(b):
        a, b = b, a
    shared = a.keys() & b.keys()
    return math.fsum(map(mul, map(a.__getitem__, shared), map(b.__getitem__, shared)))


class Events:
    def __init__(self, params: Params) -> None:
        self.params = params
        self.idf = WindowIdf(params.event_idf_window, params.event_idf_plus)
        self._live: dict[int, Event] = {}
        self._alias: dict[int, int] = {}  # merged event -> the event it went into
        self._index = StoryIndex(params.posting_cap)

    def __len__(self) -> int:
        return len(self._live)

    def __getitem__(self, e: int) -> Event:
        return self._live[self.resolve(e)]  # type: ignore[index]

    def resolve(self, e: int) -> int | None:
        """The live event ``e`` is now part of, or None if it was forgotten."""
        alias = self._alias
        while e in alias:
            e = alias[e]
        return e if e in self._live else None

    def _alive(self, e: int) -> bool:
        return self.resolve(e) is not None

    def vector(self, counts: dict[str, float]) -> dict[str, float]:
        """The article's event vector (window IDF), then the article enters the window."""
        if not self.params.event_char_ngrams:
            counts = {t: c for t, c in counts.items() if t[0] != "#"}
        vec = self.idf.vector(counts, self.params.vector_terms)
        self.idf.push(tuple(counts))
        return vec

    def gap_hours(self, ev: Event, when: datetime | None) -> float:
        if when is None or ev.first is None or ev.last is None:
            return 0.0
        return max((ev.first - when).total_seconds(), (when - ev.last).total_seconds(), 0.0) / 3600

    def scored(self, vec: dict[str, float], when: datetime | None) -> list[tuple[int, float]]:
        """Candidate events with the article's mean cosine to their core, best first."""
        p = self.params
        if not vec:
            return []
        top = list(islice(vec.items(), p.query_terms))
        out = []
        for e in self._index.candidates(top, p.event_candidates, self.resolve):
            ev = self._live[e]
            if self.gap_hours(ev, when) > p.event_window_hours:
                continue
            # Average link: the mean of the cosines with the core members is the dot product
            # with their sum over their number.
            score = _dot(vec, ev.core) / ev.core_n if ev.core_n else 0.0
            out.append((e, score))
        out.sort(key=lambda x: (-x[1], x[0]))
        return out

    def link(self, a: int, b: int) -> float:
        """Average link between two events: the mean cosine over pairs of their core members."""
        ea, eb = self._live[a], self._live[b]
        if not ea.core_n or not eb.core_n:
            return 0.0
        return _dot(ea.core, eb.core) / (ea.core_n * eb.core_n)

    def merge(self, keep: int, gone: int) -> None:
        """Event ``gone`` goes into ``keep`` (both stay known: ``resolve``)."""
        ek, eg = self._live[keep], self._live.pop(gone)
        self._alias[gone] = keep
        ek.members.extend(eg.members)
        for t in (eg.first, eg.last):
            if t is not None:
                ek.first = t if ek.first is None or t < ek.first else ek.first
                ek.last = t if ek.last is None or t > ek.last else ek.last
        if ek.core_n + eg.core_n <= self.params.event_core:
            _add(ek.core, eg.core)
            ek.core_n += eg.core_n

    def create(self, e: int, label: str, story: int) -> Event:
        ev = self._live[e] = Event(label=label, story=story)
        return ev

    def join(self, e: int, n: int, vec: dict[str, float] | None, when: datetime | None) -> None:
        ev = self[e]
        ev.members.append(n)
        if when is not None:
            ev.first = when if ev.first is None or when < ev.first else ev.first
            ev.last = when if ev.last is None or when > ev.last else ev.last
        if not vec or ev.core_n >= self.params.event_core:
            return
        _add(ev.core, vec)
        ev.core_n += 1
        top = islice(vec.items(), self.params.index_terms)
        self._index.add(e, (t for t, _ in top), self._alive)

    def drop(self, events: list[int]) -> None:
        for e in events:
            r = self.resolve(e)
            if r is not None:
                del self._live[r]
        if events:
            self._alias = {a: b for a, b in self._alias.items() if self.resolve(b) is not None}
            self._index.compact(self._alive)
