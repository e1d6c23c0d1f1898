"""Each in-body boilerplate rule (config/indonesian.py, the registry), on real-shaped text."""

from __future__ import annotations

import pytest

from kliping.crawler.extract import ExtractRules, extract
from kliping.crawler.extract.boilerplate import clean, is_dateline

RULES = ExtractRules()
P1 = "Jakarta - Pemerintah daerah menyiapkan posko pengungsian di tiga kecamatan yang terdampak."
P2 = "Petugas gabungan terus mendata warga yang mengungsi dan menyalurkan bantuan logistik."
P3 = "Hujan diperkirakan masih turun hingga akhir pekan, kata petugas BMKG di lokasi."


@pytest.mark.parametrize(
    "line",
    [
        "Baca juga: Harga Cabai Naik Jelang Lebaran",
        "Baca juga:Harga Cabai Naik Jelang Lebaran",  # kompas, no space
        "Baca Juga",  # liputan6, on its own line
        "BACA JUGA: Harga Cabai Naik",
        "Baca: Biden dan Putin Bicara Lagi",  # Tribun 2017, Medcom
        "Lihat juga: Video Banjir Bekasi",
        "Simak juga Video: Banjir Rendam Bekasi",
        'Simak Video "Banjir Rendam Bekasi"',
        "[Gambas:Video 20detik]",
        "[Gambas:Instagram]",
        "ADVERTISEMENT",
        "SCROLL TO CONTINUE WITH CONTENT",
        "Advertisement",
        "Bagaimana tanggapan anda mengenai artikel ini?",
        "Happy",
        "- Inspire",
        "Confuse",
        "Sad",
        "Penulis: Adi Putra | Editor: Budi Santoso",
        "Editor: Budi Santoso",
        "Pewarta: Sean Muhamad",
        "Reporter: Sinta",
        "(Penulis: Irfan Kamil | Editor: Dani Prabowo)",
        "Laporan Wartawan Pos Kupang, Com, Oby Lewanmeru",
        "Halaman 1 2 3",
        "Halaman 12",  # page numbers run together (kupang pages)
        "Halaman selanjutnya",
        "Halaman",
        "Selanjutnya",
        "Tampilkan semua",
        "Ikuti berita terkini dari Kompas.com di WhatsApp Channel",
        "Follow WhatsApp Channel Okezone untuk update berita terbaru",
        "Simak breaking news dan berita pilihan kami langsung di ponselmu.",
        "Simak berita lainnya di Google News",
        "Cek berita dan artikel lainnya di Google News",
        "Pilihan Editor: Banjir Lagi",
        "Bagikan:",
        "Share",
        "WhatsApp",
        "Copy link",
        "KOMENTAR",
        "BERITA TERKINI",
        "Tag: banjir bekasi",
        "© 2021 TRIBUNnews.com Network,a subsidiary of KG Media.",
        "Copyright 2008 – 2024 PT. Kompas Cyber Media (Kompas Gramedia Digital Group).",
        "Kompas.com - 18/06/2025, 21:35 WIB",
        "Diperbarui 18 Jun 2025, 17:10 WIB",
        "A post shared by Kompas.com (@kompascom)",
    ],
)
def test_shared_drop_rules(line: str) -> None:
    cleaned = clean(f"{P1}\n{line}\n{P2}", None, RULES)
    assert cleaned.lines == [P1, P2]


@pytest.mark.parametrize(
    "footer",
    [
        "Artikel ini telah tayang di Tribunnews.com dengan judul Harga Cabai, https://www.tribunnews.com/x",
        'Artikel ini telah tayang di TribunJabar.id dengan judul "Harga Cabai"',
        "Dapatkan update berita pilihan dan breaking news setiap hari dari Kompas.com. Mari "
        'bergabung di Grup Telegram "Kompas.com News Update"',
        "Dapatkan update berita pilihan dan breaking news setiap hari dari JatimTIMES.com",
    ],
)
def test_footers_cut_everything_after(footer: str) -> None:
    cleaned = clean(f"{P1}\n{P2}\n{footer}\nEditor: X\nSumber: Tribunnews.com\n{P3}", None, RULES)
    assert cleaned.lines == [P1, P2]


@pytest.mark.parametrize(
    "lead",
    [
        "POS-KUPANG.COM, WASHINGTON - Presiden Rusia Vladimir Putin memperingatkan.",
        "JAKARTA, KOMPAS.com - Komisi I DPR menunda pembahasan.",
        "Liputan6.com, Jakarta - IHSG ditutup menguat.",
        "Jakarta: Jumlah penumpang naik.",
        "Jakarta, CNN Indonesia -- Gempa mengguncang.",
        "Jakarta (ANTARA) - Pemerintah membuka kuota.",
        "TEMPO.CO, Jakarta - Kualitas udara memburuk.",
        "Bekasi - Hujan deras merendam permukiman.",
        "TRIBUNJAKARTA.COM, KOJA – Warga mengungsi.",
    ],
)
def test_dateline_lead_is_kept_and_recognised(lead: str) -> None:
    assert is_dateline(lead)
    assert clean(f"{lead}\n{P2}", None, RULES).lines == [lead, P2]


