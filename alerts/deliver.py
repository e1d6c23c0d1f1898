"""The delivery loop: send due alerts one by one, back off on passing failures, sleep until
the next alert is due or a clustering pass announces new ones (NOTIFY)."""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass

import psycopg

from kliping.alerts import digest, senders
from kliping.config.alert_settings import AlertSettings
from kliping.storage import alerts as outbox
from kliping.storage import db
from kliping.storage.alerts import Alert

log = logging.getLogger(__name__)

# Longest sleep between two looks at the outbox: bounds the delay of an alert whose NOTIFY was
# missed (sent while this connection was busy sending) and the time a stop request waits.
POLL_SECONDS = 2.0
PRUNE_SECONDS = 3600.0  # settled alerts are deleted hourly, on a day's scale that is enough
MAX_RECONNECT_SECONDS = 60.0
MAX_BACKOFF = 3600.0  # seconds: a receiver down for a day is tried hourly, not daily


@dataclass
class Tally:
    attempted: int = 0
    delivered: int = 0
    retried: int = 0
    failed: int = 0

    def add(self, other: Tally) -> None:
        for name in ("attempted", "delivered", "retried", "failed"):
            setattr(self, name, getattr(self, name) + getattr(other, name))

    def line(self) -> str:
        return (
            f"{self.attempted} attempted, {self.delivered} delivered, {self.retried} to retry,"
            f" {self.failed} failed"
        )


def deliver_due(
    conn: psycopg.Connection, settings: AlertSettings, stop: threading.Event | None = None
) -> Tally:
    """Send every alert due now (``conn`` in autocommit mode); return what happened. Alerts
    falling due meanwhile (a retry's backoff ending) wait for the next pass."""
    tally = Tally()
    try:
        digest.enqueue_due(conn)
    except psycopg.OperationalError:
        raise
    except Exception:  # a digest that cannot be written must not hold up the alerts
        log.exception("daily digests not written")
    now = outbox.clock(conn)
    while stop is None or not stop.is_set():
        with conn.transaction():  # holds the alert's row lock for the length of its delivery
            alert = outbox.claim(conn, now)
            if alert is None:
                break
            outcome = senders.send(alert.target, alert.payload, alert.idempotency_key, settings)
            tally.attempted += 1
            if outcome.kind == "delivered":
                outbox.delivered(conn, alert)
                tally.delivered += 1
            elif outcome.kind == "refused" or not _retry(conn, alert, outcome.detail, settings):
                if outcome.kind == "refused":
                    outbox.failed(conn, alert, outcome.detail)
                tally.failed += 1
                log.warning("alert %d to %s failed: %s", alert.id, _where(alert.target),
                            outcome.detail)  # fmt: skip
            else:
                tally.retried += 1
                log.info("alert %d to %s: %s; retrying later", alert.id, _where(alert.target),
                         outcome.detail)  # fmt: skip
    return tally


def _retry(conn: psycopg.Connection, alert: Alert, reason: str, settings: AlertSettings) -> bool:
    """A passing failure: due again after ``retry_backoff`` × 2^(attempts), or failed after
    ``max_attempts``. True when it will be retried."""
    attempts = alert.attempts + 1
    if attempts >= settings.max_attempts:
        outbox.failed(conn, alert, f"gave up after {attempts} attempts: {reason}")
        return False
    delay = min(MAX_BACKOFF, settings.retry_backoff * 2 ** (attempts - 1))
    outbox.retry_later(conn, alert, attempts, reason, delay)
    return True


def _where(target: str) -> str:
    """The target without the path or address part (a webhook URL may carry a token)."""
    kind, _, rest = target.partition(":")
    if kind == "webhook":
        return "webhook " + rest.split("/")[2] if rest.count("/") >= 2 else kind
    return f"email @{rest.rpartition('@')[2]}"


def _wait(conn: psycopg.Connection, stop: threading.Event) -> None:
    due = outbox.next_due(conn)
    now = outbox.clock(conn)
    seconds = POLL_SECONDS if due is None else (due - now).total_seconds()
    seconds = max(0.0, min(POLL_SECONDS, seconds))
    if seconds and not stop.is_set():
        for _ in conn.notifies(timeout=seconds, stop_after=1):
            pass


def serve(conninfo: str, stop: threading.Event, settings: AlertSettings) -> Tally:
    """Deliver until ``stop`` is set, reconnecting with backoff while Postgres is away."""
    total, delay, pruned_at = Tally(), 1.0, 0.0
    while not stop.is_set():
        try:
            with db.connect(conninfo, upgrade=False) as conn:
                outbox.listen(conn)
                delay = 1.0
                while not stop.is_set():
                    if time.monotonic() - pruned_at >= PRUNE_SECONDS:
                        outbox.prune(conn, settings.keep_days)
                        pruned_at = time.monotonic()
                    done = deliver_due(conn, settings, stop)
                    if done.attempted:
                        log.info("alerts: %s", done.line())
                    total.add(done)
                    _wait(conn, stop)
        except psycopg.OperationalError as exc:
            log.warning("alert delivery: database unavailable, retrying in %.0fs: %s", delay,
                        str(exc).strip())  # fmt: skip
        except Exception:  # a bug must not end delivery for the daemon's whole life
            log.exception("alert delivery failed; retrying in %.0fs", delay)
        stop.wait(delay)
        delay = min(delay * 2, MAX_RECONNECT_SECONDS)
    return total


def start_delivery(conninfo: str, stop: threading.Event) -> threading.Thread:
    """The daemon's one line: deliver alerts in a background thread until ``stop`` is set.
    Bad alert settings raise here, at start, not later in the thread."""
    settings = AlertSettings.from_env()
    thread = threading.Thread(
        target=serve, args=(conninfo, stop, settings), name="alerts", daemon=True
    )
    thread.start()
    return thread
