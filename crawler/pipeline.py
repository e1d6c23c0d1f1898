"""The item pipeline: every extracted article is upserted as soon as it arrives, so a crawl
killed half-way keeps what it stored and the next one skips it."""

from __future__ import annotations

import asyncio
import logging

from scrapy.crawler import Crawler

from kliping.crawler.items import ArticleItem
from kliping.crawler.store import StorageLost

log = logging.getLogger(__name__)


class StorePipeline:
    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> StorePipeline:
        return cls(crawler)

    async def process_item(self, item: ArticleItem) -> ArticleItem:
        spider = self.crawler.spider
        tally = spider.tallies[item.outlet]  # type: ignore[union-attr]
        try:
            article_id, outcome = await asyncio.to_thread(
                spider.store.save,  # type: ignore[union-attr]
                item.outlet,
                item.url,
                list(item.aliases),
                item.article,
                tally.run_id,
            )
        except StorageLost as lost:
            # Counted, not raised: Scrapy would log the whole article with the error. The
            # next crawl finds it again (it is not stored), and this one stops.
            tally.failures += 1
            tally.reasons["not stored"] += 1
            spider.storage_lost(lost)  # type: ignore[union-attr]
            return item
        if outcome == "new":
            tally.articles_new += 1
        elif outcome == "updated":
            tally.articles_updated += 1
        else:
            tally.articles_skipped += 1
        log.debug("stored %s (%s)", item.url, outcome, extra={"fields": {"id": article_id}})
        return item
