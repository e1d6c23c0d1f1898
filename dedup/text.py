"""Body cleaning before comparison: boilerplate lines, datelines/leads, syndication footers.

Everything here is outlet-agnostic text surgery on what the extractor hands over (`text` with
paragraphs separated by ``\\n``). What one outlet prints in every story (dateline, "Baca juga",
footer) must go, or two unrelated stories from that outlet look alike (design.md, "Datelines and
leads"; outlets.md section 8).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from kliping.config.identity import identity

# Whole lines that are page furniture, not reporting.  Matched at the start of a line, case-blind.
# Sources: the counts of short lines in shared/data/id_events_dev.jsonl (SCROLL TO CONTINUE 121,
# [Gambas:Video 20detik] 89, Advertisement 85, Baca Juga 81, ...), outlets.md section 8 and the
# two seeds (medcom's reaction widget, POS-KUPANG's section label).
_BOILERPLATE_LINE = re.compile(
    r"^\s*(?:"
    r"baca(?:\s+juga|\s+berita)?\b|baca\s*selengkapnya|lihat\s+juga|simak\s+(?:juga|video|berita)|"
    r"tonton\s+(?:juga|video)|advertisement|scroll\s+to\s+continue|\[gambas|"
    r"(?:penulis|editor|reporter|sumber|foto|video|pewarta|kontributor)\s*:|"
    r"bagaimana\s+tanggapan\s+anda|halaman\s+(?:selanjutnya|berikutnya|\d+)|"
    r"berita\s+(?:internasional|nasional|terkait|terpopuler|lainnya)\s*$|"
    r"laporan\s+(?:wartawan|reporter|koresponden)\b|artikel\s+ini\s+pertama\s+kali\s+terbit|"
    r"diadaptasi\s+oleh|ikuti\s+(?:berita|kami|whatsapp|channel)|dapatkan\s+update"
    r")",
    re.IGNORECASE,
)
# Widgets that the scraper glued into a short line with other debris (medcom's seed: " date 2021-12
# Bagaimana tanggapan anda mengenai artikel ini? Happy").
_WIDGET = re.compile(r"bagaimana\s+tanggapan\s+anda|bagikan\s+artikel|share\s+this", re.IGNORECASE)
_WIDGET_LINE_MAX = 120
# "(Arief Setyadi )", "rzn/yf (dpa, kna)": reporter/editor initials that close a story.
_SIGNOFF_LINE = re.compile(
    r"^\s*(?:\([^()]{2,40}\)|[a-z]{2,4}(?:/[a-z]{2,4})+(?:\s*\([^()]*\))?)\s*$"
)

# "Artikel ini telah tayang di Tribunnews.com dengan judul "...", <url>": names the original.
_SYNDICATION = re.compile(
    r"artikel\s+ini\s+(?:telah|sudah)\s+(?:tayang|terbit|dipublikasikan)\s+di\b", re.IGNORECASE
)
_URL = re.compile(r"https?://[^\s\"'<>)\]]+")

# A dateline prefix ends in a dash spaced on at least one side ("JAKARTA- ", "Teheran -Menteri",
# "KOMPAS.com -Aksi"), a double dash, an en/em dash, or medcom's bare colon ("Washington:").
# An unspaced single hyphen is part of a name ("POS-KUPANG.COM") and does not end it.
_DATELINE_END = re.compile(r"\s+-{1,2}\s*|-{1,2}\s+|\s*--\s*|\s*[–—]+\s*")
_OUTLET_MARK = re.compile(
    r"\.(?:com|co\.id|co|id|net|org)\b|\(antara\)|\bantara\b|cnn indonesia|tribun", re.IGNORECASE
)
_MEDCOM_DATELINE = re.compile(r"^\s*(?:[A-Z][\w.]*\s){0,2}[A-Z][\w.]*:\s*(?=\S)")
# Longest dateline seen: "REPUBLIKA.CO.ID, JAKARTA --" / "POS-KUPANG.COM, WASHINGTON -" (~30 chars).
_MAX_DATELINE = 60
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
    """Drop the `Halaman all` / `Halaman 2` suffix a paginated view adds (outlets.md section 8)."""
    return _TITLE_PAGE_SUFFIX.sub("", normalise_unicode(title or "")).strip()


def _is_dateline(prefix: str, bare: bool) -> bool:
    words = prefix.replace(",", " ").split()
    if not words or len(words) > 6:
        return False
    if _OUTLET_MARK.search(prefix):
        return True
    # "JAKARTA- ", "BUKITTINGGI— ", "Jakarta - ": a place name alone, in capitals or title case.
    return bare and len(words) <= 3 and all(w[:1].isupper() for w in words)


def strip_dateline(paragraph: str, bare: bool = True) -> str:
    """Remove a leading "<CITY>, OUTLET.com -" style dateline from a lead paragraph.

    ``bare`` also allows forms without an outlet name ("JAKARTA- ", medcom's "Washington:"); only
    for a real paragraph, since a headline like "Ketegangan Ukraina: Putin ..." has the same shape.
    """
    head = paragraph.lstrip(" ,.:;-–—")
    end = _DATELINE_END.search(head, 0, _MAX_DATELINE + 4)
    if end and end.start() > 0 and _is_dateline(head[: end.start()], bare):
        return head[end.end() :]
    colon = _MEDCOM_DATELINE.match(head)
    if bare and colon and len(colon.group(0)) <= 20:
        return head[colon.end() :]
    return head


def source_url(text: str) -> str | None:
    """The url named by a syndication footer, if any (the last such footer wins)."""
    return _footer(text)[1]


def _footer(text: str) -> tuple[int | None, str | None]:
    """Where the first syndication footer starts, and ``source_url`` (one scan for both)."""
    start = found = None
    for m in _SYNDICATION.finditer(text):
        if start is None:
            start = m.start()
        url = _URL.search(text, m.end(), m.end() + 600)
        if url:
            found = url.group(0).rstrip(".,;")
    return start, found


def clean_body(text: str, title: str = "") -> CleanText:
    """Return the reporting only: no furniture lines, dateline, footer, repeated title or lines.

    The lead is the first remaining paragraph; it carries the who/what/where of a news story.
    """
    text = normalise_unicode(text or "")
    footer, url = _footer(text)
    if footer is not None:
        text = text[:footer]
    title_key = _line_key(title)
    seen: set[str] = set()
    kept: list[str] = []
    keys: list[str] = []
    for raw in text.split("\n"):
        line = raw.strip()
        if not line or _BOILERPLATE_LINE.match(line) or _SIGNOFF_LINE.match(line):
            continue
        if len(line) <= _WIDGET_LINE_MAX and _WIDGET.search(line):
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
