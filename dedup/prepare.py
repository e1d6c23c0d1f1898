"""The per-article stage: everything about one article that does not depend on the others.

``prepare`` is a pure function of the article and the options, so it can run in worker processes
(``Clusterer.add_many``) while the engine's sequential, stateful part stays in one place.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

import numpy as np

from kliping.dedup.embedding import available, coverage, embed
from kliping.dedup.features import Terms, extract
from kliping.dedup.fingerprint import Sketch, content_hash_words, normalised_words, sketch
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
    # The original's url from a syndication footer the extractor cut (storage keeps it); a
    # footer still in ``text`` (text from other scrapers) is read by clean_body.
    syndicated_from: str | None = None


@dataclass(frozen=True, slots=True)
class Prepared:
    """What the engine needs of one article."""

    published: datetime | None  # timezone-aware (naive input is taken as UTC)
    content_hash: str | None  # of the cleaned body; None without a body
    title_key: str | None  # normalised headline, for headline-only articles
    url_key: str | None  # this article's url, normalised
    source_url_key: str | None  # the original's url named by a syndication footer
    sketch: Sketch | None  # bottom-k MinHash of the body's shingles
    words: int  # body length in words
    terms: Terms  # weighted terms for the story clusterer
    embedding: np.ndarray | None = None  # unit sentence embedding (English headlines, embed extra)


def aware(t: datetime | None) -> datetime | None:
    """Naive times are taken as UTC, so naive and aware inputs can be compared."""
    return t if t is None or t.tzinfo is not None else t.replace(tzinfo=UTC)


def prepare(doc: Doc, params: Params) -> Prepared:
    title = clean_title(doc.title)
    cleaned = clean_body(doc.text, title)
    words = cleaned.words
    terms = extract(title, doc.text, params, cleaned)
    return Prepared(
        published=aware(doc.published),
        content_hash=content_hash_words(words) if words else None,
        title_key=" ".join(normalised_words(title)) if not words and title else None,
        url_key=normalise_url(doc.url),
        source_url_key=normalise_url(doc.syndicated_from or cleaned.source_url),
        sketch=sketch(words) if len(words) >= 3 else None,
        words=len(words),
        terms=terms,
        embedding=_embedding(title, words, terms, params),
    )


def _embedding(title: str, words: list[str], terms: Terms, params: Params) -> np.ndarray | None:
    weight = params.short_embed_weight if len(words) < params.short_words else params.embed_weight
    if weight <= 0 or not available():
        return None
    text = " ".join([title, *words[: params.embed_lead_words]])
    if terms.language != "en" and coverage(text) < params.embed_min_coverage:
        return None
    return embed(text)


def prepare_many(args: tuple[list[Doc], Params]) -> list[Prepared]:
    """``prepare`` over a chunk (the unit sent to a worker process)."""
    docs, params = args
    return [prepare(d, params) for d in docs]
