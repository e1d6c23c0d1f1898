"""Authors: names only, no labels, editors and outlet names left out."""

from __future__ import annotations

import pytest

from kliping.crawler.extract import extract
from kliping.crawler.extract.bylines import parse_byline

BODY = (
    "<p>Jakarta - Pemerintah daerah menyiapkan posko pengungsian di tiga kecamatan yang terdampak"
    " banjir sejak akhir pekan lalu, kata pejabat setempat.</p><p>Petugas gabungan terus mendata "
    "warga yang mengungsi dan menyalurkan bantuan logistik ke setiap posko sampai malam hari.</p>"
)


@pytest.mark.parametrize(
    ("byline", "names"),
    [
        ("Penulis: Adi Putra | Editor: Budi Santoso", ["Adi Putra"]),
        (
            "(Penulis: Irfan Kamil, Jessi Carina | Editor: Dani Prabowo)",
            ["Irfan Kamil", "Jessi Carina"],
        ),
        ("Laporan Wartawan Pos Kupang, Com, Ricko Wawo", ["Ricko Wawo"]),
        ("Laporan Reporter POS-KUPANG.COM, Maria Enotoda", ["Maria Enotoda"]),
        ("Laporan Wartawan Tribunnews.com, Reynas Abdila", ["Reynas Abdila"]),
        ("Retno Ayuningrum - detikNews", ["Retno Ayuningrum"]),
        ("Retno Ayuningrum -detikFinance", ["Retno Ayuningrum"]),
        ("Andi Saputra | CNN Indonesia", ["Andi Saputra"]),
        ("Jeanny Aipassa • 31 Desember 2021 09:17", ["Jeanny Aipassa"]),
        ("Pewarta: Sinta Ambar Editor: Agus Salim Copyright © ANTARA 2025", ["Sinta Ambar"]),
        ("Penulis Irfan Kamil Editor Dani Prabowo", ["Irfan Kamil"]),  # kompas credit, no colons
        ("Oleh: Rizky Amalia", ["Rizky Amalia"]),
        ("Tempo.co", []),
        ("detikcom", []),
        ("Tim Redaksi", []),
        ("Redaksi", []),
    ],
)
def test_parse_byline(byline: str, names: list[str]) -> None:
    assert parse_byline(byline) == names


def test_editors_are_recognised_as_editors() -> None:
    assert parse_byline("Penulis: A Putra | Editor: Budi Santoso", editors=True) == ["Budi Santoso"]


def _page(head: str = "", header: str = "", body: str = BODY) -> str:
    return f"<html><head>{head}</head><body><h1>Judul Berita</h1>{header}{body}</body></html>"


def test_meta_author_first() -> None:
    html = _page('<meta name="author" content="Agustina Melani">', '<div class="author">X Y</div>')
    assert extract(html).authors == ("Agustina Melani",)


def test_outlet_name_in_meta_falls_back_to_the_visible_byline() -> None:
    html = _page(
        '<meta name="author" content="Tempo.co">', '<div class="author">Mutia Yuantisya</div>'
    )
    assert extract(html).authors == ("Mutia Yuantisya",)


def test_json_ld_organisation_is_not_an_author() -> None:
    ld = '{"@type":"NewsArticle","author":{"@type":"Organization","name":"CNN Indonesia"}}'
    html = _page(f'<script type="application/ld+json">{ld}</script>')
    assert extract(html).authors == ()


def test_json_ld_people() -> None:
    people = '{"@type":"Person","name":"A Satu"},{"@type":"Person","name":"B Dua"}'
    ld = f'{{"@type":"NewsArticle","author":[{people}]}}'
    html = _page(f'<script type="application/ld+json">{ld}</script>')
    assert extract(html).authors == ("A Satu", "B Dua")


def test_editor_is_never_an_author() -> None:
    header = (
        '<div class="credit-title"><span>Penulis</span><div class="credit-title-name">Irfan Kamil'
        '</div></div><div class="credit-title"><span>Editor</span><div class="credit-title-name">'
        "Dani Prabowo</div></div>"
    )
    assert extract(_page(header=header)).authors == ("Irfan Kamil",)


def test_byline_line_inside_the_body() -> None:
    body = "<p>Pewarta: Sean Muhamad</p>" + BODY + "<p>Editor: Indra Gultom</p>"
    result = extract(_page(body=body))
    assert result.authors == ("Sean Muhamad",)
    assert "Pewarta" not in result.text and "Editor" not in result.text


def test_laporan_wartawan_lead_in_is_a_byline_not_body() -> None:
    body = "<p><strong>Laporan Wartawan Pos Kupang, Com, Oby Lewanmeru</strong></p>" + BODY
    result = extract(_page(body=body))
    assert result.authors == ("Oby Lewanmeru",)
    assert "Laporan Wartawan" not in result.text


def test_byline_inside_a_related_box_is_ignored() -> None:
    header = '<div class="related"><span class="author">Orang Lain</span></div>'
    assert extract(_page(header=header)).authors == ()
