"""Delivering alerts to real receivers on 127.0.0.1: a webhook that fails first, one that hangs,
one that refuses, one that is down, an SMTP server (aiosmtpd); alerts from real clustering."""

from __future__ import annotations

import email
import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import replace
from datetime import timedelta
from email.message import Message
from typing import Any

import psycopg
import pytest
from aiosmtpd.controller import Controller

from kliping.alerts import deliver, watchlists
from kliping.alerts.deliver import Tally, deliver_due
from kliping.alerts.senders import signature
from kliping.config.alert_settings import AlertSettings
from kliping.config.extract_rules import WIB
from kliping.storage import alerts as outbox
from tests.alerts_parts import RECORDS, cluster, receiver, store

SECRET = "s3cret-for-tests"
FAST = AlertSettings(webhook_secret=SECRET, timeout=0.5, retry_backoff=0.05, max_attempts=6,
                     web_url="http://127.0.0.1:8080")  # fmt: skip


def _alerts(conn: psycopg.Connection, targets: list[str], query: str = "gempa") -> int:
    """Alerts for ``targets`` from a real clustering pass; returns how many rows to deliver."""
    watchlists.add(conn, "w", query, min_outlets=4, targets=targets)
    store(conn, RECORDS)
    cluster(conn)
    row = conn.execute("SELECT count(*) FROM alert_outbox WHERE status = 'pending'").fetchone()
    assert row is not None and row[0] > 0
    return int(row[0])


def _drain(conn: psycopg.Connection, settings: AlertSettings, timeout: float = 30) -> Tally:
    """Deliver until nothing is pending (retries come due after their backoff)."""
    total, deadline = Tally(), time.monotonic() + timeout
    while conn.execute("SELECT count(*) FROM alert_outbox WHERE status = 'pending'").fetchone()[0]:  # type: ignore[index]
        assert time.monotonic() < deadline, "alerts still pending"
        total.add(deliver_due(conn, settings))
        time.sleep(0.05)
    return total


def _statuses(conn: psycopg.Connection) -> dict[str, int]:
    found = conn.execute("SELECT status, count(*) FROM alert_outbox GROUP BY status").fetchall()
    return {status: n for status, n in found}


def test_webhook_failing_first_is_retried_and_signed(conn: psycopg.Connection) -> None:
    with receiver(secret=SECRET, fail_first=3) as hook:
        n = _alerts(conn, [f"webhook:{hook.url}"])
        tally = _drain(conn, FAST)
    assert _statuses(conn) == {"delivered": n}
    assert tally.delivered == n and tally.retried == 3 and tally.attempted == n + 3
    assert hook.bad_signatures == 0 and sorted(hook.processed.values()) == [1] * n
    first = hook.requests[-1]["body"]
    assert set(first) >= {"idempotency_key", "watchlist", "reason", "event"}
    event = first["event"]
    assert event["url"] == f"http://127.0.0.1:8080/stories/{event['story_id']}"
    assert event["first_seen_wib"].endswith("WIB")
    assert event["articles"][0]["url"].startswith("https://")
    assert event["outlet_count"] == len(event["outlets"])
    # Retried alerts kept their key: the receiver saw each key once per attempt, never a new one.
    keys = conn.execute("SELECT idempotency_key::text FROM alert_outbox").fetchall()
    assert set(hook.keys) == {k for (k,) in keys}


def test_slow_receiver_times_out_and_is_retried(conn: psycopg.Connection) -> None:
    with receiver(hang=5.0) as hook:
        n = _alerts(conn, [f"webhook:{hook.url}"])
        tally = deliver_due(conn, FAST)
        assert tally.attempted == n and tally.retried == n and tally.delivered == 0
        errors = conn.execute("SELECT DISTINCT last_error FROM alert_outbox").fetchall()
        assert errors == [("no answer within 0.5s",)]
        hook.hang = 0.0
        later = _drain(conn, FAST)
    assert later.delivered == n and _statuses(conn) == {"delivered": n}


