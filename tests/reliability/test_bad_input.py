"""Property tests: whatever bytes arrive as a page, extraction returns an article or a reason,
never raises, and never returns text Postgres or a reader would choke on."""

from __future__ import annotations

import re

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kliping.config.extract_rules import DEFAULT_RULES
from kliping.crawler.workers import extract_page
from kliping.sample_site.corpus import load_records
from kliping.sample_site.render import render_article

RECORD = load_records()[0]
PAGE = render_article(RECORD, url="http://127.0.0.1/detik/x").encode()
CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f]")


def _check(body: bytes) -> None:
    result = extract_page(body, "http://127.0.0.1/detik/x", DEFAULT_RULES)
    if result.extracted is None:
        failure = result.failure
        assert failure is not None and not failure.detail.startswith("extractor crashed"), failure
        return
    article = result.extracted
    assert isinstance(article.text, str) and article.text.strip()
    assert not CONTROL.search(article.text) and not CONTROL.search(article.title or "")


@st.composite
def mutated(draw: st.DrawFn) -> bytes:
    """The article page, cut, spliced with junk, or with bytes flipped."""
    data = bytearray(PAGE)
    for _ in range(draw(st.integers(1, 6))):
        at = draw(st.integers(0, len(data)))
        action = draw(st.sampled_from(["cut", "insert", "flip", "tags"]))
        if action == "cut":
            del data[at : at + draw(st.integers(1, 4000))]
        elif action == "insert":
            data[at:at] = draw(st.binary(min_size=1, max_size=200))
        elif action == "flip" and at < len(data):
            data[at] = draw(st.integers(0, 255))
        elif action == "tags":
            tag = draw(st.sampled_from(["<div>", "</p>", "<script>", "<!--", "<![CDATA[", "\x00"]))
            data[at:at] = tag.encode() * draw(st.integers(1, 300))
    return bytes(data)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(mutated())
def test_mutated_article_pages(body: bytes) -> None:
    _check(body)


@settings(max_examples=100, deadline=None)
@given(
    st.binary(max_size=5000) | st.text(max_size=3000).map(lambda t: t.encode("utf-8", "replace"))
)
def test_arbitrary_bytes(body: bytes) -> None:
    _check(body)
