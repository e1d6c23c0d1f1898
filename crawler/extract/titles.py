"""The headline, without outlet suffixes and page markers."""

from __future__ import annotations

import re

from kliping.config.extract_rules import ExtractRules
from kliping.config.indonesian import OPTIONAL_TLD, outlet_names

from .document import Page

# Outlet names that follow a headline in <title>/og:title ("Judul - detikNews", "Judul | Pos
# Kupang", "Judul - News Liputan6.com": a channel word may come first). Names from the registry.
_KNOWN = rf"(?:www\.)?(?:\w+\s+)?(?:{outlet_names()}){OPTIONAL_TLD}"
_SUFFIX = re.compile(rf"\s*(?:\s[-|–—•]|\|)\s*(?:{_KNOWN})\s*$", re.I)
_PAGE_MARK = re.compile(r"\s*(?:[-|–—]\s*)?\bhalaman\s+(?:all|semua|\d+)\s*$", re.I)
_WS = re.compile(r"\s+")


def title(page: Page, rules: ExtractRules) -> str | None:
    """og:title, then the first <h1>, then <title>; each cleaned of suffixes."""
    candidates = (
        page.meta.get("og:title"),
        page.meta.get("twitter:title"),
        page.h1.text_content() if page.h1 is not None else None,
        page.title_tag,
    )
    for raw in candidates:
        cleaned = clean_title(raw, rules) if raw else None
        if cleaned:
            return cleaned
    return None


def clean_title(raw: str, rules: ExtractRules) -> str:
    text = _WS.sub(" ", raw).strip()
    # Suffixes stack ("Judul Halaman all - Kompas.com"): peel until nothing changes.
    while True:
        before = text
        for suffix in rules.title_suffixes:
            if text.lower().endswith(suffix.lower()) and len(text) > len(suffix):
                text = text[: -len(suffix)].rstrip()
        text = _SUFFIX.sub("", text)
        text = _PAGE_MARK.sub("", text)
        if text == before:
            return text
