"""One row per real event, in ACLED's column names where they apply, built page by page from the store.

Where cross-document linking merged several reports into one event, the event is one row: the first
report in time order that matches the filters stands for it, and the other reports fill in what they
add (sources, the lowest death toll, a place, a narrower time). Events the text says did not happen
(negated) are left out.
"""

from __future__ import annotations

import datetime as dt
from bisect import bisect_right
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace
from functools import lru_cache
from itertools import islice
from typing import Any

from pydantic_core import from_json

from kroniek.errors import KroniekError
from kroniek.model import Event, Place
from kroniek.store import EventQuery, Store
from kroniek.store.linked import (
    analyses,
    cross_events,
    events_of_reports,
    registry_names,
    reports_of_events,
    stories_of_documents,
)


@dataclass(frozen=True)
class Column:
    name: str
    kind: str  # string, date, int or float: how Parquet stores it
    help: str


COLUMNS = (
    Column("event_id", "string", "the real event's id across articles (else DOCUMENT:EVENT)"),
    Column("event_date", "date", "first day of the event's time, else its first report's publication date"),
    Column("time_precision", "int", "1 the day is known, 2 within a week or taken from the report's date, 3 longer"),
    Column("event_type", "string", "PLOVER event type (ASSAULT, PROTEST, ...)"),
    Column("sub_event_type", "string", "PLOVER mode (aerial, ...) or a finer class of OTHER"),
    Column("actor1", "string", "first actor"),
    Column("assoc_actor_1", "string", "other actors, '; '-separated"),
    Column("actor2", "string", "first target"),
    Column("assoc_actor_2", "string", "other targets, '; '-separated"),
    Column("country", "string", "country name"),
    Column("country_code", "string", "ISO 3166-1 alpha-2"),
    Column("admin1", "string", "first-level region"),
    Column("location", "string", "place name"),
    Column("latitude", "float", "WGS 84"),
    Column("longitude", "float", "WGS 84"),
    Column("geo_precision", "int", "1 town or finer, 2 near a town or a border, 3 region or country"),
    Column("source", "string", "outlets of all reports, '; '-separated, first report first"),
    Column("notes", "string", "the first report's sentence about the event"),
    Column("fatalities", "float", "people killed: the lowest figure any report gives (ACLED's rule); empty if none"),
    Column("certainty", "string", "how most reports present it: asserted, reported, hedged, denied, ..."),
    Column("story_id", "string", "the story of the first report's article"),
    Column("reports", "int", "articles reporting the event"),
    Column("first_report", "date", "earliest publication date of a report"),
    Column("last_report", "date", "latest publication date of a report"),
    Column("doc_id", "string", "the first report's document"),
    Column("url", "string", "the first report's URL"),
    Column("timex", "string", "the event's time as a TIMEX3 value"),
)
COLUMN_NAMES = tuple(column.name for column in COLUMNS)

PAGE_SIZE = 1000
_AFTER_ANY_END = 1 << 62  # sorts after any (start, end) with the same start
# ACLED's geo_precision from the place's precision (or kind): 1 the town or finer, 2 near it, 3 a larger area.
_PRECISION = {
    **dict.fromkeys(("landmark", "district", "city"), 1),
    **dict.fromkeys(("place", "border"), 2),
    **dict.fromkeys(("region", "country", "continent"), 3),
}


def event_pages(store: Store, query: EventQuery, page_size: int = PAGE_SIZE) -> Iterator[list[dict[str, Any]]]:
    """The store's event rows (one per report), oldest first, one page at a time (keyset pagination)."""
    paged = replace(query, limit=page_size)
    page = store.event_page(paged)
    yield page.rows
    while page.next_key is not None:
        page = store.event_page(paged, page.next_key)
        yield page.rows


