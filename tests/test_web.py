"""``kliping web`` over HTTP: the story list, a story, hostile content and the headers, against
a database filled by a real crawl of the sample site, served by uvicorn on 127.0.0.1 (outlets,
articles, roles and the command: test_web_ops.py; a real browser: test_web_browser.py)."""

from __future__ import annotations

import json
import re
from datetime import date
from html import unescape
from urllib.parse import quote
from zoneinfo import ZoneInfo

import lxml.html
import psycopg
import pytest

from kliping.storage.stories import StoryFilter, list_stories
from tests.fix_web import (
    HOSTILE_TITLE,
    HOSTILE_URL,
    Served,
    all_ids,
    api,
    page,
)

WIB = ZoneInfo("Asia/Jakarta")
pytestmark = pytest.mark.slow  # every test here talks to a uvicorn server


# --- the story list ---------------------------------------------------------------------------


def test_stories_newest_first_and_paging_covers_them_once(web: Served) -> None:
    expected = [r[0] for r in web.data.sql(
        "SELECT story_id FROM story_overview ORDER BY last_seen DESC, story_id DESC")]  # fmt: skip
    assert len(expected) >= 15
    assert all_ids(web) == expected
    assert all_ids(web, per_page=4) == expected  # pages of 4: each story once, in order
    html = page(web, "/?per_page=4&page=2")
    assert 'rel="next"' in html and 'rel="prev"' in html
    listed = [int(i) for i in re.findall(r'href="/stories/(\d+)"', html)]
    assert listed == expected[4:8]


def test_filters_agree_with_the_database(web: Served) -> None:
    rows = web.data.sql("SELECT story_id, outlet_count, outlets, first_seen, last_seen"
                        " FROM story_overview ORDER BY last_seen DESC, story_id DESC")  # fmt: skip
    assert set(all_ids(web, "&outlet=tempo")) == {r[0] for r in rows if "tempo" in r[2]}
    multi = [r[0] for r in rows if r[1] >= 2]
    assert 0 < len(multi) < len(rows)
    assert all_ids(web, "&min_outlets=2") == multi
    since, until = date(2025, 3, 1), date(2025, 7, 15)
    window = [
        r[0]
        for r in rows
        if r[4].astimezone(WIB).date() >= since and r[3].astimezone(WIB).date() <= until
    ]
    assert 0 < len(window) < len(rows)  # fmt: skip
    assert all_ids(web, f"&since={since}&until={until}") == window


def test_search_is_the_clis_search(web: Served) -> None:
    with psycopg.connect(web.data.url) as conn:
        for query in ("gempa", '"suku bunga" acuan', "Biden Putin", "gempa -mamuju"):
            cli = [s.story_id for s in list_stories(conn, StoryFilter(search=query), limit=None)]
            assert all_ids(web, f"&q={quote(query)}") == cli, query
            assert cli or query == "gempa -mamuju"
    seeds_story = web.data.story_of(web.data.seeds[0])
    assert seeds_story in all_ids(web, "&q=Biden+Putin")


def test_blank_form_fields_mean_no_filter(web: Served) -> None:
    # The filter form submits every field; blank ones are not errors.
    assert all_ids(web, "&since=&until=&outlet=&min_outlets=&q=") == all_ids(web)
    assert page(web, "/?since=&until=&outlet=&min_outlets=&q=")


@pytest.mark.parametrize(
    ("path", "words"),
    [
        ("/api/stories?since=15-07-2025", ["since", "YYYY-MM-DD", "15-07-2025"]),
        ("/api/stories?min_outlets=0", ["min_outlets", "greater than or equal to 1"]),
        ("/api/stories?page=abc", ["page", "abc"]),
        ("/api/stories?since=2025-07-02&until=2025-07-01", ["until", "before since"]),
        ("/api/stories/abc", ["story_id", "abc"]),
        ("/api/stories/99999999999999999999", ["story_id"]),
        ("/api/articles/-3", ["article_id"]),
        ("/?since=2025-13-01", ["since", "2025-13-01"]),
        ("/stories/x1", ["story_id", "x1"]),
    ],
)
def test_bad_parameters_are_a_400_with_the_reason(web: Served, path: str, words: list[str]) -> None:
    status, headers, body = web.get(path)
    text = body.decode()
    assert status == 400, (status, text[:300])
    assert all(w in (json.loads(text)["error"] if path.startswith("/api/") else unescape(text))
               for w in words), text[:500]  # fmt: skip
    assert "Traceback" not in text and "content-security-policy" in headers


@pytest.mark.parametrize("path", ["/stories/999999", "/api/stories/999999", "/articles/999999",
                                  "/api/articles/999999", "/nowhere"])  # fmt: skip
def test_unknown_ids_are_a_clear_404(web: Served, path: str) -> None:
    status, _, body = web.get(path)
    assert status == 404
    if "999999" in path:
        assert re.search(r"no (story|article) 999999", body.decode())


# --- a story ----------------------------------------------------------------------------------


def test_story_api_lists_its_articles_in_time_order(web: Served) -> None:
    copy = web.data.sql("SELECT story_id FROM story_articles WHERE duplicate_of IS NOT NULL")
    story_id = copy[0][0]
    found = api(web, f"/api/stories/{story_id}")
    members = web.data.sql(
        "SELECT article_id, outlet, url, duplicate_of FROM story_articles WHERE story_id = %s"
        " ORDER BY coalesce(published, fetched_at), article_id", (story_id,))  # fmt: skip
    assert [(a["id"], a["outlet"], a["url"], a["duplicate_of"]) for a in found["articles"]] == [
        tuple(m) for m in members
    ]
    assert found["size"] == len(members) and found["outlets"] == sorted({m[1] for m in members})