def test_receiver_down_backs_off_exponentially(conn: psycopg.Connection) -> None:
    with socket.socket() as s:  # a port nothing listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    _alerts(conn, [f"webhook:http://127.0.0.1:{port}/hook"], query="lewotobi")
    slow = replace(FAST, retry_backoff=60.0)
    gaps = []
    for _ in range(3):
        conn.execute("UPDATE alert_outbox SET next_attempt_at = now()")  # due now: try again
        assert deliver_due(conn, slow).retried >= 1
        gaps.append(conn.execute(
            "SELECT min(extract(epoch FROM next_attempt_at - clock_timestamp())) FROM alert_outbox"
        ).fetchone()[0])  # type: ignore[index]  # fmt: skip
    assert [round(float(g) / 60) for g in gaps] == [1, 2, 4]  # 60 s, doubling
    assert deliver_due(conn, slow).attempted == 0  # not due yet: nothing sent
    row = conn.execute("SELECT attempts, last_error FROM alert_outbox LIMIT 1").fetchone()
    assert row is not None and row[0] == 3 and "Connection" in row[1]


def test_permanent_refusal_is_recorded_and_listed(conn: psycopg.Connection) -> None:
    with receiver(status=410) as hook:
        n = _alerts(conn, [f"webhook:{hook.url}"])
        tally = _drain(conn, FAST)
    assert tally.failed == n and tally.attempted == n  # one attempt each: not retried
    failed = outbox.failed_deliveries(conn, limit=100)
    assert len(failed) == n and {f.reason for f in failed} == {"HTTP 410 Gone"}
    assert failed[0].watchlist == "w" and failed[0].title


def test_too_many_failures_give_up(conn: psycopg.Connection) -> None:
    with receiver(fail_first=1000) as hook:
        n = _alerts(conn, [f"webhook:{hook.url}"], query="lewotobi")
        _drain(conn, replace(FAST, retry_backoff=0.01, max_attempts=3))
    assert len(hook.requests) == 3 * n
    reasons = {f.reason for f in outbox.failed_deliveries(conn)}
    assert reasons == {"gave up after 3 attempts: HTTP 500 Internal Server Error"}


def test_signature_is_hmac_of_the_exact_body() -> None:
    # RFC 4231 test case 2: HMAC-SHA256 of "what do ya want for nothing?" under "Jefe".
    assert signature("Jefe", b"what do ya want for nothing?") == (
        "sha256=5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
    )
    assert signature("k", b"{}") != signature("k", b"{ }")


class _Mailbox:
    def __init__(self) -> None:
        self.messages: list[Message] = []
        self.envelopes: list[Any] = []

    async def handle_RCPT(self, server: Any, session: Any, envelope: Any, address: str,
                          options: Any) -> str:  # fmt: skip
        if address.startswith("nobody@"):
            return "550 5.1.1 no such user"
        if address.startswith("busy@"):
            return "451 4.3.0 try again later"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.envelopes.append(envelope)
        self.messages.append(email.message_from_bytes(envelope.content))
        return "250 Message accepted"


