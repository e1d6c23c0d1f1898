"""Titles: og:title, then h1, then <title>; without outlet suffixes and page markers."""

from __future__ import annotations

import pytest

from kliping.crawler.extract import ExtractRules, extract
from kliping.crawler.extract.titles import clean_title

RULES = ExtractRules(title_suffixes=(" | Pos Kupang",))
BODY = (
    "<p>Jakarta - Pemerintah daerah menyiapkan posko pengungsian di tiga kecamatan yang terdampak"
    " banjir sejak akhir pekan lalu, kata pejabat setempat.</p><p>Petugas gabungan terus mendata "
    "warga yang mengungsi dan menyalurkan bantuan logistik ke setiap posko sampai malam hari.</p>"
)


@pytest.mark.parametrize(
    "raw",
    [
        "Banjir Rendam Bekasi - detikNews",
        "Banjir Rendam Bekasi Halaman all - Kompas.com",
        "Banjir Rendam Bekasi - Halaman all",
        "Banjir Rendam Bekasi – Halaman all",
        "Banjir Rendam Bekasi Halaman 2 - Tribunnews.com",
        "Banjir Rendam Bekasi | Pos Kupang",
        "Banjir Rendam Bekasi - Pos-kupang.com",
        "Banjir Rendam Bekasi - Tribunjabar.id",
        "Banjir Rendam Bekasi - Tribun-bali.com",
        "Banjir Rendam Bekasi - CNN Indonesia",
        "Banjir Rendam Bekasi - News Liputan6.com",
        "Banjir Rendam Bekasi - Medcom.id",
        "Banjir Rendam Bekasi | tempo.co",
        "Banjir Rendam Bekasi - ANTARA News",
        "  Banjir   Rendam Bekasi  ",
    ],
)
def test_suffixes_and_page_markers_go(raw: str) -> None:
    assert clean_title(raw, RULES) == "Banjir Rendam Bekasi"


@pytest.mark.parametrize(
    "title",
    [
        "Putin - Biden: Apa Kata Mereka",
        "Survei: Kompas Jadi Media Terpercaya",
        "Hasil Laga - Persib",
    ],
)
def test_titles_that_merely_contain_dashes_stay(title: str) -> None:
    assert clean_title(title, RULES) == title


def test_og_title_first() -> None:
    html = (
        '<html><head><title>T - detikNews</title><meta property="og:title" content="Judul OG">'
        f"</head><body><h1>Judul H1</h1>{BODY}</body></html>"
    )
    assert extract(html).title == "Judul OG"


def test_h1_then_title_tag() -> None:
    html = f"<html><head><title>Judul Tag - Medcom.id</title></head><body><h1>Judul H1</h1>{BODY}"
    assert extract(html + "</body></html>").title == "Judul H1"
    html = f"<html><head><title>Judul Tag - Medcom.id</title></head><body>{BODY}</body></html>"
    assert extract(html).title == "Judul Tag"


def test_repeated_title_is_not_body() -> None:
    head = "<head><title>Judul Berita</title></head>"
    html = f"<html>{head}<body><p>Judul Berita</p>{BODY}</body></html>"
    assert "Judul Berita" not in extract(html).text
