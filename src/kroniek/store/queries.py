"""What the store's listings filter on, and one page of their rows: the same for every backend."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

BoundingBox = tuple[float, float, float, float]  # min lon, min lat, max lon, max lat (WGS 84)


@dataclass(frozen=True)
class EventFilter:
    since: str | None = None  # a date, month, year or other TIMEX3 date value, inclusive
    until: str | None = None
    place: str | None = None  # place name or ISO country code
    actor: str | None = None  # part of an actor's name
    type: str | None = None  # event type or a prefix of it
    limit: int = 1000


@dataclass(frozen=True)
class EventQuery(EventFilter):
    """An EventFilter plus what the API filters on; `limit` is the page size."""

    country: str | None = None  # ISO 3166-1 alpha-2 code of the event's place
    bbox: BoundingBox | None = None
    certainty: str | None = None
    q: str | None = None  # free text; matches events whose document matches
    doc: str | None = None  # document id
    story: str | None = None  # story id: events reported by the story's documents


@dataclass(frozen=True)
class DocumentQuery:
    """Documents by publication date, language, text and the places they mention."""

    since: str | None = None
    until: str | None = None
    q: str | None = None
    language: str | None = None
    doc: str | None = None
    place: str | None = None  # a mentioned place's name (part of it) or country code
    country: str | None = None
    bbox: BoundingBox | None = None
    limit: int = 100


@dataclass(frozen=True)
class EntityQuery(DocumentQuery):
    name: str | None = None  # part of the canonical name
    type: str | None = None  # PER, ORG, ... or a prefix of a finer type


@dataclass(frozen=True)
class PlaceQuery(DocumentQuery):
    name: str | None = None  # part of the place name


@dataclass(frozen=True)
class Page:
    """One page of rows, and the sort key to continue after (None on the last page)."""

    rows: list[dict[str, Any]]
    next_key: tuple[Any, ...] | None
