"""Query parameters shared by the pages and the API: the story-list filters and paging."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Annotated

from fastapi import HTTPException, Query

from kliping.storage.stories import StoryFilter
from kliping.web.format import day_end, day_start

PER_PAGE = 50
# Deep pages cost an OFFSET scan; 200 pages of 50 is 10k stories, more than a reader pages by
# hand (narrow the filters instead), and keeps every list query bounded.
MAX_PAGE = 200
MAX_PER_PAGE = 200  # a page of 200 rows still renders in milliseconds
MAX_SEARCH = 200  # characters: a search phrase, not a document


@dataclass(frozen=True)
class StoryQuery:
    where: StoryFilter
    page: int
    per_page: int
    # The filters as given, to rebuild the form and the paging links.
    given: dict[str, str]

    @property
    def offset(self) -> int:
        return (self.page - 1) * self.per_page


def story_query(
    since: Annotated[
        date | None, Query(description="stories seen on or after this WIB day (YYYY-MM-DD)")
    ] = None,
    until: Annotated[
        date | None, Query(description="stories seen on or before this WIB day (YYYY-MM-DD)")
    ] = None,
    outlet: Annotated[
        str | None,
        Query(max_length=64, description="only stories with an article from this outlet key"),
    ] = None,
    min_outlets: Annotated[int, Query(ge=1, le=1000, description="at least this many outlets")] = 1,
    min_size: Annotated[int, Query(ge=1, le=100000, description="at least this many articles")] = 1,
    q: Annotated[
        str | None,
        Query(
            max_length=MAX_SEARCH,
            description="full-text search, websearch syntax as `kliping stories --search`: "
            'words (all must match), "a phrase", -word, or',
        ),
    ] = None,
    page: Annotated[int, Query(ge=1, le=MAX_PAGE, description="page number, from 1")] = 1,
    per_page: Annotated[
        int, Query(ge=1, le=MAX_PER_PAGE, description=f"stories a page (default {PER_PAGE})")
    ] = PER_PAGE,
) -> StoryQuery:
    if since and until and until < since:
        raise HTTPException(400, f"until {until} is before since {since}")
    where = StoryFilter(
        since=day_start(since),
        until=day_end(until),
        outlet=outlet or None,
        min_outlets=min_outlets,
        min_size=min_size,
        search=(q or "").strip() or None,
    )
    given = {
        "since": since.isoformat() if since else "",
        "until": until.isoformat() if until else "",
        "outlet": outlet or "",
        "min_outlets": str(min_outlets) if min_outlets > 1 else "",
        "min_size": str(min_size) if min_size > 1 else "",
        "q": q or "",
        "per_page": str(per_page) if per_page != PER_PAGE else "",
    }
    return StoryQuery(where, page, per_page, given)