class Article:
    """What the export reads of a stored analysis: the events, places and entity names, and where the sentences
    are. Read from the stored JSON without the tokens, which are most of it and which the export never needs."""

    def __init__(self, analysis: dict[str, Any], names: dict[str, str]) -> None:
        self.text: str = analysis["document"]["text"]
        self.language: str | None = analysis["document"].get("language")
        self.names = {e["id"]: names.get(e["id"], e["name"]) for e in analysis.get("entities", [])}
        self.sentences = [(sentence["start"], sentence["end"]) for sentence in analysis.get("sentences", [])]
        # Validated into the model when first asked for: a page needs few of a document's events.
        self._events = {event["id"]: event for event in analysis.get("events", [])}
        self._places = {place["id"]: place for place in analysis.get("places", [])}

    def event(self, local_id: str) -> Event | None:
        found = self._events.get(local_id)
        if isinstance(found, dict):
            found = self._events[local_id] = Event.model_validate(found)
        return found

    def place(self, local_id: str | None) -> Place | None:
        found = self._places.get(local_id or "")
        if isinstance(found, dict):
            found = self._places[local_id or ""] = Place.model_validate(found)
        return found

    def people(self, ids: list[str]) -> list[str]:
        """Names of the entities (a pronoun or a phrase such as "the troops" names no actor)."""
        return [self.names[entity_id] for entity_id in ids if entity_id in self.names]

    def sentence(self, event: Event) -> str:
        """The sentence the event is told in, on one line."""
        at = bisect_right(self.sentences, (event.trigger.start, _AFTER_ANY_END)) - 1
        if at >= 0 and self.sentences[at][0] <= event.trigger.start < self.sentences[at][1]:
            start, end = self.sentences[at]
            return " ".join(self.text[start:end].split())
        return event.summary or event.trigger.text


