"""How many crawls one machine runs at once, and in which order the others wait.

Every crawl is a child process with its own extraction pool; 21 of them started together on
2 cores gave a load average of 33 and ~2 GB RSS (issue 19). So the daemon admits at most
``size`` crawls at a time (``KLIPING_MAX_CRAWLS``) through a ``CrawlGate``; the rest queue, and
the most overdue goes first (the one due earliest). First starts are spread over the first
interval, retries are jittered, so failures that came together do not come back together.
"""

from __future__ import annotations

import os
import random
import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

WAKE_SECONDS = 0.5  # how often a queued crawl checks for a stop
# The first crawls are spread over the first interval, but at no more than this many seconds
# per outlet and crawl slot: about the time a crawl child takes to start (importing the crawler
# and opening a 1-worker extraction pool took 1.2-2.2 s wall, 0.8 s CPU, on the shared 2-core
# machine), with room for a loaded one. Wider only delays a small registry; narrower starts
# children faster than they can come up.
START_GAP_SECONDS = 3.0


def crawl_slots(configured: int, cores: int | None = None) -> int:
    """``KLIPING_MAX_CRAWLS``, or when 0 one crawl per core.

    A crawl mostly waits on the politeness delay (1 s between requests), so crawls in
    parallel add throughput almost freely until memory runs out: ~210 MB per crawl (child,
    forkserver, extraction worker). 24 outlets on 2 cores, 150 s (bench/daemon_capacity.py):
    1 crawl at once 9 crawls done, 263 MiB, own load 0.41; 2 (the default here) 19, 462 MiB,
    0.80; 4: 24, 859 MiB, 2.00; unbounded: 24, 4.2 GiB, 26. One per core keeps both goals
    (load <= 2x cores, <= 1 GB) with room for the extraction peaks of real pages.
    """
    if configured > 0:
        return configured
    return max(1, cores or os.cpu_count() or 1)


def extract_workers(configured: int, slots: int, cores: int | None = None) -> int:
    """Extraction processes per crawl child: the cores shared among the crawls that may run
    at once (each child has its own pool), unless ``KLIPING_EXTRACT_WORKERS`` says."""
    if configured > 0:
        return configured
    return max(1, (cores or os.cpu_count() or 1) // slots)


def first_runs(
    outlets: list[str], intervals: dict[str, float], slots: int, now: datetime
) -> dict[str, datetime]:
    """Each outlet's first crawl, spread evenly over the first interval (capped at
    START_GAP_SECONDS per outlet and slot), in a random order so no outlet always goes last."""
    order = list(outlets)
    random.shuffle(order)
    out = {}
    for place, key in enumerate(order):
        window = min(intervals[key], START_GAP_SECONDS * len(order) / slots)
        out[key] = now + timedelta(seconds=window * place / max(1, len(order)))
    return out


def retry_delay(base: float, failures: int) -> float:
    """Exponential backoff with jitter: between 0.5x and 1.5x of base·2^(failures-1), so outlets
    that failed together (a database restart) come back spread out, not at one instant."""
    return base * 2 ** (failures - 1) * random.uniform(0.5, 1.5)


class CrawlGate:
    """At most ``size`` crawls at once (None: no bound); those waiting go in order of how
    overdue they are: the one due first, then the outlet key."""

    def __init__(self, size: int | None) -> None:
        self.size = size
        self._cond = threading.Condition()
        self._active: set[str] = set()
        self._waiting: dict[str, datetime] = {}  # outlet -> when its crawl became due

    def enter(self, outlet: str, stop: threading.Event, due: datetime | None = None) -> bool:
        """Wait for a place; False when ``stop`` is set first."""
        due = due or datetime.now(UTC)
        with self._cond:
            self._waiting[outlet] = due
            try:
                while not stop.is_set():
                    first = min(self._waiting.items(), key=lambda kv: (kv[1], kv[0]))[0]
                    if first == outlet and (self.size is None or len(self._active) < self.size):
                        self._active.add(outlet)
                        return True
                    self._cond.wait(WAKE_SECONDS)
                return False
            finally:
                del self._waiting[outlet]
                self._cond.notify_all()  # the next in line may go now

    def leave(self, outlet: str) -> None:
        with self._cond:
            self._active.discard(outlet)
            self._cond.notify_all()

    def queued(self) -> Iterator[tuple[str, datetime]]:
        """Waiting outlets with the time each became due, most overdue first."""
        with self._cond:
            waiting = sorted(self._waiting.items(), key=lambda kv: (kv[1], kv[0]))
        yield from waiting

    def active(self) -> int:
        with self._cond:
            return len(self._active)
