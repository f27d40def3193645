"""Reads over the cross-document tables for listings and exports: which real event a report belongs to, an
event's reports, a document's story and registry names, and stories one page at a time.

Portable SQL (SQLite and PostgreSQL): `?` placeholders, one page of ids per query, never one query per row.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from kroniek.store.connection import Connection
from kroniek.store.queries import Page

ReportKey = tuple[str, str]  # (document id, the event's id within the document)

# An event's reports in the order they appeared: the first report first, undated last.
_REPORT_ORDER = "r.published IS NULL, r.published, r.doc_id, r.local_id"


def _marks(values: Sequence[Any]) -> str:
    return ", ".join("?" * len(values))


def events_of_reports(conn: Connection, keys: Iterable[ReportKey]) -> dict[ReportKey, str]:
    """The cross-document event each report was linked to; reports not linked are missing."""
    wanted = set(keys)
    doc_ids = sorted({doc_id for doc_id, _ in wanted})
    if not doc_ids:
        return {}
    rows = conn.execute(
        f"SELECT doc_id, local_id, event_id FROM cross_event_reports WHERE doc_id IN ({_marks(doc_ids)})", doc_ids
    )
    return {(row[0], row[1]): row[2] for row in rows if (row[0], row[1]) in wanted}


def report_counts(conn: Connection, keys: Iterable[ReportKey]) -> dict[ReportKey, tuple[str, int]]:
    """For each linked report: its cross-document event and how many articles report that event.

    A document reports an event at most once (kroniek.link.events), so reports are articles.
    """
    events = events_of_reports(conn, keys)
    event_ids = sorted(set(events.values()))
    if not event_ids:
        return {}
    rows = conn.execute(
        "SELECT event_id, count(*) AS n FROM cross_event_reports"
        f" WHERE event_id IN ({_marks(event_ids)}) GROUP BY event_id",
        event_ids,
    )
    counts = {row[0]: row[1] for row in rows}
    return {key: (event_id, counts[event_id]) for key, event_id in events.items()}


def cross_events(conn: Connection, event_ids: Sequence[str]) -> dict[str, dict[str, Any]]:
    """The merged events by id: type, time (narrowed by the reports), place and coordinates."""
    if not event_ids:
        return {}
    rows = conn.execute(f"SELECT * FROM cross_events WHERE id IN ({_marks(event_ids)})", list(event_ids))
    return {row["id"]: dict(row) for row in rows}


def reports_of_events(conn: Connection, event_ids: Sequence[str]) -> dict[str, list[dict[str, Any]]]:
    """Each event's reports, first report first, with the article each comes from."""
    found: dict[str, list[dict[str, Any]]] = {event_id: [] for event_id in event_ids}
    if not event_ids:
        return found
    rows = conn.execute(
        "SELECT r.event_id, r.doc_id, r.local_id, r.published, r.source, r.certainty, d.title, d.url, d.language"
        f" FROM cross_event_reports r JOIN documents d ON d.id = r.doc_id WHERE r.event_id IN ({_marks(event_ids)})"
        f" ORDER BY r.event_id, {_REPORT_ORDER}",
        list(event_ids),
    )
    for row in rows:
        found[row["event_id"]].append({key: row[key] for key in row.keys() if key != "event_id"})  # noqa: SIM118
    return found


def stories_of_documents(conn: Connection, doc_ids: Sequence[str]) -> dict[str, str]:
    if not doc_ids:
        return {}
    rows = conn.execute(
        f"SELECT doc_id, story_id FROM story_documents WHERE doc_id IN ({_marks(doc_ids)})", list(doc_ids)
    )
    return {row[0]: row[1] for row in rows}


def registry_names(conn: Connection, doc_ids: Sequence[str]) -> dict[str, dict[str, str]]:
    """For each document, its entity ids -> the canonical name of the registry entity each was linked to.

    Merging entities repoints their links (Registry.merge_entities), so a link names a live entity. Places
    are left out: the registry names them by their gazetteer id.
    """
    found: dict[str, dict[str, str]] = {}
    if not doc_ids:
        return found
    rows = conn.execute(
        "SELECT l.doc_id, l.local_id, e.name FROM registry_links l JOIN registry_entities e ON e.id = l.entity_id"
        f" WHERE l.doc_id IN ({_marks(doc_ids)}) AND e.type <> 'LOC'",
        list(doc_ids),
    )
    for row in rows:
        found.setdefault(row[0], {})[row[1]] = row[2]
    return found


