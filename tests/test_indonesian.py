"""config/indonesian.py: outlet names come from the registry; the footer's url survives the cut."""

from __future__ import annotations

import pytest

from kliping.config.extract_rules import DEFAULT_RULES
from kliping.config.indonesian import strip_dateline, syndication_footer
from kliping.config.outlets import load_registry
from kliping.crawler.extract import extract
from kliping.crawler.extract.boilerplate import clean
from kliping.crawler.extract.bylines import parse_byline
from kliping.crawler.extract.titles import clean_title

REGISTRY = load_registry()
NAMES = sorted({n for o in REGISTRY.values() for n in (o.name, *o.aliases)})
LEAD = "Polisi menutup jalan itu sejak pagi karena longsor susulan masih mungkin terjadi."


@pytest.mark.parametrize("name", NAMES)
def test_every_registry_name_is_an_outlet_name(name: str) -> None:
    assert clean_title(f"Banjir Rendam Bekasi - {name}", DEFAULT_RULES) == "Banjir Rendam Bekasi"
    assert parse_byline(f"Penulis: Andi Saputra | {name}") == ["Andi Saputra"]
    assert strip_dateline(f"BOGOR, {name} - {LEAD}", bare=False) == LEAD


def test_a_person_named_like_an_outlet_without_its_web_ending_stays() -> None:
    # "SURYA.co.id" is in the registry; "Surya" alone is a common given name.
    assert parse_byline("Penulis: Surya Dharma") == ["Surya Dharma"]


FOOTER = (
    "Artikel ini telah tayang di Tribunnews.com dengan judul Harga Cabai Naik, "
    "https://www.tribunnews.com/bisnis/2025/05/20/harga-cabai-naik."
)


def test_the_cut_footer_leaves_its_url() -> None:
    cleaned = clean(f"{LEAD}\n{FOOTER}\nBerita lain di bawahnya.", None, DEFAULT_RULES)
    assert cleaned.lines == [LEAD]
    assert (
        cleaned.syndicated_from == "https://www.tribunnews.com/bisnis/2025/05/20/harga-cabai-naik"
    )
    assert syndication_footer(FOOTER)[1] == cleaned.syndicated_from
    assert clean(LEAD, None, DEFAULT_RULES).syndicated_from is None


def test_extracted_carries_it_outside_the_json_contract() -> None:
    body = "".join(f"<p>{LEAD} Kalimat {i}.</p>" for i in range(4))
    html = f"<html><head><title>Judul</title></head><body><article>{body}<p>{FOOTER}</p>"
    html += "</article></body></html>"
    article = extract(html, "https://kupang.tribunnews.com/2025/05/20/harga-cabai")
    assert (
        article.syndicated_from == "https://www.tribunnews.com/bisnis/2025/05/20/harga-cabai-naik"
    )
    assert "tayang" not in article.text
    assert len(article.to_json()) == 7 and "syndicated_from" not in article.to_json()
