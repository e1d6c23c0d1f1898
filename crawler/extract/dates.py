"""Publication time: page metadata first, then the visible dateline near the title."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone

from lxml.html import HtmlElement

from kliping.config.extract_rules import ZONES

from .document import Page

MONTHS: dict[str, int] = {
    "januari": 1, "jan": 1, "january": 1,
    "februari": 2, "feb": 2, "peb": 2, "pebruari": 2, "february": 2,
    "maret": 3, "mar": 3, "march": 3,
    "april": 4, "apr": 4,
    "mei": 5, "may": 5,
    "juni": 6, "jun": 6, "june": 6,
    "juli": 7, "jul": 7, "july": 7,
    "agustus": 8, "agu": 8, "agt": 8, "ags": 8, "aug": 8, "august": 8,
    "september": 9, "sep": 9, "sept": 9,
    "oktober": 10, "okt": 10, "oct": 10, "october": 10,
    "november": 11, "nov": 11, "nop": 11, "nopember": 11,
    "desember": 12, "des": 12, "dec": 12, "december": 12,
}  # fmt: skip
_MONTH_ALT = "|".join(sorted(MONTHS, key=len, reverse=True))
_DATE = (
    rf"(?:(?P<d>\d{{1,2}})\s+(?P<mon>{_MONTH_ALT})\.?,?\s+(?P<y>(?:19|20)\d\d)"
    r"|(?P<d2>\d{1,2})/(?P<m2>\d{1,2})/(?P<y2>(?:19|20)\d\d))"
)
# Between date and time: ",", "|", " - " (sindonews), "pukul"/"jam", or just spaces.
_SEP = r"\s*(?:[,|\-–—]\s*)?(?:(?:pukul|jam)\s*)?"
_TIME = r"(?P<h>[01]?\d|2[0-3])[:.](?P<mi>[0-5]\d)(?:[:.](?P<s>[0-5]\d))?"
# Indonesia's zones (config/extract_rules.ZONES), longest first: WITA before WIT, because
# alternation takes the first that matches.
_ZONE_ALT = "|".join([*sorted(ZONES, key=len, reverse=True), "UTC", "GMT"])
_ZONE = rf"(?:\s*(?P<z>{_ZONE_ALT})(?P<zo>[+-]\d{{1,2}}(?::?\d\d)?)?\b)?"
DATE_TIME = re.compile(rf"(?<!\d){_DATE}\b{_SEP}{_TIME}\b{_ZONE}", re.I)
DATE_ONLY = re.compile(rf"(?<!\d){_DATE}\b", re.I)
# "Diperbarui 18 Jun 2025, 15:10 WIB" is an update time: not the one we want. The weekday may
# sit between ("Diperbarui: Kamis, 12 September 2024 16:20 WIB").
_UPDATED = re.compile(
    r"(?:diperbarui|diperbaharui|update[d]?|pembaruan|terakhir)\W*"
    r"(?:(?:senin|selasa|rabu|kamis|jum'?at|sabtu|minggu|ahad)\W*)?$",
    re.I,
)
_WORD = re.compile(r"[^\W\d_]+")
# A day-only dateline is a short element of its own: "Sabtu, 19 Maret 2022" is 20 characters;
# 40 leaves room for "Diposting pada". It is looked for among the text nodes nearest the title:
# 20 reach past a Blogger header's blog title, description and menu to the date header.
_DAY_ONLY_CHARS, _DAY_NODES = 40, 20

META_KEYS = (
    "article:published_time",
    "og:article:published_time",
    "article:published",
    "og:published_time",
    "datepublished",
    "publishdate",
    "publish-date",
    "publish_date",
    "pubdate",
    "dtk:publishdate",
    "content_publisheddate",
    "jpnncom_news_pubdate",
    "parsely-pub-date",
    "sailthru.date",
    "dc.date.issued",
    "dcterms.created",
    "dc.date",
    "date",
)
_SKIP_TAGS = frozenset({"a", "script", "style", "noscript", "nav", "footer", "aside", "button"})
# How far from the title a dateline may sit, in characters of visible text.
_AFTER_H1, _BEFORE_H1 = 3000, 600


@dataclass(frozen=True)
class Dateline:
    """A date read from the page: whether the page printed its zone, and whether it has a time."""

    when: datetime
    zoned: bool
    timed: bool


def parse_value(value: str, tz: timezone) -> datetime | None:
    """An ISO 8601 or Indonesian date string; a naive time is read in the outlet's zone."""
    value = value.strip()
    iso = value.replace("/", "-").replace("Z", "+00:00")
    try:
        when = datetime.fromisoformat(iso)
    except ValueError:
        when = None
    if when is not None:
        return _plausible(when if when.tzinfo else when.replace(tzinfo=tz))
    m = DATE_TIME.search(value)
    if m:
        return _from_match(m, tz)
    m = DATE_ONLY.search(value)
    return _from_match(m, tz) if m else None


