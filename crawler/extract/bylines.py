"""Authors: names only, editors and outlet names left out."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from kliping.config.indonesian import outlet_names

from .document import Page

# Writer labels keep what follows; editor labels drop it (authors exclude editors).
_LABEL = re.compile(
    r"\b(?P<label>penulis|reporter|pewarta|jurnalis|wartawan|kontributor|oleh|by|"
    r"editor|penyunting|redaktur|red|fotografer|sumber|copyright)\b\s*:?",
    re.I,
)
_WRITER = frozenset(
    {"penulis", "reporter", "pewarta", "jurnalis", "wartawan", "kontributor", "oleh", "by"}
)
_EDITOR = frozenset({"editor", "penyunting", "redaktur", "red"})
# "Laporan Wartawan Pos Kupang, Com, A" / "Laporan Reporter POS-KUPANG.COM, A": name is last.
_LAPORAN = re.compile(
    r"laporan\s+(?:wartawan|reporter|koresponden|kontributor)\b(?P<rest>.*)", re.I
)
# Not a person: a desk ("Tim", "Redaksi"), an outlet's name (from the registry) or a web address.
_OUTLET = re.compile(
    rf"^(?:tim\b.*|redaksi\b.*|admin\w*|.*\b(?:{outlet_names()})\b.*|.*\.(?:com|co|id|net|org)\b.*"
    r"|com|co|news|kg media)$",
    re.I,
)
_SPLIT_NAMES = re.compile(r"\s*(?:,|;|&|\bdan\b|\band\b|/)\s*", re.I)
_SEGMENTS = re.compile(r"\s+[-|•·–—]+\s+|\s*[|•·]\s*|\s*-(?=detik)", re.I)
_NAME = re.compile(r"^[A-Za-zÀ-ÿ][A-Za-zÀ-ÿ.'’ -]{1,58}[A-Za-zÀ-ÿ.]$")


def authors(page: Page, body_lines: Iterable[str]) -> tuple[str, ...]:
    """Metadata first, then byline elements, then byline lines found in the body text."""
    editors: set[str] = set()
    visible = [page.bylines, list(body_lines)]
    for texts in visible:
        for text in texts:
            editors.update(n.lower() for n in parse_byline(text, editors=True))
    sources: list[list[str]] = [_meta_names(page)]
    sources += [[n for t in texts for n in parse_byline(t)] for texts in visible]
    for names in sources:
        kept = _unique(n for n in names if n.lower() not in editors)
        if kept:
            return kept
    return ()


def parse_byline(text: str, *, editors: bool = False) -> list[str]:
    """Names in one byline string; with editors=True, the names labelled as editors."""
    text = " ".join(text.split()).strip(" ()[]")
    if not text:
        return []
    m = _LAPORAN.search(text)
    if m:
        return [] if editors else clean_names(m.group("rest").rsplit(",", 1)[-1])
    parts = list(_LABEL.finditer(text))
    if not parts:
        return [] if editors else clean_names(text)
    names: list[str] = []
    for i, label in enumerate(parts):
        end = parts[i + 1].start() if i + 1 < len(parts) else len(text)
        kind = label.group("label").lower()
        if kind in (_EDITOR if editors else _WRITER):
            names += clean_names(text[label.end() : end])
    # "A - detikNews | Editor: B": the writer precedes the first label. Not when that label
    # is a writer's ("Diposting oleh Redaksi"): then the text before it is a verb, not a name.
    if not editors and not names and parts[0].group("label").lower() not in _WRITER:
        names = clean_names(text[: parts[0].start()])
    return names


def clean_names(text: str) -> list[str]:
    """ "A - detikNews", "A | CNN Indonesia", "A • 31 Desember 2021" -> ["A"]."""
    names = []
    for segment in _SEGMENTS.split(text):
        for name in _SPLIT_NAMES.split(segment):
            name = name.strip(" .,:;|-–()")
            if name and _is_name(name):
                names.append(name)
    return names


def _is_name(name: str) -> bool:
    words = name.split()
    return (
        1 <= len(words) <= 5
        and bool(_NAME.match(name))
        and not _OUTLET.match(name)
        and not any(ch.isdigit() for ch in name)
    )


def _meta_names(page: Page) -> list[str]:
    names: list[str] = []
    for obj in page.article_ld():
        names += _ld_names(obj.get("author"))
    for key in ("author", "content_author", "article:author", "dc.creator", "parsely-author"):
        value = page.meta.get(key)
        if value and not value.startswith("http"):
            names += clean_names(value)
    return names


def _ld_names(value: Any) -> list[str]:
    if isinstance(value, str):
        return clean_names(value)
    if isinstance(value, dict):
        kind = str(value.get("@type", "Person")).lower()
        return _ld_names(value.get("name")) if kind == "person" else []
    if isinstance(value, list):
        return [n for item in value for n in _ld_names(item)]
    return []


def _unique(names: Iterable[str]) -> tuple[str, ...]:
    seen: dict[str, str] = {}
    for name in names:
        seen.setdefault(name.lower(), name)
    return tuple(seen.values())
