"""The bundled registry against the real web: labelled URLs and feeds of 2014-2026 (no network).

Per outlet: article recall, the share of non-articles, media pages and other sites' URLs taken
as articles, labelled variants folded to their article's identity, and merges of two distinct
articles under one identity. Floors in tests/floors_registry.toml may only rise.
"""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from kliping.config.identity import match
from kliping.config.outlets import load_registry
from kliping.crawler.discovery import feed_entries, sitemap_entries
from tests import registry_real

FLOORS = tomllib.loads((Path(__file__).parent / "floors_registry.toml").read_text("utf-8"))
FEEDS = registry_real.DATA / "real_feeds_dev"
GOAL_RECALL = 0.99  # issue 17: article recall for every outlet with data
GOAL_ACCEPTED = 0.02  # issue 17: non-article and media pages taken as articles

if not registry_real.URLS.exists():
    pytest.skip(f"{registry_real.URLS} not present", allow_module_level=True)


@pytest.fixture(scope="module")
def figures() -> dict[str, registry_real.Figures]:
    return registry_real.measure(load_registry())


# Registry outlets with no URL in real_urls_dev.tsv nor a folder of tests/data/registry/.
NO_DATA = {"tribunjatim"} | {  # Tribun sites: real URLs in tests/data/real_tribun_sites.tsv
    "tribunjateng", "surya", "tribunjogja", "wartakota", "tribunsolo", "tribunjambi",
    "banjarmasinpost", "tribunpontianak", "tribunmanado", "tribunmadura", "posbelitung",
    "tribunbanyumas", "tribunpapua", "tribunlampung", "tribunkalteng",
    "tribunjakarta", "tribunambon",
}  # fmt: skip


def test_every_outlet_with_data_has_floors(figures: dict[str, registry_real.Figures]) -> None:
    assert sorted(figures) == sorted(FLOORS)


def test_every_registry_outlet_is_measured_or_known_to_lack_data(
    figures: dict[str, registry_real.Figures],
) -> None:
    """A new outlet needs real URLs here (or a reason in NO_DATA) before it counts as covered."""
    assert set(load_registry()) - set(figures) == NO_DATA


@pytest.mark.parametrize("outlet", sorted(FLOORS))
def test_outlet_floors(outlet: str, figures: dict[str, registry_real.Figures]) -> None:
    got, floor = figures[outlet], FLOORS[outlet]
    if "article_recall" in floor:
        recall = got.rate("article")
        assert recall is not None and recall >= floor["article_recall"]
        assert recall >= GOAL_RECALL
    for label in ("nonarticle", "media", "out"):
        if f"{label}_accepted" in floor:
            share = got.rate(label)
            assert share is not None and share <= floor[f"{label}_accepted"]
            assert share <= GOAL_ACCEPTED, f"{outlet}: {label} accepted {share:.1%}"
    assert got.folded >= floor["variants_folded"]
    assert got.folded == got.variants, f"{outlet}: a labelled variant is not folded"
    assert got.merges == [], f"{outlet}: distinct articles under one identity: {got.merges[:3]}"


def _forms(url: str) -> list[str]:
    """Real-world spellings of one URL: the other scheme, www./bare, tracking, fragment, slash."""
    scheme, rest = url.split("://", 1)
    host, _, path = rest.partition("/")
    other = "http" if scheme.lower() == "https" else "https"
    forms = [f"{other}://{rest}", url.rstrip("/") + "/" if "?" not in url else url, url + "#x"]
    forms.append(url + ("&" if "?" in url else "?") + "utm_source=ABC&utm_medium=rss")
    if host.lower().startswith("www."):
        forms.append(f"{scheme}://{host[4:]}/{path}")
    elif host.count(".") == 1:
        forms.append(f"{scheme}://www.{host}/{path}")
    return forms


def test_every_article_url_form_folds_to_one_identity() -> None:
    registry = load_registry()
    checked = 0
    for row in registry_real.rows():
        if row["label"] != "article":
            continue
        want = match(row["url"], registry)
        if not want.article:
            continue
        for form in _forms(row["url"]):
            got = match(form, registry)
            assert (got.outlet, got.article, got.canonical) == (
                want.outlet,
                True,
                want.canonical,
            ), form
        checked += 1
    assert checked >= 11_000  # of 11,344 article URLs


@pytest.mark.parametrize("path", sorted(FEEDS.glob("*.xml")), ids=lambda p: p.name)
def test_real_feeds_list_only_articles_of_their_outlet(path: Path) -> None:
    """Tempo's 2025 feeds (www.tempo.co/api/gateway/rss/free/<kanal>), ANTARA's of 2017."""
    registry = load_registry()
    outlet = path.name.split("_")[0]
    entries = feed_entries(path.read_bytes())
    if "EMPTY" in path.name:  # a 1-byte file as committed: nothing, and no exception
        assert entries == [] and sitemap_entries(path.read_bytes()) == (False, [])
        return
    assert len(entries) >= 5
    for entry in entries:
        got = match(entry.url, registry)
        assert (got.outlet, got.article) == (outlet, True), entry.url


def test_sitemap_entries_on_empty_or_blank_body() -> None:
    for body in (b"", b"\n", b"   "):
        assert sitemap_entries(body) == (False, [])
