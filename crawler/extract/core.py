"""extract(): one page in, one Extracted out."""

from __future__ import annotations

import logging
from typing import Any

from trafilatura import bare_extraction
from trafilatura.settings import Extractor

from kliping.config.extract_rules import DEFAULT_RULES, ExtractRules
from kliping.config.indonesian import BYLINE_LINE
from kliping.config.limits import MIN_EXTRACTED_CHARS, MIN_EXTRACTED_WORDS

from . import boilerplate, bylines, captions, pubtime, titles, treeclean
from .document import Page, parse
from .errors import ExtractionError
from .language import language
from .model import Extracted

# trafilatura logs a warning for every page it discards; we raise ExtractionError instead.
logging.getLogger("trafilatura").setLevel(logging.ERROR)

# precision: on the gold pages plus their 2- and 3-page splits, mean token F1 was 1.000 with it
# and 0.985 without (on short last pages the baseline fallback glued header, byline and ads into
# one line). fast first: readability/jusText cost ~40% of the time and changed nothing there,
# so they run only when the fast pass finds less than a short news item.
MIN_FAST_CHARS = 400
_COMMON: dict[str, Any] = {
    "output_format": "python",
    "precision": True,
    "comments": False,
    "tables": False,
    "dedup": False,  # trafilatura's dedup cache is process-global: it would cut text across pages
    "with_metadata": False,  # we read metadata ourselves; htmldate would parse again
}
_FAST = Extractor(fast=True, **_COMMON)
_FULL = Extractor(fast=False, **_COMMON)


def extract(
    html: str | bytes, url: str | None = None, rules: ExtractRules | None = None
) -> Extracted:
    """Clean article from one page. Raises ExtractionError when there is no body at all."""
    rules = rules or DEFAULT_RULES
    page = parse(html, url)
    return extract_page(page, url, rules)


def extract_page(page: Page, url: str | None, rules: ExtractRules) -> Extracted:
    title = titles.title(page, rules)
    # Before the dateline is read: related boxes carry other articles' dates and titles.
    treeclean.prepare(page)
    published = pubtime.published(page, rules.tz)
    photos = captions.take(page, url)
    if photos.photo_page and photos.lines:
        cleaned = _photo_body(page, title, rules, photos)
    else:
        cleaned = _article(page, url, rules, title, photos)
    text = "\n".join(cleaned.lines)
    if not _enough(text):
        raise ExtractionError(url, "no article body left after boilerplate removal")
    byline_lines = [line for line in cleaned.dropped if BYLINE_LINE.match(line)]
    return Extracted(
        url=url,
        title=title,
        text=text,
        published=published,
        authors=bylines.authors(page, byline_lines),
        language=language(page, text),
        syndicated_from=cleaned.syndicated_from,
    )


def _article(
    page: Page, url: str | None, rules: ExtractRules, title: str | None, photos: captions.Captions
) -> boilerplate.Cleaned:
    """The article body; a page whose text is only its photos' captions falls back to them."""
    try:
        cleaned = boilerplate.clean(_body(page, url, rules), title, rules, page.bylines)
    except ExtractionError:
        if not photos.lines:
            raise
        cleaned = boilerplate.Cleaned(lines=[])
    if photos.lines and (not _enough("\n".join(cleaned.lines)) or photos.outside(cleaned.lines)):
        return _photo_body(page, title, rules, photos)
    return cleaned


def _photo_body(
    page: Page, title: str | None, rules: ExtractRules, photos: captions.Captions
) -> boilerplate.Cleaned:
    # The credit ("Foto: A/detikcom") sits in a box named like a byline; here it is body.
    keys = {boilerplate.norm(t) for t in photos.texts}
    bylines = [b for b in page.bylines if boilerplate.norm(b) not in keys]
    return boilerplate.clean("\n".join(photos.lines), title, rules, bylines)


def _enough(text: str) -> bool:
    return len(text) >= MIN_EXTRACTED_CHARS and len(text.split()) >= MIN_EXTRACTED_WORDS


def _body(page: Page, url: str | None, rules: ExtractRules) -> str:
    prune = list(rules.prune_xpath) or None
    try:
        # The tree is passed, not the HTML: bare_extraction copies it instead of parsing again.
        doc = bare_extraction(page.tree, url=url, prune_xpath=prune, options=_FAST)
        text = getattr(doc, "text", None) or ""
        if len(text) < MIN_FAST_CHARS:
            doc = bare_extraction(page.tree, url=url, prune_xpath=prune, options=_FULL)
            text = getattr(doc, "text", None) or text
    except (TypeError, ValueError, AttributeError) as err:
        raise ExtractionError(url, f"trafilatura failed: {err}") from None
    if not text.strip():
        raise ExtractionError(url, "no article body found")
    return str(text)
