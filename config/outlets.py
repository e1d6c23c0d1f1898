"""The outlet registry: one TOML table per outlet, loaded into frozen dataclasses.

Adding an outlet is adding a table to ``outlets.toml``; nothing in the code names an outlet.
"""

from __future__ import annotations

import functools
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from importlib import resources
from pathlib import Path
from typing import Any

from kliping.config.errors import OutletConfigError
from kliping.config.extract_rules import DEFAULT_RULES, ExtractRules
from kliping.config.urls import (
    DEFAULT_PORTS,
    fold_host,
    host_forms,
    host_rank,
    narrow_machine_entries,
    split,
)

BUNDLED = "outlets.toml"
NETWORKS = "_network"  # [_network.<name>]: fields shared by the sites of one network

_KEY = re.compile(r"^[a-z0-9][a-z0-9_-]*$")
_LISTS = ("feeds", "sitemaps", "sections", "exclude_patterns")
_FIELDS = {
    "name",
    "aliases",
    "domains",
    "article_pattern",
    "interval_minutes",
    "language",
    "network",
    "archive",
    "extract",
    "concurrency",
    "identity",
    "evidence",
    *_LISTS,
}


@dataclass(frozen=True)
class Outlet:
    """One outlet: where its articles are found and how they are recognised."""

    key: str
    name: str
    domains: tuple[str, ...]
    article_pattern: re.Pattern[str]
    feeds: tuple[str, ...] = ()
    sitemaps: tuple[str, ...] = ()
    sections: tuple[str, ...] = ()
    exclude_patterns: tuple[re.Pattern[str], ...] = ()
    # Dated index page for backfill, formatted with ``date`` (a datetime.date) and ``page``.
    archive: str | None = None
    interval_minutes: int = 30
    language: str = "id"
    network: str | None = None
    concurrency: int | None = None
    # What this outlet's pages need beyond the shared Indonesian rules, typed once at load.
    extract: ExtractRules = DEFAULT_RULES
    # Where an article's id sits in its URL: the groups of the first pattern that matches
    # the clean URL, joined by "/", are the article's id under this outlet (unique per outlet).
    identity: tuple[re.Pattern[str], ...] = ()
    # Where the entry's facts come from and how recent they are (docs/outlets.md shows it).
    evidence: str = ""
    # Other names the outlet prints ("Antara" for ANTARA News): config/indonesian.py reads them.
    aliases: tuple[str, ...] = ()

    def is_article(self, url: str) -> bool:
        """Would kliping fetch ``url`` (any form of it) as one of this outlet's articles?"""
        forms = host_forms(url)
        if not any(self.article_pattern.search(u) for u in forms):
            return False
        return not any(p.search(u) for p in self.exclude_patterns for u in forms)

    def owns(self, url: str) -> bool:
        """Scheme (http/https), host and port: the host is one of ``domains`` or its
        ``www.``/``m.``/``amp.`` variant; ``*.x`` also owns every subdomain of x; ``x:port``
        owns that port only, a bare entry the default ports; a bare machine address
        (``127.0.0.1``) the ports the outlet's own URLs use on it (``origins``).
        """
        return self.specificity(url) > 0

    @functools.cached_property
    def origins(self) -> tuple[str, ...]:
        """The entries ownership is decided on: ``domains``, a bare machine address narrowed
        to the ports of the outlet's feeds, sitemaps, sections and archive on it."""
        own = self.sources + ((self.archive,) if self.archive else ())
        return narrow_machine_entries(self.domains, own)

    def specificity(self, url: str) -> int:
        """0 when the outlet does not own ``url``; else larger for a more specific entry."""
        parts = split(url)
        if parts is None:
            return 0
        port = parts.port or DEFAULT_PORTS[parts.scheme.lower()]
        return host_rank(self.origins, fold_host(parts.hostname or ""), port)

    def article_id(self, url: str) -> str | None:
        """The article's id under this outlet ("7971101", "2022/03/14/080326826"), if its
        URL carries one."""
        for form in host_forms(url):
            for pattern in self.identity:
                m = pattern.search(form)
                if m:
                    return "/".join(g for g in m.groups() if g)
        return None

    @property
    def sources(self) -> tuple[str, ...]:
        return self.feeds + self.sitemaps + self.sections


