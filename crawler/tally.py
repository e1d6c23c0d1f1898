"""Per-outlet counts of one crawl: what the run record and the end summary report."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field


@dataclass
class Tally:
    run_id: int
    pages_fetched: int = 0
    articles_new: int = 0
    articles_updated: int = 0
    articles_skipped: int = 0
    failures: int = 0
    reasons: Counter[str] = field(default_factory=Counter)
    error: str | None = None

    def counts(self) -> dict[str, int]:
        return {
            "pages_fetched": self.pages_fetched,
            "articles_new": self.articles_new,
            "articles_updated": self.articles_updated,
            "articles_skipped": self.articles_skipped,
            "failures": self.failures,
        }

    @property
    def status(self) -> str:
        if self.error or (self.pages_fetched == 0 and self.failures):
            return "failed"
        return "partial" if self.failures else "ok"

    def line(self) -> str:
        return (
            f"{self.articles_new} new, {self.articles_updated} updated, "
            f"{self.articles_skipped} already stored, {self.failures} failed, "
            f"{self.pages_fetched} pages"
        )
