"""The embedded store: one SQLite file, one transaction per document, idempotent by content hash."""

from __future__ import annotations

import datetime as dt
import sqlite3
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kroniek.errors import InputError, StoreError
from kroniek.model import Document
from kroniek.store.migrations import SCHEMA_VERSION, applied, migrate, transaction
from kroniek.timex import timex_range


@dataclass(frozen=True)
class EventFilter:
    since: str | None = None  # a date, month, year or other TIMEX3 date value, inclusive
    until: str | None = None
    place: str | None = None  # place name or ISO country code
    actor: str | None = None  # part of an actor's name
    type: str | None = None  # event type or a prefix of it
    limit: int = 1000


class Store:
    def __init__(self, path: Path | str) -> None:
        self.path = Path(path)
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self.conn = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False)
            self.conn.row_factory = sqlite3.Row
            self.conn.execute("PRAGMA journal_mode=WAL")
            self.conn.execute("PRAGMA foreign_keys=ON")
            self.conn.execute("PRAGMA busy_timeout=10000")
            self._check_version()
            migrate(self.conn)
        except sqlite3.Error as error:
            raise StoreError("E030", path=self.path, reason=error) from None
        except OSError as error:
            raise StoreError("E030", path=self.path, reason=error.strerror or error) from None

    def _check_version(self) -> None:
        found = len(applied(self.conn))
        if found > SCHEMA_VERSION:
            raise StoreError("E031", path=self.path, found=found, known=SCHEMA_VERSION)

    def close(self) -> None:
        self.conn.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- writing ---------------------------------------------------------------------------

    def has(self, doc_id: str) -> bool:
        return self.conn.execute("SELECT 1 FROM documents WHERE id = ?", (doc_id,)).fetchone() is not None

    def add(self, doc: Document) -> bool:
        """Store a document and its findings in one transaction. False when it was already stored."""
        with transaction(self.conn) as conn:
            if conn.execute("SELECT 1 FROM documents WHERE id = ?", (doc.id,)).fetchone():
                return False
            info = doc.document
            conn.execute(
                "INSERT INTO documents (id, language, published, title, url, source, text, analysis,"
                " ingested_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    doc.id,
                    info.language,
                    info.published.isoformat() if info.published else None,
                    info.title,
                    info.url,
                    info.source,
                    doc.text,
                    doc.to_json(),
                    dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
                ),
            )
            _insert_findings(conn, doc)
        return True

    # -- reading ---------------------------------------------------------------------------

    def count(self) -> int:
        return int(self.conn.execute("SELECT count(*) FROM documents").fetchone()[0])

    def documents(self, limit: int = 100, offset: int = 0) -> list[dict[str, Any]]:
        rows = self.conn.execute(
            "SELECT d.id, d.published, d.language, d.title, d.source, length(d.text) AS chars,"
            " (SELECT count(*) FROM entities e WHERE e.doc_id = d.id) AS entities,"
            " (SELECT count(*) FROM events v WHERE v.doc_id = d.id) AS events"
            " FROM documents d ORDER BY d.published IS NULL, d.published, d.rowid LIMIT ? OFFSET ?",
            (limit, offset),
        )
        return [dict(row) for row in rows]

    def get(self, doc_id: str) -> Document:
        """A stored document by id or by an unambiguous prefix of at least 6 characters."""
        rows = []
        if len(doc_id) >= 6:
            rows = self.conn.execute(
                "SELECT analysis FROM documents WHERE id LIKE ? || '%' LIMIT 2", (doc_id.lower(),)
            ).fetchall()
        if len(rows) != 1:
            raise StoreError("E032", doc_id=doc_id, path=self.path)
        return Document.model_validate_json(rows[0]["analysis"])

    def events(self, where: EventFilter | None = None) -> list[dict[str, Any]]:
        where = where or EventFilter()
        clauses, params = _event_clauses(where)
        sql = (
            "SELECT v.doc_id, v.id, v.type, v.trigger, COALESCE(v.time, d.published) AS time,"
            " v.time IS NULL AS time_inferred, p.name AS place, p.lat, p.lon, p.country,"
            " c.certainty, c.source AS claim_source, d.title, d.published, d.source AS document_source,"
            " (SELECT group_concat(e.name, '; ') FROM event_roles r JOIN entities e"
            "   ON e.doc_id = r.doc_id AND e.id = r.entity_id"
            "   WHERE r.doc_id = v.doc_id AND r.event_id = v.id AND r.role = 'actor') AS actors,"
            " (SELECT group_concat(e.name, '; ') FROM event_roles r JOIN entities e"
            "   ON e.doc_id = r.doc_id AND e.id = r.entity_id"
            "   WHERE r.doc_id = v.doc_id AND r.event_id = v.id AND r.role = 'target') AS targets"
            " FROM events v JOIN documents d ON d.id = v.doc_id"
            " LEFT JOIN places p ON p.doc_id = v.doc_id AND p.id = v.place_id"
            " LEFT JOIN claims c ON c.doc_id = v.doc_id AND c.id = v.claim_id"
            f" WHERE {' AND '.join(clauses) or '1'}"
            " ORDER BY COALESCE(v.time_start, d.published) IS NULL, COALESCE(v.time_start, d.published),"
            " v.doc_id, v.trigger_start LIMIT ?"
        )
        rows = self.conn.execute(sql, (*params, where.limit))
        return [dict(row) | {"time_inferred": bool(row["time_inferred"])} for row in rows]


