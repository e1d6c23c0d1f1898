"""The extraction result."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any


@dataclass(frozen=True)
class Extracted:
    """One article as kliping stores it: clean body, paragraphs separated by "\\n"."""

    url: str | None
    title: str | None
    text: str
    published: datetime | None
    authors: tuple[str, ...]
    language: str | None
    pages: int = 1
    # The url a syndication footer named ("Artikel ini telah tayang di ... <url>"): the footer
    # is cut from ``text``, its url kept for dedup's copy detection. Not in the JSON contract.
    syndicated_from: str | None = None

    def to_json(self) -> dict[str, Any]:
        """The `kliping extract` contract: exactly these seven keys."""
        return {
            "url": self.url,
            "title": self.title,
            "text": self.text,
            "published": self.published.isoformat() if self.published else None,
            "authors": list(self.authors),
            "language": self.language,
            "pages": self.pages,
        }
