"""Argument types that check every number and text at the edge: finite, in range, bounded.

argparse turns the ValueError these raise into ``kliping COMMAND: error: argument --x: ...``
and exit status 2, before any database or crawl is started.
"""

from __future__ import annotations

import argparse
import math
from collections.abc import Callable
from datetime import date

# PostgreSQL's bigint: an id or a LIMIT beyond it is NumericValueOutOfRange in the database.
BIGINT_MAX = 2**63 - 1
# websearch_to_tsquery nests one level per word: 20,000 words exceed Postgres's stack depth.
# 64 words is more than any headline search needs.
SEARCH_MAX_WORDS = 64
SEARCH_MAX_CHARS = 1000


def integer(low: int, high: int) -> Callable[[str], int]:
    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{text[:40]!r} is not a whole number") from None
        if not low <= value <= high:
            raise argparse.ArgumentTypeError(f"{text[:40]} is not between {low} and {high}")
        return value

    return parse


def seconds(low: float, high: float) -> Callable[[str], float]:
    def parse(text: str) -> float:
        try:
            value = float(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{text[:40]!r} is not a number") from None
        if not math.isfinite(value) or not low <= value <= high:
            raise argparse.ArgumentTypeError(
                f"{text[:40]} is not a number of seconds between {low:g} and {high:g}"
            )
        return value

    return parse


def day(text: str) -> str:
    """A YYYY-MM-DD date, checked here; the commands read it as a WIB day."""
    try:
        date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text[:40]!r}: expected a date as YYYY-MM-DD") from None
    return text


def search(text: str) -> str:
    words = text.split()
    if not words:
        raise argparse.ArgumentTypeError("empty search: give at least one word")
    if len(words) > SEARCH_MAX_WORDS or len(text) > SEARCH_MAX_CHARS:
        raise argparse.ArgumentTypeError(
            f"{len(words)} words, {len(text)} characters: at most {SEARCH_MAX_WORDS} words "
            f"and {SEARCH_MAX_CHARS} characters"
        )
    if "\0" in text:
        raise argparse.ArgumentTypeError("a NUL character cannot be searched for")
    return text


def check_period(parser: argparse.ArgumentParser, args: argparse.Namespace) -> None:
    """--since after --until is a usage error, not an empty result."""
    since, until = getattr(args, "since", None), getattr(args, "until", None)
    if since and until and date.fromisoformat(since) > date.fromisoformat(until):
        parser.error(f"--since {since} is after --until {until}")


def non_utf8_argument(argv: list[str]) -> int | None:
    """The position of an argument that is not valid UTF-8 (decoded with surrogateescape)."""
    for i, arg in enumerate(argv):
        try:
            arg.encode("utf-8")
        except UnicodeEncodeError:
            return i + 1
    return None