Registry = dict[str, Outlet]


def _substitute(value: Any, variables: Mapping[str, str]) -> Any:
    # str.replace, not str.format: regexes in the registry use {n} quantifiers.
    if isinstance(value, str):
        for name, replacement in variables.items():
            value = value.replace("{" + name + "}", replacement)
        return value
    if isinstance(value, list):
        return [_substitute(v, variables) for v in value]
    if isinstance(value, dict):
        return {k: _substitute(v, variables) for k, v in value.items()}
    return value


def _parse(path: str, key: str, raw: Any) -> Outlet:
    def fail(field_name: str | None, reason: str) -> OutletConfigError:
        return OutletConfigError(path, key, field_name, reason)

    if not _KEY.match(key):
        raise fail(None, "outlet keys are lower-case letters, digits, '-' and '_'")
    if not isinstance(raw, dict):
        raise fail(None, "expected a table")
    unknown = sorted(set(raw) - _FIELDS)
    if unknown:
        raise fail(unknown[0], f"unknown field (known: {', '.join(sorted(_FIELDS))})")
    for required in ("name", "domains", "article_pattern"):
        if required not in raw:
            raise fail(required, "missing required field")

    def text(name: str) -> str:
        value = raw[name]
        if not isinstance(value, str) or not value.strip():
            raise fail(name, "expected a non-empty string")
        if any(ord(c) < 32 for c in value):  # a NUL or line break: no name, URL or pattern has one
            raise fail(name, "control characters are not allowed")
        return value

    def strings(name: str) -> tuple[str, ...]:
        value = raw.get(name, [])
        if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
            raise fail(name, "expected a list of non-empty strings")
        return tuple(value)

    def regex(name: str, pattern: str) -> re.Pattern[str]:
        try:
            return re.compile(pattern)
        except re.error as exc:
            raise fail(name, f"invalid regular expression {pattern!r}: {exc}") from None

    def url(name: str, value: str) -> str:
        if split(value.replace("{", "").replace("}", "")) is None:
            raise fail(name, f"not an http(s) URL: {value!r}")
        return value

    def identity(pattern: str) -> re.Pattern[str]:
        compiled = regex("identity", pattern)
        if compiled.groups < 1:
            raise fail("identity", f"{pattern!r} captures no group: which part is the id?")
        return compiled

    domains = strings("domains")
    if not domains:
        raise fail("domains", "at least one domain is required")
    for entry in domains:
        name, _, port = entry.removeprefix("*.").partition(":")
        if not name or "/" in name or "*" in name or (port and not port.isdigit()):
            raise fail("domains", f"not a host, *.host or host:port: {entry!r}")
    interval = raw.get("interval_minutes", 30)
    if not isinstance(interval, int) or isinstance(interval, bool) or not 1 <= interval <= 10080:
        raise fail("interval_minutes", "expected a whole number of minutes, 1 to 10080 (a week)")
    concurrency = raw.get("concurrency")
    if concurrency is not None and (
        not isinstance(concurrency, int)
        or isinstance(concurrency, bool)
        or not 1 <= concurrency <= 64
    ):
        raise fail("concurrency", "expected a whole number from 1 to 64")
    extract = raw.get("extract", {})
    if not isinstance(extract, dict):
        raise fail("extract", "expected a table of extraction rules")
    archive = raw.get("archive")
    if archive is not None:
        url("archive", text("archive"))
        try:  # filled in at crawl time with a day and a page number: any other field is an error
            archive.format(date=date(2025, 1, 31), page=1)
        except (KeyError, IndexError, ValueError, AttributeError) as exc:
            raise fail("archive", f"bad template ({type(exc).__name__}: {exc}): it may use only "
                       "{date:<strftime format>} and {page}") from None  # fmt: skip
    outlet = Outlet(
        key=key,
        name=text("name"),
        domains=tuple(d.lower() for d in domains),
        article_pattern=regex("article_pattern", text("article_pattern")),
        feeds=tuple(url("feeds", u) for u in strings("feeds")),
        sitemaps=tuple(url("sitemaps", u) for u in strings("sitemaps")),
        sections=tuple(url("sections", u) for u in strings("sections")),
        exclude_patterns=tuple(regex("exclude_patterns", p) for p in strings("exclude_patterns")),
        archive=archive,
        interval_minutes=interval,
        language=raw.get("language", "id"),
        network=raw.get("network"),
        concurrency=concurrency,
        extract=_extract_rules(path, key, extract),
        identity=tuple(identity(p) for p in strings("identity")),
        evidence=text("evidence") if "evidence" in raw else "",
        aliases=strings("aliases"),
    )
    if not outlet.sources and not outlet.archive:
        raise fail("feeds", "no discovery source: give feeds, sitemaps, sections or archive")
    for source in outlet.sources:
        if not outlet.owns(source.replace("{", "").replace("}", "")):
            raise fail("domains", f"source {source!r} is outside the outlet's domains")
    return outlet


