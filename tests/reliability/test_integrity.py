"""`kliping db check`: every rule holds after a crawl, and a broken rule is named (exit 1)."""

from __future__ import annotations

import psycopg

from kliping.storage import integrity
from tests.fix_site import Kliping


def test_db_check_passes_after_a_crawl_and_names_what_breaks(kliping: Kliping, db_url: str) -> None:
    assert kliping.run("crawl", "detik", "kompas").returncode == 0
    ok = kliping.run("db", "check")
    assert ok.returncode == 0, ok.stdout
    assert ok.stdout.count("  ok  ") == len(integrity.CHECKS) and "FAIL" not in ok.stdout
    with psycopg.connect(db_url, autocommit=True) as conn:
        conn.execute("UPDATE stories SET article_count = article_count + 1"
                     " WHERE id = (SELECT min(id) FROM stories)")  # fmt: skip
        conn.execute(
            "UPDATE crawl_runs SET finished_at = NULL WHERE id = (SELECT min(id) FROM crawl_runs)"
        )
        # A member of a story of several: its story stays non-empty (that rule is the first's).
        conn.execute(
            "DELETE FROM story_members WHERE article_id = (SELECT max(article_id) FROM"
            " story_members WHERE story_id IN"
            " (SELECT story_id FROM story_members GROUP BY story_id HAVING count(*) > 1))"
        )
    broken = kliping.run("db", "check")
    assert broken.returncode == 1
    failed = [line for line in broken.stdout.splitlines() if line.startswith("FAIL")]
    # The deleted member also leaves its event miscounted.
    assert len(failed) == 3, broken.stdout
    assert any("stories whose member count" in line for line in failed)
    assert any("events whose member count" in line for line in failed)
    assert any("end time" in line for line in failed)
    assert "waiting to be clustered (the next run places them): 1" in broken.stdout
