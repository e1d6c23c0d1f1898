"""Networks of sites ([_network.<name>]): one definition, a short entry per site."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from kliping.config.errors import OutletConfigError
from kliping.config.identity import match
from kliping.config.outlets import load_registry, parse_registry

TRIBUN_SITES = Path(__file__).parent / "data" / "real_tribun_sites.tsv"

NETWORK = """
[_network.grup]
article_pattern = '^https?://[^/]+/\\d{4}/\\d{2}/\\d{2}/[a-z0-9-]+'
feeds = ["https://{host}/rss"]
interval_minutes = 20
[_network.grup.extract]
single_page = "query:page=all"

[satu]
name = "Satu"
domains = ["satu.grup.id", "satu.id"]
network = "grup"
[satu.extract]
local_tz = "WITA"

[dua]
name = "Dua"
domains = ["dua.grup.id"]
network = "grup"
interval_minutes = 60
"""


def test_a_site_inherits_its_network_with_its_own_host() -> None:
    registry = parse_registry(NETWORK)
    satu, dua = registry["satu"], registry["dua"]
    assert satu.feeds == ("https://satu.grup.id/rss",) and dua.feeds == ("https://dua.grup.id/rss",)
    assert satu.interval_minutes == 20 and dua.interval_minutes == 60  # the site's own wins
    assert (satu.extract.single_page, satu.extract.local_tz) == ("query:page=all", "WITA")
    assert satu.network == "grup"
    assert match("https://dua.grup.id/2025/06/09/judul", registry).outlet == "dua"


def test_a_network_holds_only_shared_fields() -> None:
    with pytest.raises(OutletConfigError, match="not a network field"):
        parse_registry(NETWORK.replace("interval_minutes = 20", 'name = "Grup"'))


def test_real_tribun_regional_urls_go_to_their_site() -> None:
    registry = load_registry()
    with TRIBUN_SITES.open(encoding="utf-8") as f:
        rows = list(
            csv.DictReader((line for line in f if not line.startswith("#")), delimiter="\t")
        )
    assert len(rows) == 100
    covered = 0
    for row in rows:
        got = match(row["url"], registry)
        if row["label"] == "article":
            if "tribunjambitravel." in row["url"] or "style." in row["url"]:  # not in the registry
                assert got.outlet is None
                continue
            assert got.article and got.outlet is not None, row["url"]
            assert registry[got.outlet].network == "tribun", row["url"]
            covered += 1
        else:
            assert not got.article, row["url"]
    assert covered == 73  # of 75 article URLs
    # Every Tribun site of the registry shares the network's feed and sitemap shape.
    sites = [o for o in registry.values() if o.network == "tribun" and o.key != "tribunnews"]
    assert len(sites) >= 25
    for site in sites:
        assert site.feeds == (f"https://{site.domains[0]}/rss",)
