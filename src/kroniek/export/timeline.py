"""A chronological view of the real events about one story, entity or place, each with its sources.

The same rows as the export (kroniek.export.rows), oldest first, each with the reports behind it.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from itertools import islice
from typing import Any, Literal

from kroniek.errors import InputError
from kroniek.export.rows import EventRows, event_pages
from kroniek.store import EventQuery, Store
from kroniek.store.linked import entity_mentions, story
from kroniek.store.registry import Registry

Kind = Literal["story", "entity", "place"]
KINDS: tuple[Kind, ...] = ("story", "entity", "place")
LAST_DAY = "9999-12-31"  # undated events last, as in the store's listings
_PAGE = 1000


@dataclass
class Timeline:
    kind: Kind
    id: str
    label: str | None
    events: list[dict[str, Any]] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, "id": self.id, "label": self.label, "events": self.events}


def timeline(store: Store, subject: str, kind: Kind | None = None, limit: int | None = None) -> Timeline:
    """The timeline of a story id, an entity (registry id or name) or a place (name or country code).

    Without `kind`, the first that fits: a story id, an entity id, a place with events, an entity name.
    """
    registry = Registry(store.conn)
    if kind in (None, "story") and story(store.conn, subject) is not None:
        return story_timeline(store, subject, limit)
    if kind in (None, "entity") and registry.entity(subject) is not None:
        return entity_timeline(store, subject, limit)
    if kind in (None, "place") and store.event_page(EventQuery(place=subject, limit=1)).rows:
        return place_timeline(store, subject, limit)
    if kind in (None, "entity"):
        found = registry.find_entities(subject)
        if len(found) == 1:
            return entity_timeline(store, found[0], limit)
        if found:
            which = f"{len(found)} entities match it ({', '.join(found[:10])}): give one id"
            raise InputError("E033", text=subject, which=which)
    raise InputError("E061", text=subject, kinds=" or ".join(KINDS if kind is None else (kind,)), path=store.path)


def story_timeline(store: Store, story_id: str, limit: int | None = None) -> Timeline:
    found = story(store.conn, story_id)
    label = found["label"] if found else None
    rows = EventRows(store, with_sources=True).rows(event_pages(store, EventQuery(story=story_id), _PAGE))
    return Timeline("story", story_id, label, list(islice(rows, limit)))


def place_timeline(store: Store, place: str, limit: int | None = None) -> Timeline:
    rows = EventRows(store, with_sources=True).rows(event_pages(store, EventQuery(place=place), _PAGE))
    return Timeline("place", place, place, list(islice(rows, limit)))


def entity_timeline(store: Store, entity_id: str, limit: int | None = None) -> Timeline:
    """Events in which one of the entity's linked mentions is an actor or a target, in any document."""
    registry = Registry(store.conn)
    live = registry.canonical(entity_id)
    entity = registry.entity(live) or {"name": None}
    builder = EventRows(store, with_sources=True)
    reports = sorted(_reports_involving(store, builder, entity_mentions(store.conn, live)), key=_sort_key)
    rows = builder.rows(_chunks(reports, _PAGE))
    return Timeline("entity", live, entity["name"], list(islice(rows, limit)))


def _reports_involving(store: Store, builder: EventRows, mentions: list[tuple[str, str]]) -> Iterator[dict[str, Any]]:
    local_ids: dict[str, set[str]] = {}
    for doc_id, local_id in mentions:
        local_ids.setdefault(doc_id, set()).add(local_id)
    for doc_id, ids in local_ids.items():
        article = builder.article(doc_id)
        for page in event_pages(store, EventQuery(doc=doc_id), _PAGE):
            for row in page:
                event = article.event(row["id"])
                if event is not None and ids & {*event.actors, *event.targets}:
                    yield row


def _sort_key(row: dict[str, Any]) -> tuple[str, str, int, str]:
    """The store's event order: the event's first day (else its article's date), document, position."""
    day = row["time_start"] or row["published"] or LAST_DAY
    return str(day)[:10], row["doc_id"], row["trigger_start"], row["id"]


def _chunks(rows: list[dict[str, Any]], size: int) -> Iterable[list[dict[str, Any]]]:
    return (rows[i : i + size] for i in range(0, len(rows), size))
