"""The sample site's bad pages: each a way real sites fail, each must be a counted failure
(or, for 429, a success after honouring Retry-After) and never a half-stored article."""

from __future__ import annotations

from functools import cache
from typing import Any

GOOD_BODY = (
    "<p>JAKARTA - Halaman ini sengaja dibuat untuk menguji perayap. Isinya berita biasa "
    "tentang cuaca cerah di Jakarta pada pagi hari dan lalu lintas yang lancar.</p>"
    "<p>Petugas mengatakan “tidak ada kendala berarti” selama pemantauan berlangsung "
    "hingga siang.</p>"
    "<p>Warga diimbau tetap berhati-hati ketika berkendara di jalan yang licin setelah hujan.</p>"
)
# path suffix -> what goes wrong; the feed lists them all (see ``feed``).
CASES = {
    "hilang": "404 not found",
    "galat": "500 on every try",
    "sibuk": "429 with Retry-After: 1 on the first try, then the article",
    "putar": "a redirect loop",
    "latin": "windows-1252 bytes with no charset anywhere",
    "terpotong": "the connection closes before Content-Length bytes",
    "raksasa": "a 20 MB page",
    "kosong": "an empty 200",
    "sampah": "a 200 that is not HTML at all",
}
PREFIX = "/rusak/2025/01/02/"


def page(title: str, body: str = GOOD_BODY, charset: bool = True) -> str:
    meta = '<meta charset="utf-8">' if charset else ""
    return (
        f'<!DOCTYPE html><html lang="id"><head>{meta}<title>{title}</title>'
        '<meta property="article:published_time" content="2025-01-02T08:00:00+07:00">'
        f"</head><body><article><h1>{title}</h1>{body}</article></body></html>"
    )


@cache
def _huge() -> bytes:
    filler = "<p>" + "Baris pengisi yang sangat panjang untuk halaman raksasa. " * 40 + "</p>"
    html = page("Halaman raksasa", filler * (20 * 1024 * 1024 // len(filler) + 1))
    return html.encode()  # a little over 20 MiB


def feed(base: str) -> bytes:
    items = "".join(
        f"<item><title>{name}</title><link>{base}{PREFIX}{name}</link></item>" for name in CASES
    )
    return (
        f'<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>rusak</title>'
        f"{items}</channel></rss>"
    ).encode()


def serve(handler: Any, path: str, hits: int) -> None:
    if path == "/rusak/rss.xml":
        return handler._send(200, feed(handler.site.base), "application/rss+xml")
    name = path.removeprefix(PREFIX)
    if name == "hilang" or name not in CASES:
        return handler._send(404, b"<html><body>404</body></html>")
    if name == "galat":
        return handler._send(500, b"<html><body>Internal Server Error</body></html>")
    if name == "sibuk":
        if hits == 1:
            return handler._send(429, b"Too Many Requests", "text/plain", {"Retry-After": "1"})
        return handler._send(200, page("Berita setelah antrean").encode())
    if name == "putar":
        return handler._send(302, b"", "text/html", {"Location": path})
    if name == "latin":
        html = page("Kafe “Sederhana” buka lagi", charset=False)
        return handler._send(200, html.encode("cp1252"), "text/html")
    if name == "terpotong":
        body = page("Terpotong").encode()
        handler.send_response(200)
        handler.send_header("Content-Type", "text/html; charset=utf-8")
        handler.send_header("Content-Length", str(len(body)))
        handler.end_headers()
        handler.wfile.write(body[: len(body) // 3])
        handler.close_connection = True
        return None
    if name == "raksasa":
        return handler._send(200, _huge())
    if name == "kosong":
        return handler._send(200, b"")
    return handler._send(200, b"\x00\x01\x02 not html", "application/octet-stream")
