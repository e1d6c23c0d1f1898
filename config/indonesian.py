"""Indonesian news text: the lines, datelines, footers and outlet names extract and dedup share.

One module for what Indonesian pages print around the reporting, so the extractor
(crawler/extract/) and the comparison (dedup/) recognise the same things. It lives in config/,
the lowest layer, because both use it and because outlet names come from the registry
(outlets.toml: each outlet's ``name``, ``aliases``, domains and network).

Two line lists on purpose: the extractor's is precise because what it drops is lost from the
stored text; dedup's is broader because it only decides what two stories are compared on, and it
also sees text scraped by other tools (the development sets in ../shared/data).
"""

from __future__ import annotations

import re
from functools import lru_cache

from kliping.config.outlets import load_registry

# --- Lines the extractor drops from the stored body -------------------------------------------
# Each entry matches from the start of a line, case-blind. The counts are of lines seen in
# the real pages of tests/data and ../shared/seeds (kompas 150 of 150 carry "Baca juga", ...).
STORED_DROP: tuple[str, ...] = (
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

# A byline line the extractor dropped above: it still names the authors.
BYLINE_LINE = re.compile(
    r"\(?\s*(?:penulis|pewarta|reporter|kontributor|jurnalis|oleh)\s*:|laporan\s+(?:wartawan|reporter)",
    re.I,
)


# --- The syndication footer ---------------------------------------------------------------------
# "Artikel ini telah tayang di Tribunnews.com dengan judul "...", <url>": names the original.
# The extractor cuts the body from here on; dedup reads the url to link the copy to its original.
SYNDICATION = re.compile(
    r"artikel\s+ini\s+(?:telah|sudah)\s+(?:tayang|terbit|dipublikasikan)\s+di\b", re.IGNORECASE
)
_URL = re.compile(r"https?://[^\s\"'<>)\]]+")
# The footer's url follows its title; the longest footer title seen is ~250 characters.
_FOOTER_URL_WITHIN = 600

# Lines from which everything is footer (matched at the start of a line, case-blind).
STORED_CUT: tuple[str, ...] = (
    SYNDICATION.pattern,  # Tribun/Kompas syndication footer
    r"dapatkan update berita pilihan",  # Kompas Telegram footer, also JatimTIMES network
)


def syndication_footer(text: str) -> tuple[int | None, str | None]:
    """Where the first syndication footer starts, and the url it names (the last one wins)."""
    start = found = None
    for m in SYNDICATION.finditer(text):
        if start is None:
            start = m.start()
        url = _URL.search(text, m.end(), m.end() + _FOOTER_URL_WITHIN)
        if url:
            found = url.group(0).rstrip(".,;")
    return start, found


# --- Lines dedup leaves out of the comparison -----------------------------------------------
# Sources: the counts of short lines in ../shared/data/id_events_dev.jsonl (SCROLL TO CONTINUE
# 121, [Gambas:Video 20detik] 89, Advertisement 85, Baca Juga 81, ...) and the two seeds
# (medcom's reaction widget, POS-KUPANG's section label).
COMPARED_DROP = re.compile(
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
# Widgets a scraper glued into a short line with other debris (medcom's seed: " date 2021-12
# Bagaimana tanggapan anda mengenai artikel ini? Happy").
WIDGET = re.compile(r"bagaimana\s+tanggapan\s+anda|bagikan\s+artikel|share\s+this", re.IGNORECASE)
# "(Arief Setyadi )", "rzn/yf (dpa, kna)": reporter/editor initials that close a story.
SIGNOFF_LINE = re.compile(
    r"^\s*(?:\([^()]{2,40}\)|[a-z]{2,4}(?:/[a-z]{2,4})+(?:\s*\([^()]*\))?)\s*$"
)

# --- Datelines ---------------------------------------------------------------------------------
# "<KOTA>, KOMPAS.com -", "POS-KUPANG.COM, WASHINGTON -", "Jakarta (ANTARA) -", "Jakarta:",
# "Liputan6.com, Jakarta -", "Jakarta, CNN Indonesia --": at most six short tokens, then a dash
# or colon. The extractor uses it only to find where the body starts, never to delete text.
_DATELINE = re.compile(r"^([A-Z][\w.'()/-]*(?:[ ,]+[\w.'()/-]+){0,5}?)\s*(?:--|-|–|—|:)\s+\S")
# Words that open a sentence with "X: ..." or "X - ..." but never a dateline.
_SENTENCE_STARTS = frozenset(
    {"menurut", "kata", "namun", "sementara", "tetapi", "adapun", "berikut", "yakni", "yaitu"}
)


def is_dateline(line: str) -> bool:
    """Does ``line`` open with a dateline (the extractor's test for where the body starts)?"""
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


# A dateline prefix ends in a dash spaced on at least one side ("JAKARTA- ", "Teheran -Menteri",
# "KOMPAS.com -Aksi"), a double dash, an en/em dash, or medcom's bare colon ("Washington:").
# An unspaced single hyphen is part of a name ("POS-KUPANG.COM") and does not end it.
_DATELINE_END = re.compile(r"\s+-{1,2}\s*|-{1,2}\s+|\s*--\s*|\s*[–—]+\s*")
_MEDCOM_DATELINE = re.compile(r"^\s*(?:[A-Z][\w.]*\s){0,2}[A-Z][\w.]*:\s*(?=\S)")
# Longest dateline seen: "REPUBLIKA.CO.ID, JAKARTA --" / "POS-KUPANG.COM, WASHINGTON -" (~30 chars).
_MAX_DATELINE = 60
# medcom's "Washington:" is one to three words; a longer "X Y Z W:" is a sentence.
_MAX_COLON_DATELINE = 20


def strip_dateline(paragraph: str, bare: bool = True) -> str:
    """Remove a leading "<CITY>, OUTLET.com -" style dateline from a lead paragraph.

    ``bare`` also allows forms without an outlet name ("JAKARTA- ", medcom's "Washington:"); only
    for a real paragraph, since a headline like "Ketegangan Ukraina: Putin ..." has the same shape.
    """
    head = paragraph.lstrip(" ,.:;-–—")
    end = _DATELINE_END.search(head, 0, _MAX_DATELINE + 4)
    if end and end.start() > 0 and _is_outlet_dateline(head[: end.start()], bare):
        return head[end.end() :]
    colon = _MEDCOM_DATELINE.match(head)
    if bare and colon and len(colon.group(0)) <= _MAX_COLON_DATELINE:
        return head[colon.end() :]
    return head


def _is_outlet_dateline(prefix: str, bare: bool) -> bool:
    words = prefix.replace(",", " ").split()
    if not words or len(words) > 6:
        return False
    if _outlet_mark().search(prefix):
        return True
    # "JAKARTA- ", "BUKITTINGGI— ", "Jakarta - ": a place name alone, in capitals or title case.
    return bare and len(words) <= 3 and all(w[:1].isupper() for w in words)


@lru_cache(maxsize=1)
def _outlet_mark() -> re.Pattern[str]:
    """A web address ending or an outlet's name: "KOMPAS.com", "(ANTARA)", "CNN Indonesia"."""
    return re.compile(rf"\.(?:com|co\.id|co|id|net|org)\b|\b(?:{outlet_names()})", re.IGNORECASE)


# --- Outlet names -------------------------------------------------------------------------------
# Outlets whose names appear in copied text, titles and bylines but that kliping does not crawl
# (so they are not in the registry): seen in ../shared/data/id_events_dev.jsonl and the seeds.
UNREGISTERED_OUTLETS = ("IDN Times", "VIVA", "JPNN", "iNews", "Surya Malang")
_TLD = re.compile(r"\.(?:co\.id|com|co|id|net|org)$", re.IGNORECASE)
OPTIONAL_TLD = r"(?:\.(?:com|co\.id|co|id))?"


def _words(text: str) -> str:
    """ "Tribun-Medan.com" -> tribun[- ]?medan.com: written with or without the hyphen. A name
    with its web ending keeps it: "SURYA.co.id" must not make every "Surya" an outlet."""
    parts = re.split(r"[\s-]+", text.strip().lower())
    return r"[- ]?".join(re.escape(p) for p in parts if p)


@lru_cache(maxsize=1)
def outlet_names() -> str:
    """A regex alternation (no anchors, use with re.I) matching any outlet's name.

    From the registry: each name and alias ("CNN Indonesia", "Pos Belitung"), and each
    domain's own label and network ("detik", "tribun") with any ending, because pages print
    channel names after them ("detikNews", "TribunJabar").
    """
    names: set[str] = set(UNREGISTERED_OUTLETS)
    stems: set[str] = set()
    for outlet in load_registry().values():
        names.update((outlet.name, *outlet.aliases))
        if outlet.network:
            stems.add(outlet.network)
        for domain in outlet.domains:
            host = domain.removeprefix("*.").partition(":")[0]
            stems.add(_TLD.sub("", host).rsplit(".", 1)[-1])  # "tribunnews", "pos-kupang"
    alternatives = {_words(n) for n in names} | {_words(s) + r"[\w-]*" for s in stems}
    # Longest first: the regex engine takes the first alternative that matches.
    return "|".join(sorted(alternatives - {""}, key=lambda a: (-len(a), a)))