@pytest.mark.parametrize(
    "line",
    [
        "Menurut dia, pemerintah akan menambah anggaran tahun depan.",
        "Menurut Jokowi: semua harus bekerja keras.",
        "Hal itu - kata dia - tidak benar.",
        "ia menjawab: belum tahu.",
    ],
)
def test_sentences_are_not_datelines(line: str) -> None:
    assert not is_dateline(line)


def test_a_short_sentence_with_a_date_is_body() -> None:
    line = "Rapat digelar Senin, 12 Mei 2025 pukul 10.00 WIB."
    assert clean(f"{P1}\n{line}\n{P2}", None, RULES).lines == [P1, line, P2]


def test_label_title_and_repeated_teaser_above_the_dateline_go() -> None:
    lead = "POS-KUPANG.COM, KUPANG - Kapal cepat kembali berlayar pada Selasa pagi."
    teaser = "Ratusan penumpang memadati pelabuhan sejak subuh."
    title = "Kapal Cepat Kembali Berlayar"
    text = f"Berita NTT\n{title}\n{teaser}\n{title}\n{lead}\n{P2}\n{teaser}"
    assert clean(text, title, RULES).lines == [lead, P2, teaser]


@pytest.mark.parametrize(
    "initials", [" (AHL)", " (rds/rds)", " (kha)", "\n(dal/dal)", "\n(Arief Setyadi )"]
)
def test_editor_initials_at_the_end_go(initials: str) -> None:
    assert clean(f"{P1}\n{P2}{initials}", None, RULES).lines == [P1, P2]


def test_acronym_at_the_end_of_a_sentence_stays() -> None:
    last = "Kasus itu kini ditangani Komisi Pemberantasan Korupsi (KPK)"
    assert clean(f"{P1}\n{last}", None, RULES).lines == [P1, last]


def test_body_sentences_that_look_like_labels_stay() -> None:
    lines = [
        P1,
        "Bacaan doa itu dilantunkan bersama-sama oleh ribuan jemaah.",
        "Penulisan ulang sejarah, kata dia, tidak bisa dilakukan sepihak.",
        "Halaman sekolah itu kini menjadi tempat pengungsian warga.",
        "Sumbernya adalah data Badan Pusat Statistik tahun lalu.",
    ]
    assert clean("\n".join(lines), None, RULES).lines == lines


def test_outlet_rules_drop_and_cut() -> None:
    rules = ExtractRules.from_mapping(
        {"drop_line_patterns": [r"^Saksikan Video Pilihan"], "cut_after_patterns": [r"^Disclaimer"]}
    )
    text = f"{P1}\nSaksikan Video Pilihan Ini:\n{P2}\nDisclaimer bla\n{P3}"
    assert clean(text, None, rules).lines == [P1, P2]


def test_prune_xpath_rule() -> None:
    rules = ExtractRules(prune_xpath=("//div[@class='promo']",))
    html = (
        f"<html><body><h1>Judul</h1><p>{P1}</p><div class='promo'><p>Promo langganan murah "
        f"sekali hanya hari ini saja untuk semua pembaca setia kami.</p></div><p>{P2}</p><p>{P3}"
        "</p></body></html>"
    )
    assert extract(html, None, rules).text.split("\n") == [P1, P2, P3]


def test_related_box_and_inline_link_are_removed_from_the_tree() -> None:
    html = (
        f"<html><body><h1>Judul</h1><p>{P1}</p>"
        '<div class="inject-baca-juga"><a href="/a">Judul Lain Pertama</a></div>'
        f"<p>{P2} <strong>Baca:</strong> <a href='/b'>Judul Lain Kedua</a></p>"
        f"<p>{P3}</p></body></html>"
    )
    text = extract(html).text
    assert "Judul Lain" not in text and "Baca" not in text
    assert text.split("\n") == [P1, P2, P3]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"drop_lines": ["x"]}, "drop_lines"),
        ({"single_page": "query:p=1"}, "single_page"),
        ({"local_tz": "CET"}, "CET"),
        ({"drop_line_patterns": ["(unclosed"]}, "drop_line_patterns"),
        ({"drop_line_patterns": "not a list"}, "drop_line_patterns"),
        ({"prune_xpath": 3}, "prune_xpath"),
        ({"title_suffixes": [" | X", 3]}, "title_suffixes"),
        ({"local_tz": 8}, "local_tz"),
    ],
)
def test_rules_reject_bad_data(data: dict[str, object], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        ExtractRules.from_mapping(data)


def test_rules_from_mapping() -> None:
    rules = ExtractRules.from_mapping(
        {"title_suffixes": [" | Pos Kupang"], "local_tz": "WITA", "single_page": "query:page=all"}
    )
    assert rules == ExtractRules(
        title_suffixes=(" | Pos Kupang",), local_tz="WITA", single_page="query:page=all"
    )
    assert hash(rules) == hash(ExtractRules.from_mapping(dict(rules.__dict__)))
