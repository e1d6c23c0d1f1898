"""What a document looks like to the story clusterer: weighted terms, then TF-IDF vectors.

A term is a stemmed, stop-word-free word. Title words, lead words and name-like words (capitalised
mid-sentence, acronyms, numbers) count extra; term frequency is sublinear; IDF counts stories
seen so far (``Idf``).
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable
from dataclasses import dataclass

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
        self._df: dict[str, int] = {}
        self._n = 0

    def add(self, terms: Iterable[str], new_unit: bool) -> None:
        """Count ``terms`` once more; ``new_unit`` when they open a new story."""
        self._n += new_unit
        df = self._df
        for t in terms:
            df[t] = df.get(t, 0) + 1

    def vector(self, counts: dict[str, float], limit: int) -> dict[str, float]:
        """L2-normalised sublinear TF-IDF vector of weighted counts (its ``limit`` heaviest),
        in order, heaviest first."""
        get = self._df.get
        logs = _LOG1
        log = math.log
        top = log(self._n + 1.0) + 1.0
        vec = {}
        for t, c in counts.items():
            df = get(t, 0)
            idf = top - (logs[df] if df < len(logs) else log(df + 1.0))
            vec[t] = (1.0 + log(c) if c >= 1.0 else c) * idf
        if len(vec) > limit:
            # Keep the heaviest: everything at or above the limit-th weight (ties may add a few).
            floor = sorted(vec.values())[-limit]
            vec = {t: v for t, v in vec.items() if v >= floor}
        norm = math.sqrt(math.fsum([v * v for v in vec.values()]))
        if norm == 0.0:
            return {}
        # Heaviest first (ties by term): callers take the top terms by slicing.
        return {t: v / norm for t, v in sorted(vec.items(), key=_heaviest)}


def _heaviest(kv: tuple[str, float]) -> tuple[float, str]:
    return -kv[1], kv[0]


# ln(df + 1) for the small document frequencies that almost every term has.
_LOG1 = [math.log(i + 1.0) for i in range(4096)]
