"""``kliping web`` in a real browser: Debian's Chromium driven by Playwright (nothing downloaded;
the tests skip when either is missing), against a database filled by a real crawl of the
sample site. Screenshots go to $KLIPING_SCREENSHOTS (the README's are made with docs/)."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.fix_web import HOSTILE_REJECTED, HOSTILE_TITLE, Served

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
# The flags of a quiet, headless, offline browser: no GPU, sandbox (tests may run as root),
# first-run pages, background downloads or updates.
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
playwright_api = pytest.importorskip(
    "playwright.sync_api", reason="Playwright for Python is not installed (pip install '.[dev]')"
)
pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        not Path(CHROMIUM).exists(),
        reason="Chromium is not installed (apt-get install -y chromium; .ci/run does it)",
    ),
]


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with playwright_api.sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        try:
            yield chromium
        finally:
            chromium.close()


class Watched:
    """A page, with every request it made, dialog it opened and console error it logged."""

    def __init__(self, browser: Any, **options: object) -> None:
        self.context = browser.new_context(viewport={"width": 1200, "height": 900}, **options)
        self.page = self.context.new_page()
        self.requests: list[str] = []
        self.dialogs: list[str] = []
        self.errors: list[str] = []
        self.page.on("request", lambda r: self.requests.append(r.url))
        self.page.on("dialog", lambda d: (self.dialogs.append(d.message), d.dismiss()))
        self.page.on("console", lambda m: m.type == "error" and self.errors.append(m.text))


@pytest.fixture
def watched(browser: Any) -> Iterator[Watched]:
    w = Watched(browser)
    try:
        yield w
    finally:
        w.context.close()


def test_search_then_open_the_seeds_story(web: Served, watched: Watched) -> None:
    page = watched.page
    page.goto(web.base + "/")
    rows = page.locator("table.stories tbody tr")
    total = rows.count()
    assert total >= 15
    page.fill("input[name=q]", "Biden Putin")
    page.click("form.filters button[type=submit]")
    page.wait_for_url("**/?*q=Biden*")
    assert 0 < rows.count() < total
    story_id = web.data.story_of(web.data.seeds[0])
    page.click(f'a.title[href="/stories/{story_id}"]')
    page.wait_for_url(f"**/stories/{story_id}")
    # The timeline lists both outlets of the seeds, in time order (poskupang 07:30, medcom 09:45).
    entries = page.locator("ol.timeline li.entry")
    assert entries.count() == 2
    assert [entries.nth(i).locator(".tag").first.inner_text() for i in range(2)] == [
        "poskupang",
        "medcom",
    ]
    assert [entries.nth(i).locator(".time").first.inner_text() for i in range(2)] == [
        "07:30",
        "09:45",
    ]
    chart = page.locator("figure.chart svg.coverage")
    assert chart.is_visible() and chart.bounding_box()["height"] > 100
    assert page.locator("figure.chart svg.coverage rect").count() == 2  # one bar per outlet-hour
    # Nothing was fetched from anywhere but this server; no script ran or was refused.
    assert all(u.startswith(web.base) for u in watched.requests), watched.requests
    assert not watched.errors, watched.errors


def test_a_malicious_title_shows_as_text(web: Served, watched: Watched) -> None:
    page = watched.page
    story_id = web.data.story_of(web.data.hostile)
    page.goto(f"{web.base}/stories/{story_id}")
    titles = page.locator("ol.timeline .title").all_inner_texts()
    assert HOSTILE_TITLE in titles  # the markup is the title's text, not an element
    assert page.locator("ol.timeline script").count() == 0
    page.goto(f"{web.base}/articles/{web.data.hostile}")
    assert page.locator("h1").inner_text() == HOSTILE_TITLE
    assert page.locator("article.text img").count() == 0
    assert "<img src=x onerror=alert(1)>" in page.locator("article.text").inner_text()
    # A drifting source's rejected URLs (a feed's text) show as text under its drift flag.
    page.goto(f"{web.base}/outlets")
    evidence = page.locator("tr.drift-detail ul.evidence").first
    assert evidence.is_visible() and HOSTILE_REJECTED[0] in evidence.inner_text()
    assert page.locator("tr.drift-detail script, tr.drift-detail a").count() == 0
    page.goto(f"{web.base}/?q=Berita")
    assert not watched.dialogs, f"a script ran: {watched.dialogs}"


def test_reading_works_without_javascript(web: Served, browser: Any) -> None:
    w = Watched(browser, java_script_enabled=False)
    try:
        page = w.page
        page.goto(web.base + "/")
        page.select_option("select[name=outlet]", "tempo")
        page.click("form.filters button[type=submit]")
        page.wait_for_url("**/?*outlet=tempo*")
        assert page.locator("table.stories tbody tr").count() > 0
        assert all("tempo" in t for t in page.locator("table.stories .outlets").all_inner_texts())
        # A story's copies are folded in <details>: opened by a click, no script needed.
        (story_id, copy), = web.data.sql(
            "SELECT story_id, article_id FROM story_articles"
            " WHERE duplicate_of IS NOT NULL ORDER BY article_id LIMIT 1"
        )  # fmt: skip
        page.goto(f"{web.base}/stories/{story_id}")
        link = page.locator(f'details.copies a.text-link[href="/articles/{copy}"]')
        assert not link.is_visible()
        link.locator("xpath=ancestor::details/summary").click()
        assert link.is_visible()
        link.click()
        page.wait_for_url(f"**/articles/{copy}")
        assert page.locator("dl.meta").is_visible()
    finally:
        w.context.close()


def test_screenshots_of_the_three_main_pages(web: Served, watched: Watched, tmp_path: Path) -> None:
    folder = Path(os.environ.get("KLIPING_SCREENSHOTS") or tmp_path)
    folder.mkdir(parents=True, exist_ok=True)
    (story_id,), = web.data.sql(
        "SELECT story_id FROM story_overview ORDER BY outlet_count DESC, story_id LIMIT 1"
    )  # fmt: skip
    page = watched.page
    for name, path in [
        ("web-stories.png", "/"),
        ("web-story.png", f"/stories/{story_id}"),
        ("web-outlets.png", "/outlets"),
    ]:
        page.goto(web.base + path)
        target = folder / name
        page.screenshot(path=str(target), full_page=False)
        assert target.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and target.stat().st_size > 10_000
    assert not watched.errors, watched.errors
