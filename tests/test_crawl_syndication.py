"""The syndication footer end to end: the extractor cuts it from a crawled Tribun copy, storage
keeps the url it named (articles.syndicated_from), and dedup links the copy to its original by
that url even when the copy's text no longer resembles the original."""

from __future__ import annotations

import psycopg
import pytest

from kliping.config.identity import identity
from kliping.dedup.store import cluster_pending
from kliping.sample_site.server import SampleSite
from tests.fix_site import Kliping

TRIBUN = ("tribunnews", "poskupang", "tribunjabar", "tribunbali")


@pytest.mark.slow
def test_crawled_copy_is_linked_to_its_original_by_the_footer_url(
    kliping: Kliping, site: SampleSite, db_url: str
) -> None:
    done = kliping.run("crawl", "--no-cluster", *TRIBUN)  # clustered below, after the edit
    assert done.returncode == 0, done.stderr[-3000:]
    by_id = {a.record["id"]: a for a in site.corpus}
    copies = {
        site.url(a): site.url(by_id[a.record["duplicate_of"]])
        for a in site.corpus
        if a.outlet in TRIBUN and a.record.get("duplicate_of")
    }
    assert len(copies) >= 4
    with psycopg.connect(db_url, autocommit=True) as conn:
        rows = conn.execute(
            "SELECT id, url, text, syndicated_from, title FROM articles WHERE url = ANY(%s)",
            (list(copies) + list(copies.values()),),
        ).fetchall()
        ids = {url: i for i, url, *_ in rows}
        titles = {url: title for _, url, *_, title in rows}
        for _, url, text, syndicated_from, _ in rows:
            assert "telah tayang" not in text.lower()  # the footer is not stored text
            if url in copies:
                assert identity(syndicated_from) == identity(copies[url]), url
            else:
                assert syndicated_from is None, url
        # Editors rewrite copies: with nothing of the original's text left, only the footer's
        # url can say whose copy it is. One copy loses its footer url: the control (one whose
        # headline differs from its original's, which would otherwise link it).
        control = next(u for u in sorted(copies) if titles[u] != titles[copies[u]])
        linked = [u for u in copies if u != control]
        for url in copies:
            conn.execute(
                "UPDATE articles SET text = %s WHERE url = %s",
                (f"Ringkasan redaksi: {titles[url]}. Selengkapnya di sumber asli.", url),
            )
        conn.execute("UPDATE articles SET syndicated_from = NULL WHERE url = %s", (control,))
        cluster_pending(conn)
        dup = dict(conn.execute("SELECT article_id, duplicate_of FROM story_members").fetchall())
    for url in linked:
        assert dup[ids[url]] == ids[copies[url]], url
    assert dup[ids[control]] is None
