"""Discovery keys on URL identity: a stored article is not fetched again under another form."""

from __future__ import annotations

import asyncio

import psycopg

from kliping.config.identity import identity
from kliping.config.outlets import load_registry
from kliping.crawler.discovery import Entry
from kliping.crawler.extract.model import Extracted
from kliping.crawler.spider import OutletSpider
from kliping.crawler.store import CrawlStore
from kliping.crawler.tally import Tally
from kliping.storage import db
from kliping.storage.runs import start_run

# Real detik URLs of ../shared/data/real_urls_dev.tsv: one article stored under its first
# slug, found again under the edited one; a second article found as its mobile/tracked form.
STORED = "https://news.detik.com/berita/d-8619209/dpr-bahas-terbatas-revisi-uu-pemilu-pekan-depan"
EDITED = "https://news.detik.com/berita/d-8619209/dpr-pastikan-semua-fraksi-dilibatkan-bahas"
NEW = "https://finance.detik.com/berita-ekonomi-bisnis/d-5064177/ancaman-pengangguran"


def test_variants_of_stored_and_of_queued_articles_are_not_requested(db_url: str) -> None:
    detik = load_registry()["detik"]
    pool = db.open_pool(db_url, max_size=1)
    try:
        store = CrawlStore(pool)
        with psycopg.connect(db_url, autocommit=True) as conn:
            run_id = start_run(conn, "detik", "cli")
        text = "Isi berita yang cukup panjang untuk disimpan."
        article = Extracted(STORED, "Judul", text, None, (), "id")
        key = identity(STORED)
        assert key == "detik:8619209"
        store.save("detik", STORED, [key], article, run_id)
        spider = OutletSpider([detik], {"detik": Tally(run_id)}, store, pool=None)  # type: ignore[arg-type]
        entries = [
            Entry(EDITED),  # stored under its old slug: known by identity
            Entry(NEW + "?utm_source=ABC&utm_medium=rss"),
            Entry(NEW.replace("https://finance.", "http://m.") + "/2"),  # same article again
            Entry("https://travel.detik.com/fototravel/d-7954908/lukisan"),  # a gallery
        ]
        requests = asyncio.run(spider._article_requests(detik, entries))
        assert [r.cb_kwargs["url"] for r in requests] == [NEW]
        assert spider.tallies["detik"].articles_skipped == 1
    finally:
        pool.close()
