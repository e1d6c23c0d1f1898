"""extract() end to end: the JSON contract, bad input, charsets, and `kliping extract`."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from kliping.config.settings import Settings
from kliping.crawler.extract import ExtractionError, cli_extract, extract
from kliping.sample_site.render import gold, render_article

ARTICLES = Path(__file__).parent / "data" / "extract" / "articles.jsonl"
P1 = "Jakarta - Pemerintah daerah menyiapkan posko pengungsian di tiga kecamatan yang terdampak."
P2 = "Petugas gabungan terus mendata warga yang mengungsi dan menyalurkan bantuan logistik."


def _article(outlet: str) -> dict[str, object]:
    for line in ARTICLES.read_text("utf-8").splitlines():
        record = json.loads(line)
        if record["outlet"] == outlet:
            return record
    raise LookupError(outlet)


def test_to_json_contract() -> None:
    html = render_article(_article("tribunnews"), url="https://www.tribunnews.com/a")
    result = extract(html, "https://www.tribunnews.com/a").to_json()
    assert list(result) == ["url", "title", "text", "published", "authors", "language", "pages"]
    assert result["published"] == "2025-05-20T08:15:00+07:00"
    assert result["authors"] == ["Reynas Abdila"]
    assert result["language"] == "id"
    assert result["pages"] == 1
    json.dumps(result)


@pytest.mark.parametrize(
    "data",
    [
        "",
        b"",
        "   \n  ",
        "Bukan HTML sama sekali, hanya teks biasa tanpa tag apa pun.",
        b"\x00\x01\x02\xff\xfe binary \x89PNG\r\n\x1a\n",
        "<html><head><title>Kosong</title></head><body></body></html>",
        "<html><body><nav><a href='/'>Home</a></nav><footer>&copy; 2025</footer></body></html>",
        '{"json": "bukan halaman"}',
        "<html><body><p>Baca juga: <a href='/x'>Judul Lain</a></p><p>ADVERTISEMENT</p></body>",
    ],
)
def test_no_body_raises_extraction_error(data: str | bytes) -> None:
    with pytest.raises(ExtractionError) as info:
        extract(data, "https://example.id/x")
    assert "https://example.id/x" in str(info.value)
    assert info.value.reason in str(info.value)
    assert info.value.url == "https://example.id/x"


@pytest.mark.parametrize("cut", [0.1, 0.3, 0.5, 0.7, 0.9])
def test_truncated_pages_never_raise_anything_else(cut: float) -> None:
    html = render_article(_article("kompas"), url="https://nasional.kompas.com/read/x")
    data = html.encode()[: int(len(html) * cut)]
    try:
        result = extract(data, "https://nasional.kompas.com/read/x")
    except ExtractionError:
        return
    assert result.text


def test_declared_charset_and_cp1252_fallback(tmp_path: Path) -> None:
    body = f"<p>{P1} “Kami siap,” katanya.</p><p>{P2}</p>"
    declared = f'<html><head><meta charset="windows-1252"></head><body>{body}</body></html>'
    path = tmp_path / "declared.html"
    path.write_bytes(declared.encode("cp1252"))
    assert "“Kami siap,”" in cli_extract(str(path), None)["text"]
    undeclared = f"<html><body>{body}</body></html>".encode("cp1252")
    path.write_bytes(undeclared)
    assert "“Kami siap,”" in cli_extract(str(path), None)["text"]
    # A declared iso-8859-1 is read as windows-1252, as browsers do.
    latin1 = declared.replace("windows-1252", "iso-8859-1").encode("cp1252")
    path.write_bytes(latin1)
    assert "“Kami siap,”" in cli_extract(str(path), None)["text"]


@pytest.mark.parametrize("encoding", ["utf-8-sig", "utf-16"])
def test_byte_order_marks(encoding: str) -> None:
    html = f"<html><body><p>{P1} “Kami siap,” katanya.</p><p>{P2}</p></body></html>"
    assert "“Kami siap,”" in extract(html.encode(encoding)).text


def test_cli_extract_file(tmp_path: Path) -> None:
    article = _article("detik")
    path = tmp_path / "page.html"
    path.write_text(render_article(article, url="https://news.detik.com/berita/d-1/x", n_pages=2))
    result = cli_extract(str(path), "https://news.detik.com/berita/d-1/x")
    assert result["url"] == "https://news.detik.com/berita/d-1/x"
    assert result["pages"] == 1
    assert result["title"] == article["title"]


agents: list[str] = []  # the User-Agent of every request the fixture's server answered


@pytest.fixture
def site() -> Iterator[str]:
    """A tiny server for one 3-page Tribun article, its pages at ?page=N."""
    article = _article("tribunnews")
    agents.clear()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            if not self.path.startswith("/bisnis/2025/05/20/harga-cabai"):
                self.send_error(404)
                return
            page = 1
            if "page=" in self.path:
                value = self.path.rsplit("page=", 1)[1]
                page = 0 if value == "all" else int(value)
            url = f"http://127.0.0.1:{self.server.server_port}/bisnis/2025/05/20/harga-cabai"
            html = render_article(article, url=url, page=page, n_pages=3).encode()
            agents.append(self.headers["User-Agent"])
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.end_headers()
            self.wfile.write(html)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    server.server_close()


def test_cli_extract_url_follows_the_other_pages(site: str) -> None:
    result = cli_extract(f"{site}/bisnis/2025/05/20/harga-cabai", None)
    expected = gold(_article("tribunnews"))
    assert result["pages"] == 3
    assert result["text"] == expected["text"]
    assert result["published"] == expected["published"]


def test_cli_extract_url_sends_the_settings_user_agent(site: str) -> None:
    cli_extract(f"{site}/bisnis/2025/05/20/harga-cabai", None)
    assert agents and set(agents) == {Settings().user_agent}
    agents.clear()
    cli_extract(f"{site}/bisnis/2025/05/20/harga-cabai", None, None, Settings(user_agent="uji/1"))
    assert agents and set(agents) == {"uji/1"}


def test_cli_extract_url_failure_is_an_extraction_error(site: str) -> None:
    with pytest.raises(ExtractionError, match="fetch failed"):
        cli_extract(f"{site}/tidak-ada", None)


ENGLISH = (
    "<p>Jakarta - The government of the capital is preparing shelters in three districts that "
    "were hit by floods since the weekend, an official said on Monday.</p><p>Joint teams are "
    "still counting the people who fled and are bringing food to every shelter.</p>"
)


@pytest.mark.parametrize(
    ("lang", "body", "expected"),
    [
        (
            'lang="en"',
            f"<p>{P1}</p><p>{P2} Hal itu disampaikan oleh pejabat yang berwenang.</p>",
            "id",
        ),
        ('lang="id"', ENGLISH, "en"),  # an English edition on an Indonesian template
        ('lang="id-ID"', "<p>Foto: Istimewa, dokumentasi pribadi warga.</p>", "id"),  # too short
        ("", f"<p>{P1}</p><p>{P2} Hal itu disampaikan oleh pejabat yang berwenang.</p>", "id"),
    ],
)
def test_language(lang: str, body: str, expected: str) -> None:
    assert extract(f"<html {lang}><body>{body}</body></html>").language == expected
