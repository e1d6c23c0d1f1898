"""Indonesian in-body boilerplate: the shared rule list, per-outlet rules, and line cleanup.

trafilatura removes page chrome; what it leaves is boilerplate that sits *inside* the article
container on Indonesian sites (outlets.md section 4). We clean line by line because that is the
unit those widgets occupy: each is its own <p>/<div>, so it becomes its own line.
"""

from __future__ import annotations

import re
import string
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache

from kliping.config.extract_rules import ExtractRules

from .dates import DATE_TIME

# Each entry matches from the start of a line, case-insensitively. Counts from outlets.md §4.
SHARED_DROP: tuple[str, ...] = (
    r"(?:baca|lihat|simak)\s+juga\b",  # "Baca juga:" (kompas 150/150), "Baca Juga" (liputan6)
    r"baca\s*:",  # Tribun 2017, Medcom: "Baca: <linked title>"
    r"baca\s+(?:selengkapnya|berita\s+lainnya)\b",
    r"simak\s+(?:video|berita\s+(?:dan\s+artikel\s+)?lainnya|breaking\s+news)\b",
    r"saksikan\s+(?:juga\s+)?(?:video|live)\b",  # detik "Saksikan Live DetikPagi", liputan6
    r"\[gambas:[^\]]*\]\s*$",  # detik embeds (495 of 1730)
    r"(?:advertisement|scroll to continue with content|iklan)\s*$",  # detik 1723/1730
    r"bagaimana tanggapan anda mengenai artikel ini",  # medcom reaction widget
    r"(?:happy|inspire[d]?|confused?|sad|angry|fear|surprised?|senang|sedih|marah|bingung)\s*$",
    r"\(?\s*(?:penulis|editor|pewarta|reporter|kontributor|jurnalis|penyunting|redaktur|"
    r"fotografer|videografer|sumber)\s*:",
    r"laporan\s+(?:wartawan|reporter|koresponden|kontributor)\b",  # Tribun lead-in byline
    r"halaman(?:\s*\d+)*\s*(?:selanjutnya|berikutnya|sebelumnya|all)?\s*$",  # "Halaman 1 2 3"
    r"halaman\s+(?:selanjutnya|berikutnya)\b",
    r"(?:selanjutnya|sebelumnya|tampilkan semua|lihat semua|muat lebih banyak)\s*$",
    r"(?:ikuti|follow|gabung|simak)\b.{0,100}\b(?:whatsapp|telegram|google news|saluran)\b",
    r".*(?:t\.me/|whatsapp\.com/channel)",
    r"(?:gabung\s+kompas\.com\s*plus|kompascom\+)",
    r"cek berita (?:dan artikel|lainnya)",
    r"pilihan editor\s*:",
    r"artikel ini (?:bersumber dari|ditulis oleh)\b",
    r"a post shared by\b",
    r"disclaimer\s*:",
    r"(?:bagikan|share)(?:\s+(?:artikel|berita)(?:\s+ini)?)?\s*:?\s*$",
    r"(?:facebook|twitter|whatsapp|telegram|line|linkedin|copy link|salin (?:tautan|link))\s*$",
    r"(?:komentar|berita terkini|berita terkait|terpopuler|topik|tags?)\s*:?\s*$",
    r"(?:tags?|topik)\s*:",
    r"(?:©|copyright\b)",
)
# Everything from the first such line on is footer.
SHARED_CUT: tuple[str, ...] = (
    r"artikel ini telah tayang di\b",  # Tribun/Kompas syndication footer
    r"dapatkan update berita pilihan",  # Kompas Telegram footer, also JatimTIMES network
)
BYLINE_LINE = re.compile(
    r"\(?\s*(?:penulis|pewarta|reporter|kontributor|jurnalis|oleh)\s*:|laporan\s+(?:wartawan|reporter)",
    re.I,
)

_SHARED_DROP_RE = re.compile("|".join(f"(?:{p})" for p in SHARED_DROP), re.I)
_SHARED_CUT_RE = re.compile("|".join(f"(?:{p})" for p in SHARED_CUT), re.I)
_WORDS = re.compile(r"[^\W\d_]+")
_BULLET = re.compile(r"^[-•*]\s+")
# Punctuation and typographic quotes/dashes to spaces. A translate table, not a \W regex: norm()
# runs on every line and the regex was the largest cost of clean() on long paragraphs.
_PUNCT = str.maketrans(dict.fromkeys(string.punctuation + "“”‘’„–—…•·«»", " "))
# "<KOTA>, KOMPAS.com -", "POS-KUPANG.COM, WASHINGTON -", "Jakarta (ANTARA) -", "Jakarta:",
# "Liputan6.com, Jakarta -", "Jakarta, CNN Indonesia --": at most six short tokens, then a dash
# or colon. Used only to find where the body starts, never to delete text.
_DATELINE = re.compile(r"^([A-Z][\w.'()/-]*(?:[ ,]+[\w.'()/-]+){0,5}?)\s*(?:--|-|–|—|:)\s+\S")
# Editor initials closing the last paragraph: "(AHL)", "(rds/rds)", "(kha)".
_INITIALS = re.compile(r"(?:(?<=[.!?\"”’)])|^)\s*\((?:[A-Za-z]{2,5})(?:/[A-Za-z]{2,5})*\)\s*$")
_NAME_ONLY = re.compile(r"^\((?:[A-Z][a-z]+\s*){1,4}\)$")
_SENTENCE_END = re.compile(r"[.!?\"”]\s*$")
# Words that open a sentence with "X: ..." or "X - ..." but never a dateline.
_SENTENCE_STARTS = frozenset(
    {"menurut", "kata", "namun", "sementara", "tetapi", "adapun", "berikut", "yakni", "yaitu"}
)
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


def norm(text: str) -> str:
    """Comparison key: case, punctuation and spacing do not make a paragraph new."""
    return " ".join(text.translate(_PUNCT).lower().split())


def is_dateline(line: str) -> bool:
    m = _DATELINE.match(line)
    if not m:
        return False
    tokens = m.group(1).replace(",", " ").split()
    if tokens[0].lower() in _SENTENCE_STARTS:
        return False
    if len(tokens) <= 2:  # "Jakarta -", "Nusa Dua:": a place name
        return all(t.lstrip("(")[:1].isupper() for t in tokens)
    return any(
        (t.isupper() and len(t) >= 3) or ".co" in t.lower() or t == "(ANTARA)" for t in tokens
    )


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
    for raw in text.split("\n"):
        line = " ".join(raw.split())
        if not line:
            continue
        probe = _BULLET.sub("", line)  # trafilatura renders <li> as "- item"
        if _SHARED_CUT_RE.match(probe) or any(p.search(probe) for p in extra.cut):
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