def _event_clauses(where: EventFilter) -> tuple[list[str], list[Any]]:
    """SQL conditions for a filter. An event matches a time bound when its time range overlaps it."""
    clauses: list[str] = []
    params: list[Any] = []
    if where.since:
        clauses.append("COALESCE(v.time_end, d.published) >= ?")
        params.append(_bound(where.since)[0].isoformat())
    if where.until:
        clauses.append("COALESCE(v.time_start, d.published) <= ?")
        params.append(_bound(where.until)[1].isoformat())
    if where.place:
        clauses.append("(p.name LIKE ? OR upper(p.country) = upper(?))")
        params += [f"%{where.place}%", where.place]
    if where.actor:
        clauses.append(
            "EXISTS (SELECT 1 FROM event_roles r JOIN entities e ON e.doc_id = r.doc_id"
            " AND e.id = r.entity_id WHERE r.doc_id = v.doc_id AND r.event_id = v.id"
            " AND r.role = 'actor' AND e.name LIKE ?)"
        )
        params.append(f"%{where.actor}%")
    if where.type:
        clauses.append("(v.type = ? OR v.type LIKE ? || '%')")
        params += [where.type, where.type]
    return clauses, params


def _iso_range(value: str | None) -> tuple[str | None, str | None]:
    bounds = timex_range(value)
    return (bounds[0].isoformat(), bounds[1].isoformat()) if bounds else (None, None)


def _bound(value: str) -> tuple[dt.date, dt.date]:
    bound = timex_range(value)
    if bound is None:
        raise InputError("E012", value=value)
    return bound


def _insert_findings(conn: sqlite3.Connection, doc: Document) -> None:
    conn.executemany(
        "INSERT INTO entities (doc_id, id, type, name, mentions) VALUES (?, ?, ?, ?, ?)",
        [(doc.id, e.id, e.type, e.name, len(e.mentions)) for e in doc.entities],
    )
    conn.executemany(
        "INSERT INTO places (doc_id, id, name, lat, lon, country, source_id) VALUES (?, ?, ?, ?, ?, ?, ?)",
        [(doc.id, p.id, p.name, p.lat, p.lon, p.country, p.source_id) for p in doc.places],
    )
    conn.executemany(
        "INSERT INTO claims (doc_id, id, source, cue, certainty) VALUES (?, ?, ?, ?, ?)",
        [(doc.id, c.id, c.source, c.cue, c.certainty) for c in doc.claims],
    )
    conn.executemany(
        "INSERT INTO events (doc_id, id, type, trigger, trigger_start, trigger_end, time, time_start,"
        " time_end, place_id, claim_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            (
                doc.id,
                v.id,
                v.type,
                v.trigger.text,
                v.trigger.start,
                v.trigger.end,
                v.time,
                *_iso_range(v.time),
                v.place,
                v.claim,
            )
            for v in doc.events
        ],
    )
    conn.executemany(
        "INSERT INTO event_roles (doc_id, event_id, role, entity_id) VALUES (?, ?, ?, ?)",
        [
            (doc.id, v.id, role, entity_id)
            for v in doc.events
            for role, ids in (("actor", v.actors), ("target", v.targets))
            for entity_id in ids
        ],
    )
