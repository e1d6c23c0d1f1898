"""Real parts for the alert tests: sample articles stored and clustered, a webhook receiver on
127.0.0.1 that can fail, hang or refuse, and that honours idempotency keys."""

from __future__ import annotations

import hashlib
import hmac
import json
import threading
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import psycopg

from kliping.dedup.store import StoryStore
from tests.test_dedup_store import RECORDS, _store

__all__ = ["RECORDS", "Receiver", "cluster", "receiver", "store"]


def store(conn: psycopg.Connection, records: list[dict]) -> dict[str, int]:
    """Sample records stored as articles: record id -> article id."""
    return _store(conn, records)


def cluster(conn: psycopg.Connection, stories: StoryStore | None = None) -> int:
    return (stories or StoryStore()).cluster_pending(conn)


@dataclass
class Receiver:
    """What the webhook receiver saw. ``fail_first``: answer 500 that many times; ``hang``: hold
    every request that long before answering; ``status``: answer this instead of 200."""

    secret: str = ""
    fail_first: int = 0
    hang: float = 0.0
    status: int = 200
    url: str = ""
    requests: list[dict[str, Any]] = field(default_factory=list)
    processed: Counter[str] = field(default_factory=Counter)  # key -> times acted on
    bad_signatures: int = 0
    hold_at: int = 0  # the request with this number waits for ``release`` (a sender is killed)
    held: threading.Event = field(default_factory=threading.Event)
    release: threading.Event = field(default_factory=threading.Event)
    arrived: threading.Event = field(default_factory=threading.Event)
    lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def keys(self) -> Counter[str]:
        """key -> requests that carried it (repeats included)."""
        return Counter(r["key"] for r in self.requests)

    def handle(self, headers: Any, data: bytes) -> int:
        key = headers.get("Idempotency-Key", "")
        with self.lock:
            self.requests.append({"key": key, "body": json.loads(data), "at": time.monotonic()})
            self.arrived.set()
            hold = len(self.requests) == self.hold_at
            if self.fail_first > 0:
                self.fail_first -= 1
                return 500
        if self.secret:
            good = "sha256=" + hmac.new(self.secret.encode(), data, hashlib.sha256).hexdigest()
            if not hmac.compare_digest(headers.get("X-Kliping-Signature", ""), good):
                self.bad_signatures += 1
                return 401
        if hold:
            self.held.set()
            self.release.wait(60)
        if self.hang:
            time.sleep(self.hang)
        if self.status == 200:
            with self.lock:
                # Honouring the key: a repeat is acknowledged, not acted on again.
                if key not in self.processed:
                    self.processed[key] += 1
        return self.status


@contextmanager
def receiver(**options: Any) -> Iterator[Receiver]:
    state = Receiver(**options)

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            data = self.rfile.read(int(self.headers.get("Content-Length", 0)))
            code = state.handle(self.headers, data)
            try:
                self.send_response(code)
                self.send_header("Content-Length", "0")
                self.end_headers()
            except OSError:
                pass  # the sender gave up (timeout) or was killed

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    state.url = f"http://127.0.0.1:{server.server_address[1]}/hook"
    try:
        yield state
    finally:
        server.shutdown()
        server.server_close()
