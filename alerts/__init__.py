"""Watchlists and alerts (issue 21): a watchlist is a saved search; after each clustering pass
the events it matches are written to an outbox in the same transaction, and a sender delivers
them (webhook, email) at least once, with an idempotency key.

Layering: alerts sits under dedup (whose clustering pass calls ``after_clustering``) and over
storage and config; it imports nothing from dedup, crawler, scheduler or the commands, and runs
no SQL itself (the watchlists and the outbox are storage/watchlists.py and storage/alerts.py).
"""

from kliping.alerts.deliver import start_delivery
from kliping.alerts.match import after_clustering
from kliping.storage.alerts import failed_deliveries

__all__ = ["after_clustering", "failed_deliveries", "start_delivery"]