class EventRows:
    """Turns the store's report rows into one row per real event; remembers which events it has given.

    The stored analyses a page needs are read in one query and parsed once; only one page's are kept.
    """

    def __init__(self, store: Store, *, with_sources: bool = False) -> None:
        self.store = store
        self.with_sources = with_sources
        self.seen: set[str] = set()
        self._articles: dict[str, Article] = {}

    def article(self, doc_id: str) -> Article:
        if doc_id not in self._articles:
            self._articles |= self._load([doc_id])
        return self._articles[doc_id]

    def _load(self, doc_ids: Iterable[str]) -> dict[str, Article]:
        """Articles by id: those already parsed, and the others read in one query."""
        wanted = set(doc_ids)
        found = {doc_id: self._articles[doc_id] for doc_id in wanted if doc_id in self._articles}
        missing = sorted(wanted - found.keys())
        names = registry_names(self.store.conn, missing)
        for doc_id, analysis in analyses(self.store.conn, missing).items():
            found[doc_id] = Article(from_json(analysis), names.get(doc_id, {}))
        return found

    def rows(self, pages: Iterable[list[dict[str, Any]]]) -> Iterator[dict[str, Any]]:
        for page in pages:
            yield from self.page(page)

    def page(self, reports: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """The page's real events not given before, with what their other reports add (a few queries a page)."""
        conn = self.store.conn
        self._articles = self._load(row["doc_id"] for row in reports)
        linked = events_of_reports(conn, [(row["doc_id"], row["id"]) for row in reports])
        firsts = []
        for row in reports:
            key = (row["doc_id"], row["id"])
            if (key in linked and linked[key] in self.seen) or self._negated(row):
                continue
            if key in linked:  # its other reports may come later: remember the event, not every report
                self.seen.add(linked[key])
            firsts.append((linked.get(key) or f"{row['doc_id']}:{row['id']}", row))
        known = set(linked.values())
        ids = [event_id for event_id, _ in firsts if event_id in known]
        merged, reports_of = cross_events(conn, ids), reports_of_events(conn, ids)
        self._articles |= self._load(r["doc_id"] for found in reports_of.values() for r in found)
        stories = stories_of_documents(conn, sorted({row["doc_id"] for _, row in firsts}))
        return [
            self._row(event_id, row, merged.get(event_id), reports_of.get(event_id) or [self._own_report(row)], stories)
            for event_id, row in firsts
        ]

    def _own_report(self, row: dict[str, Any]) -> dict[str, Any]:
        """The report of an event that linking has not merged with any: the row's own article."""
        return {
            "doc_id": row["doc_id"],
            "local_id": row["id"],
            "published": row["published"],
            "source": row["document_source"] or row["title"],
            "certainty": row["certainty"],
            "title": row["title"],
            "url": row["url"],
            "language": self.article(row["doc_id"]).language,
        }

    def _negated(self, row: dict[str, Any]) -> bool:
        event = self.article(row["doc_id"]).event(row["id"])
        return event is None or event.negated

    def _row(
        self,
        event_id: str,
        first: dict[str, Any],
        merged: dict[str, Any] | None,
        reports: list[dict[str, Any]],
        stories: dict[str, str],
    ) -> dict[str, Any]:
        article = self.article(first["doc_id"])
        event = article.event(first["id"])
        assert event is not None  # _negated() read it
        # The first report's own findings first, then the other reports' in the order they appeared.
        others = [
            (r["doc_id"], r["local_id"])
            for r in reports
            if (r["doc_id"], r["local_id"]) != (first["doc_id"], first["id"])
        ]
        told = [(article, event), *self._findings(others)]
        row = {
            "event_id": event_id,
            **_when(first, merged),
            "event_type": event.type,
            "sub_event_type": event.mode,
            **_sides(article, event),
            **_where(told),
            "source": "; ".join(dict.fromkeys(r["source"] or r["title"] or "" for r in reports)) or None,
            "notes": article.sentence(event),
            "fatalities": _lowest(e.fatalities for _, e in told),
            "certainty": _commonest([r["certainty"] or "asserted" for r in reports]),
            "story_id": stories.get(first["doc_id"]),
            "reports": len(reports),
            "first_report": min((r["published"] for r in reports if r["published"]), default=None),
            "last_report": max((r["published"] for r in reports if r["published"]), default=None),
            "doc_id": first["doc_id"],
            "url": first["url"],
        }
        ordered = {name: row[name] for name in COLUMN_NAMES}
        if self.with_sources:
            ordered["sources"] = reports
        return ordered

    def _findings(self, keys: list[tuple[str, str]]) -> Iterator[tuple[Article, Event]]:
        for doc_id, local_id in keys:
            article = self.article(doc_id)
            event = article.event(local_id)
            if event is not None:
                yield article, event


def _where(told: list[tuple[Article, Event]]) -> dict[str, Any]:
    """The first report's place, else the first place another report gives."""
    place = next((found for a, e in told if (found := a.place(e.place)) is not None), None)
    if place is None:
        return dict.fromkeys(
            ("country", "country_code", "admin1", "location", "latitude", "longitude", "geo_precision")
        )
    return {
        "country": country_name(place.country) if place.country else None,
        "country_code": place.country,
        "admin1": _admin1(place),
        "location": place.name,
        "latitude": place.lat,
        "longitude": place.lon,
        "geo_precision": _geo_precision(place),
    }


def export_rows(store: Store, query: EventQuery, limit: int | None = None) -> Iterator[dict[str, Any]]:
    """One row per real event matching the query, oldest first, streamed page by page."""
    rows = EventRows(store).rows(event_pages(store, query))
    return islice(rows, limit) if limit is not None else rows


def _when(first: dict[str, Any], merged: dict[str, Any] | None) -> dict[str, Any]:
    """The event's time; a merged event's explicit time when the first report only had its date."""
    timex, start, end = first["time"], first["time_start"], first["time_end"]
    inferred = bool(first["time_inferred"])
    if inferred and merged and merged["time_explicit"] and merged["time"]:
        timex, start, end, inferred = merged["time"], merged["time_start"], merged["time_end"], False
    if inferred or not start:
        return {"event_date": first["published"], "time_precision": 2 if first["published"] else None, "timex": None}
    days = (dt.date.fromisoformat(str(end)[:10]) - dt.date.fromisoformat(str(start)[:10])).days if end else 0
    precision = 1 if days == 0 else 2 if days <= 7 else 3
    return {"event_date": str(start)[:10], "time_precision": precision, "timex": timex}


def _sides(article: Article, event: Event) -> dict[str, Any]:
    actors, targets = article.people(event.actors), article.people(event.targets)
    return {
        "actor1": actors[0] if actors else None,
        "assoc_actor_1": "; ".join(actors[1:]) or None,
        "actor2": targets[0] if targets else None,
        "assoc_actor_2": "; ".join(targets[1:]) or None,
    }


def _admin1(place: Place) -> str | None:
    """The place's first-level region (a field the geo stage is adding: read it only where it exists)."""
    value = getattr(place, "admin1", None)
    if value is None or isinstance(value, str):
        return value
    return str(getattr(value, "name", value))


def _geo_precision(place: Place) -> int | None:
    """ACLED's geo_precision from the place's precision (where the geo stage gives one), else from its kind."""
    value = getattr(place, "precision", None) or place.kind
    if isinstance(value, int):
        return value
    return _PRECISION.get(str(value)) if value else None


def _lowest(values: Iterable[float | None]) -> int | float | None:
    known = [value for value in values if value is not None]
    if not known:
        return None
    low = min(known)
    return int(low) if float(low).is_integer() else low


def _commonest(values: list[str]) -> str | None:
    """The most frequent value; a tie goes to the one seen first (the first report's)."""
    return Counter(values).most_common(1)[0][0] if values else None


@lru_cache(maxsize=512)
def country_name(code: str) -> str:
    """The country's English name from the shipped gazetteer; the code itself if it has none."""
    try:
        found = _gazetteer().country(code.upper())
    except KroniekError:
        return code
    return found.name if found else code


@lru_cache(maxsize=1)
def _gazetteer() -> Any:
    from kroniek.geo.gazetteer import Gazetteer  # the export needs it only for country names

    return Gazetteer()
