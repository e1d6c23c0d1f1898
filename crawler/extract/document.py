"""Decode and parse a page once, and collect what every later stage reads from it."""

from __future__ import annotations

import codecs
import json
import re
from dataclasses import dataclass, field
from typing import Any

from lxml.html import HtmlElement
from trafilatura.utils import load_html

from .errors import ExtractionError

# A charset declared in the first 4 KiB: <meta charset="x"> or http-equiv Content-Type.
_META_CHARSET = re.compile(rb"""<meta[^>]{0,200}?charset\s*=\s*["']?\s*([\w.:-]{2,40})""", re.I)
_BOMS = (
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
_LATIN1 = {"iso-8859-1": "cp1252", "latin-1": "cp1252", "latin1": "cp1252", "us-ascii": "cp1252"}
_HTML_HINT = re.compile(r"<\s*(?:html|head|body|p|div|article|h1|title)\b", re.I)
# Control characters (not tab/newline/CR/FF) and U+FFFD: in a text page a stray few, in binary
# served as text/html one character in eight. Random bytes can still hold "<p", so the markup
# hint alone let a binary body through as an "article" (bench/faults.py's generated pages).
_NOT_TEXT = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f-\x9f\ufffd]")
BINARY_SHARE = 0.02

# Class names of the boxes that hold a byline ("penulis", "wartawan", "pewarta": writer, reporter).
_BYLINE_CLASS = re.compile(
    r"author|penulis|byline|reporter|credit|journalist|wartawan|pewarta|writer", re.I
)
# Related-link boxes ("Baca juga", Tribun's "linksisip"), share/reaction widgets and pagers sit
# inside the article container on Indonesian sites. Their text is never body, and their dates
# belong to other articles, so they go before anything reads text.
_NOISE_CLASS = re.compile(
    r"(?:^|[\s_-])(?:baca-?_?juga|bacajuga|lihat-?juga|lihatjg|linksisip|sisip|related|"
    r"berita-?terkait|terkait|reaction|reaksi|social-?share|share-?box|share-?button|"
    r"paging|pagination|kompasidrec|recommended|widget-other)",
    re.I,
)
_NOT_BYLINE = re.compile(r"foto|photo|image|img|caption|avatar", re.I)
# Marks collected in the same walk for later stages: a hiding style, attribute or class
# (treeclean.unhide_pages), caption and credit boxes and photo boxes (captions.take).
HIDDEN_STYLE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.I)
HIDE_CLASS = re.compile(r"(?<![\w-])(?:hidden|hide|d-none|is-hidden)(?![\w-])", re.I)
_CAPTION_CLASS = re.compile(r"caption|keterangan|credit", re.I)
_PHOTO_CLASS = re.compile(r"photo|foto", re.I)
_PHOTO_BOX_TAGS = frozenset({"div", "span", "figure"})
ARTICLE_TYPES = frozenset(
    {"newsarticle", "article", "reportagenewsarticle", "blogposting", "analysisnewsarticle"}
)


def decode(html: str | bytes) -> str:
    """Bytes to text: the page's declared charset first, then UTF-8, then cp1252.

    cp1252 rather than latin-1 as the last resort because Windows-made pages put curly
    quotes in 0x80-0x9F; latin-1 would turn them into control characters.
    """
    if isinstance(html, str):
        return html
    for bom, codec in _BOMS:
        if html.startswith(bom):
            return html[len(bom) :].decode(codec, errors="replace")
    found = _META_CHARSET.search(html[:4096])
    declared = found.group(1).decode("ascii", "ignore").lower() if found else None
    # Browsers read a declared latin-1/ascii as windows-1252 (WHATWG Encoding), so do we.
    candidates = [_LATIN1.get(declared, declared)] if declared else []
    candidates += ["utf-8", "cp1252"]
    for name in candidates:
        try:
            return html.decode(name)
        except (LookupError, UnicodeDecodeError):
            continue
    return html.decode("utf-8", errors="replace")


@dataclass
class Page:
    """One parsed page: the tree plus its metadata, gathered in a single walk."""

    tree: HtmlElement
    meta: dict[str, str] = field(default_factory=dict)
    ld: list[dict[str, Any]] = field(default_factory=list)
    h1: HtmlElement | None = None
    title_tag: str | None = None
    lang: str | None = None
    bylines: list[str] = field(default_factory=list)
    noise: list[HtmlElement] = field(default_factory=list)
    hidden: list[HtmlElement] = field(default_factory=list)
    captions: list[HtmlElement] = field(default_factory=list)  # candidates, in page order
    stamps: list[str] = field(default_factory=list)  # <abbr|time class="published"> values

    def attached(self, el: HtmlElement) -> bool:
        """Still in the page (not inside a subtree dropped since the walk).

        getroottree() cannot tell: a dropped subtree keeps its document, whose root is still
        the page's <html>; only the parent chain shows it hangs loose.
        """
        chain = list(el.iterancestors())
        return (chain[-1] if chain else el) is self.tree

    def drop_noise(self) -> None:
        """Remove related-link boxes, widgets and pagers from the tree, keeping their tails."""
        for el in self.noise:
            if el.getparent() is not None:
                el.drop_tree()
        self.noise = []

    def article_ld(self) -> list[dict[str, Any]]:
        """JSON-LD objects describing the article itself (not the site or breadcrumbs)."""
        out = []
        for obj in self.ld:
            kind = obj.get("@type")
            kinds = kind if isinstance(kind, list) else [kind]
            if any(isinstance(k, str) and k.lower() in ARTICLE_TYPES for k in kinds):
                out.append(obj)
        return out


