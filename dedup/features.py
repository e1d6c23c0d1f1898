"""What a document looks like to the story clusterer: weighted terms, then TF-IDF vectors.

A term is a stemmed, stop-word-free word. Title words, lead words and name-like words (capitalised
mid-sentence, acronyms, numbers) count extra; term frequency is sublinear; IDF counts stories
seen so far (``Idf``).
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from itertools import compress, repeat
from operator import ge, mul, neg, sub

from kliping.dedup.params import Params
from kliping.dedup.text import CleanText, clean_body, clean_title, unglue
from kliping.dedup.tokens import STOPWORDS, is_indonesian, stem_en, stem_id

# Decimal and grouped numbers stay whole ("5,9" magnitude, "1.200" houses): as one token they
# tell two earthquakes apart; split, they are the digits every story has.
_TOKEN = re.compile(r"\d+(?:[.,]\d+)+|[^\W_]+")


@dataclass(frozen=True, slots=True)
class Terms:
    """Raw weighted term counts of one document, before IDF."""

    counts: dict[str, float]
    language: str  # "id" or "en"


# Sentence (and quote/bracket) boundaries: a capital right after one says nothing about names.
_SENTENCE = re.compile(r"[.!?:\"“”‘’'(\n]+")
# Per surface word and language: (stem or "" for a stop word, capitalised, all capitals or a
# number). Words repeat across articles, so this saves most of the per-token work; bounded.
_INFO: dict[str, dict[str, tuple[str, bool, bool]]] = {"id": {}, "en": {}}
_CACHE_MAX = 400_000


def _info(tok: str, lang: str) -> tuple[str, bool, bool]:
    cache = _INFO[lang]
    info = cache.get(tok)
    if info is None:
        low = tok.lower()
        if low in STOPWORDS or len(low) < 2:
            key = ""
        else:
            key = stem_id(low) if lang == "id" else stem_en(low)
        first = tok[0]
        info = (key, first.isupper(), (len(tok) > 1 and tok.isupper()) or first.isdigit())
        if len(cache) >= _CACHE_MAX:
            cache.clear()
        cache[tok] = info
    return info


def _add_tokens(
    counts: dict[str, float], text: str, lang: str, weight: float, boost: float
) -> None:
    """Add ``text``'s terms to ``counts``; name-like words count ``boost`` times.

    A name-like word is capitalised but not sentence-initial, an acronym, or a number: these
    carry the who/where of an event ("Ushakov", "KPK", "5,9").
    """
    named = weight * boost
    cache = _INFO[lang]
    get = counts.get
    findall = _TOKEN.findall
    for sentence in _SENTENCE.split(unglue(text)):
        initial = True
        for tok in findall(sentence):
            key, cap, strong = cache.get(tok) or _info(tok, lang)
            if key:
                named_here = strong or (cap and not initial)
                counts[key] = get(key, 0.0) + (named if named_here else weight)
            initial = False


def _headline_case(title: str) -> bool:
    """English headlines Capitalise Most Words: capitals there say nothing about names."""
    toks = _TOKEN.findall(title)
    caps = sum(1 for t in toks if t[0].isupper())
    return len(toks) >= 4 and caps / len(toks) > 0.6


def extract(title: str, text: str, params: Params, cleaned: CleanText | None = None) -> Terms:
    """Weighted term counts of a document (title + cleaned body, lead counted extra)."""
    title = clean_title(title)
    body = cleaned if cleaned is not None else clean_body(text, title)
    sample = _TOKEN.findall(title + " " + body.lead[:600])
    lang = "id" if is_indonesian(sample) else "en"
    counts: dict[str, float] = {}
    boost = params.name_boost
    _add_tokens(counts, title, lang, params.title_weight, 1.0 if _headline_case(title) else boost)
    if body.body:
        _add_tokens(counts, body.lead, lang, 1.0 + params.lead_weight, boost)
        _add_tokens(counts, body.body[len(body.lead) :], lang, 1.0, boost)
    elif params.char_ngram:
        # Headline-only: character n-grams of the headline's words also match inflected and
        # compound forms ("Snowden's", "marijuana"/"marijuana-related"): +0.01 B-cubed on uci.
        n = params.char_ngram
        for word in _TOKEN.findall(title.lower()):
            if word in STOPWORDS:
                continue
            padded = f" {word} "
            for i in range(max(1, len(padded) - n + 1)):
                g = "#" + padded[i : i + n]
                counts[g] = counts.get(g, 0.0) + params.char_weight
    return Terms(counts=counts, language=lang)


class Idf:
    """Inverse frequencies from what the engine has seen, counted per story, not per article.

    ``idf(t) = ln((N + 1) / (df(t) + 1)) + 1`` with N the number of stories and df(t) the number
    of stories whose centroid holds t. Counting stories keeps a story's own names rare however
    many articles it has (uci_dev: +0.01 B-cubed over per-article counts, and the gap grows with
    big stories); it is incremental and deterministic, so a replay rebuilds it exactly.
    """

    def __init__(self) -> None:
        self._df: Counter[str] = Counter()
        self._n = 0
        self._plus = 1.0  # the "+ 1" of the formula: the weight of a word every unit has

    def add(self, terms: Iterable[str], new_unit: bool) -> None:
        """Count ``terms`` once more; ``new_unit`` when they open a new story."""
        self._n += new_unit
        # Counter.update counts an iterable in C; iter() so that a dict's keys are counted once
        # each (given a mapping, update would add its values).
        self._df.update(iter(terms))

    def vector(self, counts: dict[str, float], limit: int) -> dict[str, float]:
        """L2-normalised sublinear TF-IDF vector of weighted counts (its ``limit`` heaviest),
        in order, heaviest first."""
        # Per term: tf = 1 + ln(c) (c itself below 1), idf = ln(N + 1) + 1 - ln(df + 1). This is
        # the engine's hottest function, so the loop runs in C (maps over tables of logs); every
        # term gets exactly the float operations of a plain loop: bit-identical vectors.
        if not counts:
            return {}
        terms = list(counts)
        dfs = list(map(self._df.get, terms, repeat(0)))
        top = math.log(self._n + 1.0) + self._plus
        idfs = map(sub, repeat(top), _ln_df1(dfs))
        weights = list(map(mul, _tf(list(counts.values())), idfs))
        if len(weights) > limit:
            # Keep the heaviest: everything at or above the limit-th weight (ties may add a few).
            floor = sorted(weights)[-limit]
            keep = list(map(ge, weights, repeat(floor)))
            terms, weights = list(compress(terms, keep)), list(compress(weights, keep))
        # fsum is exactly rounded: the norm does not depend on the order of the terms.
        norm = math.sqrt(math.fsum(map(mul, weights, weights)))
        if norm == 0.0:
            return {}
        # Heaviest first, ties by term (sorted by (-weight, term)): callers take the top terms by
        # slicing. -(-w) is w exactly.
        return {t: -w / norm for w, t in sorted(zip(map(neg, weights), terms, strict=True))}


# ln(df + 1) for df = 0, 1, ...: a table, grown on demand up to a bound (df only grows).
_LN1: list[float] = []
_LN1_MAX = 1 << 16


def _ln_df1(dfs: list[int]) -> Iterable[float]:
    most = max(dfs)
    if most >= len(_LN1) and most < _LN1_MAX:
        _LN1.extend(math.log(i + 1.0) for i in range(len(_LN1), min(2 * most + 1, _LN1_MAX)))
    if most < len(_LN1):
        return map(_LN1.__getitem__, dfs)
    return [_LN1[d] if d < _LN1_MAX else math.log(d + 1.0) for d in dfs]


# Sublinear tf by weighted count (a count is a sum of a few weights: few distinct values).
_TF: dict[float, float] = {}


def _tf(counts: list[float]) -> list[float]:
    out = list(map(_TF.get, counts))
    if None in out:
        if len(_TF) > 100_000:
            _TF.clear()
        for i, c in enumerate(counts):
            if out[i] is None:
                out[i] = _TF[c] = 1.0 + math.log(c) if c >= 1.0 else c
    return out  # type: ignore[return-value]
