"""Publication time: metadata checked against the dateline the page prints.

Metadata is exact to the second but its offset is often wrong on Indonesian sites: a theme
stamps local time with the server's zone (WordPress "-07:00", a `<time datetime>` labelling
WITA time as UTC), so the same wall clock is read 7-15 hours off. The visible dateline has only
minutes, but its zone is the one readers see. So: agree -> metadata in the page's zone; same
wall clock or a whole number of hours apart on the same minute -> the dateline wins; otherwise
metadata wins (the dateline found may belong to something else on the page).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone

from kliping.config.extract_rules import ZONES

from .dates import META_KEYS, Dateline, parse_value, visible
from .document import Page

# Offsets Indonesian pages legitimately carry (WIB, WITA, WIT: config/extract_rules.ZONES).
# Metadata with another offset is either UTC (convert it) or a mislabelled local time (the
# dateline tells which).
LOCAL_OFFSETS = frozenset(z.utcoffset(None) for z in ZONES.values())
# A mislabelled zone moves a time by whole hours; the world's offsets span -12..+14.
_MAX_SHIFT = timedelta(hours=26)
_HAS_TIME = re.compile(r"\d{1,2}[:.]\d{2}")


def published(page: Page, tz: timezone) -> datetime | None:
    """The publication time, in the zone the page shows (the outlet's zone if none shows)."""
    meta = list(_metadata(page, tz))
    seen = visible(page, tz)
    if seen is None:
        return _local(meta[0][0], tz) if meta else None
    timed = [when for when, has_time in meta if has_time]
    if not seen.timed:
        # A day only (Blogger): a metadata time on that day is the better answer.
        same_day = [w for w in timed if _local(w, tz).date() == seen.when.date()]
        if same_day:
            return _local(same_day[0], tz)
        return _local(meta[0][0], tz) if meta else seen.when
    printed = _minute(seen.when)  # pages print minutes; metadata often has seconds
    for when in timed:
        if _minute(when) == printed:
            return when.astimezone(seen.when.tzinfo) if seen.zoned else _local(when, tz)
    for when in timed:
        if _mislabelled(_minute(when), Dateline(printed, seen.zoned, seen.timed)):
            return seen.when
    if timed:
        return _local(timed[0], tz)
    # Metadata with a day only (or none): the dateline has the time, if it is that day's.
    if meta and _local(meta[0][0], tz).date() != seen.when.date():
        return _local(meta[0][0], tz)
    return seen.when


def _metadata(page: Page, tz: timezone) -> Iterator[tuple[datetime, bool]]:
    first = page.meta.get("article:published_time")
    values: list[object] = [first] if first else []
    values += [obj.get("datePublished") for obj in page.article_ld()]
    values += [page.meta.get(key) for key in META_KEYS[1:]]
    # Microformats of stock themes: Blogger's <abbr class="published" title=...>, WordPress's
    # <time class="entry-date published" datetime=...> (collected by document.parse).
    values += page.stamps
    for value in values:
        if isinstance(value, str) and (when := parse_value(value, tz)):
            yield when, bool(_HAS_TIME.search(value))


def _mislabelled(meta: datetime, seen: Dateline) -> bool:
    """Metadata that is the dateline's wall clock under a wrong zone.

    With the zone printed, any whole-hour shift on the same minute means the metadata's offset
    is wrong. Without it, only the same wall clock under a non-Indonesian offset does (an
    Indonesian offset there more likely corrects a wrong registry zone than the reverse).
    """
    shift = meta - seen.when
    if seen.zoned:
        return (
            abs(shift) <= _MAX_SHIFT
            and shift % timedelta(hours=1) == timedelta(0)
            and meta.minute == seen.when.minute
        )
    same_clock = meta.replace(tzinfo=None) == seen.when.replace(tzinfo=None)
    return same_clock and meta.utcoffset() not in LOCAL_OFFSETS


def _minute(when: datetime) -> datetime:
    return when.replace(second=0, microsecond=0)


def _local(when: datetime, tz: timezone) -> datetime:
    """A UTC (or foreign) stamp shown in the outlet's zone; local offsets stay as given."""
    return when if when.utcoffset() in LOCAL_OFFSETS else when.astimezone(tz)