@pytest.fixture
def smtp() -> Iterator[tuple[_Mailbox, int]]:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    box = _Mailbox()
    controller = Controller(box, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield box, port
    finally:
        controller.stop()


def test_email_plain_and_html(conn: psycopg.Connection, smtp: tuple[_Mailbox, int]) -> None:
    box, port = smtp
    settings = replace(FAST, smtp_host="127.0.0.1", smtp_port=port, smtp_from="alerts@kliping.id")
    n = _alerts(conn, ["email:analis@media.id", "email:nobody@media.id", "email:busy@media.id"])
    deliver_due(conn, settings)
    per = n // 3
    assert len(box.messages) == per
    st = _statuses(conn)
    assert st["delivered"] == per and st["failed"] == per and st["pending"] == per
    msg = box.messages[0]
    assert msg["From"] == "alerts@kliping.id" and msg["To"] == "analis@media.id"
    assert msg["Subject"].startswith("[kliping] w: ")
    key = msg["X-Kliping-Idempotency-Key"]
    assert msg["Message-ID"] == f"<{key}@kliping>"
    parts = {p.get_content_type(): p.get_payload(decode=True).decode() for p in msg.walk()
             if not p.is_multipart()}  # fmt: skip
    assert set(parts) == {"text/plain", "text/html"}
    assert "First article:" in parts["text/plain"] and "<a href=" in parts["text/html"]
    assert "/stories/" in parts["text/plain"]
    failed = outbox.failed_deliveries(conn)
    assert failed and all("550" in f.reason for f in failed)


def test_delivery_thread_sends_what_clustering_writes(db_url: str) -> None:
    with receiver() as hook, psycopg.connect(db_url, autocommit=True) as conn:
        stop = threading.Event()
        thread = threading.Thread(target=deliver.serve, args=(db_url, stop, FAST), daemon=True)
        thread.start()
        try:
            n = _alerts(conn, [f"webhook:{hook.url}"])
            deadline = time.monotonic() + 20
            while len(hook.processed) < n:
                assert time.monotonic() < deadline, "the thread did not deliver"
                time.sleep(0.05)
        finally:
            stop.set()
            thread.join(timeout=10)
        assert not thread.is_alive()
        assert _statuses(conn) == {"delivered": n}


def test_daily_digest_lists_the_days_events_once(
    conn: psycopg.Connection, smtp: tuple[_Mailbox, int]
) -> None:
    box, port = smtp
    settings = replace(FAST, smtp_host="127.0.0.1", smtp_port=port)
    now = conn.execute("SELECT now()").fetchone()[0]  # type: ignore[index]
    # Digest time: a minute ago (WIB), so today's digest is due at once.
    at = (now - timedelta(minutes=1)).astimezone(WIB).time().replace(second=0, microsecond=0)
    w = watchlists.add(conn, "w", "gempa OR banjir", targets=["email:analis@media.id"],
                       digest_at=at)  # fmt: skip
    conn.execute("UPDATE watchlists SET created_at = created_at - interval '1 day'")
    store(conn, RECORDS)
    cluster(conn)
    # The alerts were written now: after today's digest time, so they wait for tomorrow's.
    conn.execute("UPDATE alert_outbox SET created_at = created_at - interval '3 minutes'")
    fired = conn.execute("SELECT count(DISTINCT event_key) FROM alert_outbox").fetchone()[0]  # type: ignore[index]
    deliver_due(conn, settings)
    deliver_due(conn, settings)  # a second pass (or another sender) writes no second digest
    digests = [m for m in box.messages if "digest of" in m["Subject"]]
    assert len(digests) == 1 and len(box.messages) == fired + 1
    text = next(p for p in digests[0].walk() if p.get_content_type() == "text/plain")
    body = text.get_payload(decode=True).decode()
    assert f"{fired} events" in body and body.count("First article:") == fired
    row = conn.execute(
        "SELECT event_key, status FROM alert_outbox WHERE reason = 'digest'"
    ).fetchall()
    day = (now - timedelta(minutes=1)).astimezone(WIB).date()  # yesterday's, just after 00:00
    assert row == [(day.toordinal(), "delivered")]
    assert w.digest_at == at


def test_settled_alerts_are_pruned_after_keep_days(conn: psycopg.Connection) -> None:
    with receiver() as hook:
        n = _alerts(conn, [f"webhook:{hook.url}", "webhook:http://127.0.0.1:9/down"])
        deliver_due(conn, FAST)
    assert _statuses(conn) == {"delivered": n // 2, "pending": n // 2}
    assert outbox.prune(conn, 90) == 0  # nothing is old yet
    conn.execute("UPDATE alert_outbox SET created_at = created_at - interval '91 days'")
    assert outbox.prune(conn, 90) == n // 2
    assert _statuses(conn) == {"pending": n // 2}  # undelivered alerts are never dropped


def test_alert_settings_are_checked() -> None:
    from kliping.config.errors import SettingsError

    s = AlertSettings.from_env(
        {
            "KLIPING_SMTP_PORT": "587",
            "KLIPING_SMTP_STARTTLS": "1",
            "KLIPING_SMTP_PASSWORD": "pw",
            "KLIPING_WEB_URL": "http://w/",
        }
    )
    assert s.smtp_port == 587 and s.smtp_starttls and s.web_url == "http://w"
    assert "pw" not in repr(s)
    for name, value in [
        ("KLIPING_SMTP_PORT", "0"),
        ("KLIPING_ALERT_TIMEOUT", "nan"),
        ("KLIPING_ALERT_KEEP_DAYS", "1"),
        ("KLIPING_SMTP_STARTTLS", "maybe"),
    ]:
        with pytest.raises(SettingsError, match=name):
            AlertSettings.from_env({name: value})
