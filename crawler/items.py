"""What crosses between the crawl's parts: the spider hands the pipeline one typed item per
article (Scrapy takes dataclasses), and a page that fails becomes a typed failure (from the
extraction workers, the downloader or the page itself; crawler/failures.py names them)."""

from __future__ import annotations

from dataclasses import dataclass

from kliping.crawler.extract import Extracted


@dataclass(frozen=True, slots=True)
class ArticleItem:
    outlet: str  # registry key
    url: str  # the article's identity (canonical URL)
    aliases: tuple[str, ...]  # other URL forms it was found under, remembered as known
    article: Extracted


@dataclass(frozen=True, slots=True)
class PageFailure:
    """One failed page: ``kind`` is what runs count ("http 404", "timeout", "extraction"),
    ``detail`` what an operator reads next to it. Stored as ``str(failure)``."""

    kind: str
    detail: str = ""

    def __str__(self) -> str:
        return f"{self.kind}: {self.detail}" if self.detail else self.kind
