"""Cleaning and tokens: datelines, furniture lines, footers, affix stripping."""

from __future__ import annotations

import pytest

from kliping.dedup.text import clean_body, clean_title, normalise_url, source_url, strip_dateline
from kliping.dedup.tokens import is_indonesian, stem_en, stem_id

LEAD = "Polisi menangkap dua orang pelaku pencurian kabel di kawasan pelabuhan pada Selasa malam."


@pytest.mark.parametrize(
    "dateline",
    [
        "JAKARTA, KOMPAS.com - ",
        "KOMPAS.com- ",
        "Liputan6.com, Jakarta - ",
        "Liputan6.com, Teheran -",
        ", Jakarta - ",
        "TEMPO.CO, Jakarta - ",
        "TEMPO.CO,Jakarta- ",
        "REPUBLIKA.CO.ID, SURABAYA -- ",
        "Jakarta, CNN Indonesia -- ",
        "Kupang (ANTARA) - ",
        "TRIBUNNEWS.COM, JAKARTA - ",
        "POS-KUPANG.COM, WASHINGTON - ",
        "BUKITTINGGI— ",
        "JAKARTA- ",
        "Washington: ",
    ],
)
def test_dateline_is_stripped(dateline: str) -> None:
    assert strip_dateline(dateline + LEAD) == LEAD


def test_ordinary_lead_and_headline_colon_are_kept() -> None:
    assert strip_dateline(LEAD) == LEAD
    head = "Ketegangan Ukraina: Putin Memberi Tahu Biden Bahwa Sanksi Baru Dapat Memutuskan"
    assert strip_dateline(head, bare=False) == head


def test_furniture_lines_footer_and_repeats_go() -> None:
    text = "\n".join(
        [
            "Berita Internasional",
            "Judul Berita Ini",
            "TRIBUNNEWS.COM, JAKARTA - " + LEAD,
            "Baca juga: Berita lain yang tidak terkait",
            "ADVERTISEMENT",
            "SCROLL TO CONTINUE WITH CONTENT",
            "Paragraf kedua yang berisi keterangan saksi.",
            "Paragraf kedua yang berisi keterangan saksi.",
            "[Gambas:Video 20detik]",
            "(Arief Setyadi )",
            "Penulis: Seseorang",
            'Artikel ini telah tayang di Tribunnews.com dengan judul "Judul", '
            "https://www.tribunnews.com/nasional/2025/01/01/judul",
            "Editor: Orang Lain",
        ]
    )
    c = clean_body(text, "Judul Berita Ini")
    assert c.body == LEAD + "\nParagraf kedua yang berisi keterangan saksi."
    assert c.lead == LEAD
    assert c.source_url == "https://www.tribunnews.com/nasional/2025/01/01/judul"


def test_source_url_absent_and_title_page_suffix() -> None:
    assert source_url("Tidak ada catatan sindikasi di sini.") is None
    assert clean_title("Gempa Guncang Mamuju - Halaman all") == "Gempa Guncang Mamuju"
    assert clean_title("Gempa Guncang Mamuju Halaman 2") == "Gempa Guncang Mamuju"


def test_url_key_ignores_scheme_www_query_and_slash() -> None:
    a = normalise_url("https://www.tribunnews.com/a/b/?page=all")
    assert a == normalise_url("http://tribunnews.com/a/b") == "tribunnews.com/a/b"


@pytest.mark.parametrize(
    ("words", "stem"),
    [
        (["ditangkap", "menangkap", "penangkapan", "tangkap"], "tangkap"),
        (["diperiksa", "memeriksa", "pemeriksaan", "periksa"], None),
        (["diserang", "menyerang", "serangan"], None),
        (["membantu", "bantuan", "dibantu"], "bantu"),
        (["keputusan", "memutuskan", "diputuskan"], "putus"),
    ],
)
def test_indonesian_affix_stripping_joins_variants(words: list[str], stem: str | None) -> None:
    stems = {stem_id(w) for w in words}
    assert len(stems) == 1
    if stem:
        assert stems == {stem}


def test_protected_words_and_english() -> None:
    assert stem_id("menteri") == "menteri"
    assert stem_en("tapering") == stem_en("taper") == "taper"
    assert stem_en("talks") == "talk"
    assert is_indonesian(["Presiden", "mengatakan", "bahwa", "sanksi", "itu", "akan"])
    assert not is_indonesian(["The", "president", "said", "that", "the", "sanctions"])
