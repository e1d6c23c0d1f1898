"""`kliping cluster` input, checked line by line before the engine sees it: every problem is a
one-line error naming the line, and no line can make the command take gigabytes.

Each line must be a JSON object with an ``id`` (string or whole number) and optional string
fields ``title``, ``text``, ``outlet``, ``url``, ``published`` (ISO 8601). A line repeated word
for word is the same article and is read once; the same id with other content is an error,
since merging two articles under one id would silently lose one.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from datetime import datetime
from typing import TextIO

# The longest article of the seeds is ~200 KB of text; 4 Mi characters leaves 20x room and
# bounds what one line may cost (a 200 MB line took 4.6 GiB when read whole).
MAX_LINE_CHARS = 4 * 1024 * 1024
_TEXT_FIELDS = ("title", "text", "outlet", "url", "published")


class InputError(ValueError):
    """A line of the input cannot be used; the message starts with "line N: "."""

    def __init__(self, line: int, reason: str) -> None:
        super().__init__(f"line {line}: {reason}")


def _check(obj: object, number: int) -> None:
    if not isinstance(obj, dict):
        raise InputError(number, f"expected a JSON object, got {type(obj).__name__}")
    ident = obj.get("id")
    if ident is None:
        raise InputError(number, "no id")
    if isinstance(ident, bool) or not isinstance(ident, str | int) or ident == "":
        raise InputError(number, f"id must be a string or a whole number, not {ident!r:.40}")
    for name in _TEXT_FIELDS:
        value = obj.get(name)
        if value is not None and not isinstance(value, str):
            raise InputError(number, f"{name} must be a string, not {type(value).__name__}")
    published = obj.get("published")
    if published:
        try:
            datetime.fromisoformat(published.replace("Z", "+00:00"))
        except ValueError:
            reason = f"published {published[:40]!r} is not an ISO 8601 time"
            raise InputError(number, reason) from None


def checked_lines(handle: TextIO, max_chars: int = MAX_LINE_CHARS) -> Iterator[str]:
    """The lines of ``handle`` that are articles, each checked (InputError otherwise);
    blank lines and exact repeats of an earlier line's article are left out."""
    seen: dict[str, tuple[int, bytes]] = {}
    number = 0
    while True:
        number += 1
        try:
            line = handle.readline(max_chars + 1)
        except UnicodeDecodeError:
            raise InputError(number, "not valid UTF-8 (here or in the next lines)") from None
        if not line:
            return
        if len(line) > max_chars:
            raise InputError(number, f"longer than {max_chars} characters")
        if not line.strip():
            continue
        try:
            obj = json.loads(line)
        except RecursionError:
            raise InputError(number, "JSON nested too deeply") from None
        except ValueError as exc:
            raise InputError(number, f"not JSON: {exc}") from None
        _check(obj, number)
        ident = str(obj["id"])
        digest = hashlib.sha256(json.dumps(obj, sort_keys=True).encode()).digest()
        if ident in seen:
            first, before = seen[ident]
            if before != digest:
                raise InputError(number, f"id {ident[:40]!r} is already line {first}'s, "
                                 "with different content")  # fmt: skip
            continue
        seen[ident] = (number, digest)
        yield line