def _extract_rules(path: str, key: str, extract: Mapping[str, Any]) -> ExtractRules:
    try:
        return ExtractRules.from_mapping(extract)
    except (TypeError, ValueError) as exc:
        raise OutletConfigError(path, key, "extract", str(exc)) from None


def _inherit(path: str, key: str, raw: Any, networks: Mapping[str, Any]) -> Any:
    """A site of a network defined under ``[_network.<name>]``: the network's fields with
    ``{host}`` set to the site's first domain, under the site's own (``extract`` merged key by
    key). A ``network`` with no such table is only a label."""
    if not isinstance(raw, dict) or raw.get("network") not in networks:
        return raw
    template = networks[raw["network"]]
    bad = sorted(set(template) - (_FIELDS - {"name", "domains", "network"}))
    if bad:
        raise OutletConfigError(path, f"{NETWORKS}.{raw['network']}", bad[0], "not a network field")
    domains = raw.get("domains")
    if not isinstance(domains, list) or not domains or not isinstance(domains[0], str):
        raise OutletConfigError(path, key, "domains", "a network site needs its domains")
    shared = _substitute(template, {"host": domains[0].removeprefix("*.")})
    merged = {**shared, **raw}
    merged["extract"] = {**shared.get("extract", {}), **raw.get("extract", {})}
    return merged


def parse_registry(
    text: str, path: str = "<string>", variables: Mapping[str, str] | None = None
) -> Registry:
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise OutletConfigError(path, None, None, f"not valid TOML: {exc}") from None
    data = _substitute(data, variables or {})
    networks = data.pop(NETWORKS, {})
    if not isinstance(networks, dict) or not all(isinstance(v, dict) for v in networks.values()):
        raise OutletConfigError(path, NETWORKS, None, "expected tables [_network.<name>]")
    registry: Registry = {}
    for key, raw in data.items():
        registry[key] = _parse(path, key, _inherit(path, key, raw, networks))
    if not registry:
        raise OutletConfigError(path, None, None, "no outlets defined")
    return registry


def load_registry(path: Path | None = None, variables: Mapping[str, str] | None = None) -> Registry:
    """Load ``path`` (or the bundled registry) and validate every entry."""
    if path is None:
        text = resources.files("kliping.config").joinpath(BUNDLED).read_text(encoding="utf-8")
        return parse_registry(text, BUNDLED, variables)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise OutletConfigError(str(path), None, None, f"cannot read: {exc.strerror}") from None
    except UnicodeDecodeError as exc:
        reason = f"not UTF-8 text (byte {exc.start})"
        raise OutletConfigError(str(path), None, None, reason) from None
    return parse_registry(text, str(path), variables)


def select(registry: Registry, keys: list[str] | tuple[str, ...]) -> list[Outlet]:
    """The outlets named by ``keys`` (all when empty); unknown names are an error."""
    if not keys:
        return list(registry.values())
    unknown = [k for k in keys if k not in registry]
    if unknown:
        raise OutletConfigError(
            "registry", unknown[0], None, f"unknown outlet (known: {', '.join(registry)})"
        )
    return [registry[k] for k in keys]
