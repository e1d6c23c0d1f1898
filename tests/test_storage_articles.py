from __future__ import annotations

import hashlib
from dataclasses import replace
from datetime import UTC, datetime

import psycopg

from kliping.storage import runs
from kliping.storage.articles import ArticleRecord, count_articles, known_urls, upsert_article

ARTICLE = ArticleRecord(
    url="https://news.example.id/berita/d-1/gempa",
    outlet="detik",
    title="Gempa M 5,9 guncang Mamuju",
    text="Gempa bumi mengguncang Mamuju.\nBMKG menyatakan tidak berpotensi tsunami.",
    published=datetime(2025, 5, 12, 14, 5, tzinfo=UTC),
    authors=("Rina Wulandari",),
    language="id",
    pages=1,
    aliases=("https://news.example.id/berita/d-1/gempa?single=1",),
)


def test_upsert_is_idempotent(conn: psycopg.Connection) -> None:
    first = upsert_article(conn, ARTICLE)
    again = upsert_article(conn, ARTICLE)
    assert first[1] == "new"
    assert again == (first[0], "unchanged")
    assert count_articles(conn) == 1


def test_changed_content_updates_in_place(conn: psycopg.Connection) -> None:
    article_id, _ = upsert_article(conn, ARTICLE)
    changed = replace(ARTICLE, text=ARTICLE.text + "\nPembaruan.")
    assert upsert_article(conn, changed) == (article_id, "updated")
    row = conn.execute("SELECT text FROM articles WHERE id = %s", (article_id,)).fetchone()
    assert row is not None and row[0].endswith("Pembaruan.")
    assert count_articles(conn) == 1


def test_content_hash_is_the_stored_text_s_own(conn: psycopg.Connection) -> None:
    # Storage hashes what it stores (md5 of the text): a change to dedup's cleaning rules can
    # never make a recrawled article count as "updated".
    article_id, _ = upsert_article(conn, ARTICLE)
    row = conn.execute("SELECT content_hash FROM articles WHERE id = %s", (article_id,)).fetchone()
    assert row is not None
    assert row[0] == hashlib.md5(ARTICLE.text.encode()).hexdigest()


def test_aliases_make_the_article_known(conn: psycopg.Connection) -> None:
    upsert_article(conn, ARTICLE)
    probe = [ARTICLE.url, ARTICLE.aliases[0], "https://news.example.id/berita/d-2/lain"]
    assert known_urls(conn, probe) == {ARTICLE.url, ARTICLE.aliases[0]}


def test_hostile_text_is_stored_verbatim(conn: psycopg.Connection) -> None:
    hostile = replace(ARTICLE, url="https://x.id/a'b", title="'); DROP TABLE articles; --")
    article_id, outcome = upsert_article(conn, hostile)
    assert outcome == "new"
    row = conn.execute("SELECT title FROM articles WHERE id = %s", (article_id,)).fetchone()
    assert row is not None and row[0] == hostile.title


def test_runs_record_counts_and_abandon_dead_ones(conn: psycopg.Connection) -> None:
    done = runs.start_run(conn, "detik", "cli")
    runs.finish_run(conn, done, "ok", {"pages_fetched": 3, "articles_new": 2}, {"http 500": 1})
    runs.start_run(conn, "kompas", "schedule")
    assert runs.abandon_stale_runs(conn) == ["kompas"]
    last = runs.last_runs(conn, ["detik", "kompas"])
    assert last["detik"].status == "ok" and last["detik"].articles_new == 2
    assert last["detik"].failure_reasons == {"http 500": 1}
    assert last["kompas"].status == "abandoned"
