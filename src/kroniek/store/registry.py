"""Reads and writes of the cross-document tables (migration 003_cross_document): the entity registry,
cross-document events and stories. Plain SQL over the store's connection; the caller holds the transaction."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from kroniek.store.connection import Connection

# In an upsert on story_entities: the later of the stored and the new last_seen (either may be NULL).
_LATER = (
    "CASE WHEN story_entities.last_seen IS NULL OR excluded.last_seen > story_entities.last_seen"
    " THEN COALESCE(excluded.last_seen, story_entities.last_seen) ELSE story_entities.last_seen END"
)


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


def _marks(values: Sequence[Any]) -> str:
    return ", ".join("?" * len(values))


@dataclass(frozen=True)
class CandidateEvidence:
    """What a report could share with an event it reports (kroniek.link.events scores each of these)."""

    entities: Sequence[str] = ()
    story_id: str | None = None
    place_id: str | None = None  # a gazetteer id; a landmark's 'id#landmark' matches its city
    lat: float | None = None
    lon: float | None = None
    km: float = 300.0  # places farther apart than this add nothing
    trigger: str | None = None  # casefolded
    numbers: Sequence[float] = ()
    relative_gap: float = 0.05  # numbers within 5% count as the same

    def clauses(self) -> tuple[list[str], list[Any]]:
        clauses: list[str] = []
        params: list[Any] = []
        if self.entities:
            clauses.append(
                "EXISTS (SELECT 1 FROM cross_event_entities x WHERE x.event_id = c.id"
                f" AND x.entity_id IN ({_marks(self.entities)}))"
            )
            params += list(self.entities)
        if self.story_id:
            clauses.append("EXISTS (SELECT 1 FROM cross_event_stories x WHERE x.event_id = c.id AND x.story_id = ?)")
            params.append(self.story_id)
        if self.place_id:
            base = self.place_id.split("#", 1)[0]
            clauses.append("(c.place = ? OR c.place LIKE ?)")
            params += [base, f"{base}#%"]
        if self.lat is not None and self.lon is not None:
            clauses.append("(c.lat BETWEEN ? AND ? AND c.lon BETWEEN ? AND ?)")
            params += _box(self.lat, self.lon, self.km)
        if self.trigger:
            clauses.append("EXISTS (SELECT 1 FROM cross_event_triggers x WHERE x.event_id = c.id AND x.trigger = ?)")
            params.append(self.trigger)
        for number in self.numbers:
            low, high = sorted((number * (1 - self.relative_gap), number / (1 - self.relative_gap)))
            clauses.append(
                "EXISTS (SELECT 1 FROM cross_event_numbers x WHERE x.event_id = c.id AND x.value BETWEEN ? AND ?)"
            )
            params += [low, high]
        return clauses, params


# An event's time span class (migration 006): events are found by their start, which lies at most this many
# days before the start of any range they overlap; the last class (decades, centuries) has no bound but is rare.
SPANS = (8, 32, 370, 1_000_000)


def span_class(start: str, end: str) -> int:
    days = (dt.date.fromisoformat(end) - dt.date.fromisoformat(start)).days
    return next(span for span in SPANS if days <= span)


def _days_before(day: str, days: int) -> str:
    try:
        return (dt.date.fromisoformat(day) - dt.timedelta(days=days)).isoformat()
    except OverflowError:
        return dt.date.min.isoformat()


def _box(lat: float, lon: float, km: float) -> list[float]:
    """min lat, max lat, min lon, max lon of a box holding every point within `km` (wider near the poles)."""
    dlat = km / 110.5
    if abs(lat) + dlat >= 89:
        return [lat - dlat, lat + dlat, -180.0, 180.0]
    dlon = km / (111.3 * math.cos(math.radians(abs(lat) + dlat)))
    return [lat - dlat, lat + dlat, lon - dlon, lon + dlon]


class Registry:
    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    # -- documents ------------------------------------------------------------------------

    def is_linked(self, doc_id: str) -> bool:
        return self.conn.execute("SELECT 1 FROM linked_documents WHERE doc_id = ?", (doc_id,)).fetchone() is not None

    def mark_linked(self, doc_id: str) -> None:
        inserted = self.conn.execute(
            "INSERT INTO linked_documents (doc_id, linked_at) VALUES (?, ?) ON CONFLICT DO NOTHING", (doc_id, _now())
        ).rowcount
        if inserted:  # a counter: count(*) reads every row, on both engines
            self.conn.execute("UPDATE store_stats SET value = value + 1 WHERE key = 'linked_documents'")

    def unlinked_documents(self) -> list[str]:
        rows = self.conn.execute(
            "SELECT d.id FROM documents d LEFT JOIN linked_documents l ON l.doc_id = d.id"
            " WHERE l.doc_id IS NULL ORDER BY d.published IS NULL, d.published, d.rowid"
        )
        return [row[0] for row in rows]

    # -- entities -------------------------------------------------------------------------

    def canonical(self, entity_id: str) -> str:
        """The id an entity was merged into (followed to the end), else itself."""
        seen = set()
        while entity_id not in seen:
            seen.add(entity_id)
            row = self.conn.execute("SELECT merged_into FROM registry_entities WHERE id = ?", (entity_id,)).fetchone()
            if row is None or row[0] is None:
                return entity_id
            entity_id = row[0]
        return entity_id

    def entity(self, entity_id: str) -> dict[str, Any] | None:
        row = self.conn.execute("SELECT * FROM registry_entities WHERE id = ?", (entity_id,)).fetchone()
        return dict(row) if row else None

    def entities_by_alias(self, kind: str, key: str) -> list[tuple[str, str, str]]:
        """(entity id, alias as written, rule that taught it) for every live entity known under this key."""
        rows = self.conn.execute(
            "SELECT entity_id, alias, rule FROM registry_aliases WHERE kind = ? AND key = ?", (kind, key)
        )
        found: dict[str, tuple[str, str, str]] = {}
        for entity_id, alias, rule in rows:
            live = self.canonical(entity_id)
            found.setdefault(live, (live, alias, rule))
        return list(found.values())

    def create_entity(self, entity_id: str, type_: str, name: str, country: str | None) -> None:
        self.conn.execute(
            "INSERT INTO registry_entities (id, type, name, country, created_at) VALUES (?, ?, ?, ?, ?)"
            " ON CONFLICT DO NOTHING",
            (entity_id, type_, name, country, _now()),
        )

    def update_entity(self, entity_id: str, *, name: str | None = None, country: str | None = None) -> None:
        if name:
            self.conn.execute("UPDATE registry_entities SET name = ? WHERE id = ?", (name, entity_id))
        if country:
            self.conn.execute("UPDATE registry_entities SET country = ? WHERE id = ?", (country, entity_id))

    def add_alias(self, kind: str, key: str, entity_id: str, alias: str, rule: str, doc_id: str | None) -> None:
        self.conn.execute(
            "INSERT INTO registry_aliases (kind, key, entity_id, alias, rule, doc_id)"
            " VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
            (kind, key, entity_id, alias, rule, doc_id),
        )

    def add_link(self, doc_id: str, local_id: str, entity_id: str, name: str, rule: str, evidence: str) -> None:
        # The document's own few links (by its key; the entity's index would read all of a popular entity's)
        linked = {
            row[0] for row in self.conn.execute("SELECT entity_id FROM registry_links WHERE doc_id = ?", (doc_id,))
        }
        if entity_id not in linked:  # the entity's document count, kept as it grows (document_frequency reads it)
            self.conn.execute("UPDATE registry_entities SET documents = documents + 1 WHERE id = ?", (entity_id,))
        self.conn.execute(
            "INSERT INTO registry_links (doc_id, local_id, entity_id, name, rule, evidence)"
            " VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (doc_id, local_id) DO UPDATE SET entity_id = excluded.entity_id,"
            " name = excluded.name, rule = excluded.rule, evidence = excluded.evidence",
            (doc_id, local_id, entity_id, name, rule, evidence),
        )

    def merge_entities(self, kept: str, merged: str, rule: str, doc_id: str | None) -> None:
        """Fold `merged` into `kept`: its links, aliases, stories and events now point to `kept`."""
        conn = self.conn
        conn.execute("UPDATE registry_entities SET merged_into = ? WHERE id = ?", (kept, merged))
        conn.execute("UPDATE registry_links SET entity_id = ? WHERE entity_id = ?", (kept, merged))
        conn.execute(  # both may be named in one document: count again (merges are rare)
            "UPDATE registry_entities SET documents ="
            " (SELECT count(DISTINCT doc_id) FROM registry_links WHERE entity_id = ?) WHERE id = ?",
            (kept, kept),
        )
        # Copy the merged entity's rows onto the kept one where it has none yet, then drop them. (The
        # `WHERE ... AND TRUE` keeps SQLite from reading ON CONFLICT as part of the SELECT's join.)
        conn.execute(
            "INSERT INTO registry_aliases (kind, key, entity_id, alias, rule, doc_id)"
            " SELECT kind, key, CAST(? AS TEXT), alias, rule, doc_id FROM registry_aliases"
            " WHERE entity_id = ? AND TRUE ON CONFLICT DO NOTHING",
            (kept, merged),
        )
        conn.execute("DELETE FROM registry_aliases WHERE entity_id = ?", (merged,))
        conn.execute(
            "INSERT INTO story_entities (entity_id, story_id, documents, last_seen)"
            " SELECT CAST(? AS TEXT), story_id, documents, last_seen FROM story_entities WHERE entity_id = ? AND TRUE"
            " ON CONFLICT (entity_id, story_id)"
            f" DO UPDATE SET documents = story_entities.documents + excluded.documents, last_seen = {_LATER}",
            (kept, merged),
        )
        conn.execute("DELETE FROM story_entities WHERE entity_id = ?", (merged,))
        conn.execute(
            "INSERT INTO cross_event_entities (event_id, entity_id)"
            " SELECT event_id, CAST(? AS TEXT) FROM cross_event_entities WHERE entity_id = ? AND TRUE"
            " ON CONFLICT DO NOTHING",
            (kept, merged),
        )
        conn.execute("DELETE FROM cross_event_entities WHERE entity_id = ?", (merged,))
        conn.execute(
            "INSERT INTO registry_merges (kept, merged, rule, doc_id, merged_at) VALUES (?, ?, ?, ?, ?)",
            (kept, merged, rule, doc_id, _now()),
        )

    def document_frequency(self, entity_ids: Iterable[str]) -> dict[str, int]:
        """entity id -> the number of documents linked to it (a counter: popular entities cost no more)."""
        ids = list(set(entity_ids))
        if not ids:
            return {}
        rows = self.conn.execute(f"SELECT id, documents FROM registry_entities WHERE id IN ({_marks(ids)})", ids)
        return {row[0]: row[1] for row in rows if row[1]}

    def linked_count(self) -> int:
        row = self.conn.execute("SELECT value FROM store_stats WHERE key = 'linked_documents'").fetchone()
        return int(row[0]) if row else 0

    def entity_detail(self, entity_id: str) -> dict[str, Any] | None:
        """An entity with its aliases, the documents that mention it (and by which rule) and its merges."""
        entity = self.entity(self.canonical(entity_id))
        if entity is None:
            return None
        eid = entity["id"]
        entity["aliases"] = [
            dict(row)
            for row in self.conn.execute(
                "SELECT alias, kind, rule, doc_id FROM registry_aliases WHERE entity_id = ? AND kind = 'name'"
                " ORDER BY alias",
                (eid,),
            )
        ]
        entity["documents"] = [
            dict(row)
            for row in self.conn.execute(
                "SELECT l.doc_id, d.title, d.published, d.language, l.local_id, l.name, l.rule, l.evidence"
                " FROM registry_links l JOIN documents d ON d.id = l.doc_id WHERE l.entity_id = ?"
                " ORDER BY d.published, l.doc_id",
                (eid,),
            )
        ]
        entity["merged"] = [
            dict(row)
            for row in self.conn.execute(
                "SELECT merged, rule, doc_id FROM registry_merges WHERE kept = ? ORDER BY merged_at", (eid,)
            )
        ]
        return entity

    def find_entities(self, text: str) -> list[str]:
        """Live entity ids whose name or an alias contains the text (for looking one up by name)."""
        rows = self.conn.execute(
            "SELECT id FROM registry_entities WHERE merged_into IS NULL AND lower(name) LIKE lower(?)"
            " UNION SELECT entity_id FROM registry_aliases WHERE kind = 'name' AND lower(alias) LIKE lower(?)",
            (f"%{text}%", f"%{text}%"),
        )
        return sorted({self.canonical(row[0]) for row in rows})

    # -- stories --------------------------------------------------------------------------

    def story_candidates(self, entity_ids: Sequence[str], since: str | None, recent: int) -> list[dict[str, Any]]:
        """Stories in which one of the document's entities was seen since `since`, and the `recent` most
        recently active ones: an inverted index read from its recent end (story_entities_recent) and a time
        window, so the cost stays flat however many stories an entity has been in over the years."""
        params: list[Any] = [since] if since else []
        ids = list(entity_ids)
        by_entity = []
        if ids:
            by_entity = self.conn.execute(
                f"SELECT e.story_id FROM story_entities e WHERE e.entity_id IN ({_marks(ids)})"
                f" AND {'e.last_seen >= ?' if since else 'TRUE'} GROUP BY e.story_id"
                " ORDER BY max(e.last_seen) DESC, e.story_id LIMIT 200",
                [*ids, *params],
            ).fetchall()
        latest = self.conn.execute(
            f"SELECT s.id FROM stories s WHERE {'s.last_seen >= ?' if since else 'TRUE'}"
            " ORDER BY s.last_seen DESC LIMIT ?",
            [*params, recent],
        ).fetchall()
        story_ids = list({row[0] for row in [*by_entity, *latest]})
        if not story_ids:
            return []
        stories = [
            dict(row)
            for row in self.conn.execute(
                "SELECT id, label, first_seen, last_seen, size, vector_sum FROM stories"
                f" WHERE id IN ({_marks(story_ids)})",
                story_ids,
            )
        ]
        counts: dict[str, dict[str, int]] = {s["id"]: {} for s in stories}
        if ids:
            for row in self.conn.execute(
                f"SELECT story_id, entity_id, documents FROM story_entities"
                f" WHERE story_id IN ({_marks(story_ids)}) AND entity_id IN ({_marks(ids)})",
                [*story_ids, *ids],
            ):
                counts[row[0]][row[1]] = row[2]
        for story in stories:
            story["entities"] = counts[story["id"]]
            story["vector_sum"] = _vector(story["vector_sum"])
        return stories

    def create_story(self, story_id: str, label: str | None) -> None:
        self.conn.execute("INSERT INTO stories (id, label, size) VALUES (?, ?, 0)", (story_id, label))

    def add_to_story(
        self,
        story_id: str,
        doc_id: str,
        published: str | None,
        vector: np.ndarray | None,
        entity_ids: Iterable[str],
        score: float | None,
        reason: str,
    ) -> None:
        row = self.conn.execute("SELECT vector_sum FROM stories WHERE id = ?", (story_id,)).fetchone()
        total = _vector(row[0])
        if vector is not None:
            total = vector.astype(np.float32) if total is None else total + vector.astype(np.float32)
        self.conn.execute(
            "UPDATE stories SET size = size + 1, vector_sum = ?,"
            " first_seen = CASE WHEN CAST(? AS TEXT) IS NULL THEN first_seen"
            "   WHEN first_seen IS NULL OR ? < first_seen THEN ? ELSE first_seen END,"
            " last_seen = CASE WHEN CAST(? AS TEXT) IS NULL THEN last_seen"
            "   WHEN last_seen IS NULL OR ? > last_seen THEN ? ELSE last_seen END WHERE id = ?",
            (None if total is None else total.tobytes(), *([published] * 6), story_id),
        )
        self.conn.execute(
            "INSERT INTO story_documents (doc_id, story_id, score, reason, published) VALUES (?, ?, ?, ?, ?)"
            " ON CONFLICT (doc_id) DO UPDATE SET story_id = excluded.story_id, score = excluded.score,"
            " reason = excluded.reason, published = excluded.published",
            (doc_id, story_id, score, reason, published),
        )
        self.conn.executemany(
            "INSERT INTO story_entities (entity_id, story_id, documents, last_seen) VALUES (?, ?, 1, ?)"
            " ON CONFLICT (entity_id, story_id)"
            f" DO UPDATE SET documents = story_entities.documents + 1, last_seen = {_LATER}",
            [(entity_id, story_id, published) for entity_id in set(entity_ids)],
        )

    def story_of(self, doc_id: str) -> str | None:
        row = self.conn.execute("SELECT story_id FROM story_documents WHERE doc_id = ?", (doc_id,)).fetchone()
        return row[0] if row else None

    def stories(self, limit: int = 1000) -> list[dict[str, Any]]:
        """Stories, most recently active first, with their document ids and cross-document event ids."""
        stories = [
            dict(row)
            for row in self.conn.execute(
                "SELECT id, label, first_seen, last_seen, size FROM stories WHERE size > 0"
                " ORDER BY last_seen DESC, id LIMIT ?",
                (limit,),
            )
        ]
        for story in stories:
            story["documents"] = [
                row[0]
                for row in self.conn.execute(
                    "SELECT doc_id FROM story_documents WHERE story_id = ? ORDER BY published, doc_id", (story["id"],)
                )
            ]
            story["events"] = [
                row[0]
                for row in self.conn.execute(
                    "SELECT DISTINCT r.event_id FROM cross_event_reports r JOIN story_documents s"
                    " ON s.doc_id = r.doc_id WHERE s.story_id = ? ORDER BY r.event_id",
                    (story["id"],),
                )
            ]
        return stories

    # -- events ---------------------------------------------------------------------------

    def event_candidates(
        self, types: Sequence[str], start: str, end: str, evidence: CandidateEvidence | None = None
    ) -> list[dict[str, Any]]:
        """Cross-document events of one of the types whose time range overlaps [start, end] and, given the
        evidence, that share something with the report: an entity, its story, a nearby place, the trigger
        word or a number. The time alone cannot merge a report, so nothing that could merge is left out,
        and a busy day's hundreds of attacks elsewhere are never read. Each span class is read from its own
        bound on the start (SPANS), so a store of ten years reads the same rows as one of ten days."""
        # One index range per span class (the type inside each, so that SQLite reads them as a MULTI-INDEX OR)
        by_span = f"(c.type IN ({_marks(types)}) AND c.time_span = ? AND c.time_start BETWEEN ? AND ?)"
        clauses = [f"({' OR '.join([by_span] * len(SPANS))})", "c.time_end >= ?"]
        params: list[Any] = [v for span in SPANS for v in (*types, span, _days_before(start, span), end)]
        params.append(start)
        if evidence is not None:
            shared, shared_params = evidence.clauses()
            clauses.append(f"({' OR '.join(shared) or 'FALSE'})")
            params += shared_params
        rows = self.conn.execute(f"SELECT c.* FROM cross_events c WHERE {' AND '.join(clauses)} LIMIT 500", params)
        events = {
            row["id"]: {**dict(row), "entities": set(), "triggers": set(), "numbers": set(), "stories": set()}
            for row in rows
        }
        if not events:
            return []
        # What the candidates hold, all in one query: each event's distinct entities, trigger words, numbers
        # and stories (kept as reports arrive), never its reports, of which a big event has hundreds.
        ids = list(events)
        held = " UNION ALL ".join(
            f"SELECT event_id, '{key}' AS kind, {column} AS text, {number} AS value FROM {table}"
            f" WHERE event_id IN ({_marks(ids)})"
            for key, table, column, number in _HELD
        )
        for event_id, kind, text, value in self.conn.execute(held, ids * len(_HELD)):
            events[event_id][kind].add(text if value is None else value)
        return list(events.values())

    def create_event(self, event: dict[str, Any]) -> None:
        self.conn.execute(
            "INSERT INTO cross_events (id, type, mode, place, lat, lon, time, time_start, time_end, time_explicit,"
            " time_span) VALUES (:id, :type, :mode, :place, :lat, :lon, :time, :time_start, :time_end,"
            " :time_explicit, :time_span)",
            {**event, "time_span": span_class(event["time_start"], event["time_end"])},
        )

    def narrow_event(self, event_id: str, time: str | None, start: str, end: str, place: dict[str, Any] | None) -> None:
        """A report with an explicit time (or a place) tells more than the event held so far."""
        if time:
            self.conn.execute(
                "UPDATE cross_events SET time = ?, time_start = ?, time_end = ?, time_explicit = 1, time_span = ?"
                " WHERE id = ? AND time_explicit = 0",
                (time, start, end, span_class(start, end), event_id),
            )
        if place:
            self.conn.execute(
                "UPDATE cross_events SET place = ?, lat = ?, lon = ? WHERE id = ? AND place IS NULL",
                (place["id"], place["lat"], place["lon"], event_id),
            )

    def add_report(
        self, report: dict[str, Any], entity_ids: Iterable[str], trigger: str | None, story_id: str | None
    ) -> None:
        """A report of an event; the event keeps what its reports share (entities, words, numbers, stories)."""
        self.conn.execute(
            "INSERT INTO cross_event_reports (doc_id, local_id, event_id, score, reason, published, source,"
            " certainty, low, high, time) VALUES (:doc_id, :local_id, :event_id, :score, :reason, :published,"
            " :source, :certainty, :low, :high, :time) ON CONFLICT (doc_id, local_id) DO UPDATE SET"
            " event_id = excluded.event_id, score = excluded.score, reason = excluded.reason,"
            " published = excluded.published, source = excluded.source, certainty = excluded.certainty,"
            " low = excluded.low, high = excluded.high, time = excluded.time",
            report,
        )
        event_id = report["event_id"]
        held: dict[str, set[Any]] = {
            "cross_event_entities (event_id, entity_id)": set(entity_ids),
            "cross_event_triggers (event_id, trigger)": {trigger} - {None},
            "cross_event_numbers (event_id, value)": {report["low"], report["high"]} - {None},
            "cross_event_stories (event_id, story_id)": {story_id} - {None},
        }
        for table, values in held.items():
            self.conn.executemany(
                f"INSERT INTO {table} VALUES (?, ?) ON CONFLICT DO NOTHING", [(event_id, v) for v in values]
            )

    def event_of(self, doc_id: str, local_id: str) -> str | None:
        row = self.conn.execute(
            "SELECT event_id FROM cross_event_reports WHERE doc_id = ? AND local_id = ?", (doc_id, local_id)
        ).fetchone()
        return row[0] if row else None

    def event_detail(self, event_id: str) -> dict[str, Any] | None:
        """An event with all its reports, sources, first and last report, number range and certainties."""
        row = self.conn.execute("SELECT * FROM cross_events WHERE id = ?", (event_id,)).fetchone()
        if row is None:
            return None
        event = dict(row)
        reports = [
            dict(r)
            for r in self.conn.execute(
                "SELECT r.doc_id, r.local_id, r.score, r.reason, r.published, r.source, r.certainty, r.low, r.high,"
                " r.time, v.trigger, d.language, d.title FROM cross_event_reports r"
                " JOIN documents d ON d.id = r.doc_id"
                " LEFT JOIN events v ON v.doc_id = r.doc_id AND v.id = r.local_id"
                " WHERE r.event_id = ? ORDER BY r.published, r.doc_id, r.local_id",
                (event_id,),
            )
        ]
        event["reports"] = reports
        event["documents"] = sorted({r["doc_id"] for r in reports})
        event["sources"] = sorted({r["source"] for r in reports if r["source"]})
        published = [r["published"] for r in reports if r["published"]]
        event["first_report"] = min(published, default=None)
        event["last_report"] = max(published, default=None)
        numbers = [v for r in reports for v in (r["low"], r["high"]) if v is not None]
        event["numbers"] = [min(numbers), max(numbers)] if numbers else None
        certainties: dict[str, int] = {}
        for report in reports:
            certainties[report["certainty"]] = certainties.get(report["certainty"], 0) + 1
        event["certainties"] = certainties
        return event

    def events_of_entity(self, entity_id: str) -> list[str]:
        return [
            row[0]
            for row in self.conn.execute(
                "SELECT event_id FROM cross_event_entities WHERE entity_id = ? ORDER BY event_id", (entity_id,)
            )
        ]


# The sets a candidate event carries: (its key, table, text column, number column).
_HELD = (
    ("entities", "cross_event_entities", "entity_id", "CAST(NULL AS DOUBLE PRECISION)"),
    ("triggers", "cross_event_triggers", "trigger", "CAST(NULL AS DOUBLE PRECISION)"),
    ("stories", "cross_event_stories", "story_id", "CAST(NULL AS DOUBLE PRECISION)"),
    ("numbers", "cross_event_numbers", "CAST(NULL AS TEXT)", "value"),
)


def _vector(blob: bytes | None) -> np.ndarray | None:
    return None if blob is None else np.frombuffer(blob, dtype=np.float32).copy()
