"""Page language: the page's own declaration, else a function-word count."""

from __future__ import annotations

import re

from .document import Page

# Very frequent words that are rare in the other language; counted on the first 2,000 chars.
_ID = frozenset(
    """yang dan di dengan untuk ini itu dari dalam tidak akan pada juga ke karena oleh adalah
    telah sudah bahwa atau saat mereka kata kami""".split()  # noqa: SIM905 - a word list reads better
)
_EN = frozenset(
    "the and of to in is that for was with on as are by this be from".split()  # noqa: SIM905
)
_WORD = re.compile(r"[a-z]+")


def language(page: Page, text: str) -> str | None:
    if page.lang:
        return page.lang
    words = _WORD.findall(text[:2000].lower())
    if len(words) < 20:
        return None
    indonesian = sum(w in _ID for w in words)
    english = sum(w in _EN for w in words)
    if indonesian >= 0.05 * len(words) and indonesian > english:
        return "id"
    if english >= 0.05 * len(words):
        return "en"
    return None
