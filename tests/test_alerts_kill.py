"""The alert sender killed (-9) in the middle of a delivery, then two restarted at once: every
alert is delivered; only the one in flight is sent again, with the same idempotency key, so a
receiver that honours the key acts on each alert once."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import psycopg
import pytest

from kliping.alerts import watchlists
from tests.alerts_parts import RECORDS, cluster, receiver, store
from tests.fix_site import wait_for

TOPICS = ["gempa", "banjir", "mudik", "KPK", "Timnas", "Lewotobi", "Menlu", "suku bunga",
          "Cipali", "Sekdaprov"]  # fmt: skip


def _sender(db_url: str, home: Path) -> subprocess.Popen[bytes]:
    env = dict(os.environ, DATABASE_URL=db_url, KLIPING_HOME=str(home),
               KLIPING_ALERT_TIMEOUT="10", KLIPING_ALERT_RETRY_BACKOFF="0.1",
               KLIPING_WEBHOOK_SECRET="k")  # fmt: skip
    return subprocess.Popen([sys.executable, "-m", "kliping", "watch", "send"], env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # fmt: skip


@pytest.mark.slow
def test_sender_killed_mid_delivery_loses_and_doubles_nothing(db_url: str, tmp_path: Path) -> None:
    with receiver(secret="k", hang=0.05, hold_at=6) as hook:
        with psycopg.connect(db_url, autocommit=True) as conn:
            for topic in TOPICS:
                watchlists.add(conn, topic, topic, min_outlets=3,
                               targets=[f"webhook:{hook.url}"])  # fmt: skip
            store(conn, RECORDS)
            cluster(conn)
            keys = {k for (k,) in conn.execute("SELECT idempotency_key::text FROM alert_outbox")}
        total = len(keys)
        assert total >= 20

        first = _sender(db_url, tmp_path)
        assert hook.held.wait(60), "the sender never reached the sixth alert"
        first.send_signal(signal.SIGKILL)  # mid-delivery: the receiver has the request
        first.wait(timeout=30)
        hook.release.set()  # the receiver acts on it, but nobody hears the answer

        def undelivered() -> int:
            with psycopg.connect(db_url) as c:
                return c.execute("SELECT count(*) FROM alert_outbox WHERE status <> 'delivered'"
                                 ).fetchone()[0]  # type: ignore[index]  # fmt: skip

        assert undelivered() == total - 5  # the killed delivery was not recorded
        again = [_sender(db_url, tmp_path), _sender(db_url, tmp_path)]  # two at once
        try:
            wait_for(lambda: undelivered() == 0, 120, "every alert delivered")
        finally:
            for p in again:
                p.terminate()
                p.wait(timeout=30)

    requests = hook.keys
    repeats = {k: n for k, n in requests.items() if n > 1}
    doubled = sum(n - 1 for n in hook.processed.values())
    print(f"\nalerts {total}: attempted {sum(requests.values())}, delivered {len(hook.processed)},"
          f" retried {sum(n - 1 for n in repeats.values())}, doubled {doubled}")  # fmt: skip
    assert set(hook.processed) == keys  # every alert reached the receiver and was acted on
    assert doubled == 0 and hook.bad_signatures == 0
    # At-least-once, and no more than that: only the alert in flight at the kill went twice,
    # under its one key (the two restarted senders never sent the same alert).
    held = hook.requests[5]["key"]
    assert repeats == {held: 2}
