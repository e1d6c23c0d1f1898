"""A generated corpus of broken article pages (``/remuk/.../halaman-rusak-<n>``): what a crawler
meets in years of real pages, many times over. Page n is a pure function of n (its own seeded
random), so a test and a benchmark see the same corpus, and any failure names a page that can be
fetched again.

Every page must end as a stored article or a counted failure: never a crash, never half stored.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from functools import cache
from html import escape

from kliping.sample_site.corpus import load_records

PREFIX = "/remuk/"
# A slug, not a bare number: "/remuk/2" would read as page 2 of "/remuk" (config/urls.py).
PAGE = PREFIX + "2025/01/04/halaman-rusak-"
MALICIOUS_TITLES = [
    "'; DROP TABLE articles; --",
    'Robert"); DELETE FROM stories WHERE (1=1',
    "%s %s %(x)s {0} {} $1 \\x00",
    "<script>alert('x')</script> Berita",
    "Judul\x00dengan\x00NUL",
    "\u202eRTL override\u202c dan \ufeffBOM \u200bspasi-lebar-nol",
    "Judul " + "sangat panjang " * 700,
]


@cache
def _paragraphs() -> list[list[str]]:
    return [r["paragraphs"] for r in load_records() if len(r["paragraphs"]) >= 3]


def _article(rng: random.Random, title: str, body_extra: str = "", charset: str = "utf-8") -> str:
    paragraphs = rng.choice(_paragraphs())
    body = "".join(f"<p>{escape(p)}</p>" for p in paragraphs) + body_extra
    return (
        f'<!DOCTYPE html><html lang="id"><head><meta charset="{charset}">'
        f"<title>{escape(title)}</title>"
        '<meta property="article:published_time" content="2025-01-04T09:00:00+07:00"></head>'
        f"<body><article><h1>{escape(title)}</h1>{body}</article></body></html>"
    )


Page = tuple[bytes, dict[str, str]]  # body, response headers
HTML = {"Content-Type": "text/html; charset=utf-8"}
HTML_NO_CHARSET = {"Content-Type": "text/html"}


def _intact(rng: random.Random, n: int) -> Page:
    return _article(rng, f"Berita utuh nomor {n}").encode(), HTML


def _truncated(rng: random.Random, n: int) -> Page:
    data = _article(rng, f"Berita terpotong {n}").encode()
    return data[: rng.randrange(0, len(data))], HTML


def _wrong_encoding(rng: random.Random, n: int) -> Page:
    """Declares UTF-8 (header and meta) but is written in another encoding."""
    text = _article(rng, f"Kafe “Sederhana” — edisi {n}", "<p>Harga naik 5 € per porsi.</p>")
    encoding = rng.choice(["cp1252", "latin-1", "utf-16", "utf-16-be", "cp437"])
    return text.encode(encoding, errors="replace"), HTML


def _mixed_encoding(rng: random.Random, n: int) -> Page:
    """UTF-8 and cp1252 bytes in one page, as a CMS that pasted text from elsewhere."""
    head = _article(rng, f"Campuran penyandian {n}").encode()
    cut = head.index(b"</article>")
    pasted = "<p>Kutipan “pejabat” – naïve café ½ harga</p>".encode("cp1252")
    return head[:cut] + pasted + head[cut:], HTML_NO_CHARSET if n % 2 else HTML


def _binary(rng: random.Random, n: int) -> Page:
    return rng.randbytes(rng.randrange(1, 200_000)), HTML


def _deep(rng: random.Random, n: int) -> Page:
    depth = rng.choice([300, 3_000, 30_000])
    inner = _article(rng, f"Sarang dalam {n}")
    open_, close = inner.split("<article>", 1)
    nest = rng.choice(["div", "span", "table", "b"])
    return (
        open_
        + f"<{nest}>" * depth
        + "<article>"
        + close.replace("</article>", "</article>" + f"</{nest}>" * depth)
    ).encode(), HTML


def _script_only(rng: random.Random, n: int) -> Page:
    script = "<script>" + "var x = 'berita';" * rng.randrange(1, 5000) + "</script>"
    html = f"<html><head><title>Hanya skrip {n}</title></head><body>{script}</body></html>"
    return html.encode(), HTML


def _malicious(rng: random.Random, n: int) -> Page:
    title = MALICIOUS_TITLES[n % len(MALICIOUS_TITLES)]
    extra = "<p>Isi mengandung \x00 NUL dan '; DROP TABLE crawl_runs; -- di tengah.</p>"
    return _article(rng, title, extra).encode(), HTML


def _huge(rng: random.Random, n: int) -> Page:
    filler = "<p>" + "Baris pengisi halaman raksasa. " * 60 + "</p>"
    return _article(rng, f"Raksasa {n}", filler * (20 * 1024 * 1024 // len(filler))).encode(), HTML


def _nul_bytes(rng: random.Random, n: int) -> Page:
    data = bytearray(_article(rng, f"Bertabur NUL {n}").encode())
    for _ in range(rng.randrange(1, 50)):
        data.insert(rng.randrange(len(data)), 0)
    return bytes(data), HTML


def _unclosed(rng: random.Random, n: int) -> Page:
    data = _article(rng, f"Tag tak tertutup {n}").replace("</p>", "").replace("</article>", "")
    return (data + "<!-- " + "<div <p <a href='" * rng.randrange(1, 300)).encode(), HTML


def _bad_compression(rng: random.Random, n: int) -> Page:
    return _article(rng, f"Bukan gzip {n}").encode(), {**HTML, "Content-Encoding": "gzip"}


# kind -> generator, and how often it appears (20 MB pages are rare: they are costly to serve).
KINDS: dict[str, tuple[Callable[[random.Random, int], Page], int]] = {
    "intact": (_intact, 10),
    "truncated": (_truncated, 12),
    "wrong-encoding": (_wrong_encoding, 12),
    "mixed-encoding": (_mixed_encoding, 8),
    "binary-as-html": (_binary, 10),
    "deep-nesting": (_deep, 8),
    "script-only": (_script_only, 8),
    "malicious": (_malicious, 12),
    "nul-bytes": (_nul_bytes, 8),
    "unclosed-tags": (_unclosed, 8),
    "bad-compression": (_bad_compression, 3),
    "20mb": (_huge, 1),
}
_WHEEL = [kind for kind, (_, weight) in KINDS.items() for _ in range(weight)]


def kind(n: int) -> str:
    return _WHEEL[random.Random(f"remuk-kind-{n}").randrange(len(_WHEEL))]


def render(n: int) -> Page:
    generate, _ = KINDS[kind(n)]
    return generate(random.Random(f"remuk-{n}"), n)


def url(base: str, n: int) -> str:
    return f"{base}{PAGE}{n}"


def sitemap(base: str, count: int) -> bytes:
    urls = "".join(f"<url><loc>{url(base, n)}</loc></url>" for n in range(count))
    return (
        '<?xml version="1.0" encoding="UTF-8"?>'
        f'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{urls}</urlset>'
    ).encode()


def serve(handler: object, path: str, count: int) -> None:
    send = handler._send  # type: ignore[attr-defined]
    if path == "/remuk/sitemap.xml":
        return send(200, sitemap(handler.site.base, count), "application/xml")  # type: ignore[attr-defined]
    number = path.removeprefix(PAGE)
    if not number.isdigit() or int(number) >= count:
        return send(404, b"<html><body>404</body></html>")
    body, headers = render(int(number))
    extra = {k: v for k, v in headers.items() if k != "Content-Type"}
    return send(200, body, headers["Content-Type"], extra)
