"""URL identity against the registry: which outlet owns a URL, is it an article, and the one
form every variant of that article maps to. The crawler and dedup ask here; storage keeps the
identities beside the URLs (``article_urls``), so a variant found later is known.

An article's identity is ``<outlet>:<id>`` when the outlet's URLs carry an id that is unique
per outlet (``detik:7971101``, ``kompas:2022/03/14/080326826``): edited slugs, AMP and mobile
views, ``www.``/bare and http/https forms all map to it. Otherwise it is the folded URL
(``merdeka.com/cek-fakta/judul.html``), which folds everything but an edited slug.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

from kliping.config.outlets import Outlet, Registry, load_registry
from kliping.config.urls import folded, split


@functools.cache
def bundled() -> Registry:
    """The bundled registry, read once per process (dedup compares footer URLs against it)."""
    return load_registry()


def outlet_for(url: str, registry: Registry | None = None) -> Outlet | None:
    """The outlet that owns ``url``: of the owners, one whose article pattern matches, else the
    most specific entry (``www.tribunnews.com`` over ``*.tribunnews.com``)."""
    parts = split(url)
    if parts is None:
        return None
    best: tuple[int, int] = (0, 0)
    found = None
    for outlet in (bundled() if registry is None else registry).values():
        owned = outlet.specificity(url)
        if not owned:
            continue
        rank = (int(outlet.is_article(url)), owned)
        if rank > best:
            best, found = rank, outlet
    return found


def article_identity(outlet: Outlet, url: str) -> str | None:
    """The identity of ``url`` taken as one of ``outlet``'s articles."""
    article_id = outlet.article_id(url)
    return f"{outlet.key}:{article_id}" if article_id else folded(url)


def identity(url: str | None, registry: Registry | None = None) -> str | None:
    """The identity of ``url`` (see the module docstring); None for a non-http(s) URL."""
    if not url:
        return None
    outlet = outlet_for(url, registry)
    return folded(url) if outlet is None else article_identity(outlet, url)


@dataclass(frozen=True)
class Match:
    url: str
    outlet: str | None  # registry key of the owner
    article: bool  # would kliping fetch it as an article
    canonical: str | None  # the article's identity; None when it is not an article

    def as_dict(self) -> dict[str, object]:
        return {
            "url": self.url,
            "outlet": self.outlet,
            "article": self.article,
            "canonical": self.canonical,
        }


def match(url: str, registry: Registry | None = None) -> Match:
    """What ``kliping outlets match`` prints for one URL."""
    outlet = outlet_for(url, registry)
    article = bool(outlet and outlet.is_article(url))
    canonical = article_identity(outlet, url) if outlet and article else None
    return Match(url, outlet.key if outlet else None, article, canonical)
