"""What a document looks like to the story clusterer: weighted terms, then TF-IDF vectors.

A term is a stemmed, stop-word-free word. Title words, lead words and name-like words (capitalised
mid-sentence, acronyms, numbers) count extra; term frequency is sublinear; IDF comes from the
documents seen so far, smoothed by a small shipped reference table (``idf_reference``).
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

from kliping.dedup.params import Params
from kliping.dedup.text import CleanText, clean_body, clean_title, unglue
from kliping.dedup.tokens import STOPWORDS, is_indonesian, stem_en, stem_id

_TOKEN = re.compile(r"[^\W_]+")
# Characters after which a capital starts a sentence rather than marks a name.
_SENTENCE_END = frozenset(".!?:\"“”‘’'(")


@dataclass(frozen=True, slots=True)
class Terms:
    """Raw weighted term counts of one document, before IDF."""

    counts: dict[str, float]
    language: str  # "id" or "en"


def _tokens(text: str) -> Iterator[tuple[str, bool]]:
    """(lower-case word, looks like a name) pairs.

    A name-like word is capitalised after a non-sentence boundary, an acronym, or a number: these
    carry the who/where of an event ("Ushakov", "KPK", "16 tahun").
    """
    text = unglue(text)
    for m in _TOKEN.finditer(text):
        tok = m.group(0)
        if tok.isdigit():
            yield tok, True
            continue
        start = m.start()
        j = start - 1
        while j >= 0 and text[j] == " ":
            j -= 1
        initial = j < 0 or text[j] in _SENTENCE_END or text[j] == "\n"
        name = tok[0].isupper() and (not initial or (len(tok) > 1 and tok.isupper()))
        yield tok.lower(), name


def _headline_case(title: str) -> bool:
    """English headlines Capitalise Most Words: capitals there say nothing about names."""
    toks = _TOKEN.findall(title)
    caps = sum(1 for t in toks if t[0].isupper())
    return len(toks) >= 4 and caps / len(toks) > 0.6


def extract(title: str, text: str, params: Params, cleaned: CleanText | None = None) -> Terms:
    """Weighted term counts of a document (title + cleaned body, lead counted extra)."""
    title = clean_title(title)
    body = cleaned if cleaned is not None else clean_body(text, title)
    sample = _TOKEN.findall(title + " " + body.lead + " " + body.body[:2000])
    lang = "id" if is_indonesian(sample) else "en"
    stem: Callable[[str], str] = stem_id if lang == "id" else stem_en
    counts: dict[str, float] = {}
    title_names = not _headline_case(title)

    def add(text: str, weight: float, names: bool, bigrams: bool) -> None:
        prev: str | None = None
        for low, name in _tokens(text):
            if low in STOPWORDS or len(low) < 2:
                prev = None
                continue
            key = stem(low)
            w = weight * (params.name_boost if names and name else 1.0)
            counts[key] = counts.get(key, 0.0) + w
            if bigrams and prev is not None:
                pair = prev + "_" + key
                counts[pair] = counts.get(pair, 0.0) + weight * params.bigram_weight
            prev = key

    add(title, params.title_weight, title_names, params.bigram_weight > 0)
    if body.body:
        add(body.lead, params.lead_weight, True, False)
        add(body.body, 1.0, True, False)
    return Terms(counts=counts, language=lang)


class Idf:
    """Document frequencies seen so far, blended with a reference table (deterministic).

    ``idf(t) = ln((N + 1) / (df(t) + 1)) + 1`` where N and df add the reference counts scaled by
    ``params.reference_weight``; the first documents of a stream thus do not see every word as rare.
    """

    def __init__(
        self, params: Params, reference: dict[str, int] | None = None, reference_docs: int = 0
    ) -> None:
        self._df: dict[str, int] = {}
        self._n = 0
        self._ref = reference or {}
        self._ref_w = params.reference_weight if reference_docs else 0.0
        self._ref_n = reference_docs

    @property
    def docs(self) -> int:
        return self._n

    def idf(self, term: str) -> float:
        n = self._n + self._ref_w * self._ref_n
        df = self._df.get(term, 0) + self._ref_w * self._ref.get(term, 0)
        return math.log((n + 1.0) / (df + 1.0)) + 1.0

    def df(self, term: str) -> int:
        return self._df.get(term, 0)

    def add(self, terms: Iterable[str], new_unit: bool) -> None:
        """Count ``terms`` once more; ``new_unit`` when they open a new document/story."""
        self._n += new_unit
        df = self._df
        for t in terms:
            df[t] = df.get(t, 0) + 1


def vectorise(terms: Terms, idf: Idf) -> dict[str, float]:
    """L2-normalised sublinear TF-IDF vector."""
    vec = {t: (1.0 + math.log(c) if c >= 1.0 else c) * idf.idf(t) for t, c in terms.counts.items()}
    norm = math.sqrt(sum(v * v for v in vec.values()))
    if norm == 0.0:
        return {}
    return {t: v / norm for t, v in vec.items()}
