"""Publication dates: every dateline shape the outlets print, zones, and what must not win."""

from __future__ import annotations

from datetime import datetime

import pytest

from kliping.config.extract_rules import ZONES
from kliping.crawler.extract import ExtractRules, extract
from kliping.crawler.extract.dates import MONTHS, parse_text, parse_value

WIB = ZONES["WIB"]
BODY = (
    "<p>Jakarta - Pemerintah daerah menyiapkan posko pengungsian di tiga kecamatan yang terdampak"
    " banjir sejak akhir pekan lalu, kata pejabat setempat.</p><p>Petugas gabungan terus mendata "
    "warga yang mengungsi dan menyalurkan bantuan logistik ke setiap posko sampai malam hari.</p>"
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Kamis, 30 Desember 2021 20:15 WIB", "2021-12-30T20:15:00+07:00"),  # Tribun
        ("Kompas.com - 18/06/2025, 21:35 WIB", "2025-06-18T21:35:00+07:00"),
        ("Senin, 16 Juni 2025 |15:20 WIB", "2025-06-16T15:20:00+07:00"),  # okezone
        ("18 Juni 2025 | 20.04 WIB", "2025-06-18T20:04:00+07:00"),  # tempo, HH.MM
        ("Kamis, 13 Oktober 2016 - 11:18 WIB", "2016-10-13T11:18:00+07:00"),  # sindonews
        ("Rabu, 12/10/2016 10:23 WIB", "2016-10-12T10:23:00+07:00"),  # cnnindonesia
        ("Rabu, 18 Jun 2025 07:30 WIB", "2025-06-18T07:30:00+07:00"),  # detik
        ("Kamis 15 Sep 2016, 18:33 WIB", "2016-09-15T18:33:00+07:00"),  # detik 2016
        ("Rabu   18 Jun 2025  22:02 WIB", "2025-06-18T22:02:00+07:00"),  # republika spaces
        ("Sabtu, 1 Oktober 2016, 15:47 WIB", "2016-10-01T15:47:00+07:00"),  # viva
        ("Sabtu, 24 Januari 2026 6:27", "2026-01-24T06:27:00+07:00"),  # antara, no zone
        ("Jum'at, 5 Mei 2023 pukul 08.00 WIB", "2023-05-05T08:00:00+07:00"),
    ],
)
def test_visible_formats(text: str, expected: str) -> None:
    when = parse_text(text, WIB)
    assert when is not None
    assert when.isoformat() == expected


@pytest.mark.parametrize(
    ("zone", "offset"),
    [("WIB", "+07:00"), ("WITA", "+08:00"), ("WIT", "+09:00"), ("Wita", "+08:00")],
)
def test_zones_keep_the_page_offset(zone: str, offset: str) -> None:
    when = parse_text(f"Selasa, 11 Maret 2025 10:30 {zone}", WIB)
    assert when is not None
    assert when.isoformat() == f"2025-03-11T10:30:00{offset}"


@pytest.mark.parametrize(
    ("month", "number"),
    [
        *[("Jan", 1), ("Feb", 2), ("Mar", 3), ("Apr", 4), ("Mei", 5), ("Jun", 6), ("Jul", 7)],
        *[("Agu", 8), ("Agt", 8), ("Ags", 8), ("Agustus", 8), ("Agu.", 8), ("Sep", 9)],
        *[("Okt", 10), ("Nov", 11), ("Des", 12), ("Desember", 12)],
    ],
)
def test_month_names_and_abbreviations(month: str, number: int) -> None:
    when = parse_text(f"3 {month} 2024 09:05 WIB", WIB)
    assert when is not None
    assert (when.month, when.day) == (number, 3)


def test_every_month_key_is_lowercase() -> None:
    assert all(key == key.lower() for key in MONTHS)


