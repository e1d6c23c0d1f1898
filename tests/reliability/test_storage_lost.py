"""When a crawl stops waiting for its database (crawler/store.py): at once on a full disk, after
every retry when it stays down; then every later write fails at once, in every thread."""

from __future__ import annotations

import psycopg
import pytest

from kliping.crawler import store as store_module
from kliping.crawler.store import CrawlStore, StorageLost
from kliping.storage.errors import disk_full


class Failing:
    def __init__(self, error: Exception) -> None:
        self.error, self.calls = error, 0

    def __call__(self) -> None:
        self.calls += 1
        raise self.error


@pytest.fixture
def store(monkeypatch: pytest.MonkeyPatch) -> CrawlStore:
    monkeypatch.setattr(store_module, "RETRY_DELAYS", (0.0, 0.0, 0.0))
    return CrawlStore(pool=None)  # type: ignore[arg-type]  # the actions below use no pool


def test_a_full_disk_is_not_retried(store: CrawlStore) -> None:
    full = Failing(psycopg.errors.DiskFull('could not extend file "base/1/2": No space left'))
    with pytest.raises(StorageLost, match=r"^disk full \(ENOSPC\)") as lost:
        store._retrying(full)
    assert full.calls == 1 and lost.value.disk_full
    again = Failing(psycopg.OperationalError("anything"))
    with pytest.raises(StorageLost):
        store._retrying(again)
    assert again.calls == 0  # sticky: nothing is asked of the database any more


def test_a_panic_on_a_full_disk_is_disk_full() -> None:
    # What the session whose WAL write failed hears; the others hear "terminating connection".
    panic = psycopg.OperationalError(
        'PANIC:  could not write to file "pg_wal/xlogtemp.9": No space left on device'
    )
    assert disk_full(panic) and disk_full(OSError(28, "No space left on device"))
    assert not disk_full(psycopg.OperationalError("terminating connection because of crash"))


def test_a_database_down_through_every_retry_is_given_up(store: CrawlStore) -> None:
    down = Failing(psycopg.OperationalError("connection refused\nIs the server running?"))
    with pytest.raises(StorageLost) as lost:
        store._retrying(down)
    assert down.calls == 4  # three retries, then the last try
    assert not lost.value.disk_full
    assert str(lost.value) == "database unavailable through every retry (connection refused)"


def test_a_stop_is_not_kept_waiting(store: CrawlStore) -> None:
    store.stopping.set()
    down = Failing(psycopg.OperationalError("connection refused"))
    with pytest.raises(psycopg.OperationalError):
        store._retrying(down)
    assert down.calls == 1
