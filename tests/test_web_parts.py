"""The parts of ``kliping web`` that need no server: the coverage chart and the timeline."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from kliping.storage.stories import MemberRow
from kliping.web.chart import HEIGHT, MAX_BUCKETS, PALETTE, coverage
from kliping.web.format import clip, safe_href
from kliping.web.pages import timeline

WIB = ZoneInfo("Asia/Jakarta")
T0 = datetime(2025, 7, 14, 21, 12, tzinfo=WIB)


def member(n: int, outlet: str, when: datetime, duplicate_of: int | None = None) -> MemberRow:
    return MemberRow(1, n, outlet, f"judul {n}", f"https://{outlet}.example/{n}", when, when,
                     duplicate_of, event_id=n)  # fmt: skip


def test_bars_count_articles_per_hour_and_outlet() -> None:
    members = [
        member(1, "detik", T0),  # 21:12
        member(2, "kompas", T0 + timedelta(minutes=30)),  # 21:42: same hour
        member(3, "kompas", T0 + timedelta(minutes=40)),  # 21:52
        member(4, "detik", T0 + timedelta(hours=2)),  # 23:12
    ]
    chart = coverage(members)
    assert chart is not None and chart.step_hours == 1
    assert len(chart.bars) == 3  # 21:00 detik, 21:00 kompas, 23:00 detik
    # 21:00 holds detik 1 + kompas 2 (the top: full height); 23:00 holds detik 1 (half).
    top = max(b.y + b.height for b in chart.bars) - min(b.y for b in chart.bars)
    by_label = {b.label: b for b in chart.bars}
    assert by_label["kompas: 2 (14 Jul 21:00–22:00 WIB)"].height == pytest.approx(top * 2 / 3)
    assert by_label["detik: 1 (14 Jul 21:00–22:00 WIB)"].height == pytest.approx(top / 3)
    assert by_label["detik: 1 (14 Jul 23:00–00:00 WIB)"].height == pytest.approx(top / 3)
    assert all(b.y + b.height <= HEIGHT for b in chart.bars)
    assert chart.legend == [("detik", PALETTE[0], 2), ("kompas", PALETTE[1], 2)]


@pytest.mark.parametrize(("days", "step"), [(2, 1), (10, 6), (60, 24), (400, 144)])
def test_long_stories_get_wider_buckets(days: int, step: int) -> None:
    members = [member(i, "detik", T0 + timedelta(days=days) * i / 50) for i in range(51)]
    chart = coverage(members)
    assert chart is not None and chart.step_hours == step
    slots = {round(b.x, 3) for b in chart.bars}
    assert len(slots) <= MAX_BUCKETS
    assert sum(int(b.label.split(": ")[1].split(" ")[0]) for b in chart.bars) == 51


def test_no_articles_no_chart() -> None:
    assert coverage([]) is None


def test_timeline_folds_copies_under_their_original() -> None:
    members = [
        member(1, "tribunnews", T0),
        member(2, "kompas", T0 + timedelta(hours=1)),
        member(3, "tribunjabar", T0 + timedelta(hours=2), duplicate_of=1),
        member(4, "tribunbali", T0 + timedelta(hours=3), duplicate_of=99),  # original elsewhere
        member(5, "detik", T0 + timedelta(hours=4)),  # the next WIB day
    ]
    entries = timeline(members)
    assert [(e.article.article_id, [c.article_id for c in e.copies]) for e in entries] == [
        (1, [3]), (2, []), (4, []), (5, []),
    ]  # fmt: skip
    assert [e.day.isoformat() if e.day else None for e in entries] == [
        "2025-07-14", None, "2025-07-15", None,
    ]  # fmt: skip


@pytest.mark.parametrize(
    ("url", "link"),
    [
        ("https://kompas.example/a", True),
        ("HTTP://detik.example/b", True),
        ("javascript:alert(1)", False),
        (" javascript:alert(1)", False),
        ("data:text/html,<script>alert(1)</script>", False),
        ("//evil.example/x", False),
        ("", False),
    ],
)
def test_only_http_urls_become_links(url: str, link: bool) -> None:
    assert (safe_href(url) == url) is link


def test_long_titles_are_clipped_in_lists() -> None:
    long = "Judul " + "sangat panjang " * 700
    assert len(clip(long)) == 301 and clip(long).endswith("…")
    assert clip("BI Tahan Suku Bunga") == "BI Tahan Suku Bunga" and clip(None) == ""
