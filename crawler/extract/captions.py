"""Photo captions and credits: out of an article's body, and the whole body of a photo page.

On an article page a lead photo's caption and credit ("dok.TMC Kebakaran melanda ...", Kompas
2015) are not body: trafilatura keeps them when the box is not called "caption". On a photo or
gallery page (detikFoto, "Foto:" pages) the captions and the credit are the article; without
them trafilatura returns nothing, or the sidebar's teasers.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from lxml.html import HtmlElement

from .document import Page

# A caption is a few sentences; a box with more text than this is a container, not a caption.
MAX_CAPTION_CHARS = 600
_PHOTO_BOX = re.compile(r"photo|foto", re.I)
# A photo page by its address or its schema.org type.
_PHOTO_URL = re.compile(
    r"/(?:foto|photos?|galeri|gallery|fotografi)(?:[-/_]|$)|detikfoto"
    r"|^https?://(?:foto|photos?|galeri|gallery)\.",  # foto.tempo.co, photo.sindonews.com
    re.I,
)
_PHOTO_TYPES = frozenset({"imagegallery", "mediagallery", "photograph"})
_ROOT_STOP = frozenset({"body", "html"})


@dataclass
class Captions:
    """What was taken out of the tree, and the page read as a photo page."""

    photo_page: bool = False
    lines: list[str] = field(default_factory=list)  # the photo page's body, captions included
    texts: list[str] = field(default_factory=list)  # the captions and credits themselves
    # The text of the article box holding the photos and the title (if one does), without
    # whitespace: trafilatura and text_content() space inline tags differently.
    block: str = ""

    def outside(self, lines: list[str]) -> bool:
        """Most of a body lies outside the box holding the title and the photos: trafilatura
        took another block (a sidebar's teasers) for the article of a photo page."""
        if not self.block or len(self.texts) < 2:
            return False
        total = sum(len(line) for line in lines) or 1
        inside = sum(len(line) for line in lines if "".join(line.split()) in self.block)
        return inside / total < 0.5


def take(page: Page, url: str | None) -> Captions:
    """Remove captions and photo credits from the tree; return the photo-page reading."""
    candidates = [el for el in page.captions if page.attached(el) and _is_caption(el)]
    found = _outermost(candidates)
    if not found:
        return Captions()
    photo_page = bool(url and _PHOTO_URL.search(url)) or _photo_type(page)
    lines, block = _gallery(found, page) if photo_page or len(found) >= 2 else ([], "")
    texts = [" ".join(el.text_content().split()) for el in found]
    for el in found:
        if el.getparent() is not None:
            el.drop_tree()  # keeps the tail: text after a caption is still body
    return Captions(photo_page=photo_page, lines=lines, texts=texts, block=block)


def _is_caption(el: HtmlElement) -> bool:
    if el.tag in _ROOT_STOP:  # <body class="photo-page">: a page, not a caption
        return False
    photo_box = el.tag != "figcaption" and _PHOTO_BOX.search(el.get("class") or "")
    if photo_box and next(el.iter("img"), None) is None:  # a photo box holds its photo
        return False
    text = " ".join(el.text_content().split())
    if not text or len(text) > MAX_CAPTION_CHARS:
        return False
    long_paragraphs = sum(1 for p in el.iter("p") if len(p.text_content()) >= 100)
    return long_paragraphs <= 1


def _outermost(found: list[HtmlElement]) -> list[HtmlElement]:
    chosen = set(found)
    return [el for el in found if chosen.isdisjoint(el.iterancestors())]


def _photo_type(page: Page) -> bool:
    for obj in page.ld:
        kind = obj.get("@type")
        kinds = kind if isinstance(kind, list) else [kind]
        if any(isinstance(k, str) and k.lower() in _PHOTO_TYPES for k in kinds):
            return True
    return False


def _gallery(found: list[HtmlElement], page: Page) -> tuple[list[str], str]:
    """Paragraphs and captions of the block holding the photos, in page order; and the text of
    that block when it also holds the title (the article box), else "".

    The block is the smallest one holding every caption, widened to the one that also holds
    the title unless that is the whole page (then the sidebar would come).
    """
    ancestors = set(found[0].iterancestors())
    for el in found[1:]:
        ancestors &= {el, *el.iterancestors()}
    if not ancestors:
        return [], ""
    root = max(ancestors, key=lambda up: sum(1 for _ in up.iterancestors()))
    holds_title = False
    if page.h1 is not None:
        for up in (root, *root.iterancestors()):
            if up.tag in _ROOT_STOP:
                break
            if any(a is up for a in page.h1.iterancestors()):
                root, holds_title = up, True
                break
    wanted = set(found)
    lines: list[str] = []
    for el in root.iter():
        if el in wanted or (el.tag == "p" and wanted.isdisjoint(el.iterancestors())):
            text = " ".join(el.text_content().split())
            if text:
                lines.append(text)
    return lines, ("".join(root.text_content().split()) if holds_title else "")
