"""Request and response bodies of the HTTP API. Analyses are the document model itself (kroniek.model)."""

from __future__ import annotations

import datetime as dt
from typing import Generic, Literal, TypeVar

from pydantic import BaseModel, ConfigDict, Field

from kroniek.export.rows import COLUMNS
from kroniek.model import Certainty

T = TypeVar("T")


class _Body(BaseModel):
    model_config = ConfigDict(extra="forbid")


class AnalyseRequest(_Body):
    text: str = Field(min_length=1, description="the article text")
    published: dt.date | None = Field(None, description="publication date; anchors relative times such as 'woensdag'")
    language: str | None = Field(None, pattern=r"^[a-z]{2}$", description="ISO 639-1 code; null to identify it")
    title: str | None = None


class DocumentIn(AnalyseRequest):
    url: str | None = None
    source: str | None = Field(None, description="outlet the article came from")


class IngestResult(_Body):
    id: str = Field(description="content hash of the normalised text")
    new: bool = Field(description="false when the same text was already stored")


class IngestResponse(_Body):
    items: list[IngestResult] = Field(description="one per document sent, in order")
    stored: int = Field(description="how many were new")


class Page(_Body, Generic[T]):
    items: list[T]
    next: str | None = Field(description="opaque cursor for the next page (pass as ?cursor=); null on the last page")


class DocumentSummary(_Body):
    id: str
    published: dt.date | None
    language: str | None
    title: str | None
    url: str | None
    source: str | None
    chars: int = Field(description="length of the text")
    entities: int
    places: int
    events: int


class EventRow(_Body):
    """One event as a flat row, with its place, claim and document resolved (the CSV and GeoJSON row)."""

    doc_id: str
    id: str
    type: str
    trigger: str
    trigger_start: int
    trigger_end: int
    time: str | None = Field(description="TIMEX3 value, or the publication date when the event has none")
    time_inferred: bool = Field(description="true when time is the publication date")
    time_start: dt.date | None
    time_end: dt.date | None
    place_id: str | None
    place: str | None
    lat: float | None
    lon: float | None
    country: str | None
    claim_id: str | None
    certainty: Certainty | None
    claim_source: str | None
    title: str | None
    published: dt.date | None
    document_source: str | None
    url: str | None
    actors: str | None = Field(description="actor names, '; '-separated")
    targets: str | None = Field(description="target names, '; '-separated")
    reports: int = Field(1, description="articles reporting the real event (event_id) this report is of; 1 unlinked")
    event_id: str | None = Field(
        None, description="the real event across articles this report was linked to (as in exports and story timelines)"
    )


class EntityRow(_Body):
    name: str
    type: str
    documents: int = Field(description="documents that mention it")
    mentions: int


class PlaceRow(_Body):
    name: str
    lat: float | None
    lon: float | None
    country: str | None
    source_id: str | None
    documents: int = Field(description="documents that mention it")
    events: int = Field(description="events placed there")


class Bin(_Body):
    start: dt.date
    end: dt.date
    documents: int = Field(description="documents published in the bin")
    events: int = Field(description="events starting in the bin (an event without a time counts on its article's date)")


class Histogram(_Body):
    bucket: Literal["day", "month", "year"]
    bins: list[Bin] = Field(description="non-empty bins, oldest first")


class StoryRow(_Body):
    """A story: articles about the same news, with where most of its events are (the CSV and GeoJSON row)."""

    id: str
    label: str | None = Field(description="the title of its first article")
    first_seen: dt.date | None = Field(description="publication date of its first article")
    last_seen: dt.date | None = Field(description="publication date of its latest article")
    documents: int = Field(description="articles in the story")
    events: int = Field(description="real events its articles report (reports of one event counted once)")
    place: str | None = Field(description="the place most of its events are at")
    country: str | None
    lat: float | None
    lon: float | None


class StoryArticle(_Body):
    id: str
    title: str | None
    published: dt.date | None
    language: str | None
    source: str | None
    url: str | None
    score: float | None = Field(description="similarity to the story when assigned; null for its first article")
    reason: str | None = Field(description="why the article joined the story")


class StoryDetail(StoryRow):
    articles: list[StoryArticle] = Field(description="oldest first")


class TimelineSource(_Body):
    """One article's report of an event."""

    doc_id: str
    local_id: str = Field(description="the event's id within the document")
    published: dt.date | None
    source: str | None = Field(description="outlet, else the article's title")
    certainty: Certainty | None
    title: str | None
    url: str | None
    language: str | None


_COLUMN = {column.name: column.help for column in COLUMNS}


class TimelineEvent(_Body):
    """One real event with its reports, in the export's columns (ACLED's names where they apply)."""

    event_id: str = Field(description=_COLUMN["event_id"])
    event_date: dt.date | None = Field(description=_COLUMN["event_date"])
    time_precision: int | None = Field(description=_COLUMN["time_precision"])
    event_type: str = Field(description=_COLUMN["event_type"])
    sub_event_type: str | None = Field(description=_COLUMN["sub_event_type"])
    actor1: str | None = Field(description=_COLUMN["actor1"])
    assoc_actor_1: str | None = Field(description=_COLUMN["assoc_actor_1"])
    actor2: str | None = Field(description=_COLUMN["actor2"])
    assoc_actor_2: str | None = Field(description=_COLUMN["assoc_actor_2"])
    country: str | None = Field(description=_COLUMN["country"])
    country_code: str | None = Field(description=_COLUMN["country_code"])
    admin1: str | None = Field(description=_COLUMN["admin1"])
    location: str | None = Field(description=_COLUMN["location"])
    latitude: float | None = Field(description=_COLUMN["latitude"])
    longitude: float | None = Field(description=_COLUMN["longitude"])
    geo_precision: int | None = Field(description=_COLUMN["geo_precision"])
    source: str | None = Field(description=_COLUMN["source"])
    notes: str | None = Field(description=_COLUMN["notes"])
    fatalities: int | float | None = Field(description=_COLUMN["fatalities"])
    certainty: Certainty | None = Field(description=_COLUMN["certainty"])
    story_id: str | None = Field(description=_COLUMN["story_id"])
    reports: int = Field(description=_COLUMN["reports"])
    first_report: dt.date | None = Field(description=_COLUMN["first_report"])
    last_report: dt.date | None = Field(description=_COLUMN["last_report"])
    doc_id: str = Field(description=_COLUMN["doc_id"])
    url: str | None = Field(description=_COLUMN["url"])
    timex: str | None = Field(description=_COLUMN["timex"])
    sources: list[TimelineSource] = Field(description="the articles reporting it, first report first")


class ErrorBody(_Body):
    code: str = Field(description="not_found, invalid, too_large, method_not_allowed, internal, ...")
    message: str
    details: list[dict[str, object]] | None = None


class ErrorResponse(_Body):
    error: ErrorBody


ERROR_RESPONSES: dict[int | str, dict[str, object]] = {
    404: {"model": ErrorResponse, "description": "unknown id or path"},
    413: {"model": ErrorResponse, "description": "body too large"},
    422: {"model": ErrorResponse, "description": "bad input"},
}
