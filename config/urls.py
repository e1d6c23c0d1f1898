"""URL forms, outlet-agnostic: the fetchable clean form, the folded form, host matching.

The single place where kliping decides which parts of a URL do not change the page it names.
It lives in config/ because crawler, dedup and storage all need it and dependencies point
down (commands -> scheduler -> crawler/dedup -> storage -> config); the outlet-aware identity
(an article's id under its outlet) is built on it in ``kliping.config.identity``.
"""

from __future__ import annotations

import functools
import re
from urllib.parse import SplitResult, parse_qsl, urlencode, urlsplit, urlunsplit

# Analytics and share-tracking parameters that feeds and social links append
# (Kompas' feed: utm_source=ABC&utm_medium=rss; detik: ?from=home, ?tag_from=...; liputan6's
# video links: ?medium=Streamline&campaign=VideoGallery; CNBC's AMP share links: ?s=35).
_TRACKING = re.compile(
    r"^(utm_[a-z_]+|fbclid|gclid|dclid|mc_[a-z]+|_ga|ref|src|from|tag_from|medium|campaign|s|"
    r"amp|share)$",
    re.I,
)
# Pagination and one-page-view switches (?page=all, ?single=1, ?showpage=all, ?page_num=2,
# ?halaman=2).
_PAGING = frozenset({"page", "single", "showpage", "page_num", "halaman"})
# Path suffixes of page views: "/all" (inews), "/full" (kumparan, tempo), "-part2" (republika).
_PATH_VIEW = re.compile(r"(/all|/full|-part\d{1,2})/?$")
# "&view=ok" glued onto a path by old Tempo links ("/full&view=ok"): not part of the page name.
_GLUED_QUERY = re.compile(r"&[a-z_]+=[^/]*$", re.I)
# Host prefixes that serve another rendering of the same page (mobile, AMP); "www." is the
# same site. Folded away when comparing, never when fetching.
_VARIANT_HOST = re.compile(r"^(?:www\d?|m|amp|mobile)\.")
_CANONICAL_LINK = re.compile(rb"<link\b[^>]*\brel\s*=\s*[\"']?canonical[\"']?[^>]*>", re.IGNORECASE)
_HREF = re.compile(rb"\bhref\s*=\s*[\"']([^\"'>\s]+)", re.IGNORECASE)
DEFAULT_PORTS = {"http": 80, "https": 443}
# Hosts that name a machine, not a site (the sample site and test servers on a free port):
# a bare domain entry of this kind owns the ports the outlet's own URLs name on it
# (``narrow_machine_entries``), never the machine's other services.
_MACHINE = re.compile(r"^(localhost|\d{1,3}(\.\d{1,3}){3}|[0-9a-f:]*:[0-9a-f:]*)$")


def split(url: str) -> SplitResult | None:
    """``urlsplit`` of an http(s) URL with a host and a valid port; None for anything else."""
    try:
        parts = urlsplit(url.strip())
        parts.port  # noqa: B018 -- raises ValueError on "host:99999" or "host:x"
    except ValueError:
        return None
    if parts.scheme.lower() not in DEFAULT_PORTS or not parts.hostname:
        return None
    return parts


def fold_host(host: str) -> str:
    """``www.``/``m.``/``amp.`` variants of a host folded to the bare host, lower case."""
    host = host.lower().rstrip(".")
    return _VARIANT_HOST.sub("", host) if host.count(".") >= 2 else host


def is_paged(path: str) -> bool:
    """A trailing page number after a slug: "/d-7971101/slug/2", ".../piala-dunia-2026/2".

    Tribun's "/2025/06/18/slug" never ends in a bare number and Kompas' ids have 8-9 digits;
    a one- or two-digit last segment after a non-numeric one is a page of that slug.
    """
    segments = [s for s in path.split("/") if s]
    return (
        len(segments) >= 3
        and segments[-1].isdigit()
        and len(segments[-1]) <= 2
        and not segments[-2].isdigit()
    )


def _path(path: str) -> str:
    path = _GLUED_QUERY.sub("", path)
    path = _PATH_VIEW.sub("", path)
    if is_paged(path):
        path = path.rstrip("/").rsplit("/", 1)[0]
    return path or "/"


def _query(query: str) -> str:
    kept = [
        (k, v)
        for k, v in parse_qsl(query.replace("&amp;", "&"), keep_blank_values=True)
        if not _TRACKING.match(k) and k.lower() not in _PAGING
    ]
    return urlencode(sorted(kept))


