"""The online engine: each new article is a copy of an earlier one, joins a story, or starts one.

Deterministic: the state after a sequence of ``add`` calls depends only on that sequence, so the
daemon rebuilds it by replaying stored articles in their stored order.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from itertools import islice
from sys import intern

from kliping.dedup.embedding import usable
from kliping.dedup.events import Events
from kliping.dedup.features import Idf
from kliping.dedup.fingerprint import Sketch, resemblance
from kliping.dedup.index import CopyIndex
from kliping.dedup.params import Params
from kliping.dedup.prepare import Doc, Prepared, aware, prepare, prepare_many
from kliping.dedup.stories import Stories

__all__ = ["Assignment", "Clusterer", "Doc"]


@dataclass(frozen=True, slots=True)
class Assignment:
    id: str
    story: str  # the id of the story's first article: stable across replays
    duplicate_of: str | None  # the earliest known article of this one's copy group
    score: float  # copy resemblance, event or story similarity, or 0.0 for a new story
    event: str  # the id of the event's first article (events never merge: stable)


@dataclass(slots=True)
class _Rec:
    assignment: Assignment
    story: int
    event: int
    root: int  # first document of the copy group (itself if original)
    sketch: Sketch | None
    keys: tuple[str | None, str | None, str | None]  # content hash, title key, url key


class Clusterer:
    """Online copy detection and story assignment (see the module docstring)."""

    def __init__(self, params: Params | None = None) -> None:
        self.params = usable(params or Params())
        self._idf = Idf()
        self._stories = Stories(self.params)
        self._events = Events(self.params)
        self._story_events: dict[int, list[int]] = {}  # story -> its events, oldest first
        self._event_merges: list[tuple[str, str]] = []
        self._recs: dict[int, _Rec] = {}
        self._by_id: dict[str, int] = {}
        self._by_hash: dict[str, int] = {}
        self._by_title: dict[str, int] = {}
        self._by_url: dict[str, int] = {}
        self._copy_index = CopyIndex()
        self._merges: list[tuple[str, str]] = []
        self._next = 0
        self._clock: datetime | None = None

    def __len__(self) -> int:
        return len(self._recs)

    def story_of(self, doc_id: str) -> str | None:
        """The current label of the story holding ``doc_id`` (it changes only by a merge)."""
        n = self._by_id.get(doc_id)
        return None if n is None else self._stories[self._recs[n].story].label

    def event_of(self, doc_id: str) -> str | None:
        """The label of the event holding ``doc_id`` (events never merge, so it never changes)."""
        n = self._by_id.get(doc_id)
        return None if n is None else self._events[self._recs[n].event].label

    def drain_event_merges(self) -> list[tuple[str, str]]:
        """Event merges since the last call, as (absorbed label, surviving label), in order."""
        out, self._event_merges = self._event_merges, []
        return out

    def drain_merges(self) -> list[tuple[str, str]]:
        """Story merges since the last call, as (absorbed label, surviving label), in order.

        A store applies them by moving the absorbed story's members to the surviving one.
        """
        out, self._merges = self._merges, []
        return out

    def add_many(
        self, docs: Iterable[Doc], workers: int = 1, chunk: int = 64
    ) -> Iterator[Assignment]:
        """``add`` each article in order, yielding assignments as they are made.

        With ``workers`` > 1 the per-article stage (``prepare``: cleaning, shingles, terms) runs
        in that many processes while this one assigns; the result is identical to ``add``.
        """
        if workers <= 1:
            for d in docs:
                yield self.add(d)
            return
        with ProcessPoolExecutor(workers) as pool:
            pending: deque[tuple[list[Doc], Future[list[Prepared]]]] = deque()
            for batch in _batches(docs, chunk):
                pending.append((batch, pool.submit(prepare_many, (batch, self.params))))
                while len(pending) > 2 * workers:  # bounded look-ahead
                    yield from self._add_prepared(*pending.popleft())
            while pending:
                yield from self._add_prepared(*pending.popleft())

    def _add_prepared(
        self, batch: list[Doc], future: Future[list[Prepared]]
    ) -> Iterator[Assignment]:
        for d, pre in zip(batch, future.result(), strict=True):
            yield self.add(d, pre)

    def add(self, doc: Doc, prepared: Prepared | None = None) -> Assignment:
        """Assign ``doc``; adding a known id again returns its assignment (current story label).

        ``prepared``: ``prepare(doc, self.params)`` if already computed (e.g. in another process).
        """
        known = self._by_id.get(doc.id)
        if known is not None:
            a = self._recs[known].assignment
            return replace(a, story=self._stories[self._recs[known].story].label)
        p = self.params
        pre = prepared if prepared is not None else prepare(doc, p)
        n = self._next
        self._next += 1
        published = pre.published
        when = published or self._clock
        if published and (self._clock is None or published > self._clock):
            self._clock = published
        chash, tkey, ukey, sk = pre.content_hash, pre.title_key, pre.url_key, pre.sketch

        dup, score = self._find_copy(chash, tkey, pre.source_url_key, sk)
        if dup is not None:
            root = self._recs[dup].root
            story = self._stories.resolve(self._recs[root].story)
            assert story is not None  # a live copy's original is in a live story
            self._stories.join(story, n, None, when)
            event = self._recs[root].event
            self._events.join(event, n, None, when)
            event = self._events.resolve(event)  # type: ignore[assignment]
            # A copy takes the label its original was given, even if that story has since been
            # merged: a store that has not applied the merge keeps copy and original together.
            first = self._recs[root].assignment
            a = Assignment(doc.id, first.story, first.id, score, self._events[event].label)
        else:
            root = n
            # One string object per term for the whole engine: an article prepared in a worker
            # process arrives with its own copies, which its story's centroid, its event's core,
            # the IDF tables and the postings would otherwise each keep.
            raw = pre.terms.counts
            counts = dict(zip(map(intern, raw), raw.values(), strict=True))
            vec = self._idf.vector(counts, p.vector_terms)
            short = pre.words < p.short_words
            emb = pre.embedding
            ew = p.short_embed_weight if short else p.embed_weight
            bonus = p.short_size_bonus if short else 0.0
            scored = self._stories.scored(vec, when, bonus, emb, ew)
            threshold = p.short_threshold if short else p.threshold
            if scored and scored[0][1] >= threshold:
                story, score = scored[0]
                centroid = self._stories[story].centroid
                self._idf.add(self._stories.vocab.absent(centroid, list(counts)), False)
            else:
                story, score = n, 0.0
                self._stories.create(n, doc.id)
                self._idf.add(counts, True)
            # Then the event, among the events of that story: every event lies in one story,
            # and an event never overrides the story's decision (letting an event pull an
            # article that fits no story into its story cost id_events 0.013 B-cubed on half A).
            evec = self._events.vector(counts)
            resolve = self._stories.resolve
            escored = (
                []
                if story == n  # a new story holds no event yet
                else [
                    (e, s)
                    for e, s in self._events.scored(evec, when)
                    if resolve(self._events[e].story) == story
                ]
            )
            ethreshold = p.short_event_threshold if short else p.event_threshold
            if escored and escored[0][1] >= ethreshold:
                event, score = escored[0]
            else:
                event = n
                self._events.create(n, doc.id, story)
                self._story_events.setdefault(story, []).append(n)
            self._events.join(event, n, evec, when)
            self._stories.join(story, n, vec, when, emb)
            merge = p.short_merge_threshold if short else p.merge_threshold
            merges = self._stories.merge_close(story, scored[1:], threshold, merge, ew)
            small = p.short_absorb_size if short else p.absorb_size
            if small:
                merges += self._stories.absorb_small(story, scored, threshold, bonus, small, ew)
            for gone, keep in merges:
                number = self._by_id.get
                bar = max(ethreshold, p.event_merge_threshold)
                self._merge_events(number(keep, n), number(gone, n), bar)
            self._merges.extend(merges)
            label = self._events[event].label
            a = Assignment(doc.id, self._stories[story].label, None, score, label)

        # Only bodies in the copy index are ever compared again: a copy's or a short body's
        # sketch (~0.8 KB) is not kept.
        indexed = sk is not None and sk.size >= p.copy_min_shingles and dup is None
        self._recs[n] = _Rec(a, story, event, root, sk if indexed else None, (chash, tkey, ukey))
        if n % _CLOSE_EVERY == 0 and self._clock is not None:
            # Events far older than the newest article take no members: free their cores. The
            # margin keeps them for articles that arrive up to 3 days out of order.
            window = timedelta(hours=p.event_window_hours) + _CLOSE_MARGIN
            self._events.close_before(self._clock - window)
        self._by_id[doc.id] = n
        if chash is not None:
            self._by_hash.setdefault(chash, root)
        if tkey:
            self._by_title.setdefault(tkey, root)
        if ukey:
            self._by_url.setdefault(ukey, n)
        if indexed:
            self._copy_index.add(n, sk.keys())  # type: ignore[union-attr]
        return a

    def _merge_events(self, keep: int, gone: int, threshold: float) -> None:
        """Story ``gone`` went into ``keep``: its events that fit one of ``keep``'s recent events
        (average link >= ``threshold``, within the event time window) are merged into it."""
        events, p = self._events, self.params
        moved = self._story_events.pop(gone, [])
        into = self._story_events.setdefault(keep, [])
        recent = into[-p.event_merge_recent :] if p.event_merge_recent else []
        for e in moved:
            eg = events.resolve(e)
            if eg is None:
                continue
            best, best_score = None, threshold
            for k in recent:
                ek = events.resolve(k)
                if ek is None or ek == eg:
                    continue
                a, b = events[ek], events[eg]
                if max(events.gap_hours(a, b.first), events.gap_hours(a, b.last)) > (
                    p.event_window_hours
                ):
                    continue
                score = events.link(ek, eg)
                if score >= best_score and (best is None or score > best_score):
                    best, best_score = ek, score
            if best is not None:
                keep_e, gone_e = (best, eg) if best < eg else (eg, best)
                self._event_merges.append((events[gone_e].label, events[keep_e].label))
                events.merge(keep_e, gone_e)
        into.extend(moved)

    def _alive_doc(self, n: int) -> bool:
        return n in self._recs

    def _find_copy(
        self, chash: str | None, tkey: str | None, src: str | None, sk: Sketch | None
    ) -> tuple[int | None, float]:
        p = self.params
        if chash is not None and chash in self._by_hash:
            return self._by_hash[chash], 1.0
        if tkey and tkey in self._by_title:
            return self._by_title[tkey], 1.0
        if src:
            named = self._by_url.get(src)
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

    def forget_before(self, t: datetime) -> None:
        """Drop stories whose last article is older than ``t`` (their ids are forgotten too)."""
        gone_events: list[int] = []
        for st in self._stories.forget_before(aware(t)):  # type: ignore[arg-type]
            self._story_events.pop(self._by_id[st.label], None)
            for n in st.members:
                gone_events.append(self._recs[n].event)
                rec = self._recs.pop(n)
                del self._by_id[rec.assignment.id]
                chash, tkey, ukey = rec.keys
                tables = ((self._by_hash, chash), (self._by_title, tkey), (self._by_url, ukey))
                for table, key in tables:
                    if key is not None and table.get(key) in (n, rec.root):
                        del table[key]
                if rec.sketch is not None:
                    self._copy_index.remove(n, rec.sketch.keys())
        self._events.drop(sorted(set(gone_events)))


# Articles between two passes over the events to free old cores (a pass reads every live event:
# ~10 ms with 100k held, so 0.005 ms an article).
_CLOSE_EVERY = 2000
_CLOSE_MARGIN = timedelta(days=3)


def _batches(docs: Iterable[Doc], size: int) -> Iterator[list[Doc]]:
    it = iter(docs)
    while batch := list(islice(it, size)):
        yield batch