def test_naive_time_uses_the_outlet_zone() -> None:
    wita = ExtractRules(local_tz="WITA")
    dateline = "<div class='date'>31 Desember 2021 09:17</div>"
    html = f"<html><body><h1>Judul</h1>{dateline}{BODY}</body></html>"
    result = extract(html, "https://example.id/a", wita)
    assert result.published == datetime(2021, 12, 31, 9, 17, tzinfo=ZONES["WITA"])


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2025-05-12T21:05:00+07:00", "2025-05-12T21:05:00+07:00"),
        ("2025-05-12T14:05:00Z", "2025-05-12T14:05:00+00:00"),
        ("2025-05-12T21:05:00+0700", "2025-05-12T21:05:00+07:00"),
        ("2025/06/18 07:30:48", "2025-06-18T07:30:48+07:00"),  # detik publishdate, naive
        ("2025-06-18 21:35:59", "2025-06-18T21:35:59+07:00"),  # kompas content_PublishedDate
        ("Kamis, 30 Desember 2021", "2021-12-30T00:00:00+07:00"),
    ],
)
def test_metadata_values(value: str, expected: str) -> None:
    when = parse_value(value, WIB)
    assert when is not None
    assert when.isoformat() == expected


def test_metadata_wins_over_the_visible_dateline() -> None:
    html = (
        '<html><head><meta property="article:published_time" content="2025-05-12T21:05:00+07:00">'
        "</head><body><h1>Judul</h1><div>Senin, 12 Mei 2025 22:30 WIB</div>"
        + BODY
        + "</body></html>"
    )
    assert extract(html).published == datetime(2025, 5, 12, 21, 5, tzinfo=WIB)


def test_json_ld_date_published() -> None:
    html = (
        '<html><head><script type="application/ld+json">{"@context":"https://schema.org",'
        '"@graph":[{"@type":"WebPage"},{"@type":"NewsArticle","datePublished":'
        '"2025-03-26T19:40:00+08:00"}]}</script></head><body><h1>Judul</h1>'
        + BODY
        + "</body></html>"
    )
    assert extract(html).published.isoformat() == "2025-03-26T19:40:00+08:00"  # type: ignore[union-attr]


def test_baca_juga_date_does_not_win() -> None:
    # The related link sits between the title and the real dateline, and carries its own date.
    html = (
        "<html><body><h1>Banjir di Bekasi</h1>"
        '<p>Baca juga: <a href="/x">Hujan Deras Sabtu, 10 Mei 2025 08:00 WIB</a></p>'
        '<div class="box-terkait"><span>Jumat, 9 Mei 2025 10:00 WIB</span></div>'
        "<div class='date'>Senin, 12 Mei 2025 10:42 WIB</div>" + BODY + "</body></html>"
    )
    assert extract(html).published == datetime(2025, 5, 12, 10, 42, tzinfo=WIB)


def test_a_date_only_inside_links_gives_none() -> None:
    html = (
        '<html><body><h1>Judul</h1><p>Baca juga: <a href="/x">Lain, Sabtu 10 Mei 2025 08:00 WIB'
        "</a></p>" + BODY + "</body></html>"
    )
    assert extract(html).published is None


def test_update_time_does_not_win() -> None:
    html = (
        "<html><body><h1>Judul</h1><p>Diperbarui 18 Jun 2025, 17:10 WIB</p>"
        "<p>Diterbitkan 18 Jun 2025, 16:05 WIB</p>" + BODY + "</body></html>"
    )
    assert extract(html).published == datetime(2025, 6, 18, 16, 5, tzinfo=WIB)


def test_body_dates_without_time_are_not_publication_dates() -> None:
    html = (
        "<html><body><h1>Judul</h1><p>Jakarta - Pada Kamis, 31 Desember 2021, presiden bertemu "
        "para menteri untuk membahas anggaran tahun depan secara tertutup di istana negara.</p>"
        + BODY
        + "</body></html>"
    )
    assert extract(html).published is None


def test_invalid_calendar_dates_are_skipped() -> None:
    assert parse_text("31/02/2025 10:00 WIB, lalu 1 Maret 2025 10:00 WIB", WIB) == datetime(
        2025, 3, 1, 10, 0, tzinfo=WIB
    )
