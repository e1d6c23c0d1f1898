"""Multi-page articles: single-page views, other pages' URLs, stitching once and in order."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from kliping.crawler.extract import (
    Extracted,
    ExtractRules,
    article_url,
    page_links,
    single_page_url,
    stitch,
)

TRIBUN = "https://www.tribunnews.com/bisnis/2025/05/20/harga-cabai-rawit-tembus"
DETIK = "https://news.detik.com/berita/d-7971101/banjir-rendam-bekasi"


@pytest.mark.parametrize(
    ("spec", "url", "expected"),
    [
        ("query:page=all", TRIBUN + "?page=2", TRIBUN + "?page=all"),
        ("query:page=all", TRIBUN + "?utm_source=rss&utm_medium=feed", TRIBUN + "?page=all"),
        ("query:single=1", DETIK + "/2", DETIK + "?single=1"),
        ("query:showpage=all", "https://nasional.sindonews.com/read/1/12/x-1476179831",
         "https://nasional.sindonews.com/read/1/12/x-1476179831?showpage=all"),
        ("path:/all", "https://www.inews.id/news/nasional/judul", "https://www.inews.id/news/nasional/judul/all"),
        ("path:/full", "https://kumparan.com/kumparannews/judul-1yYfG1DYqpl",
         "https://kumparan.com/kumparannews/judul-1yYfG1DYqpl/full"),
    ],
)  # fmt: skip
def test_single_page_url(spec: str, url: str, expected: str) -> None:
    assert single_page_url(url, ExtractRules(single_page=spec)) == expected


def test_no_single_page_view() -> None:
    assert single_page_url(TRIBUN, ExtractRules()) is None


def test_article_url_strips_page_markers() -> None:
    assert article_url(TRIBUN + "?page=3&utm_source=x") == TRIBUN
    assert article_url(DETIK + "/3") == DETIK
    assert article_url(DETIK + "?single=1") == DETIK
    assert article_url("https://x.republika.co.id/berita/sy24g3512/judul-part2") == (
        "https://x.republika.co.id/berita/sy24g3512/judul"
    )
    kompas = "https://nasional.kompas.com/read/2025/06/18/21353591/judul"
    assert article_url(kompas + "?page=all") == kompas


def _pager(hrefs: list[str]) -> str:
    links = " ".join(f'<a href="{h}">{i}</a>' for i, h in enumerate(hrefs, 1))
    return f'<html><body><div class="paging">Halaman {links}</div></body></html>'


def test_tribun_query_pages_in_order() -> None:
    html = _pager(["?page=3", "?page=2", "?page=all", "/bisnis/2025/05/20/lain?page=2"])
    assert page_links(html, TRIBUN) == [TRIBUN + "?page=2", TRIBUN + "?page=3"]


def test_other_pages_from_page_two_include_page_one() -> None:
    html = _pager([TRIBUN, "?page=2", "?page=3"])
    assert page_links(html, TRIBUN + "?page=2") == [TRIBUN, TRIBUN + "?page=3"]


def test_detik_path_pages() -> None:
    html = _pager([DETIK + "/2", DETIK + "/3", "https://news.detik.com/berita/d-1/lain/2"])
    assert page_links(html, DETIK) == [DETIK + "/2", DETIK + "/3"]


def test_all_in_one_view_has_no_other_pages() -> None:
    html = _pager(["?page=2", "?page=3"])
    assert page_links(html, TRIBUN + "?page=all") == []
    assert page_links(html, DETIK + "?single=1") == []


def test_single_page_article_has_no_other_pages() -> None:
    html = "<html><body><p>Teks.</p><a href='/bisnis/2025/05/20/lain'>lain</a></body></html>"
    assert page_links(html, TRIBUN) == []


def test_page_links_accepts_bytes_and_entities() -> None:
    html = b'<a href="?page=2&amp;utm_source=x">2</a>'
    assert page_links(html, TRIBUN) == [TRIBUN + "?page=2&utm_source=x"]


WIB = timezone(timedelta(hours=7))


def _part(text: str, **kw: object) -> Extracted:
    base: dict[str, object] = {
        "url": TRIBUN, "title": "Judul", "text": text, "published": None, "authors": (),
        "language": "id",
    }  # fmt: skip
    base.update(kw)
    return Extracted(**base)  # type: ignore[arg-type]


def test_stitch_keeps_each_paragraph_once_in_order() -> None:
    lead = "TRIBUNNEWS.COM, JAKARTA - Paragraf pembuka yang diulang di setiap halaman berita ini."
    parts = [
        _part(f"{lead}\nParagraf dua.", published=datetime(2025, 5, 20, 8, 15, tzinfo=WIB),
              authors=("Reynas Abdila",)),
        _part(f"{lead}\nParagraf tiga.\nParagraf empat.", title="Judul Halaman 2"),
        _part(f"{lead}\nParagraf lima.", authors=("Orang Lain",)),
    ]  # fmt: skip
    result = stitch(parts)
    assert result.text.split("\n") == [lead] + [
        f"Paragraf {n}." for n in ("dua", "tiga", "empat", "lima")
    ]
    assert result.pages == 3
    assert result.title == "Judul"
    assert result.authors == ("Reynas Abdila",)
    assert result.published == datetime(2025, 5, 20, 8, 15, tzinfo=WIB)


def test_stitch_one_page_and_none() -> None:
    assert stitch([_part("A.")]).pages == 1
    with pytest.raises(ValueError):
        stitch([])