def parse_text(text: str, tz: timezone) -> datetime | None:
    """The first publication-looking date+time in visible text (update times skipped)."""
    found = dateline_in(text, tz)
    return found.when if found else None


def dateline_in(text: str, tz: timezone) -> Dateline | None:
    """Like parse_text, keeping whether the page printed the zone."""
    for m in DATE_TIME.finditer(text):
        if _UPDATED.search(text[max(0, m.start() - 40) : m.start()]):
            continue
        when = _from_match(m, tz)
        if when:
            return Dateline(when, zoned=bool(m.group("z")), timed=True)
    return None


def visible(page: Page, tz: timezone) -> Dateline | None:
    """The dateline printed next to the title; links and related boxes are skipped.

    A date with a time first; failing that, a short element that is only a date (Blogger's
    date header "Senin, 10 Juli 2023"): a date inside a sentence is not a dateline.
    """
    before: list[str] = []
    after: list[str] = []
    seen_h1 = page.h1 is None
    size = 0
    body = page.tree.find("body")
    for text, is_h1 in _texts(body if body is not None else page.tree, page.h1):
        if is_h1:
            seen_h1 = True
            continue
        if seen_h1:
            after.append(text)
            size += len(text)
            if size > _AFTER_H1:
                break
        else:
            before.append(text)
    found = dateline_in(" \n ".join(after), tz)
    if found is None and page.h1 is not None:
        tail = " \n ".join(before)[-_BEFORE_H1:]
        timed = [m for m in DATE_TIME.finditer(tail) if _from_match(m, tz)]
        if timed:
            m = timed[-1]
            found = Dateline(_from_match(m, tz), zoned=bool(m.group("z")), timed=True)  # type: ignore[arg-type]
    if found is None:
        near = after[:_DAY_NODES] + before[-_DAY_NODES:]
        found = next((d for t in near if (d := _day_only(t, tz))), None)
    return found


def _day_only(text: str, tz: timezone) -> Dateline | None:
    text = " ".join(text.split())
    if len(text) > _DAY_ONLY_CHARS:
        return None
    m = DATE_ONLY.search(text)
    if m is None or len(_WORD.findall(text[: m.start()] + text[m.end() :])) > 2:
        return None
    when = _from_match(m, tz)
    return Dateline(when, zoned=False, timed=False) if when else None


def _texts(el: HtmlElement, h1: HtmlElement | None) -> Iterator[tuple[str, bool]]:
    """Visible text in document order; the h1 itself is reported as a marker."""
    if el is h1:
        yield "", True
    elif isinstance(el.tag, str) and el.tag not in _SKIP_TAGS:
        if el.text and el.text.strip():
            yield el.text, False
        for child in el:
            yield from _texts(child, h1)
    if el.tail and el.tail.strip():
        yield el.tail, False


def _from_match(m: re.Match[str], tz: timezone) -> datetime | None:
    if m.group("d"):
        day, month, year = int(m.group("d")), MONTHS[m.group("mon").lower()], int(m.group("y"))
    else:
        day, month, year = int(m.group("d2")), int(m.group("m2")), int(m.group("y2"))
    groups = m.groupdict()
    hour = int(groups.get("h") or 0)
    minute = int(groups.get("mi") or 0)
    second = int(groups.get("s") or 0)
    zone = tz
    if groups.get("z"):
        name = m.group("z").upper()
        zone = ZONES.get(name, UTC)
        if groups.get("zo"):
            zone = _offset(m.group("zo"))
    try:
        return _plausible(datetime(year, month, day, hour, minute, second, tzinfo=zone))
    except ValueError:
        return None


def _offset(text: str) -> timezone:
    """ "+7", "+07", "+0700", "+07:00" -> fixed offset."""
    sign = -1 if text[0] == "-" else 1
    digits = text[1:].replace(":", "")
    hours, minutes = (int(digits), 0) if len(digits) <= 2 else (int(digits[:-2]), int(digits[-2:]))
    return timezone(sign * timedelta(hours=hours, minutes=minutes))


def _plausible(when: datetime) -> datetime | None:
    # Online Indonesian news starts in the mid-1990s; earlier years are copyright lines.
    return when if when.year >= 1995 else None
