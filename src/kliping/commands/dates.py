"""Dates on the command line: YYYY-MM-DD, read as WIB calendar days (readers are in Indonesia).

Kept apart from the commands so that reading stories does not import Scrapy (crawl.py does).
"""

from __future__ import annotations

from datetime import date, datetime, time

from kliping.cli import CommandError
from kliping.config.extract_rules import WIB

__all__ = ["WIB", "day_end", "day_start", "parse_date"]


def parse_date(value: str | None, flag: str) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise CommandError(f"{flag} {value!r}: expected a date as YYYY-MM-DD") from None


def day_start(value: str | None, flag: str) -> datetime | None:
    """The first instant of that WIB day."""
    day = parse_date(value, flag)
    return datetime.combine(day, time.min, WIB) if day else None


def day_end(value: str | None, flag: str) -> datetime | None:
    """The last instant of that WIB day."""
    day = parse_date(value, flag)
    return datetime.combine(day, time.max, WIB) if day else None
