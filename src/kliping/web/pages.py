"""The HTML pages: Stories, Story, Outlets, Article, and the API's documentation."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Annotated, Any
from urllib.parse import urlencode

import psycopg
from fastapi import APIRouter, Depends, HTTPException, Path, Request
from fastapi.responses import HTMLResponse

from kliping.commands.dates import WIB
from kliping.storage.stories import (
    EventRow,
    MemberRow,
    get_story,
    list_stories,
    story_events,
    story_members,
)
from kliping.storage.web_queries import get_article
from kliping.web.app import connection
from kliping.web.chart import coverage
from kliping.web.health import outlet_health
from kliping.web.params import StoryQuery, story_query

router = APIRouter(include_in_schema=False)
Conn = Annotated[psycopg.Connection, Depends(connection)]
Stories = Annotated[StoryQuery, Depends(story_query)]
Id = Annotated[int, Path(ge=1, le=2**63 - 1)]


def _page(request: Request, name: str, **values: Any) -> HTMLResponse:
    return request.app.state.templates.TemplateResponse(request, name, values)


@router.get("/", response_class=HTMLResponse)
def stories(request: Request, conn: Conn, query: Stories) -> HTMLResponse:
    found = list_stories(conn, query.where, limit=query.per_page + 1, offset=query.offset)
    given = {k: v for k, v in query.given.items() if v}

    def link(page: int) -> str:
        return "/?" + urlencode({**given, "page": page}) if page > 1 else "/?" + urlencode(given)

    return _page(
        request,
        "stories.html",
        stories=found[: query.per_page],
        given=query.given,
        page=query.page,
        first=query.offset + 1,
        # The registry's outlets and those on the page: no query (a DISTINCT over every
        # story's articles took ~170 ms with 100k articles, bench/web.py).
        outlets=sorted(
            set(request.app.state.registry)
            | {o for s in found for o in s.outlets}
            | ({query.where.outlet} if query.where.outlet else set())
        ),
        prev_link=link(query.page - 1) if query.page > 1 else None,
        next_link=link(query.page + 1) if len(found) > query.per_page else None,
    )


@dataclass
class Entry:
    """A timeline row: an article and the copies folded under it."""

    article: MemberRow
    copies: list[MemberRow] = field(default_factory=list)
    day: date | None = None  # set on the first entry of each WIB day (a heading)


def timeline(members: list[MemberRow]) -> list[Entry]:
    ids = {m.article_id for m in members}
    entries = {m.article_id: Entry(m) for m in members if m.duplicate_of not in ids}
    for m in members:
        if m.duplicate_of in ids and m.duplicate_of in entries:
            entries[m.duplicate_of].copies.append(m)
        elif m.article_id not in entries:  # a copy of a copy: shown on its own
            entries[m.article_id] = Entry(m)
    ordered = sorted(
        entries.values(),
        key=lambda e: (e.article.published or e.article.fetched_at, e.article.article_id),
    )
    last: date | None = None
    for e in ordered:
        day = (e.article.published or e.article.fetched_at).astimezone(WIB).date()
        if day != last:
            e.day, last = day, day
    return ordered


@dataclass
class EventGroup:
    """One event of the story (None: members not yet given an event) with its timeline."""

    event: EventRow | None
    entries: list[Entry]


def by_event(events: list[EventRow], members: list[MemberRow]) -> list[EventGroup]:
    """The story's events in time order, each with its articles' timeline (copies folded)."""
    groups = [EventGroup(e, timeline([m for m in members if m.event_id == e.event_id]))
              for e in events]  # fmt: skip
    known = {e.event_id for e in events}
    loose = [m for m in members if m.event_id not in known]
    if loose:
        groups.append(EventGroup(None, timeline(loose)))
    return [g for g in groups if g.entries]


@router.get("/stories/{story_id}", response_class=HTMLResponse)
def story(request: Request, conn: Conn, story_id: Id) -> HTMLResponse:
    found = get_story(conn, story_id)
    if found is None:
        raise HTTPException(404, f"no story {story_id}")
    members = story_members(conn, [story_id])
    return _page(
        request,
        "story.html",
        story=found,
        groups=by_event(story_events(conn, [story_id]), members),
        chart=coverage(members),
        copies=sum(1 for m in members if m.duplicate_of is not None),
    )


@router.get("/outlets", response_class=HTMLResponse)
def outlets(request: Request, conn: Conn) -> HTMLResponse:
    state = request.app.state
    health = outlet_health(conn, state.registry, cache=state.source_cache)
    top = max((n for o in health for _, n in o.per_day), default=0)
    return _page(request, "outlets.html", outlets=health, top=max(top, 1))


@router.get("/articles/{article_id}", response_class=HTMLResponse)
def article(request: Request, conn: Conn, article_id: Id) -> HTMLResponse:
    found = get_article(conn, article_id)
    if found is None:
        raise HTTPException(404, f"no article {article_id}")
    paragraphs = [p for p in (found.text or "").split("\n") if p.strip()]
    return _page(request, "article.html", article=found, paragraphs=paragraphs)


@router.get("/api/docs", response_class=HTMLResponse)
def api_docs(request: Request) -> HTMLResponse:
    """The OpenAPI description rendered on the server (Swagger UI would need a CDN script)."""
    spec = request.app.openapi()
    return _page(request, "api_docs.html", spec=spec)
