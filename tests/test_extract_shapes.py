"""Real-shaped pages (tests/data/extract/shapes/): one hand-made page per failure class seen on
real Indonesian outlets (issue 18), plus the cases each fix must leave alone."""

from __future__ import annotations

from datetime import datetime

import pytest

from kliping.config.extract_rules import ZONES
from kliping.crawler.extract import ExtractRules, extract
from kliping.crawler.extract.quality import token_f1

from .test_extract_real import SHAPES, GoldPage, load, published_ok

PAGES = load(SHAPES)
F1_FLOOR = 0.97  # may only rise
WIB = ZONES["WIB"]
PARAS = (
    "<p>Jakarta - Pemerintah daerah menyiapkan posko pengungsian di tiga kecamatan yang terdampak"
    " banjir sejak akhir pekan lalu, kata pejabat setempat kepada wartawan.</p><p>Petugas gabungan"
    " terus mendata warga yang mengungsi dan menyalurkan bantuan logistik ke setiap posko.</p>"
)


def page(head: str = "", body: str = "") -> str:
    return f"<html><head>{head}</head><body><h1>Judul Berita</h1>{body}</body></html>"


@pytest.mark.parametrize("shape", PAGES, ids=[p.name for p in PAGES])
def test_shape(shape: GoldPage) -> None:
    result = extract(shape.html, shape.url, shape.rules)
    assert token_f1(shape.text, result.text) >= F1_FLOOR, result.text
    assert published_ok(result.published, shape.published), result.published
    assert result.authors == shape.authors


def test_hidden_block_without_a_visible_twin_stays_hidden() -> None:
    modal = '<div class="modal" style="display:none"><p>' + "Langganan newsletter kami. " * 8
    result = extract(page(body=f"<div class='isi'>{PARAS}</div>{modal}</p></div>"))
    assert "Langganan" not in result.text


def test_hidden_twin_of_link_titles_only_stays_hidden() -> None:
    links = "".join(
        f'<a href="/r{i}">Judul berita lain nomor {i} yang panjang</a>' for i in range(4)
    )
    body = f'<div class="box">{PARAS}</div><div class="box" style="display: none">{links}</div>'
    assert "nomor" not in extract(page(body=body)).text


@pytest.mark.parametrize(
    ("meta", "dateline", "expected"),
    [
        # the instant agrees: the page's zone, not UTC
        ("2025-05-12T14:05:00Z", "Senin, 12 Mei 2025 21:05 WIB", "2025-05-12T21:05:00+07:00"),
        # a whole-hour shift on the same minute with the zone printed: the dateline wins
        ("2025-05-12T21:05:00+00:00", "Senin, 12 Mei 2025 21:05 WIB", "2025-05-12T21:05:00+07:00"),
        # the same wall clock under -07:00 and no zone printed: the dateline (outlet zone) wins
        ("2025-05-12T21:05:00-07:00", "Senin, 12 Mei 2025 21:05", "2025-05-12T21:05:00+07:00"),
        # whole hours apart but another minute: not a mislabel, metadata wins
        ("2025-05-12T18:40:00+07:00", "Senin, 12 Mei 2025 21:05 WIB", "2025-05-12T18:40:00+07:00"),
        # an Indonesian offset on the same wall clock corrects the outlet zone, it is kept
        ("2025-05-12T21:05:00+08:00", "Senin, 12 Mei 2025 21:05", "2025-05-12T21:05:00+08:00"),
        # metadata with a day only: the dateline of that day gives the time
        ("2025-05-12", "Senin, 12 Mei 2025 21:05 WIB", "2025-05-12T21:05:00+07:00"),
        # ... but a dateline of another day is not this article's
        ("2025-05-10", "Senin, 12 Mei 2025 21:05 WIB", "2025-05-10T00:00:00+07:00"),
    ],
)
def test_metadata_against_the_dateline(meta: str, dateline: str, expected: str) -> None:
    head = f'<meta property="article:published_time" content="{meta}">'
    result = extract(page(head, f"<div class='date'>{dateline}</div>{PARAS}"))
    assert result.published is not None
    assert result.published.isoformat() == expected


def test_utc_metadata_without_a_dateline_is_shown_in_the_outlet_zone() -> None:
    head = '<meta property="article:published_time" content="2025-05-12T14:05:00Z">'
    result = extract(page(head, PARAS), rules=ExtractRules(local_tz="WITA"))
    assert result.published == datetime(2025, 5, 12, 22, 5, tzinfo=ZONES["WITA"])


def test_lead_photo_caption_is_not_body_and_its_credit_is_not_an_author() -> None:
    photo = (
        '<div class="photo"><img src="/a.jpg"><span class="author">dok.Humas</span> '
        "Suasana posko pengungsian di Kecamatan Cawang, Senin (12/5/2025).</div>"
    )
    result = extract(page(body=photo + PARAS))
    assert "Suasana posko" not in result.text
    assert result.authors == ()


def test_a_photo_page_by_its_address_is_its_captions() -> None:
    figures = "".join(
        f'<figure><img src="/{i}.jpg"><figcaption>Keterangan foto nomor {i} tentang banjir di '
        f"Jakarta Timur pada Senin pagi.</figcaption></figure>"
        for i in range(3)
    )
    aside = "<aside><p>" + "Berita populer lain yang tidak ada hubungannya. " * 12 + "</p></aside>"
    url = "https://news.example.id/foto/d-1/banjir"
    result = extract(page(body=f"<article>{figures}</article>{aside}"), url)
    assert result.text.count("Keterangan foto") == 3
    assert "populer" not in result.text


def test_a_photo_page_whose_body_trafilatura_takes_from_the_sidebar() -> None:
    # No photo address: the captions sit with the title, the long text elsewhere is teasers.
    figures = "".join(
        f'<figure><img src="/{i}.jpg"><figcaption>Suasana pasar terapung nomor {i} di '
        f"Banjarmasin pada Minggu pagi.</figcaption></figure>"
        for i in range(3)
    )
    teasers = "".join(
        f"<p>Teaser berita lain nomor {i} yang panjang tentang hal yang berbeda sama sekali dan "
        f"tidak berhubungan dengan foto di halaman ini, ditulis panjang.</p>"
        for i in range(6)
    )
    html = (
        f"<html><body><article><h1>Pasar Terapung</h1>{figures}</article>"
        f"<div class='lain'>{teasers}</div></body></html>"
    )
    result = extract(html, "https://news.example.id/read/2025/1")
    assert result.text.count("Suasana pasar terapung") == 3
    assert "Teaser" not in result.text


def test_an_article_with_inline_photos_keeps_its_body_without_the_captions() -> None:
    figure = '<figure><img src="/a.jpg"><figcaption>Keterangan foto {}.</figcaption></figure>'
    body = PARAS + figure.format(1) + PARAS.replace("Jakarta - ", "") + figure.format(2)
    result = extract(page(body=f"<article>{body}</article>"))
    assert "posko pengungsian" in result.text
    assert "Keterangan foto" not in result.text


def test_a_hidden_block_named_as_a_page_is_shown_without_a_twin() -> None:
    later = '<div id="halaman-2" style="display:none"><p>' + "Lanjutan isi berita. " * 8
    result = extract(page(body=f"<div class='isi'>{PARAS}</div>{later}</p></div>"))
    assert "Lanjutan isi berita" in result.text
