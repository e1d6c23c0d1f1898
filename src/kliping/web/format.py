"""How values are shown: times in WIB, safe links, the JSON shapes of the API."""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Any
from urllib.parse import urlsplit

from kliping.commands.dates import WIB
from kliping.storage.runs import CrawlRun
from kliping.storage.web_queries import ArticleRow


def wib(when: datetime | None) -> str:
    return when.astimezone(WIB).strftime("%d %b %Y %H:%M WIB") if when else "-"


def wib_time(when: datetime | None) -> str:
    return when.astimezone(WIB).strftime("%H:%M") if when else "-"


def iso(when: datetime | None) -> str | None:
    return when.astimezone(WIB).isoformat() if when else None


def day_start(day: date | None) -> datetime | None:
    return datetime.combine(day, time.min, WIB) if day else None


def day_end(day: date | None) -> datetime | None:
    return datetime.combine(day, time.max, WIB) if day else None


# Titles longer than this are cut in lists (the bad-pages corpus has a 10k-character one);
# the article page shows the whole title.
TITLE_CHARS = 300


def clip(text: str | None, limit: int = TITLE_CHARS) -> str:
    text = text or ""
    return text if len(text) <= limit else text[:limit].rstrip() + "…"


def safe_href(url: str | None) -> str | None:
    """The URL when it is http(s), else None: a stored ``javascript:`` URL is never a link."""
    if not url:
        return None
    return url if urlsplit(url).scheme.lower() in ("http", "https") else None


def share_json(share: float | None) -> float | None:
    """An accepted share for the API: 0..1, four places (None: nothing to divide)."""
    return None if share is None else round(share, 4)


def run_json(run: CrawlRun | None) -> dict[str, Any] | None:
    if run is None:
        return None
    return {
        "id": run.id,
        "trigger": run.trigger,
        "status": run.status,
        "started_at": iso(run.started_at),
        "finished_at": iso(run.finished_at),
        "pages_fetched": run.pages_fetched,
        "new": run.articles_new,
        "updated": run.articles_updated,
        "skipped": run.articles_skipped,
        "failures": run.failures,
        "failure_reasons": run.failure_reasons,
        "error": run.error,
    }


def article_json(a: ArticleRow) -> dict[str, Any]:
    return {
        "id": a.id,
        "url": a.url,
        "outlet": a.outlet,
        "title": a.title,
        "published": iso(a.published),
        "authors": a.authors,
        "language": a.language,
        "pages": a.pages,
        "fetched_at": iso(a.fetched_at),
        "updated_at": iso(a.updated_at),
        "story_id": a.story_id,
        "story_title": a.story_title,
        "duplicate_of": a.duplicate_of,
        "text": a.text,
    }
