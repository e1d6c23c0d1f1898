"""Drift: a discovery source whose links the registry no longer takes as articles.

A site that changes its URL shapes keeps serving its feed; the crawl still succeeds, it just
finds nothing (Tempo and Tribunnews went to 0 articles within a year, issue 17). Judged per
source from ``source_stats`` rows (storage/sources.py): the latest run against the runs before.
Pure computation; the daemon and ``kliping status`` show the result.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from kliping.storage.sources import SourceRun

BASELINE_RUNS = 5  # the runs before the latest that say what is usual for a source
MIN_BASELINE = 2  # a source seen in fewer earlier runs is too new to judge
MIN_ENTRIES = 5  # a listing shorter than this says too little about a share
COLLAPSE = 0.5  # drift when the accepted share falls below half its usual value


@dataclass(frozen=True)
class SourceShare:
    """One source's latest run beside its usual share of entries accepted as articles."""

    outlet: str
    source: str
    kind: str
    entries: int
    accepted: int
    usual: float | None  # accepted / entries over the baseline runs; None: no baseline
    baseline_runs: int
    baseline_accepted: int
    evidence: tuple[str, ...]  # rejected URLs of the latest run

    @property
    def share(self) -> float | None:
        return self.accepted / self.entries if self.entries else None


@dataclass(frozen=True)
class Drift:
    outlet: str
    source: str
    reason: str
    evidence: tuple[str, ...]

    def line(self) -> str:
        sample = f"; e.g. {', '.join(self.evidence[:3])}" if self.evidence else ""
        return f"drift: {self.outlet} {self.source}: {self.reason}{sample}"


def shares(history: Sequence[SourceRun]) -> list[SourceShare]:
    """Per outlet and source present in that outlet's latest run: latest counts and usual share.

    ``history`` is ``source_history`` rows (oldest first), of one outlet or several.
    """
    runs: dict[str, list[int]] = defaultdict(list)
    by_source: dict[tuple[str, str], dict[int, SourceRun]] = defaultdict(dict)
    for row in history:
        if row.run_id not in runs[row.outlet]:
            runs[row.outlet].append(row.run_id)
        by_source[row.outlet, row.source][row.run_id] = row
    out = []
    for (outlet, source), rows in by_source.items():
        latest_run = runs[outlet][-1]
        if latest_run not in rows:
            continue  # not listed in the latest run (its fetch failed): failures say that
        now = rows[latest_run]
        earlier = [rows[r] for r in runs[outlet][:-1] if r in rows][-BASELINE_RUNS:]
        entries = sum(r.entries for r in earlier)
        accepted = sum(r.accepted for r in earlier)
        out.append(
            SourceShare(
                outlet=outlet,
                source=source,
                kind=now.kind,
                entries=now.entries,
                accepted=now.accepted,
                usual=accepted / entries if entries else None,
                baseline_runs=len(earlier),
                baseline_accepted=accepted,
                evidence=tuple(now.rejected_sample),
            )
        )
    return sorted(out, key=lambda s: (s.outlet, s.source))


def judge(share: SourceShare) -> Drift | None:
    """Drift when a source that gave articles gives none, or its accepted share collapses."""
    if share.baseline_runs < MIN_BASELINE or not share.baseline_accepted or share.usual is None:
        return None
    usual = f"{share.usual:.0%} of its entries were articles over {share.baseline_runs} runs"
    if share.accepted == 0:
        listed = f"none of {share.entries} entries" if share.entries else "it listed nothing"
        return Drift(share.outlet, share.source, f"{usual}; now {listed}", share.evidence)
    now = share.share
    if share.entries >= MIN_ENTRIES and now is not None and now < share.usual * COLLAPSE:
        reason = f"{usual}; now {now:.0%} ({share.accepted} of {share.entries})"
        return Drift(share.outlet, share.source, reason, share.evidence)
    return None


def assess(history: Sequence[SourceRun]) -> list[Drift]:
    """Every drifting source in ``history`` (see ``judge``)."""
    return [d for d in map(judge, shares(history)) if d is not None]


def onset(history: Sequence[SourceRun]) -> list[Drift]:
    """Drift in each outlet's latest run that its run before did not show: what the daemon logs,
    so a source that keeps drifting is said once, not after every run."""
    latest = {row.outlet: row.run_id for row in history}  # oldest first: the last row wins
    earlier = [row for row in history if row.run_id != latest[row.outlet]]
    before = {(d.outlet, d.source) for d in assess(earlier)}
    return [d for d in assess(history) if (d.outlet, d.source) not in before]
