"""Per-outlet counts of one crawl: what the run record and the end summary report."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from kliping.storage.sources import SAMPLE


@dataclass
class SourceCount:
    """What one discovery source listed in this run: the numbers drift is judged on."""

    kind: str
    entries: int = 0
    accepted: int = 0
    rejected: list[str] = field(default_factory=list)

    def add(self, url: str, accepted: bool, owned: bool) -> None:
        self.entries += 1
        if accepted:
            self.accepted += 1
        elif owned and len(self.rejected) < SAMPLE:  # the outlet's own URLs show a new shape
            self.rejected.append(url)


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
    sources: dict[str, SourceCount] = field(default_factory=dict)  # by registry source URL

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
