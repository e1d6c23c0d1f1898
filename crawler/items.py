"""What the spider hands the pipeline: one typed item per article (Scrapy takes dataclasses)."""

from __future__ import annotations

from dataclasses import dataclass

from kliping.crawler.extract import Extracted


@dataclass(frozen=True, slots=True)
class ArticleItem:
    outlet: str  # registry key
    url: str  # the article's identity (canonical URL)
    aliases: tuple[str, ...]  # other URL forms it was found under, remembered as known
    article: Extracted
