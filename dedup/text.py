"""Body cleaning before comparison: boilerplate lines, datelines/leads, syndication footers.

Everything here is outlet-agnostic text surgery on what the extractor hands over (`text` with
paragraphs separated by ``\\n``). What one outlet prints in every story (dateline, "Baca juga",
footer) must go, or two unrelated stories from that outlet look alike. The Indonesian phrase
lists, datelines and the footer pattern are shared with the extractor: kliping.config.indonesian.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from kliping.config.identity import identity
from kliping.config.indonesian import (
    COMPARED_DROP,
    SIGNOFF_LINE,
    WIDGET,
    strip_dateline,
    syndication_footer,
)

# A widget glued to debris makes a short line; a paragraph that mentions sharing is longer.
_WIDGET_LINE_MAX = 120
# Lines searched for a dateline, and the length from which a line is a paragraph, not a heading
# (headlines in id_events_dev run 40-130 characters; lead paragraphs 150+).
_LEAD_LINES = 4
_PARAGRAPH_MIN = 140

# A capital right after a lower-case letter, or after one and a sentence mark. Written capital
# first (the look-behinds check what precedes it) so the regex engine skips to capitals instead of
# trying a match at every lower-case letter: 3x faster than "([a-z][.!?”\"]?)(?=[A-Z])", with the
# same insertions (checked on id_events_dev, uci_dev and random strings).
_GLUED = re.compile(r"[A-Z](?:(?<=[a-z][A-Z])|(?<=[a-z][.!?”\"][A-Z]))")
_LINE_WORD = re.compile(r"\w+")
_BODY_WORD = re.compile(r"[^\W_]+")
_TITLE_PAGE_SUFFIX = re.compile(r"\s*[-–—|]?\s*halaman\s+(?:all|\d+)\s*$", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class CleanText:
    """A body after cleaning, and the original's url if a syndication footer named one."""

    body: str
    lead: str
    source_url: str | None
    words: list[str]  # the body's lower-case words (letters and digits): copy comparison's unit


def normalise_unicode(text: str) -> str:
    """NFKC, so full-width and compatibility forms compare equal."""
    return unicodedata.normalize("NFKC", text)


def clean_title(title: str) -> str:
    """Drop the `Halaman all` / `Halaman 2` suffix a paginated view adds (Kompas, Tribun)."""
    return _TITLE_PAGE_SUFFIX.sub("", normalise_unicode(title or "")).strip()


def source_url(text: str) -> str | None:
    """The url named by a syndication footer, if any (the last such footer wins)."""
    return syndication_footer(text)[1]


def clean_body(text: str, title: str = "") -> CleanText:
    """Return the reporting only: no furniture lines, dateline, footer, repeated title or lines.

    The lead is the first remaining paragraph; it carries the who/what/where of a news story.
    """
    text = normalise_unicode(text or "")
    footer, url = syndication_footer(text)
    if footer is not None:
        text = text[:footer]
    title_key = _line_key(title)
    seen: set[str] = set()
    kept: list[str] = []
    keys: list[str] = []
    for raw in text.split("\n"):
        line = raw.strip()
        if not line or COMPARED_DROP.match(line) or SIGNOFF_LINE.match(line):
            continue
        if len(line) <= _WIDGET_LINE_MAX and WIDGET.search(line):
            continue
        if len(kept) < _LEAD_LINES:
            # Tribun pages repeat title and lead above the dateline paragraph: look a few lines in.
            line = strip_dateline(line, bare=len(line) >= _PARAGRAPH_MIN)
        key = _line_key(line)
        # POS-KUPANG repeats the title and the lead above the body; a copy without them must match.
        if not key or key == title_key or key in seen:
            continue
        seen.add(key)
        kept.append(line)
        keys.append(key)
    body = "\n".join(kept)
    # The line keys already hold the body's lower-case \w+ words; these are its [^\W_]+ words
    # unless an underscore joins two of them (saves a second pass over the text).
    words = " ".join(keys).split() if "_" not in body else _BODY_WORD.findall(body.lower())
    return CleanText(body=body, lead=kept[0] if kept else "", source_url=url, words=words)


def unglue(text: str) -> str:
    """Split words glued where a scraper dropped link markup ("pejabatMahkamah", "itu.Namun")."""
    return _GLUED.sub(r" \g<0>", text)


def _line_key(line: str) -> str:
    return " ".join(_LINE_WORD.findall(line.lower()))


def normalise_url(url: str | None) -> str | None:
    """The URL's identity (kliping.config.identity): the same key whatever form it came in."""
    return identity(url)