def parse(html: str | bytes, url: str | None) -> Page:
    """Parse once; raise ExtractionError for input that is not an HTML page at all."""
    text = decode(html)
    if not text.strip():
        raise ExtractionError(url, "empty input")
    head = text[:65536]
    if len(_NOT_TEXT.findall(head)) > BINARY_SHARE * len(head):
        raise ExtractionError(url, "not text: binary content")
    if not _HTML_HINT.search(head):
        raise ExtractionError(url, "not HTML (no html/body/p/div tags)")
    try:
        tree = load_html(text)
    except (TypeError, ValueError) as err:
        raise ExtractionError(url, f"unparsable HTML: {err}") from None
    if tree is None or len(tree) == 0:
        raise ExtractionError(url, "unparsable HTML")
    page = Page(tree=tree, lang=_lang(tree.get("lang")))
    bylines = _walk(page)
    _settle(page, bylines)
    return page


def _walk(page: Page) -> list[HtmlElement]:
    bylines: list[HtmlElement] = []
    for el in page.tree.iter():
        tag = el.tag
        if not isinstance(tag, str):  # comments, processing instructions
            continue
        if tag == "meta":
            content = el.get("content")
            if content is None:
                continue
            for attr in ("property", "name", "itemprop", "http-equiv"):
                key = el.get(attr)
                if key:
                    page.meta.setdefault(key.strip().lower(), content.strip())
            continue
        if tag == "script":
            if (el.get("type") or "").lower() == "application/ld+json" and el.text:
                page.ld.extend(_json_ld(el.text))
            continue
        if tag == "title" and page.title_tag is None:
            page.title_tag = el.text_content().strip()
            continue
        if tag == "h1" and page.h1 is None:
            page.h1 = el
        if el.get("itemprop") == "datePublished":
            value = el.get("datetime") or el.get("content") or el.text_content()
            page.meta.setdefault("datepublished", value.strip())
        style = el.get("style")
        cls = el.get("class")
        hidden_style = bool(style and HIDDEN_STYLE.search(style))
        if hidden_style or el.get("hidden") is not None or (cls and HIDE_CLASS.search(cls)):
            page.hidden.append(el)
        if tag == "figcaption":
            page.captions.append(el)
        if not cls and not el.get("id"):
            continue
        marker = f"{cls or ''} {el.get('id') or ''}"
        photo_box = tag in _PHOTO_BOX_TAGS and cls and _PHOTO_CLASS.search(cls)
        if photo_box or _CAPTION_CLASS.search(marker):
            page.captions.append(el)
        if tag in ("abbr", "time") and cls and "published" in cls.split():
            stamp = el.get("title") if tag == "abbr" else el.get("datetime")
            if stamp:
                page.stamps.append(stamp)
        if tag not in ("body", "html", "main", "article") and _NOISE_CLASS.search(marker):
            page.noise.append(el)
        elif _BYLINE_CLASS.search(marker) and not _NOT_BYLINE.search(marker):
            bylines.append(el)
    if page.lang is None:
        page.lang = _lang(page.meta.get("content-language") or page.meta.get("og:locale"))
    return bylines


def _settle(page: Page, bylines: list[HtmlElement]) -> None:
    """Keep noise that is really a box, and bylines that are not inside one."""
    keep_out = set(page.h1.iterancestors()) if page.h1 is not None else set()
    page.noise = [el for el in page.noise if el not in keep_out and not _many_paragraphs(el)]
    noisy = set(page.noise)
    for el in bylines:
        # A credit inside a photo box ("<div class=photo>...<span class=author>dok.TMC")
        # names the photographer or the picture's source, not the writer.
        if noisy.isdisjoint(el.iterancestors()) and not _in_photo(el):
            # itertext, not text_content: "<span>Penulis</span><div>A</div>" must not glue.
            text = " ".join(" ".join(el.itertext()).split())
            if text and len(text) < 300:
                page.bylines.append(text)


def _in_photo(el: HtmlElement) -> bool:
    for up in el.iterancestors():
        if up.tag in ("figure", "figcaption"):
            return True
        marker = f"{up.get('class') or ''} {up.get('id') or ''}"
        if marker.strip() and _NOT_BYLINE.search(marker):
            return True
    return False


def _many_paragraphs(el: HtmlElement, limit: int = 6) -> bool:
    # A "related" class on a wrapper that holds the article body must not delete the body.
    return any(count >= limit for count, _ in enumerate(el.iter("p"), start=1))


def _json_ld(raw: str) -> list[dict[str, Any]]:
    try:
        data = json.loads(raw)
    except ValueError:
        return []
    out: list[dict[str, Any]] = []
    stack = [data]
    while stack:
        item = stack.pop()
        if isinstance(item, list):
            stack.extend(reversed(item))
        elif isinstance(item, dict):
            out.append(item)
            if "@graph" in item:
                stack.append(item["@graph"])
    return out


def _lang(value: str | None) -> str | None:
    if not value:
        return None
    code = re.split(r"[-_]", value.strip().lower(), maxsplit=1)[0]
    return code if 2 <= len(code) <= 3 and code.isalpha() else None
