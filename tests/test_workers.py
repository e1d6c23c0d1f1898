"""The extraction worker's edge: every page comes back as a result or a typed failure, never as
an exception that would end up in the spider's callback (uncounted). Called in-process: the pool
itself is tested from an installed wheel (test_workers_install.py)."""

from __future__ import annotations

import pytest

from kliping.config.extract_rules import DEFAULT_RULES, ExtractRules
from kliping.crawler.items import PageFailure
from kliping.crawler.workers import extract_page

URL = "http://127.0.0.1/a"
PAGE = b"<html><body><p>" + b"kata " * 200 + b"</p></body></html>"


def test_a_page_is_extracted() -> None:
    result = extract_page(PAGE, URL, DEFAULT_RULES)
    assert result.failure is None and result.extracted is not None
    assert "kata" in result.extracted.text


def test_a_page_without_an_article_is_an_extraction_failure() -> None:
    assert extract_page(b"", URL, DEFAULT_RULES).failure == PageFailure("extraction", "empty input")


def test_a_crash_inside_the_extractor_is_a_failure_of_that_page() -> None:
    # A prune rule that compiles (the registry checks that when it loads) but calls a function
    # lxml does not know raises XPathEvalError deep inside trafilatura: not an ExtractionError,
    # the kind of surprise the worker's catch-all is there for.
    result = extract_page(PAGE, URL, ExtractRules(prune_xpath=("//p[nofn()]",)))
    assert result.extracted is None and result.failure is not None
    assert result.failure.kind == "extraction"
    assert result.failure.detail.startswith("extractor crashed: XPathEvalError")


def test_a_prune_rule_that_is_not_xpath_is_refused_when_the_registry_loads() -> None:
    with pytest.raises(ValueError, match=r"prune_xpath: bad XPath '//\[': "):
        ExtractRules(prune_xpath=("//[",))
