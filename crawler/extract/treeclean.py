"""Tree-level cleanup before trafilatura: what line rules cannot undo once text is flattened."""

from __future__ import annotations

import re

from lxml.html import HtmlElement

from .document import HIDDEN_STYLE, HIDE_CLASS, Page

_INLINE_LABEL = re.compile(r"^\s*(?:baca(?:\s+juga)?|lihat\s+juga|simak\s+juga)\s*:?\s*$", re.I)
# Elements that end a run of loose text.
# fmt: off
_BLOCKS = frozenset({
    "div", "p", "ul", "ol", "dl", "table", "figure", "blockquote", "section", "aside", "article",
    "header", "footer", "nav", "form", "pre", "hr", "h1", "h2", "h3", "h4", "h5", "h6",
})
# fmt: on


# trafilatura deletes hidden elements (document.HIDDEN_STYLE, HIDE_CLASS), which is right for
# menus and pop-ups but loses pages 2-n of an article served whole with only page 1 shown
# (m.merdeka.com "Halaman 1 ... 4": ~70 % of the text was lost).
_DIGITS = re.compile(r"\d+")
# A block named as a numbered page ("halaman-2", "page_3", "hal2") is a page even without a
# visible twin of the same kind beside it.
_PAGE_NAME = re.compile(r"(?:page|halaman|hal)[-_]?\d", re.I)
# A hidden page carries at least a short paragraph of its own text (not link titles).
MIN_PAGE_CHARS = 80


def prepare(page: Page) -> None:
    """Related boxes, inline related links and link-only lists out; loose text into <p>."""
    page.drop_noise()
    unhide_pages(page)
    strip_inline_links(page.tree)
    paragraphize(page.tree)
    drop_link_lists(page.tree)


def strip_inline_links(tree: HtmlElement) -> None:
    """Remove "Baca: <a>title</a>" that sits inside a paragraph (Medcom glues them in).

    Done on the tree because in the text the linked title runs into the next sentence.
    """
    for a in list(tree.iter("a")):
        if a.getparent() is None:
            continue
        label = a.getprevious()
        text = label.text_content() if label is not None else ""
        if label is not None and not (label.tail or "").strip() and _INLINE_LABEL.match(text):
            label.drop_tree()
            a.drop_tree()
            continue
        parent = a.getparent()
        if label is None and parent is not None and _INLINE_LABEL.match(parent.text or ""):
            parent.text = ""
            a.drop_tree()


def paragraphize(tree: HtmlElement) -> None:
    """Wrap loose text runs of mixed-content containers in <p>.

    Bodies written as text + <br> with a widget <div> in the middle (Medcom's reaction box)
    leave paragraphs as tails of block elements, and trafilatura drops those tails.
    """
    for el in list(tree.iter("div", "section", "article", "td")):
        children = list(el)
        loose = [el.text, *(child.tail for child in children)]
        has_block = any(isinstance(c.tag, str) and c.tag in _BLOCKS for c in children)
        if has_block and any(t and len(t.strip()) > 20 for t in loose):
            _wrap_runs(el, children)


def _wrap_runs(el: HtmlElement, children: list[HtmlElement]) -> None:
    new: list[HtmlElement] = []
    run: HtmlElement | None = None

    def add_text(text: str | None) -> None:
        nonlocal run
        if not text or (run is None and not text.strip()):
            return
        if run is None:
            run = el.makeelement("p", {})
            new.append(run)
        if len(run):
            run[-1].tail = (run[-1].tail or "") + text
        else:
            run.text = (run.text or "") + text

    text, el.text = el.text, None
    for child in children:
        el.remove(child)
    add_text(text)
    for child in children:
        tail, child.tail = child.tail, None
        if isinstance(child.tag, str) and child.tag in _BLOCKS:
            run = None
            new.append(child)
        else:
            if run is None:
                run = el.makeelement("p", {})
                new.append(run)
            run.append(child)
        add_text(tail)
    el.extend(new)


def drop_link_lists(tree: HtmlElement) -> None:
    """Remove lists whose every item is just a link: related/trending lists, never body.

    Tribun's regional template puts one between the title and the dateline; trafilatura keeps
    short ones because they sit inside the article container.
    """
    for lst in list(tree.iter("ul", "ol")):
        items = [child for child in lst if child.tag == "li"]
        if items and all(_link_only(li) for li in items) and lst.getparent() is not None:
            lst.drop_tree()


def _link_only(li: HtmlElement) -> bool:
    linked = sum(len(a.text_content().strip()) for a in li.iter("a"))
    return linked > 0 and len(li.text_content().strip()) - linked <= 3


def unhide_pages(page: Page) -> None:
    """Show the hidden later pages of an article that serves all its pages in one HTML file.

    A hidden element counts as a page when a sibling of the same kind is visible (same tag and
    class, or the same id up to its number: "halaman-1", "halaman-2") and it holds text of its
    own. Hidden menus, modals and templates have no visible twin, so they stay hidden.
    """
    for el in page.hidden:
        parent = el.getparent()
        if parent is None or not page.attached(el):
            continue
        key = _page_key(el)
        if key[1:] == ("", ""):  # a bare <div>: nothing ties it to a visible page
            continue
        named = bool(_PAGE_NAME.search(f"{el.get('id') or ''} {el.get('class') or ''}"))
        twins = [s for s in parent if s is not el and _page_key(s) == key]
        if (named or any(not _hidden(s) for s in twins)) and _own_text(el) >= MIN_PAGE_CHARS:
            _show(el)


def _hidden(el: HtmlElement) -> bool:
    return bool(
        HIDDEN_STYLE.search(el.get("style") or "")
        or el.get("hidden") is not None
        or HIDE_CLASS.search(el.get("class") or "")
    )


def _page_key(el: HtmlElement) -> tuple[object, str, str]:
    cls = " ".join(HIDE_CLASS.sub(" ", el.get("class") or "").split())
    return el.tag, cls, _DIGITS.sub("#", el.get("id") or "")


def _own_text(el: HtmlElement) -> int:
    linked = sum(len(a.text_content()) for a in el.iter("a"))
    return len(" ".join(el.text_content().split())) - linked


def _show(el: HtmlElement) -> None:
    style = HIDDEN_STYLE.sub("", el.get("style") or "").strip(" ;")
    if style:
        el.set("style", style)
    elif "style" in el.attrib:
        del el.attrib["style"]
    if "hidden" in el.attrib:
        del el.attrib["hidden"]
    if el.get("class"):
        el.set("class", " ".join(HIDE_CLASS.sub(" ", el.get("class") or "").split()))