@functools.lru_cache(maxsize=4096)  # one URL is cleaned by several checks in a row
def clean(url: str) -> str:
    """The fetchable form: lower-case scheme and host, no default port, no fragment, no
    tracking or paging parameters, no page-view suffix. A URL too malformed to split comes
    back stripped but otherwise as it is: no outlet owns it.
    """
    parts = split(url)
    if parts is None:
        return url.strip()
    scheme = parts.scheme.lower()
    netloc = (parts.hostname or "").rstrip(".")
    if ":" in netloc:  # IPv6 literal
        netloc = f"[{netloc}]"
    if parts.port is not None and parts.port != DEFAULT_PORTS[scheme]:
        netloc += f":{parts.port}"
    return urlunsplit((scheme, netloc, _path(parts.path), _query(parts.query), ""))


def matchable(url: str) -> str:
    """``clean`` without the path's trailing slash: the form outlet patterns are written for."""
    cleaned = clean(url)
    parts = split(cleaned)
    if parts is None or parts.path in ("", "/") or not parts.path.endswith("/"):
        return cleaned
    return urlunsplit(parts._replace(path=parts.path.rstrip("/")))


@functools.lru_cache(maxsize=4096)
def host_forms(url: str) -> tuple[str, ...]:
    """``matchable(url)``, then the same on the ``www.`` host when it came bare or as a
    mobile/AMP host (``tempo.co/x`` -> ``www.tempo.co/x``): patterns name the main host."""
    first = matchable(url)
    parts = split(first)
    if parts is None or not re.search(r"[a-z]", parts.netloc):
        return (first,)
    main = "www." + fold_host(parts.netloc)
    if main == parts.netloc:
        return (first,)
    return first, urlunsplit(parts._replace(netloc=main))


def folded(url: str) -> str | None:
    """The scheme-less comparison key of any http(s) URL: host folded (``www.``, ``m.``,
    ``amp.``), AMP path markers and the trailing slash dropped, on top of ``clean``.
    ``"https://www.tribunnews.com/a/b/?page=all"`` -> ``"tribunnews.com/a/b"``.
    """
    parts = split(clean(url))
    if parts is None:
        return None
    path = strip_amp(parts.path).rstrip("/")
    query = f"?{parts.query}" if parts.query else ""
    return f"{fold_host(parts.netloc)}{path}{query}"


def strip_amp(path: str) -> str:
    """ "/amp/berita/1/x" -> "/berita/1/x", "/x/amp" -> "/x" (the AMP rendering of a page)."""
    path = re.sub(r"/amp(?=/)", "", path, count=1)
    return re.sub(r"/amp/?$", "", path) or "/"


def declared_canonical(body: bytes) -> str | None:
    """The page's own ``<link rel="canonical">``, found without parsing the whole page."""
    head = body[:131072]
    match = _CANONICAL_LINK.search(head)
    if not match:
        return None
    href = _HREF.search(match.group(0))
    if not href:
        return None
    return href.group(1).decode("utf-8", "replace").replace("&amp;", "&")


def narrow_machine_entries(domains: tuple[str, ...], own_urls: tuple[str, ...]) -> tuple[str, ...]:
    """``domains`` with each bare machine address (``127.0.0.1``, ``localhost``) replaced by
    ``address:port`` for every port that ``own_urls`` (the outlet's feeds, sitemaps, sections,
    archive) use on it: a test site on a free port owns that port, not the whole machine. An
    address none of them names keeps the default ports only, like any other bare entry."""
    narrowed: list[str] = []
    for entry in domains:
        if ":" in entry or entry.startswith("*.") or not _MACHINE.match(entry):
            narrowed.append(entry)
            continue
        ports = []
        for url in own_urls:
            parts = split(url.replace("{", "").replace("}", ""))
            if parts is not None and (parts.hostname or "").rstrip(".") == entry:
                port = parts.port or DEFAULT_PORTS[parts.scheme.lower()]
                if f"{entry}:{port}" not in ports:
                    ports.append(f"{entry}:{port}")
        narrowed.extend(ports or [entry])
    return tuple(narrowed)


@functools.lru_cache(maxsize=8192)
def host_rank(domains: tuple[str, ...], host: str, port: int) -> int:
    """How specifically ``domains`` name the (folded) ``host`` on ``port``; 0: not at all.
    ``host:port`` owns that port only; a bare entry the default ports 80 and 443."""
    best = 0
    for entry in domains:
        wildcard = entry.startswith("*.")
        name, _, want = entry.removeprefix("*.").partition(":")
        if (int(want) != port) if want else (port not in DEFAULT_PORTS.values()):
            continue
        base = fold_host(name)
        if host == base:
            best = max(best, 2 * len(base) + 1)
        elif wildcard and host.endswith("." + base):
            best = max(best, 2 * len(base))
    return best
