from __future__ import annotations

import psycopg

from kliping.storage import migrate
from tests.concurrently import at_once


def test_fresh_database_gets_every_migration(empty_db_url: str) -> None:
    with psycopg.connect(empty_db_url) as conn:
        assert migrate.applied(conn) == {}
        done = migrate.upgrade(conn)
        assert [m.version for m in done] == [m.version for m in migrate.available()]
        rows = conn.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")
        tables = {r[0] for r in rows}
    assert {"articles", "stories", "story_members", "crawl_runs", "crawl_requests"} <= tables


def test_second_upgrade_is_a_no_op(empty_db_url: str) -> None:
    with psycopg.connect(empty_db_url) as conn:
        migrate.upgrade(conn)
        assert migrate.upgrade(conn) == []
        assert migrate.pending(conn) == []


def test_concurrent_upgrades_apply_each_migration_once(empty_db_url: str) -> None:
    results = at_once(empty_db_url, migrate.upgrade, 4)
    applied = [m.version for r in results for m in r]
    assert sorted(applied) == [m.version for m in migrate.available()]
    with psycopg.connect(empty_db_url) as conn:
        rows = conn.execute("SELECT count(*) FROM schema_migrations").fetchone()
    assert rows is not None and rows[0] == len(migrate.available())


def test_migration_files_are_numbered_without_gaps() -> None:
    versions = [m.version for m in migrate.available()]
    assert versions == list(range(1, len(versions) + 1))
