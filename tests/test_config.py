from __future__ import annotations

from pathlib import Path

import pytest

from kliping.config.errors import OutletConfigError, SettingsError
from kliping.config.outlets import load_registry, parse_registry, select
from kliping.config.settings import ENVIRONMENT, Settings

GOOD = """
[demo]
name = "Demo"
domains = ["demo.id"]
article_pattern = '^https://demo\\.id/read/\\d+'
feeds = ["https://demo.id/rss"]
"""


def test_bundled_registry_is_valid_and_broad() -> None:
    registry = load_registry()
    assert len(registry) >= 15
    tribun = [o for o in registry.values() if o.network == "tribun" and o.key != "tribunnews"]
    assert len(tribun) >= 5 and "poskupang" in registry


def test_article_pattern_and_excludes() -> None:
    detik = load_registry()["detik"]
    assert detik.is_article("https://news.detik.com/berita/d-7971101/dirut-sritex-ditahan")
    assert not detik.is_article("https://20.detik.com/detikupdate/d-7971101/video")
    assert not detik.is_article("https://news.detik.com/indeks")


@pytest.mark.parametrize(
    ("patch", "field", "reason"),
    [
        (('name = "Demo"\n', ""), "name", "missing"),
        (("feeds = [", "fedds = ["), "fedds", "unknown field"),
        (("/read/", "/read/(["), "article_pattern", "invalid regular"),
        (('"https://demo.id/rss"', '"ftp://demo.id/rss"'), "feeds", "not an http"),
        (('"https://demo.id/rss"', '"https://other.id/rss"'), "domains", "outside"),
        (('domains = ["demo.id"]', "domains = []"), "domains", "at least one"),
    ],
)
def test_errors_name_file_outlet_and_field(patch: tuple[str, str], field: str, reason: str) -> None:
    text = GOOD.replace(*patch)
    assert text != GOOD
    with pytest.raises(OutletConfigError) as info:
        parse_registry(text, "my.toml")
    message = str(info.value)
    assert "my.toml" in message and "'demo'" in message and f"'{field}'" in message
    assert reason in message


def test_interval_must_be_positive() -> None:
    with pytest.raises(OutletConfigError, match="interval_minutes"):
        parse_registry(GOOD + "interval_minutes = 0\n", "x.toml")


def test_invalid_toml_names_the_file(tmp_path: Path) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text("[demo\n")
    with pytest.raises(OutletConfigError, match=r"bad\.toml: not valid TOML"):
        load_registry(bad)


def test_variables_are_substituted_in_every_string() -> None:
    text = GOOD.replace("https://demo.id/rss", "{base}/rss").replace('"demo.id"', '"127.0.0.1"')
    registry = parse_registry(text, "x.toml", {"base": "http://127.0.0.1:8000"})
    assert registry["demo"].feeds == ("http://127.0.0.1:8000/rss",)


def test_select_rejects_unknown_outlets() -> None:
    registry = parse_registry(GOOD)
    assert [o.key for o in select(registry, [])] == ["demo"]
    with pytest.raises(OutletConfigError, match="unknown outlet"):
        select(registry, ["nope"])


def test_settings_from_environment(tmp_path: Path) -> None:
    s = Settings.from_env({"KLIPING_HOME": str(tmp_path), "KLIPING_LOG_LEVEL": "debug"})
    assert s.home == tmp_path and s.log_level == "DEBUG" and s.database_url is None
    with pytest.raises(SettingsError, match="KLIPING_DOWNLOAD_DELAY"):
        Settings.from_env({"KLIPING_DOWNLOAD_DELAY": "soon"})


def test_every_setting_is_documented_in_readme() -> None:
    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text()
    for name in ENVIRONMENT:
        assert f"`{name}`" in readme, f"{name} missing from README"


def test_an_outlet_s_concurrency_caps_its_download_slots() -> None:
    from kliping.config.outlets import parse_registry
    from kliping.config.settings import Settings
    from kliping.crawler.scrapy_settings import scrapy_settings

    registry = parse_registry(
        '[pelan]\nname = "Pelan"\ndomains = ["pelan.id"]\narticle_pattern = "/berita/"\n'
        'feeds = ["https://pelan.id/rss"]\nconcurrency = 1\n'
        '[cepat]\nname = "Cepat"\ndomains = ["cepat.id"]\narticle_pattern = "/berita/"\n'
        'feeds = ["https://cepat.id/rss"]\n'
    )
    slots = scrapy_settings(Settings.from_env({}), list(registry.values()))["DOWNLOAD_SLOTS"]
    assert slots == {"pelan.id": {"concurrency": 1}, "www.pelan.id": {"concurrency": 1}}


@pytest.mark.parametrize(
    "entry, field",
    [
        ('archive = "https://x.id/indeks?d={day}"\n', "archive"),  # an unknown template field
        ('archive = "https://x.id/indeks?d={date:%Y-%m-%d}&n={0}"\n', "archive"),
        ('name = "Pelan\\u0000"\n', "name"),  # a NUL in a name
    ],
)
def test_registry_values_that_would_fail_at_crawl_time_fail_at_load(entry: str, field: str) -> None:
    from kliping.config.errors import OutletConfigError
    from kliping.config.outlets import parse_registry

    base = (
        '[pelan]\ndomains = ["pelan.id"]\narticle_pattern = "/berita/"\n'
        'feeds = ["https://pelan.id/rss"]\n'
    )
    if not entry.startswith("name"):
        base += 'name = "Pelan"\n'
    with pytest.raises(OutletConfigError, match=f"field '{field}'"):
        parse_registry(base + entry)


def test_a_registry_file_that_is_not_utf8_is_a_one_line_error(tmp_path: Path) -> None:
    from kliping.config.errors import OutletConfigError
    from kliping.config.outlets import load_registry

    path = tmp_path / "outlets.toml"
    path.write_bytes(b'[x]\nname = "\xff"\n')
    with pytest.raises(OutletConfigError, match="not UTF-8"):
        load_registry(path)
