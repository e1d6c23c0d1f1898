"""The JSON API beside the pages: the same queries and filters, documented at /openapi.json
(rendered without JavaScript at /api/docs)."""

from __future__ import annotations

from typing import Annotated, Any

import psycopg
from fastapi import APIRouter, Depends, HTTPException, Path, Request

from kliping.commands.read import story_json
from kliping.storage.stories import get_story, list_stories, story_events, story_members
from kliping.storage.web_queries import get_article
from kliping.web.app import connection
from kliping.web.format import article_json
from kliping.web.health import outlet_health
from kliping.web.params import StoryQuery, story_query

router = APIRouter(prefix="/api", tags=["api"])
Conn = Annotated[psycopg.Connection, Depends(connection)]
Stories = Annotated[StoryQuery, Depends(story_query)]
# Ids are Postgres bigints: a larger number is a bad request, not a database error.
Id = Annotated[int, Path(ge=1, le=2**63 - 1, description="the id shown in the lists")]


@router.get("/stories", summary="Stories, newest first, filtered, a page at a time")
def stories(conn: Conn, query: Stories) -> dict[str, Any]:
    found = list_stories(conn, query.where, limit=query.per_page + 1, offset=query.offset)
    return {
        "page": query.page,
        "per_page": query.per_page,
        "more": len(found) > query.per_page,
        "stories": [story_json(s) for s in found[: query.per_page]],
    }


@router.get("/stories/{story_id}", summary="One story with its articles in time order")
def story(conn: Conn, story_id: Id) -> dict[str, Any]:
    found = get_story(conn, story_id)
    if found is None:
        raise HTTPException(404, f"no story {story_id}")
    return story_json(found, story_members(conn, [story_id]), story_events(conn, [story_id]))


@router.get("/outlets", summary="Outlet health: last crawl, articles per day, stale/failing/drift")
def outlets(conn: Conn, request: Request) -> dict[str, Any]:
    state = request.app.state
    return {
        "outlets": [o.json() for o in outlet_health(conn, state.registry, cache=state.source_cache)]
    }


@router.get("/articles/{article_id}", summary="One article: clean text, metadata, its story")
def article(conn: Conn, article_id: Id) -> dict[str, Any]:
    found = get_article(conn, article_id)
    if found is None:
        raise HTTPException(404, f"no article {article_id}")
    return article_json(found)