def test_story_page_folds_copies_and_draws_the_chart(web: Served) -> None:
    for (story_id,) in web.data.sql(
        "SELECT DISTINCT story_id FROM story_articles WHERE duplicate_of IS NOT NULL"
    ):
        members = web.data.sql(
            "SELECT article_id, outlet, duplicate_of FROM story_articles WHERE story_id = %s"
            " ORDER BY coalesce(published, fetched_at), article_id", (story_id,))  # fmt: skip
        ids = {m[0] for m in members}
        html = page(web, f"/stories/{story_id}")
        shown: dict[int, list[int]] = {}  # original -> the copies in its <details>
        for entry in lxml.html.fromstring(html).cssselect("li.entry"):
            links = [int(a.get("href").rsplit("/", 1)[1])
                     for a in entry.cssselect("a.text-link")]  # fmt: skip
            shown[links[0]] = links[1:]
            assert bool(links[1:]) == bool(entry.cssselect("details"))
        # Every article once; a copy under its original, the rest in time order.
        assert sorted([o for o in shown] + [c for cs in shown.values() for c in cs]) == sorted(ids)
        for article_id, _, duplicate_of in members:
            if duplicate_of in ids:
                assert article_id in shown[duplicate_of]
        # Time order inside each event's timeline (the events themselves by their first article).
        for section in lxml.html.fromstring(html).cssselect("section.event"):
            firsts = [int(e.cssselect("a.text-link")[0].get("href").rsplit("/", 1)[1])
                      for e in section.cssselect("li.entry")]  # fmt: skip
            assert firsts == [m[0] for m in members if m[0] in firsts]
        # The chart: one bar per outlet and hour with articles; the bars add up to the story.
        bars = re.findall(r"<rect [^>]*><title>([^<]+): (\d+) \(", html)
        assert sum(int(n) for _, n in bars) == len(members)
        assert {o for o, _ in bars} == {m[1] for m in members}


def test_story_page_shows_its_events_each_with_its_own_articles(web: Served) -> None:
    for story_id, event_count in web.data.sql(
        "SELECT story_id, event_count FROM story_overview ORDER BY event_count DESC LIMIT 5"
    ):
        html = page(web, f"/stories/{story_id}")
        sections = lxml.html.fromstring(html).cssselect("section.event")
        assert len(sections) == event_count
        for section in sections:
            shown = {int(a.get("href").rsplit("/", 1)[1])
                     for a in section.cssselect("a.text-link")}  # fmt: skip
            events = web.data.sql(
                "SELECT DISTINCT event_id FROM story_articles WHERE article_id = ANY(%s)",
                (sorted(shown),),
            )
            assert len(events) == 1, (story_id, shown)  # one section, one event
    story = api(web, f"/api/stories/{story_id}")
    assert len(story["events"]) == event_count


def test_times_are_wib(web: Served) -> None:
    # POS-KUPANG prints WITA (UTC+8): 14:20 WITA is 13:20 WIB.
    (story_id,), = web.data.sql(
        "SELECT story_id FROM story_articles WHERE outlet = 'poskupang'"
        " AND published = '2025-02-23 14:20+08'")  # fmt: skip
    html = page(web, f"/stories/{story_id}")
    assert re.search(r'<span class="time">13:20</span>\s*<span class="tag">poskupang</span>', html)
    found = api(web, f"/api/stories/{story_id}")
    assert any(a["published"] == "2025-02-23T13:20:00+07:00" for a in found["articles"])


# --- hostile content and headers --------------------------------------------------------------


def test_a_script_title_is_shown_as_text_everywhere(web: Served) -> None:
    article = web.data.hostile
    story_id = web.data.story_of(article)
    escaped = "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; Berita"
    for path in ("/", f"/stories/{story_id}", f"/articles/{article}", "/?q=Berita"):
        html = page(web, path)
        assert "<script" not in html.lower(), path
        if path != "/?q=Berita" or escaped in html:
            assert escaped in html, path
    text = page(web, f"/articles/{article}")
    assert "&lt;img src=x onerror=alert(1)&gt;" in text and "<img" not in text
    # The stored javascript: URL is shown, never a link.
    assert 'href="javascript' not in page(web, f"/stories/{story_id}").lower()
    assert 'href="javascript' not in text.lower()
    assert api(web, f"/api/articles/{article}")["title"] == HOSTILE_TITLE
    assert api(web, f"/api/articles/{article}")["url"] == HOSTILE_URL


@pytest.mark.parametrize("path", ["/", "/outlets", "/api/stories", "/api/docs", "/static/style.css",
                                  "/stories/999999"])  # fmt: skip
def test_security_headers_on_every_answer(web: Served, path: str) -> None:
    _, headers, _ = web.get(path)
    csp = headers["content-security-policy"]
    assert "default-src 'none'" in csp and "script-src" not in csp  # no script may run
    assert headers["x-content-type-options"] == "nosniff"


def test_pages_load_nothing_from_elsewhere(web: Served) -> None:
    story_id = web.data.story_of(web.data.seeds[0])
    for path in ("/", f"/stories/{story_id}", "/outlets", "/api/docs"):
        html = page(web, path)
        # Only this server's stylesheet: no CDN, no script at all.
        links = re.findall(r'<link [^>]*href="([^"]+)"', html)
        assert "/static/style.css" in links and all(u.startswith("/static/") for u in links)
        assert "<script" not in html and 'src="http' not in html
