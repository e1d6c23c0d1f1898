"""Optional sentence embeddings for the story score: WordLlama's static token embeddings.

WordLlama (MIT) ships its 256-dimensional weights and tokenizer inside its PyPI wheel, so nothing
is downloaded at run time, and an embedding is a mean of token vectors: ~0.05 ms a headline.
Installed with the ``embed`` extra. The model knows English: text whose words it mostly has to
split into pieces (Indonesian) is not embedded at all (``coverage``), see docs/dedup.md.
"""

from __future__ import annotations

import functools
import importlib.util
import logging
import re
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np

from kliping.dedup.params import Params

log = logging.getLogger(__name__)


class EmbeddingUnavailable(RuntimeError):
    """The ``embed`` extra is not installed (or its files are missing)."""


_WEIGHTS = ("weights/l2_supercat_256.safetensors", "tokenizers/l2_supercat_tokenizer_config.json")


def _package() -> Path:
    spec = importlib.util.find_spec("wordllama")
    if spec is None or spec.origin is None:
        raise EmbeddingUnavailable(
            "embeddings need the optional extra: pip install 'kliping[embed]'"
        )
    package = Path(spec.origin).parent
    missing = [f for f in _WEIGHTS if not (package / f).is_file()]
    if missing:
        raise EmbeddingUnavailable(f"wordllama is installed without {', '.join(missing)}")
    return package


@functools.cache
def _model() -> Any:
    package = _package()
    from wordllama import WordLlama

    # Its loader finds the shipped tokenizer only when handed the package folder as cache_dir;
    # otherwise it tries huggingface.co even though the file is in the wheel.
    logging.getLogger("wordllama").setLevel(logging.WARNING)
    return WordLlama.load(cache_dir=package, disable_download=True)


@functools.cache
def available() -> bool:
    """Whether the extra is installed with its files; says once why not.

    The model itself (+85 MB RSS, measured) is loaded on the first English headline, not here:
    most crawls never see one.
    """
    try:
        _package()
    except EmbeddingUnavailable as e:
        log.warning("sentence embeddings off, stories are found by words alone: %s", e)
        return False
    return True


def usable(params: Params) -> Params:
    """``params`` as given, or with embeddings off if the model cannot be loaded here."""
    if (params.embed_weight > 0 or params.short_embed_weight > 0) and not available():
        return replace(params, embed_weight=0.0, short_embed_weight=0.0)
    return params


_WORD = re.compile(r"[^\W\d_]+")


@functools.cache
def _whole_words() -> frozenset[str]:
    return frozenset(t[1:] for t in _model().tokenizer.get_vocab() if t.startswith("\u2581"))


def coverage(text: str) -> float:
    """Share of ``text``'s words the model has as one whole token (0.0 without words).

    The model was trained on English: a word it splits into pieces gets a generic vector, so
    text mostly made of such words (Indonesian, say) embeds close to any other such text.
    """
    words = _WORD.findall(text)
    if not words:
        return 0.0
    known = _whole_words()
    return sum(w in known or w.lower() in known for w in words) / len(words)


def embed(text: str) -> np.ndarray:
    """Unit-length float32 embedding of ``text`` (zeros for text without tokens)."""
    vec = np.asarray(_model().embed([text], norm=False)[0], dtype=np.float32)
    norm = float(np.linalg.norm(vec))
    return vec / norm if norm > 0 else vec
