"""The two Biden–Putin seeds are one event (and story), and nothing else joins that event;
confusable reports with the same names are not.

The seeds are read from ../shared/seeds at test time (never copied into the repository); the
confusable articles in tests/data/dedup/ were written for these tests.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from kliping.dedup import Clusterer, Doc

SEEDS = Path(__file__).resolve().parents[2] / "shared" / "seeds"
DATA = Path(__file__).resolve().parent / "data" / "dedup"


def _seed(name: str) -> str:
    path = SEEDS / name
    if not path.exists():
        pytest.skip(f"seed {path} not present")
    return path.read_text(encoding="utf-8")


def _fixture(doc_id: str, name: str, when: datetime | None) -> Doc:
    title, body = (DATA / name).read_text(encoding="utf-8").split("\n", 1)
    return Doc(id=doc_id, title=title, text=body, published=when)


def _t(month: int, day: int, hour: int = 12, year: int = 2022) -> datetime:
    return datetime(year, month, day, hour, tzinfo=UTC)


def _stream(timed: bool) -> list[Doc]:
    def at(t: datetime) -> datetime | None:
        return t if timed else None

    return [
        _fixture("beras", "filler_harga_beras.txt", at(_t(12, 20, year=2021))),
        _fixture("banjir", "filler_banjir_medan.txt", at(_t(12, 29, year=2021))),
        _fixture("timnas", "filler_timnas.txt", at(_t(12, 30, year=2021))),
        # The call was on Thursday 30 Dec (US time), reported on 31 Dec in Indonesia.
        Doc("poskupang", "", _seed("poskupang_biden_putin.txt"), at(_t(12, 31, 2, 2021))),
        Doc("medcom", "", _seed("medcom_biden_putin.txt"), at(_t(12, 31, 5, 2021))),
        _fixture("geneva", "geneva_talks_jan2022.txt", at(_t(1, 10, 20))),
        _fixture("feb-call", "biden_putin_call_feb2022.txt", at(_t(2, 13))),
    ]


def test_seeds_form_one_story_and_confusables_stay_apart() -> None:
    eng = Clusterer()
    got = {d.id: eng.add(d) for d in _stream(timed=True)}
    assert got["medcom"].story == got["poskupang"].story == "poskupang"
    assert got["medcom"].event == got["poskupang"].event == "poskupang"  # one happening
    assert [i for i, a in got.items() if a.event == "poskupang"] == ["poskupang", "medcom"]
    assert got["medcom"].duplicate_of is None  # a rewrite, not a copy
    assert got["geneva"].story == "geneva"  # the talks the call prepared: another event
    assert got["feb-call"].story == "feb-call"  # a later call, same names, six weeks on
    assert {got[i].story for i in ("beras", "banjir", "timnas")} == {"beras", "banjir", "timnas"}


def test_geneva_talks_stay_apart_on_text_alone() -> None:
    """Without times the Geneva report differs enough in wording to stay out of the call story."""
    eng = Clusterer()
    got = {d.id: eng.add(d) for d in _stream(timed=False)}
    assert got["medcom"].story == "poskupang"
    assert got["geneva"].story == "geneva"