def analyses(conn: Connection, doc_ids: Sequence[str]) -> dict[str, str]:
    """The stored analyses (the JSON contract) of the documents, by id."""
    if not doc_ids:
        return {}
    rows = conn.execute(f"SELECT id, analysis FROM documents WHERE id IN ({_marks(doc_ids)})", list(doc_ids))
    return {row[0]: row[1] for row in rows}


def entity_mentions(conn: Connection, entity_id: str) -> list[ReportKey]:
    """(document id, the document's entity id) of every mention linked to a registry entity."""
    rows = conn.execute(
        "SELECT doc_id, local_id FROM registry_links WHERE entity_id = ? ORDER BY doc_id, local_id", (entity_id,)
    )
    return [(row[0], row[1]) for row in rows]


# -- stories ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class StoryQuery:
    """Stories active in a time range, most recently active first; `limit` is the page size."""

    since: str | None = None  # ISO date: stories seen on or after it
    until: str | None = None  # ISO date: stories first seen on or before it
    limit: int = 100


_STORY_COLUMNS = "s.id, s.label, s.first_seen, s.last_seen, s.size AS documents"
_STORY_KEY = "COALESCE(s.last_seen, '')"  # undated stories last


def story_page(conn: Connection, query: StoryQuery, after: Sequence[Any] | None = None) -> Page:
    """Stories with their counts and main place, after the (last seen, id) key of the previous page."""
    clauses, params = ["s.size > 0"], []
    if query.since:
        clauses.append("s.last_seen >= ?")
        params.append(query.since)
    if query.until:
        clauses.append("s.first_seen <= ?")
        params.append(query.until)
    if after is not None:
        clauses.append(f"({_STORY_KEY} < ? OR ({_STORY_KEY} = ? AND s.id > ?))")
        params += [after[0], after[0], after[1]]
    rows = [
        dict(row)
        for row in conn.execute(
            f"SELECT {_STORY_COLUMNS} FROM stories s WHERE {' AND '.join(clauses)}"
            f" ORDER BY {_STORY_KEY} DESC, s.id LIMIT ?",
            [*params, query.limit + 1],
        )
    ]
    more = len(rows) > query.limit
    rows = rows[: query.limit]
    _add_story_counts(conn, rows)
    next_key = (rows[-1]["last_seen"] or "", rows[-1]["id"]) if more else None
    return Page(rows, next_key)


def story(conn: Connection, story_id: str) -> dict[str, Any] | None:
    """One story with its counts, main place and documents (oldest first), or None."""
    row = conn.execute(f"SELECT {_STORY_COLUMNS} FROM stories s WHERE s.id = ? AND s.size > 0", (story_id,)).fetchone()
    if row is None:
        return None
    found = dict(row)
    _add_story_counts(conn, [found])
    found["articles"] = [
        dict(article)
        for article in conn.execute(
            "SELECT d.id, d.title, d.published, d.language, d.source, d.url, s.score, s.reason"
            " FROM story_documents s JOIN documents d ON d.id = s.doc_id WHERE s.story_id = ?"
            " ORDER BY d.published IS NULL, d.published, d.id",
            (story_id,),
        )
    ]
    return found


def _add_story_counts(conn: Connection, stories: list[dict[str, Any]]) -> None:
    """Each story's number of real events and its main place: where most of its reported events are."""
    ids = [row["id"] for row in stories]
    if not ids:
        return
    events = conn.execute(
        "SELECT s.story_id, count(DISTINCT r.event_id) AS n FROM story_documents s"
        f" JOIN cross_event_reports r ON r.doc_id = s.doc_id WHERE s.story_id IN ({_marks(ids)}) GROUP BY s.story_id",
        ids,
    )
    counts = {row[0]: row[1] for row in events}
    places = conn.execute(
        "SELECT s.story_id, p.name, p.country, p.lat, p.lon, count(*) AS n FROM story_documents s"
        " JOIN events v ON v.doc_id = s.doc_id JOIN places p ON p.doc_id = v.doc_id AND p.id = v.place_id"
        f" WHERE s.story_id IN ({_marks(ids)}) AND p.lat IS NOT NULL AND p.lon IS NOT NULL"
        " GROUP BY s.story_id, p.name, p.country, p.lat, p.lon",
        ids,
    )
    main: dict[str, dict[str, Any]] = {}
    for row in sorted(places, key=lambda r: (-r["n"], r["name"])):
        main.setdefault(row["story_id"], {k: row[k] for k in ("name", "country", "lat", "lon")})
    for row in stories:
        place = main.get(row["id"], {})
        row["events"] = counts.get(row["id"], 0)
        row["place"] = place.get("name")
        for key in ("country", "lat", "lon"):
            row[key] = place.get(key)
