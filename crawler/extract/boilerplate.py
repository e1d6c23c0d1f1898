"""Indonesian in-body boilerplate: the shared rule list, per-outlet rules, and line cleanup.

trafilatura removes page chrome; what it leaves is boilerplate that sits *inside* the article
container on Indonesian sites; the shared phrase lists are in kliping.config.indonesian, the
per-outlet ones in the registry. We clean line by line because that is the
unit those widgets occupy: each is its own <p>/<div>, so it becomes its own line.
"""

from __future__ import annotations

import re
import string
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache

from kliping.config.extract_rules import ExtractRules
from kliping.config.indonesian import STORED_CUT, STORED_DROP, is_dateline, syndication_footer

from .dates import DATE_TIME

_SHARED_DROP_RE = re.compile("|".join(f"(?:{p})" for p in STORED_DROP), re.I)
_SHARED_CUT_RE = re.compile("|".join(f"(?:{p})" for p in STORED_CUT), re.I)
_WORDS = re.compile(r"[^\W\d_]+")
_BULLET = re.compile(r"^[-•*]\s+")
# Punctuation and typographic quotes/dashes to spaces. A translate table, not a \W regex: norm()
# runs on every line and the regex was the largest cost of clean() on long paragraphs.
_PUNCT = str.maketrans(dict.fromkeys(string.punctuation + "“”‘’„–—…•·«»", " "))
# Editor initials closing the last paragraph: "(AHL)", "(rds/rds)", "(kha)".
_INITIALS = re.compile(r"(?:(?<=[.!?\"”’)])|^)\s*\((?:[A-Za-z]{2,5})(?:/[A-Za-z]{2,5})*\)\s*$")
_NAME_ONLY = re.compile(r"^\((?:[A-Z][a-z]+\s*){1,4}\)$")
_SENTENCE_END = re.compile(r"[.!?\"”]\s*$")
_TERMINAL = re.compile(r"[.!?\"”’:;)]\s*$")


@dataclass(frozen=True)
class _Compiled:
    drop: tuple[re.Pattern[str], ...]
    cut: tuple[re.Pattern[str], ...]


@lru_cache(maxsize=256)
def compiled(rules: ExtractRules) -> _Compiled:
    """Per-outlet patterns, compiled once per rules object (rules are hashable)."""
    return _Compiled(
        drop=tuple(re.compile(p, re.I) for p in rules.drop_line_patterns),
        cut=tuple(re.compile(p, re.I) for p in rules.cut_after_patterns),
    )


@dataclass
class Cleaned:
    lines: list[str]
    dropped: list[str] = field(default_factory=list)
    syndicated_from: str | None = None  # the url of a syndication footer that was cut


def norm(text: str) -> str:
    """Comparison key: case, punctuation and spacing do not make a paragraph new."""
    return " ".join(text.translate(_PUNCT).lower().split())


def clean(
    text: str, title: str | None, rules: ExtractRules, bylines: Iterable[str] = ()
) -> Cleaned:
    """Drop boilerplate lines, cut footers, drop the repeated title, teaser and initials.

    `bylines` are the page's byline texts: a short page makes trafilatura keep the article
    header, and those lines ("A - detikNews", "A •") are not body.
    """
    extra = compiled(rules)
    title_key = norm(title) if title else None
    byline_keys = {norm(b) for b in bylines} - {""}
    out = Cleaned(lines=[])
    kept: list[tuple[str, str]] = []  # (line, norm(line)): the key is needed three times
    raws = text.split("\n")
    for i, raw in enumerate(raws):
        line = " ".join(raw.split())
        if not line:
            continue
        probe = _BULLET.sub("", line)  # trafilatura renders <li> as "- item"
        if _SHARED_CUT_RE.match(probe) or any(p.search(probe) for p in extra.cut):
            # The footer goes, the original's url it names stays (dedup links the copy by it).
            out.syndicated_from = syndication_footer("\n".join(raws[i:]))[1]
            break
        if _SHARED_DROP_RE.match(probe) or any(p.search(probe) for p in extra.drop):
            out.dropped.append(line)
            continue
        key = norm(line)
        if key == title_key or key in byline_keys or _only_date(line):
            out.dropped.append(line)
            continue
        kept.append((line, key))
    out.lines = _once(_drop_teasers(kept))
    _strip_initials(out.lines)
    return out


def _only_date(line: str) -> bool:
    """ "Kompas.com - 18/06/2025, 21:35 WIB", "Diperbarui 18 Jun 2025, 17:10 WIB".

    A sentence ("Rapat digelar 12 Mei 2025 pukul 10.00 WIB.") ends with punctuation; a
    dateline does not.
    """
    if len(line) > 120 or _SENTENCE_END.search(line):
        return False
    m = DATE_TIME.search(line)
    return m is not None and len(_WORDS.findall(line[: m.start()] + line[m.end() :])) <= 4


def _drop_teasers(kept: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """Above the dateline lead sit section labels and a teaser repeated in the body."""
    start = next((i for i, (line, _) in enumerate(kept[:8]) if is_dateline(line)), 0)
    if start == 0:
        return kept
    later = {key for _, key in kept[start:]}
    head = [
        (line, key)
        for line, key in kept[:start]
        if key not in later and (_TERMINAL.search(line) or len(line.split()) > 8)
    ]
    return head + kept[start:]


def _once(kept: list[tuple[str, str]]) -> list[str]:
    seen: set[str] = set()
    out = []
    for line, key in kept:
        # Short lines ("Iya.", a one-word quote) legitimately repeat; paragraphs do not.
        if len(key) > 30 and key in seen:
            continue
        seen.add(key)
        out.append(line)
    return out


def _strip_initials(lines: list[str]) -> None:
    while lines:
        last = _INITIALS.sub("", lines[-1]).rstrip()
        if _NAME_ONLY.match(last):
            last = ""
        if last:
            lines[-1] = last
            return
        lines.pop()
