"""`kliping extract` on URLs of the sample site: the outlet's rules are found by the URL."""

from __future__ import annotations

import json

from kliping.sample_site.render import gold
from kliping.sample_site.server import SampleSite
from tests.fix_site import Kliping


def test_url_of_an_outlet_with_a_one_page_view(kliping: Kliping, site: SampleSite) -> None:
    article = next(a for a in site.corpus if a.outlet == "tribunnews" and a.n_pages > 1)
    done = kliping.run("extract", site.url(article))
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    assert set(result) == {"url", "title", "text", "published", "authors", "language", "pages"}
    assert result["url"] == site.url(article)
    assert result["pages"] == 1  # fetched as ?page=all
    assert result["text"] == gold(article.record)["text"]


def test_url_of_an_outlet_without_one_stitches_its_pages(
    kliping: Kliping, site: SampleSite
) -> None:
    article = next(a for a in site.corpus if a.outlet == "tempo" and a.n_pages > 1)
    result = json.loads(kliping.run("extract", site.url(article)).stdout)
    assert result["pages"] == article.n_pages
    assert result["text"] == gold(article.record)["text"]
    assert result["published"] == gold(article.record)["published"]
