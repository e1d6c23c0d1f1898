"""Copies: syndicated (changed title, dateline, footer), named by footer url, headline-only."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from kliping.dedup import Clusterer, Doc

T0 = datetime(2025, 5, 14, 8, 0, tzinfo=UTC)

DATA = Path(__file__).resolve().parent / "data" / "dedup"
# A Tribunnews report and its POS-KUPANG copy: other dateline, other "Baca juga" line, no byline,
# a syndication footer (both hand-written for these tests).
ORIGINAL = (DATA / "sumberjati_original.txt").read_text(encoding="utf-8")
COPY = (DATA / "sumberjati_copy_poskupang.txt").read_text(encoding="utf-8").strip()

URL = "https://www.tribunnews.com/nasional/2025/05/14/kpk-benarkan-ott-di-sumberjati"


def _doc(i: str, text: str, title: str, hours: float = 0, url: str | None = None) -> Doc:
    return Doc(id=i, title=title, text=text, published=T0 + timedelta(hours=hours), url=url)


def test_syndicated_copy_with_changed_title_dateline_and_footer() -> None:
    eng = Clusterer()
    eng.add(_doc("other", "Gempa magnitudo 5,2 mengguncang Majene. " * 20, "Gempa Majene"))
    a = eng.add(_doc("orig", ORIGINAL, "KPK Benarkan OTT di Sumberjati, Bupati Ikut Diamankan"))
    b = eng.add(_doc("copy", COPY, "Bupati Sumberjati Terjaring OTT KPK, Uang Rp 1,2 M Disita", 2))
    assert a.duplicate_of is None
    assert b.duplicate_of == "orig"
    assert b.story == a.story == "orig"
    assert b.score >= 0.9


def test_footer_url_names_the_original_even_when_the_copy_was_edited() -> None:
    eng = Clusterer()
    eng.add(_doc("orig", ORIGINAL, "KPK Benarkan OTT di Sumberjati", url=URL + "?page=all"))
    # Only the first paragraph kept and rewritten: no longer a near copy, but the footer says whose.
    edited = (
        "Bupati Sumberjati ditangkap KPK dalam operasi senyap. Uang miliaran rupiah disita.\n"
        + COPY.split("\n")[-1]
    )
    b = eng.add(_doc("copy", edited, "Bupati Sumberjati Ditangkap", 3))
    assert b.duplicate_of == "orig"


def test_copy_of_a_copy_points_to_the_earliest() -> None:
    eng = Clusterer()
    eng.add(_doc("orig", ORIGINAL, "KPK Benarkan OTT"))
    eng.add(_doc("copy1", COPY, "Judul lain", 1))
    c = eng.add(_doc("copy2", "TRIBUNJABAR.ID, BANDUNG - " + COPY, "Judul ketiga", 2))
    assert c.duplicate_of == "orig"


def test_rewrite_of_the_same_event_is_same_story_not_duplicate() -> None:
    eng = Clusterer()
    eng.add(_doc("orig", ORIGINAL, "KPK Benarkan OTT di Sumberjati, Bupati Ikut Diamankan"))
    rewrite = (
        "Kronologi operasi tangkap tangan KPK di Sumberjati: penyidik bergerak sejak Selasa malam "
        "dan menangkap Bupati Hendro Widiyatmoko di rumah dinasnya pada Rabu dini hari. Uang tunai "
        "Rp 1,2 miliar yang disita diduga fee proyek jalan kabupaten.\n"
        "Juru Bicara KPK Budi Prasetyo menyebut delapan orang dibawa ke Gedung Merah Putih untuk "
        "diperiksa, termasuk kepala dinas pekerjaan umum dan dua kontraktor. Status hukum mereka "
        "ditentukan dalam 1x24 jam."
    )
    b = eng.add(_doc("kronologi", rewrite, "Kronologi OTT Bupati Sumberjati Hendro Widiyatmoko", 5))
    assert b.duplicate_of is None
    assert b.story == "orig"


def test_headline_only_articles_are_copies_only_with_identical_titles() -> None:
    eng = Clusterer()
    eng.add(Doc("h1", "Fed's Plosser: Nasty Weather Has Curbed Job Growth", "", None))
    same = eng.add(Doc("h2", "Fed's Plosser: nasty weather has curbed job growth!", "", None))
    other = eng.add(Doc("h3", "Fed's Plosser says weather curbed job growth", "", None))
    assert same.duplicate_of == "h1"
    assert other.duplicate_of is None
