"""Per outlet, its discovery sources and their drift for the Outlets page: crawler/drift.py's
judgement (the rule `kliping status` uses) over ``source_history``, kept per outlet until one
of its runs finishes.

Reading every outlet's last 10 runs' rows (3240 of 81 outlets in bench/web.py's database) and
judging them took ~45 ms of the page, more than the rest of it; between two views of the page
only the outlets that finished a run have anything new to judge.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import Any

import psycopg

from kliping.crawler import drift
from kliping.storage import sources
from kliping.web.format import share_json


@dataclass(frozen=True)
class SourceHealth:
    """One source of the outlet's latest run: its accepted share now and before, and the
    drift found in it (None: none)."""

    share: drift.SourceShare
    drift: drift.Drift | None

    def json(self) -> dict[str, Any]:
        s = self.share
        return {
            "source": s.source,
            "kind": s.kind,
            "entries": s.entries,
            "accepted": s.accepted,
            "accepted_share": share_json(s.share),
            "usual_share": share_json(s.usual),
            "baseline_runs": s.baseline_runs,
            "drift": self.drift.reason if self.drift else None,
            "rejected_sample": list(s.evidence),
        }


def judge(conn: psycopg.Connection, outlets: list[str]) -> dict[str, list[SourceHealth]]:
    """Per outlet with source rows, its latest run's sources, by URL, each judged."""
    out: dict[str, list[SourceHealth]] = {}
    for share in drift.shares(sources.source_history(conn, outlets)):
        out.setdefault(share.outlet, []).append(SourceHealth(share, drift.judge(share)))
    return out


class SourceCache:
    """``judge``'s answer per outlet, keyed by the runs it read (``sources.history_runs``): an
    outlet is judged again when that set changes. Shared by the server's request threads."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._kept: dict[str, tuple[frozenset[int], list[SourceHealth]]] = {}

    def get(self, conn: psycopg.Connection, outlets: list[str]) -> dict[str, list[SourceHealth]]:
        window = sources.history_runs(conn, outlets)
        with self._lock:
            kept = {
                o: self._kept[o][1] for o in window if self._kept.get(o, (None,))[0] == window[o]
            }
        changed = [o for o in window if o not in kept]
        if changed:
            fresh = judge(conn, changed)
            # Read after ``window``: at worst newer than its key, so judged again next time.
            with self._lock:
                for o in changed:
                    self._kept[o] = (window[o], fresh.get(o, []))
            kept.update({o: fresh.get(o, []) for o in changed})
        return kept
