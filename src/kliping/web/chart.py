"""A story's coverage over time as bars for a server-rendered SVG: articles per hour, stacked
by outlet. Only geometry is computed here; the template draws it (and escapes every label)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import datetime, timedelta

from kliping.commands.dates import WIB
from kliping.storage.stories import MemberRow

WIDTH, HEIGHT = 720, 220
LEFT, RIGHT, TOP, BOTTOM = 36, 8, 10, 34  # room for the count axis and the time labels
# At most this many bars: wider than 72 one-hour buckets the story is drawn in 3, 6, 12 or
# 24-hour (then n-day) buckets, so a bar never gets thinner than ~9 px in 676 px of plot.
MAX_BUCKETS = 72
STEPS_HOURS = (1, 3, 6, 12, 24)
# Ten colours told apart also by readers with the common red-green deficiency (Tableau 10).
PALETTE = (
    "#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f",
    "#edc948", "#b07aa1", "#ff9da7", "#9c755f", "#bab0ac",
)  # fmt: skip


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    color: str
    label: str  # the tooltip: outlet, bucket, count


@dataclass(frozen=True)
class Tick:
    x: float
    y: float
    label: str


@dataclass(frozen=True)
class Chart:
    bars: list[Bar]
    x_ticks: list[Tick]
    y_ticks: list[Tick]
    legend: list[tuple[str, str, int]]  # outlet, colour, articles
    step_hours: int
    width: int = WIDTH
    height: int = HEIGHT
    left: int = LEFT
    bottom: int = HEIGHT - BOTTOM


def _when(m: MemberRow) -> datetime:
    return (m.published or m.fetched_at).astimezone(WIB)


def _step(span_hours: float) -> int:
    for step in STEPS_HOURS:
        if span_hours / step < MAX_BUCKETS:
            return step
    return 24 * (int(span_hours // (24 * MAX_BUCKETS)) + 1)


def coverage(members: list[MemberRow]) -> Chart | None:
    if not members:
        return None
    times = [_when(m) for m in members]
    start = min(times).replace(minute=0, second=0, microsecond=0)
    step = _step((max(times) - start).total_seconds() / 3600)
    if step >= 24:
        start = start.replace(hour=0)
    width = timedelta(hours=step)
    counts: Counter[tuple[int, str]] = Counter(
        (int((t - start) / width), m.outlet) for t, m in zip(times, members, strict=True)
    )
    buckets = max(b for b, _ in counts) + 1
    outlets = sorted({m.outlet for m in members})
    colors = {o: PALETTE[i % len(PALETTE)] for i, o in enumerate(outlets)}
    totals = Counter(b for b, _ in counts.elements())
    top = max(totals.values())
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    bar_w = plot_w / buckets
    bars: list[Bar] = []
    for bucket in range(buckets):
        y = float(HEIGHT - BOTTOM)
        begin = start + bucket * width
        for outlet in outlets:
            n = counts.get((bucket, outlet), 0)
            if not n:
                continue
            h = plot_h * n / top
            y -= h
            label = f"{outlet}: {n} ({begin:%d %b %H:%M}–{begin + width:%H:%M} WIB)"
            bars.append(
                Bar(LEFT + bucket * bar_w + 1, y, max(bar_w - 2, 1), h, colors[outlet], label)
            )
    every = max(1, buckets // 6)  # about six time labels
    fmt = "%d %b" if step >= 24 else "%d %b %H:%M"
    x_ticks = [
        Tick(LEFT + b * bar_w, HEIGHT - BOTTOM + 14, f"{start + b * width:{fmt}}")
        for b in range(0, buckets, every)
    ]
    y_ticks = [
        Tick(LEFT - 4, HEIGHT - BOTTOM - plot_h * v / top, str(v)) for v in {0, top // 2, top}
    ]
    per_outlet = Counter(m.outlet for m in members)
    legend = [(o, colors[o], per_outlet[o]) for o in outlets]
    return Chart(bars, x_ticks, sorted(y_ticks, key=lambda t: -t.y), legend, step)
