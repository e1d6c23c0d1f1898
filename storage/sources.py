"""Per-source discovery counts of each crawl run (``source_stats``): the evidence for drift."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

import psycopg
from psycopg import sql
from psycopg.rows import class_row

SAMPLE = 5  # rejected URLs kept per source and run: enough to show a reader the new URL shape


@dataclass(frozen=True)
class SourceRun:
    """One source in one run, oldest first when read back."""

    run_id: int
    started_at: datetime
    outlet: str
    source: str
    kind: str
    entries: int
    accepted: int
    rejected_sample: list[str]


def record_source(
    conn: psycopg.Connection,
    run_id: int,
    source: str,
    kind: str,
    entries: int,
    accepted: int,
    rejected: list[str],
) -> None:
    """Add one listing's counts to the run's row for ``source`` (an archive or a sitemap index
    is several listings of one source)."""
    conn.execute(
        "INSERT INTO source_stats (run_id, source, kind, entries, accepted, rejected_sample)"
        " VALUES (%s, %s, %s, %s, %s, %s)"
        " ON CONFLICT (run_id, source) DO UPDATE SET"
        " entries = source_stats.entries + EXCLUDED.entries,"
        " accepted = source_stats.accepted + EXCLUDED.accepted,"
        " rejected_sample = (source_stats.rejected_sample || EXCLUDED.rejected_sample)[1:%s]",
        (run_id, source, kind, entries, accepted, rejected[:SAMPLE], SAMPLE),
    )


# Each outlet's last finished runs (id, newest first): the runs ``source_history`` reads.
_LAST_RUNS = (
    "SELECT o.outlet, last.id FROM unnest(%s::text[]) AS o(outlet)"
    " CROSS JOIN LATERAL (SELECT id FROM crawl_runs"
    "    WHERE outlet = o.outlet AND status <> 'running'"
    "    ORDER BY started_at DESC, id DESC LIMIT %s) AS last"
)

# The window is written once, above, and composed in (constant text only, never a value).
_SOURCE_HISTORY = sql.SQL(
    "SELECT s.run_id, r.started_at, r.outlet, s.source, s.kind, s.entries, s.accepted,"
    "       s.rejected_sample"
    " FROM source_stats s JOIN crawl_runs r ON r.id = s.run_id"
    " WHERE r.id IN (SELECT w.id FROM ({}) AS w)"
    " ORDER BY r.started_at, r.id, s.source"
).format(sql.SQL(_LAST_RUNS))


def source_history(
    conn: psycopg.Connection, outlets: Sequence[str], runs: int = 10
) -> list[SourceRun]:
    """The per-source rows of each outlet's last ``runs`` finished runs, oldest first; one
    query for all of them (`kliping status` asks for the whole registry)."""
    with conn.cursor(row_factory=class_row(SourceRun)) as cur:
        cur.execute(
            _SOURCE_HISTORY,
            (list(outlets), runs),
        )
        return cur.fetchall()


def history_runs(
    conn: psycopg.Connection, outlets: Sequence[str], runs: int = 10
) -> dict[str, frozenset[int]]:
    """Per outlet with finished runs, the ids of those ``source_history`` reads: its answer for
    an outlet changes only with them, so they key a cache of it (web/source_health.py). A crawl
    writes its run's end and rows in one transaction (crawler/run.py), not changed after."""
    found: dict[str, set[int]] = {}
    for outlet, run_id in conn.execute(_LAST_RUNS, (list(outlets), runs)).fetchall():
        found.setdefault(outlet, set()).add(run_id)
    return {outlet: frozenset(ids) for outlet, ids in found.items()}
