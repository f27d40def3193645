"""What was found across the documents: events, entities, places, and their counts over time."""

from __future__ import annotations

import calendar
import datetime as dt
from collections import Counter
from collections.abc import Iterable
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Query, Request, Response

from kroniek.api.documents import Service
from kroniek.api.formats import FORMAT_RESPONSES, decode_cursor, point, respond
from kroniek.api.models import ERROR_RESPONSES, Bin, EntityRow, EventRow, Histogram, Page, PlaceRow
from kroniek.api.params import Cursor, FormatParam, entity_query, event_query, place_query
from kroniek.store.linked import report_counts
from kroniek.store.queries import DocumentQuery, EntityQuery, EventQuery, PlaceQuery

router = APIRouter(responses=ERROR_RESPONSES)

Bucket = Literal["day", "month", "year"]


@router.get("/events", response_model=Page[EventRow], responses=FORMAT_RESPONSES, tags=["events"])
def list_events(
    request: Request,
    response: Response,
    service: Service,
    query: Annotated[EventQuery, Depends(event_query)],
    cursor: Cursor = None,
    format: FormatParam = "json",
) -> Any:
    """Events, oldest first; an event without its own time takes its article's date (time_inferred)."""
    store = service.store()
    page = store.event_page(query, decode_cursor("events", cursor))
    linked = report_counts(store.conn, [(row["doc_id"], row["id"]) for row in page.rows])
    for row in page.rows:
        row["event_id"], row["reports"] = linked.get((row["doc_id"], row["id"]), (None, 1))
    return respond(request, response, "events", page, format, list(EventRow.model_fields), point)


@router.get("/entities", response_model=Page[EntityRow], responses=FORMAT_RESPONSES, tags=["findings"])
def list_entities(
    request: Request,
    response: Response,
    service: Service,
    query: Annotated[EntityQuery, Depends(entity_query)],
    cursor: Cursor = None,
    format: FormatParam = "json",
) -> Any:
    """Named entities across documents, one row per type and canonical name, most widely reported first."""
    page = service.store().entity_page(query, decode_cursor("entities", cursor))
    return respond(request, response, "entities", page, format, list(EntityRow.model_fields))


@router.get("/places", response_model=Page[PlaceRow], responses=FORMAT_RESPONSES, tags=["findings"])
def list_places(
    request: Request,
    response: Response,
    service: Service,
    query: Annotated[PlaceQuery, Depends(place_query)],
    cursor: Cursor = None,
    format: FormatParam = "json",
) -> Any:
    """Resolved places across documents, most widely reported first."""
    page = service.store().place_page(query, decode_cursor("places", cursor))
    return respond(request, response, "places", page, format, list(PlaceRow.model_fields), point)


@router.get("/histogram", response_model=Histogram, tags=["events"])
def histogram(
    service: Service,
    query: Annotated[EventQuery, Depends(event_query)],
    bucket: Annotated[Bucket | Literal["auto"], Query(description="bin width; auto picks from the span")] = "auto",
) -> Histogram:
    """Events and documents per day, month or year, under the same filters as /events (the UI's timeline).

    Documents are counted under the filters that apply to them: time, text, place, country, bbox, doc.
    """
    documents = DocumentQuery(
        since=query.since, until=query.until, q=query.q, doc=query.doc, place=query.place,
        country=query.country, bbox=query.bbox,
    )  # fmt: skip
    store = service.store()
    event_days, document_days = store.event_days(query), store.published_days(documents)
    width = _auto_bucket([day for day, _ in [*event_days, *document_days]]) if bucket == "auto" else bucket
    return Histogram(bucket=width, bins=_bins(width, event_days, document_days))


def _auto_bucket(days: list[str]) -> Bucket:
    if not days:
        return "month"
    span = (dt.date.fromisoformat(max(days)) - dt.date.fromisoformat(min(days))).days
    return "day" if span <= 92 else "month" if span <= 8 * 366 else "year"


def _bins(bucket: Bucket, events: Iterable[tuple[str, int]], documents: Iterable[tuple[str, int]]) -> list[Bin]:
    event_counts: Counter[tuple[dt.date, dt.date]] = Counter()
    document_counts: Counter[tuple[dt.date, dt.date]] = Counter()
    for counts, days in ((event_counts, events), (document_counts, documents)):
        for day, n in days:
            counts[_bucket_of(dt.date.fromisoformat(day), bucket)] += n
    return [
        Bin(start=start, end=end, events=event_counts[start, end], documents=document_counts[start, end])
        for start, end in sorted(event_counts.keys() | document_counts.keys())
    ]


def _bucket_of(day: dt.date, bucket: Bucket) -> tuple[dt.date, dt.date]:
    if bucket == "day":
        return day, day
    if bucket == "month":
        return day.replace(day=1), day.replace(day=calendar.monthrange(day.year, day.month)[1])
    return dt.date(day.year, 1, 1), dt.date(day.year, 12, 31)
