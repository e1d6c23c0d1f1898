"""Per-outlet extraction rules (typed, built once when the registry loads), the Indonesian
time zones pages print, and the one kliping's readers read in. They live in config/ because the
registry carries them; the extractor (crawler/extract/) reads them, and the commands, web pages
and alerts show times in WIB."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, fields
from datetime import timedelta, timezone
from typing import Any
from zoneinfo import ZoneInfo

from lxml import etree

# Indonesian zones print as abbreviations; pages never print Olson names.
ZONES: dict[str, timezone] = {
    "WIB": timezone(timedelta(hours=7)),
    "WITA": timezone(timedelta(hours=8)),
    "WIT": timezone(timedelta(hours=9)),
}

# Readers are in Indonesia's western zone: the commands, the web pages and the alerts show times in
# WIB, and a day given on the command line or the web is a WIB calendar day. The IANA name is what
# Postgres takes (AT TIME ZONE); its offset is ZONES["WIB"]'s (no daylight saving since 1964).
READERS_ZONE = "Asia/Jakarta"
WIB = ZoneInfo(READERS_ZONE)

SINGLE_PAGE_SPECS = frozenset(
    {"query:page=all", "query:single=1", "query:showpage=all", "path:/all", "path:/full"}
)

_OFFSET = re.compile(r"^[+-]\d{2}:\d{2}$")


def zone(name: str) -> timezone:
    """Map "WIB"/"WITA"/"WIT" or "+07:00" to a fixed-offset zone."""
    if name.upper() in ZONES:
        return ZONES[name.upper()]
    if _OFFSET.match(name):
        sign = -1 if name[0] == "-" else 1
        return timezone(sign * timedelta(hours=int(name[1:3]), minutes=int(name[4:6])))
    raise ValueError(f"unknown time zone {name!r}: use WIB, WITA, WIT or +HH:MM")


@dataclass(frozen=True)
class ExtractRules:
    """What one outlet needs beyond the shared Indonesian rules.

    Patterns are plain strings so the dataclass stays hashable and printable; they are
    compiled once per distinct rules object (see ``boilerplate.compiled``).
    """

    drop_line_patterns: tuple[str, ...] = ()
    cut_after_patterns: tuple[str, ...] = ()
    prune_xpath: tuple[str, ...] = ()
    title_suffixes: tuple[str, ...] = ()
    local_tz: str = "WIB"
    single_page: str | None = None

    def __post_init__(self) -> None:
        # Fail when the registry loads, not on the thousandth page.
        for name in ("drop_line_patterns", "cut_after_patterns"):
            for pattern in getattr(self, name):
                try:
                    re.compile(pattern)
                except re.error as err:
                    raise ValueError(f"{name}: bad regex {pattern!r}: {err}") from None
        for path in self.prune_xpath:
            try:
                etree.XPath(path)
            except etree.XPathSyntaxError as err:
                raise ValueError(f"prune_xpath: bad XPath {path!r}: {err}") from None
        zone(self.local_tz)
        if self.single_page is not None and self.single_page not in SINGLE_PAGE_SPECS:
            allowed = ", ".join(sorted(SINGLE_PAGE_SPECS))
            raise ValueError(f"single_page: {self.single_page!r} is not one of {allowed}")

    @property
    def tz(self) -> timezone:
        return zone(self.local_tz)

    @classmethod
    def from_mapping(cls, data: Mapping[str, Any]) -> ExtractRules:
        """Build rules from a TOML table; unknown keys are an error naming the key."""
        known = {f.name for f in fields(cls)}
        kwargs: dict[str, Any] = {}
        for key, value in data.items():
            if key not in known:
                allowed = ", ".join(sorted(known))
                raise ValueError(f"unknown extract rule {key!r} (known: {allowed})")
            if key in ("local_tz", "single_page"):
                if value is not None and not isinstance(value, str):
                    raise ValueError(f"{key}: expected a string, got {type(value).__name__}")
                kwargs[key] = value
            elif isinstance(value, list | tuple) and all(isinstance(v, str) for v in value):
                kwargs[key] = tuple(value)
            else:
                raise ValueError(f"{key}: expected a list of strings")
        return cls(**kwargs)


DEFAULT_RULES = ExtractRules()
