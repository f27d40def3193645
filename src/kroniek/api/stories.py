"""Stories: articles about the same news, one page at a time, one with its articles, and its timeline."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Query, Request, Response

from kroniek.api.documents import Service
from kroniek.api.errors import ApiError
from kroniek.api.formats import FORMAT_RESPONSES, decode_cursor, point, respond
from kroniek.api.models import ERROR_RESPONSES, Page, StoryDetail, StoryRow, TimelineEvent
from kroniek.api.params import MAX_PAGE, Cursor, FormatParam, Limit, Since, Until
from kroniek.errors import InputError
from kroniek.export.rows import COLUMN_NAMES
from kroniek.export.timeline import story_timeline
from kroniek.export.writers import feature
from kroniek.store import Page as StorePage
from kroniek.store import Store
from kroniek.store.linked import StoryQuery, story, story_page
from kroniek.timex import timex_range

router = APIRouter(tags=["stories"], responses=ERROR_RESPONSES)

StoryId = Annotated[str, Path(description="story id, as GET /stories lists them")]


async def story_query(since: Since = None, until: Until = None, limit: Limit = 100) -> StoryQuery:
    """Stories active in the range: seen on or after `since` and first seen on or before `until`."""
    return StoryQuery(since=_day(since, 0), until=_day(until, 1), limit=limit)


def _day(value: str | None, end: int) -> str | None:
    if value is None:
        return None
    bounds = timex_range(value)
    if bounds is None:
        raise InputError("E012", value=value)
    return bounds[end].isoformat()


@router.get("/stories", response_model=Page[StoryRow], responses=FORMAT_RESPONSES)
def list_stories(
    request: Request,
    response: Response,
    service: Service,
    query: Annotated[StoryQuery, Depends(story_query)],
    cursor: Cursor = None,
    format: FormatParam = "json",
) -> Any:
    """Stories, most recently active first; the point is the place most of a story's events are at."""
    page = story_page(service.store().conn, query, decode_cursor("stories", cursor))
    return respond(request, response, "stories", page, format, list(StoryRow.model_fields), point)


@router.get("/stories/{story_id}", response_model=StoryDetail)
def get_story(story_id: StoryId, service: Service) -> Any:
    """One story with its articles, oldest first."""
    return _story(service.store(), story_id)


@router.get("/stories/{story_id}/timeline", response_model=Page[TimelineEvent], responses=FORMAT_RESPONSES)
def get_timeline(
    request: Request,
    response: Response,
    service: Service,
    story_id: StoryId,
    cursor: Cursor = None,
    format: FormatParam = "json",
    limit: Annotated[int, Query(ge=1, le=MAX_PAGE, description="page size")] = 1000,
) -> Any:
    """The story's real events in time order, each with the articles reporting it (`sources`).

    Reports of one event in several articles are one item; CSV has the export's columns (ACLED's names).
    """
    store = service.store()
    _story(store, story_id)
    listing = f"stories/{story_id}/timeline"
    after = decode_cursor(listing, cursor)
    skip = after[0] if after and isinstance(after[0], int) and after[0] >= 0 else 0
    # Merged events are found while reading the story from its start, so each page reads up to its end.
    events = story_timeline(store, story_id, skip + limit + 1).events
    page = StorePage(events[skip : skip + limit], (skip + limit,) if len(events) > skip + limit else None)
    return respond(request, response, listing, page, format, COLUMN_NAMES, _geometry)


def _story(store: Store, story_id: str) -> dict[str, Any]:
    found = story(store.conn, story_id)
    if found is None:
        raise ApiError(404, f"no story with id '{story_id}'")
    return found


def _geometry(row: dict[str, Any]) -> dict[str, Any] | None:
    found = feature(row)
    return found["geometry"] if found else None
