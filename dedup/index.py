"""Candidate retrieval: which stories and which earlier bodies are worth comparing with.

Two inverted indexes, neither ever scanned whole:

- ``StoryIndex``: term -> stories (each document enters its story under its top TF-IDF terms);
  a new document asks with its own top terms and gets the stories sharing the most weight.
- ``CopyIndex``: bottom-k MinHash key -> documents; a near copy shares one of them (see
  ``fingerprint.INDEX_KEYS``).

Forgotten stories are dropped lazily: their ids stay in postings until a trim compacts them,
and lookups skip ids the caller no longer knows.
"""

from __future__ import annotations

from array import array
from collections.abc import Callable, Iterable

import numpy as np


class StoryIndex:
    """term -> story ids (ints, in the order they were indexed), capped per term."""

    def __init__(self, posting_cap: int) -> None:
        self._cap = posting_cap
        self._post: dict[str, array[int]] = {}

    def add(self, story: int, terms: Iterable[str], alive: Callable[[int], bool]) -> None:
        post = self._post
        for t in terms:
            arr = post.get(t)
            if arr is None:
                post[t] = array("q", (story,))
                continue
            if arr[-1] == story:  # the same story indexed twice in a row under one term
                continue
            arr.append(story)
            if len(arr) > 2 * self._cap:
                # Keep the most recent live stories: a term that names hundreds of stories is too
                # common to find one by, and the list must not grow with the engine.
                keep = [s for s in arr[-self._cap :] if alive(s)]
                post[t] = array("q", keep)

    def candidates(
        self, query: list[tuple[str, float]], k: int, resolve: Callable[[int], int | None]
    ) -> list[int]:
        """The k live stories sharing the most query weight (ties: the newer story first).

        ``resolve`` maps an indexed id to the live story it now belongs to (merges) or None.
        """
        postings: list[array[int]] = []
        weights: list[float] = []
        lengths: list[int] = []
        post = self._post
        for term, w in query:
            arr = post.get(term)
            if arr:
                postings.append(arr)
                weights.append(w)
                lengths.append(len(arr))
        if not postings:
            return []
        flat = np.frombuffer(b"".join(postings), dtype=np.int64)  # a copy: postings may change
        # np.unique(flat, return_inverse=True) by hand. A stable order keeps each story's entries
        # in query order, so bincount adds its weights in the same order as over ``flat`` itself:
        # the same sums to the last bit. It comes from sorting (id << bits | position), not from
        # argsort(kind="stable"): a plain sort of int64 runs vectorised (AVX-512 here), 290 ->
        # 37 us on 5,000 entries. Ids are article numbers: with 16 terms of at most 400 postings
        # a position takes 13 bits, so ids up to 2**50 fit.
        bits = flat.size.bit_length()
        keyed = np.sort((flat << bits) | np.arange(flat.size, dtype=np.int64))
        perm = keyed & ((1 << bits) - 1)
        ordered = keyed >> bits
        first = np.empty(ordered.size, dtype=bool)
        first[0] = True
        np.not_equal(ordered[1:], ordered[:-1], out=first[1:])
        uniq = ordered[first]
        sums = np.bincount(np.cumsum(first) - 1, weights=np.repeat(weights, lengths)[perm])
        # The 4k best by score, then by id descending (newer first): deterministic. Only those
        # scoring at least the 4k-th best score are sorted (with 100k articles held, a query
        # meets ~5,000 stories, and sorting them all was the engine's most expensive step).
        wide = 4 * k
        if uniq.size > wide:
            best = np.flatnonzero(sums >= np.partition(sums, uniq.size - wide)[uniq.size - wide])
            head = best[np.lexsort((-uniq[best], -sums[best]))[:wide]]
        else:
            head = np.lexsort((-uniq, -sums))
        # Merged stories are indexed under several ids: add up their weight over a wider head.
        total: dict[int, float] = {}
        for indexed, w in zip(uniq[head].tolist(), sums[head].tolist(), strict=True):
            s = resolve(indexed)
            if s is not None:
                total[s] = total.get(s, 0.0) + w
        return sorted(total, key=lambda s: (-total[s], -s))[:k]

    def compact(self, alive: Callable[[int], bool]) -> None:
        """Drop dead stories from every posting (after a large ``forget``)."""
        for t in list(self._post):
            keep = [s for s in self._post[t] if alive(s)]
            if keep:
                self._post[t] = array("q", keep)
            else:
                del self._post[t]

    def __len__(self) -> int:
        return len(self._post)


# A MinHash key shared by this many bodies is a boilerplate shingle that survived cleaning (a
# standard closing sentence), not evidence of copying: stop listing more bodies under it.
_MAX_KEY_DOCS = 64


class CopyIndex:
    """MinHash key -> document ids (ints)."""

    def __init__(self) -> None:
        self._post: dict[int, int | list[int]] = {}

    def add(self, doc: int, keys: Iterable[int]) -> None:
        post = self._post
        for key in keys:
            cur = post.get(key)
            if cur is None:
                post[key] = doc
            elif isinstance(cur, int):
                post[key] = [cur, doc]
            elif len(cur) < _MAX_KEY_DOCS:
                cur.append(doc)

    def lookup(self, keys: Iterable[int], alive: Callable[[int], bool]) -> list[int]:
        """Documents sharing any key, oldest first, without repeats."""
        found: set[int] = set()
        for key in keys:
            cur = self._post.get(key)
            if cur is None:
                continue
            if isinstance(cur, int):
                found.add(cur)
            else:
                found.update(cur)
        return sorted(d for d in found if alive(d))

    def remove(self, doc: int, keys: Iterable[int]) -> None:
        post = self._post
        for key in keys:
            cur = post.get(key)
            if cur is None:
                continue
            if isinstance(cur, int):
                if cur == doc:
                    del post[key]
            else:
                rest = [d for d in cur if d != doc]
                if not rest:
                    del post[key]
                else:
                    post[key] = rest[0] if len(rest) == 1 else rest
