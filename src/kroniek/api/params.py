"""Query parameters shared by the listings, declared once, and the store queries they build."""

from __future__ import annotations

from typing import Annotated

from fastapi import Query

from kroniek.api.errors import ApiError
from kroniek.api.formats import Format
from kroniek.model import Certainty
from kroniek.store.queries import BoundingBox, DocumentQuery, EntityQuery, EventQuery, PlaceQuery

MAX_PAGE = 10_000

Since = Annotated[
    str | None,
    Query(description="from this date on: YYYY, YYYY-MM, YYYY-MM-DD or a TIMEX3 date such as 2017-W24"),
]
Until = Annotated[str | None, Query(description="up to this date, inclusive (same forms as since)")]
Text = Annotated[
    str | None, Query(description="free text: every word must occur in the article; word* matches a prefix")
]
Country = Annotated[str | None, Query(pattern=r"^[A-Za-z]{2}$", description="ISO 3166-1 alpha-2 code of the place")]
Bbox = Annotated[
    str | None,
    Query(
        description="bounding box minlon,minlat,maxlon,maxlat in degrees (WGS 84); minlon > maxlon crosses the"
        " antimeridian",
        examples=["42.5,35.8,43.8,36.8"],
    ),
]
Doc = Annotated[str | None, Query(min_length=6, description="document id or its first 6+ characters")]
Language = Annotated[str | None, Query(pattern=r"^[a-z]{2}$", description="ISO 639-1 code")]
Limit = Annotated[int, Query(ge=1, le=MAX_PAGE, description="page size")]
Cursor = Annotated[str | None, Query(description="the `next` value of the previous page")]
FormatParam = Annotated[Format, Query(description="json (a page), csv or geojson")]


def parse_bbox(raw: str | None) -> BoundingBox | None:
    if raw is None:
        return None
    try:
        min_lon, min_lat, max_lon, max_lat = (float(part) for part in raw.split(","))
    except ValueError:
        raise ApiError(
            422, f"invalid bbox '{raw}': use minlon,minlat,maxlon,maxlat, e.g. 42.5,35.8,43.8,36.8"
        ) from None
    if not (-180 <= min_lon <= 180 and -180 <= max_lon <= 180 and -90 <= min_lat <= max_lat <= 90):
        raise ApiError(422, f"invalid bbox '{raw}': longitudes within ±180, latitudes within ±90, minlat <= maxlat")
    return min_lon, min_lat, max_lon, max_lat


async def event_query(
    since: Since = None,
    until: Until = None,
    place: Annotated[str | None, Query(description="place name (part of it) or country code")] = None,
    country: Country = None,
    bbox: Bbox = None,
    actor: Annotated[str | None, Query(description="actor name (part of it)")] = None,
    type: Annotated[str | None, Query(description="event type or its prefix")] = None,
    certainty: Annotated[Certainty | None, Query(description="certainty of the claim the event is reported in")] = None,
    q: Text = None,
    doc: Doc = None,
    story: Annotated[str | None, Query(description="story id: events reported by the story's articles")] = None,
    limit: Limit = 100,
) -> EventQuery:
    return EventQuery(
        since=since, until=until, place=place, actor=actor, type=type, limit=limit,
        country=country, bbox=parse_bbox(bbox), certainty=certainty, q=q, doc=doc, story=story,
    )  # fmt: skip


async def document_query(
    since: Since = None,
    until: Until = None,
    q: Text = None,
    language: Language = None,
    place: Annotated[str | None, Query(description="a mentioned place: name (part of it) or country code")] = None,
    country: Country = None,
    bbox: Bbox = None,
    limit: Limit = 100,
) -> DocumentQuery:
    return DocumentQuery(
        since=since, until=until, q=q, language=language, place=place, country=country, bbox=parse_bbox(bbox),
        limit=limit,
    )  # fmt: skip


async def entity_query(
    name: Annotated[str | None, Query(description="part of the canonical name")] = None,
    type: Annotated[str | None, Query(description="PER, ORG, LOC, MISC or a finer type (prefix)")] = None,
    doc: Doc = None,
    q: Text = None,
    since: Since = None,
    until: Until = None,
    limit: Limit = 100,
) -> EntityQuery:
    return EntityQuery(name=name, type=type, doc=doc, q=q, since=since, until=until, limit=limit)


async def place_query(
    name: Annotated[str | None, Query(description="part of the place name")] = None,
    country: Country = None,
    bbox: Bbox = None,
    doc: Doc = None,
    q: Text = None,
    since: Since = None,
    until: Until = None,
    limit: Limit = 100,
) -> PlaceQuery:
    return PlaceQuery(
        name=name, country=country, bbox=parse_bbox(bbox), doc=doc, q=q, since=since, until=until, limit=limit
    )
