"""URL identity: the clean and folded forms, ownership, ids, and `kliping outlets match`."""

from __future__ import annotations

import io
import json

import pytest

from kliping.cli import main
from kliping.config.errors import OutletConfigError
from kliping.config.identity import identity, match, outlet_for
from kliping.config.outlets import load_registry, parse_registry
from kliping.config.urls import clean, declared_canonical, folded

REGISTRY = load_registry()


def test_clean_drops_tracking_paging_and_views_but_keeps_the_rest() -> None:
    base = "https://news.detik.com/berita/d-7971101/judul"
    assert clean(base + "?halaman=2&from=home&amp=1&utm_source=ABC&utm_medium=rss#x") == base
    assert clean(base + "/2") == base
    assert clean("https://kumparan.com/a/judul-23EzXLY668X/full") == (
        "https://kumparan.com/a/judul-23EzXLY668X"
    )
    # A page after a digit (the slug ends in a year) is still a page.
    assert clean("https://sport.detik.com/a/d-1/piala-dunia-2026/2").endswith("/piala-dunia-2026")
    # Kompas' 8-9 digit id and Tribun's date are not pages; a real parameter stays.
    kompas = "https://nasional.kompas.com/read/2025/05/27/16242651"
    assert clean(kompas) == kompas
    assert clean("https://x.id/berita?id=5&page=2") == "https://x.id/berita?id=5"
    assert clean("HTTPS://WWW.Tempo.CO:443/hukum/x-1") == "https://www.tempo.co/hukum/x-1"
    assert clean("https://[bad") == "https://[bad"


def test_folded_is_one_key_for_scheme_host_variants_amp_and_slash() -> None:
    want = "merdeka.com/cek-fakta/judul.html"
    for url in (
        "http://m.merdeka.com/cek-fakta/judul.html",
        "https://www.merdeka.com/cek-fakta/judul.html/",
        "https://merdeka.com/amp/cek-fakta/judul.html",
        "https://amp.merdeka.com/cek-fakta/judul.html?utm_source=x",
    ):
        assert folded(url) == want, url
    assert folded("ftp://merdeka.com/x") is None


def test_ownership_is_scheme_host_and_port() -> None:
    tribun = REGISTRY["tribunnews"]
    for url in (
        "https://www.tribunnews.com/bisnis/7867386/x",
        "http://tribunnews.com/bisnis/7867386/x",
        "https://m.tribunnews.com/bisnis/7867386/x",
    ):
        assert tribun.owns(url), url
    for url in (
        "https://jakarta.tribunnews.com/2025/06/09/x",  # another Tribun site
        "ftp://www.tribunnews.com/x",
        "https://www.tribunnews.com:8443/x",
        "https://tribunnews.com.evil.id/x",
        "https://nottribunnews.com/x",
    ):
        assert not tribun.owns(url), url
    assert REGISTRY["detik"].owns("https://oto.detik.com/x")  # "*.detik.com"
    assert (
        outlet_for("https://kupang.tribunnews.com/2021/01/01/x", REGISTRY) is REGISTRY["poskupang"]
    )
    local = parse_registry(
        '[a]\nname = "A"\ndomains = ["127.0.0.1"]\narticle_pattern = "/a/"\n'
        'feeds = ["http://127.0.0.1:8123/rss"]\n'
        '[b]\nname = "B"\ndomains = ["b.id:8080"]\narticle_pattern = "/b/"\n'
        'feeds = ["http://b.id:8080/rss"]\n'
    )
    # A machine address owns the ports the outlet's own URLs use on it, not the machine.
    assert local["a"].owns("http://127.0.0.1:8123/a/1")
    assert not local["a"].owns("http://127.0.0.1:5555/a/1")
    assert not local["a"].owns("http://127.0.0.1/a/1")
    assert not local["a"].owns("http://localhost:8123/a/1")  # another host
    assert local["b"].owns("http://b.id:8080/b/1") and not local["b"].owns("http://b.id/b/1")


def test_identity_folds_edited_slugs_under_one_id_and_keeps_ids_apart() -> None:
    # A real edit (real_urls_dev.tsv): same detik id, the slug rewritten.
    a = "https://news.detik.com/berita/d-8619209/dpr-bahas-terbatas-revisi-uu-pemilu-pekan-depan"
    b = "https://news.detik.com/berita/d-8619209/dpr-pastikan-semua-fraksi-dilibatkan-bahas"
    assert identity(a, REGISTRY) == identity(b, REGISTRY) == "detik:8619209"
    assert identity(a.replace("8619209", "8619210"), REGISTRY) != identity(a, REGISTRY)
    # Kompas: the same number on another day is another article.
    k = "https://money.kompas.com/read/2022/03/14/080326826/judul"
    assert identity(k, REGISTRY) != identity(k.replace("/14/", "/15/"), REGISTRY)
    amp = "https://amp.kompas.com/money/read/2022/03/14/080326826/judul-diubah"
    assert identity(amp, REGISTRY) == identity(k, REGISTRY) == "kompas:2022/03/14/080326826"
    # No id in the URL (Tribun's dated form): the folded URL.
    t = "https://www.tribunnews.com/bisnis/2025/06/10/judul"
    assert identity(t, REGISTRY) == "tribunnews.com/bisnis/2025/06/10/judul"


def test_media_pages_feeds_and_indexes_are_not_articles() -> None:
    for url in (
        "https://travel.detik.com/fototravel/d-7954908/lukisan",
        "https://oto.detik.com/oto-galeri/d-7957344/tampang",
        "https://health.detik.com/detiktv/d-5612501/kasus",
        "https://finance.detik.com/infografis/d-5632131/daftar",
        "https://www.tempo.co/indeks",
        "https://www.tempo.co/api/gateway/rss/free/hukum",
        "https://www.tempo.co/foto/arsip/kemeriahan-pameran-1835342",
        "https://www.tempo.co/hukum",
    ):
        assert not match(url, REGISTRY).article, url


def test_registry_rejects_bad_domains_and_identity_without_a_group() -> None:
    good = (
        '[x]\nname = "X"\ndomains = ["x.id"]\narticle_pattern = "/a/"\nfeeds = ["https://x.id/r"]\n'
    )
    with pytest.raises(OutletConfigError, match="captures no group"):
        parse_registry(good + "identity = ['/a/\\\\d+']\n")
    with pytest.raises(OutletConfigError, match="not a host"):
        parse_registry(good.replace('["x.id"]', '["https://x.id/"]'))


def test_declared_canonical_reads_the_link() -> None:
    body = b'<html><head><link rel="canonical" href="https://x.id/a?b=1&amp;c=2"></head>'
    assert declared_canonical(body) == "https://x.id/a?b=1&c=2"


def test_outlets_match_command_arguments_and_stdin(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("KLIPING_OUTLETS", raising=False)
    url = "https://satu.tempo.co/hukum/kapolri-laporkan-1875170"
    assert main(["outlets", "match", url, "bukan url"]) == 0
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert lines == [
        {"url": url, "outlet": "tempo", "article": True, "canonical": "tempo:1875170"},
        {"url": "bukan url", "outlet": None, "article": False, "canonical": None},
    ]
    stdin = "https://www.tempo.co/indeks\n\nhttps://berita.example.org/2025/06/09/x\n"
    monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
    assert main(["outlets", "match"]) == 0
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [(r["outlet"], r["article"], r["canonical"]) for r in lines] == [
        ("tempo", False, None),
        (None, False, None),
    ]
