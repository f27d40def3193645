"""The store: documents and their findings, one transaction per document, idempotent by content hash.

One class over both backends (kroniek.store.connection): the embedded SQLite file by default, or a
PostgreSQL server named by a URL. The SQL is written once; what differs between the engines comes
from the connection's dialect.
"""

from __future__ import annotations

import datetime as dt
import math
import sqlite3
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import asdict
from pathlib import Path
from typing import Any

import numpy as np

from kroniek.errors import InputError, StoreError
from kroniek.model import Document
from kroniek.store.connection import Connection, Dialect, connect, redact
from kroniek.store.migrations import SCHEMA_VERSION, applied, migrate
from kroniek.store.queries import (
    BoundingBox,
    DocumentQuery,
    EntityQuery,
    EventFilter,
    EventQuery,
    Page,
    PlaceQuery,
)
from kroniek.timex import timex_range


class Store:
    """`Store("kroniek.db")`, `Store("sqlite:///kroniek.db")` or `Store("postgresql://host/kroniek")`."""

    def __init__(self, target: Path | str) -> None:
        self.path = redact(str(target))
        with _as_store_error("E030", path=self.path):
            self.conn: Connection = connect(target)
        try:
            with _as_store_error("E030", path=self.path):
                self._check_version()
                migrate(self.conn)
        except BaseException:
            self.conn.close()
            raise

    @property
    def dialect(self) -> Dialect:
        return self.conn.dialect

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

    def add(self, doc: Document, vector: np.ndarray | None = None) -> bool:
        """Store a document and its findings (and its story vector, when given) in one transaction. False
        when it was already stored.

        The insert itself decides (ON CONFLICT DO NOTHING): two processes adding the same article at
        the same moment store it once, on either backend.
        """
        with _as_store_error("E034", doc_id=doc.id, path=self.path):
            return self._add(doc, vector)

    def vector(self, doc_id: str) -> np.ndarray | None:
        """The document's multilingual vector, computed where it was analysed (kroniek.link.embed), if stored."""
        row = self.conn.execute("SELECT vector FROM document_vectors WHERE doc_id = ?", (doc_id,)).fetchone()
        return None if row is None else np.frombuffer(row[0], dtype=np.float32).copy()

    def _add(self, doc: Document, vector: np.ndarray | None = None) -> bool:
        info = doc.document
        with self.conn.transaction() as conn:
            inserted = conn.execute(
                "INSERT INTO documents (id, language, published, title, url, source, text, analysis,"
                " ingested_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING",
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
            ).rowcount
            if inserted:
                _insert_findings(conn, doc)
                _record_longest_event(conn, doc)
            if inserted and vector is not None:
                conn.execute(
                    "INSERT INTO document_vectors (doc_id, vector) VALUES (?, ?)",
                    (doc.id, np.asarray(vector, dtype=np.float32).tobytes()),
                )
        return bool(inserted)

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
            where, params = _id_prefix("id", doc_id)
            rows = self.conn.execute(f"SELECT analysis FROM documents WHERE {where} LIMIT 2", params).fetchall()
        if len(rows) != 1:
            raise StoreError("E032", doc_id=doc_id, path=self.path)
        return Document.model_validate_json(rows[0]["analysis"])

    def longest_event_days(self) -> float:
        """The longest time range of a stored event, in days (kept by `add`; migration 005)."""
        row = self.conn.execute("SELECT value FROM store_stats WHERE key = 'longest_event_days'").fetchone()
        return float(row[0]) if row else 0.0

    def events(self, where: EventFilter | None = None) -> list[dict[str, Any]]:
        """The first `limit` events matching the filter, oldest first: the first page of event_page."""
        query = where if isinstance(where, EventQuery) else EventQuery(**asdict(where or EventFilter()))
        return self.event_page(query).rows

    # -- reading, one page at a time (the HTTP API) -----------------------------------------

    def _event_where(self, query: EventQuery) -> tuple[str, list[Any]]:
        """The joins and WHERE condition of every event listing, and their parameters."""
        clauses, params = _event_clauses(query, self.longest_event_days())
        more, more_params = _event_query_clauses(query, self.dialect)
        return f"{_event_joins(query)} WHERE {_all(clauses + more)}", [*params, *more_params]

    def event_page(self, query: EventQuery, after: Sequence[Any] | None = None) -> Page:
        """Events matching the query, oldest first, after the key of the previous page's last row."""
        where, params = self._event_where(query)
        # First the page's rows by their sort key alone, then their details: the names of actors and
        # targets are looked up for one page, not for every matching event.
        keys = f"SELECT v.rowid AS rid, {_EVENT_SORT_KEY} {where}"
        page = _fetch_page(self.conn, keys, params, 4, after, query.limit)
        rowids = [row["rid"] for row in page.rows]
        in_page, ids = self.dialect.in_ids("v.rowid", rowids)
        roles = {role: _role_names(self.dialect, role) for role in ("actor", "target")}
        details = self.conn.execute(
            "SELECT v.rowid AS rid, v.doc_id, v.id, v.type, v.trigger, v.trigger_start, v.trigger_end,"
            " COALESCE(v.time, d.published) AS time, v.time IS NULL AS time_inferred, v.time_start, v.time_end,"
            " v.place_id, p.name AS place, p.lat, p.lon, p.country, v.claim_id, c.certainty,"
            " COALESCE((SELECT e.name FROM entities e WHERE e.doc_id = v.doc_id AND e.id = c.source), c.source)"
            " AS claim_source, d.title, d.published, d.source AS document_source, d.url,"
            f" {roles['actor']} AS actors, {roles['target']} AS targets {_EVENT_JOINS} WHERE {in_page}",
            (ids,),
        )
        by_rowid = {row["rid"]: row for row in details}
        rows = [dict(by_rowid[rowid]) for rowid in rowids]
        for row in rows:
            del row["rid"]
            row["time_inferred"] = bool(row["time_inferred"])
        return Page(rows, page.next_key)

    def document_page(self, query: DocumentQuery, after: Sequence[Any] | None = None) -> Page:
        """Documents matching the query, oldest publication first (undated last)."""
        clauses, params = _document_clauses(query, self.dialect)
        sql = (
            "SELECT d.id, d.published, d.language, d.title, d.url, d.source, length(d.text) AS chars,"
            " (SELECT count(*) FROM entities e WHERE e.doc_id = d.id) AS entities,"
            " (SELECT count(*) FROM places p WHERE p.doc_id = d.id) AS places,"
            " (SELECT count(*) FROM events v WHERE v.doc_id = d.id) AS events,"
            f" COALESCE(d.published, '{_LAST_DAY}') AS _k0, d.rowid AS _k1"
            f" FROM documents d WHERE {_all(clauses)}"
        )
        return _fetch_page(self.conn, sql, params, 2, after, query.limit)

    def entity_page(self, query: EntityQuery, after: Sequence[Any] | None = None) -> Page:
        """Entities across documents, one row per (type, name), most widely reported first."""
        clauses, params = _document_clauses(query, self.dialect)
        if query.name:
            clauses.append(_CONTAINS.format(column="e.name"))
            params.append(_like(query.name))
        if query.type:
            clauses.append("(e.type = ? OR e.type LIKE ?)")
            params += [query.type, f"{query.type}%"]
        sql = (
            "SELECT name, type, documents, mentions, -documents AS _k0, -mentions AS _k1, name AS _k2, type AS _k3"
            " FROM (SELECT e.name, e.type, count(DISTINCT e.doc_id) AS documents, sum(e.mentions) AS mentions"
            f" FROM entities e JOIN documents d ON d.id = e.doc_id WHERE {_all(clauses)} GROUP BY e.type, e.name)"
            " AS entity_counts"
        )
        return _fetch_page(self.conn, sql, params, 4, after, query.limit)

    def place_page(self, query: PlaceQuery, after: Sequence[Any] | None = None) -> Page:
        """Places across documents, one row per resolved place, most widely reported first."""
        clauses, params = _document_clauses(query, self.dialect)
        place_clauses, place_params = _place_clauses(query.name, query.country, query.bbox)
        sql = (
            "SELECT name, lat, lon, country, source_id, documents, events,"
            " -documents AS _k0, name AS _k1, COALESCE(source_id, '') AS _k2, COALESCE(country, '') AS _k3,"
            " COALESCE(lat, 999) AS _k4, COALESCE(lon, 999) AS _k5"
            " FROM (SELECT p.name, p.lat, p.lon, p.country, p.source_id, count(DISTINCT p.doc_id) AS documents,"
            " CAST(sum((SELECT count(*) FROM events v WHERE v.doc_id = p.doc_id AND v.place_id = p.id)) AS INTEGER)"
            " AS events"
            " FROM places p JOIN documents d ON d.id = p.doc_id"
            f" WHERE {_all(clauses + place_clauses)} GROUP BY p.source_id, p.name, p.country, p.lat, p.lon)"
            " AS place_counts"
        )
        return _fetch_page(self.conn, sql, [*params, *place_params], 6, after, query.limit)

    def event_brief_page(self, query: EventQuery, after: Sequence[Any] | None = None) -> Page:
        """The rows of `event_page(query, after)` with BRIEF_COLUMNS only, in one query (a map's 10,000
        rows): the same sort key and next key, the actors looked up for the page's rows only."""
        where, params = self._event_where(query)
        sql = (
            "SELECT v.doc_id, v.id, v.type, v.trigger, COALESCE(v.time, d.published) AS time, p.name AS place,"
            f" p.country, p.lat, p.lon, {_role_names(self.dialect, 'actor')} AS actors, c.certainty,"
            f" {_EVENT_SORT_KEY} {where}"
        )
        return _fetch_page(self.conn, sql, params, 4, after, query.limit)

    def event_days(self, query: EventQuery) -> list[tuple[str, int]]:
        """(day, number of events) for the events matching the query; an event counts on its first day."""
        where, params = self._event_where(query)
        sql = (
            f"SELECT substr(v.sort_time, 1, 10) AS day, count(*) AS n {where}"
            f" AND v.sort_time < '{_LAST_DAY}' GROUP BY day ORDER BY day"
        )
        return [(row["day"], row["n"]) for row in self.conn.execute(sql, params)]

    def published_days(self, query: DocumentQuery) -> list[tuple[str, int]]:
        """(day, number of documents published that day) for the documents matching the query."""
        clauses, params = _document_clauses(query, self.dialect)
        sql = (
            "SELECT d.published AS day, count(*) AS n FROM documents d"
            f" WHERE d.published IS NOT NULL AND {_all(clauses)} GROUP BY day ORDER BY day"
        )
        return [(row["day"], row["n"]) for row in self.conn.execute(sql, params)]


def _event_clauses(where: EventFilter, longest_days: float = 0.0) -> tuple[list[str], list[Any]]:
    """SQL conditions for a filter. An event matches a time bound when its time range overlaps it.

    `longest_days` is the longest time range of any stored event: an event that ends after `since` starts
    no earlier than that many days before it, which lets the sort-time index bound the scan from below."""
    clauses: list[str] = []
    params: list[Any] = []
    if where.since:
        since = _bound(where.since)[0]
        clauses.append("COALESCE(v.time_end, d.published) >= ? AND v.sort_time >= ?")
        params += [since.isoformat(), (since - dt.timedelta(days=math.ceil(longest_days))).isoformat()]
    if where.until:
        clauses.append("COALESCE(v.time_start, d.published) <= ?")
        params.append(_bound(where.until)[1].isoformat())
    if where.place:
        clauses.append(f"({_CONTAINS.format(column='p.name')} OR upper(p.country) = upper(?))")
        params += [_like(where.place), where.place]
    if where.actor:
        clauses.append(
            "EXISTS (SELECT 1 FROM event_roles r JOIN entities e ON e.doc_id = r.doc_id"
            " AND e.id = r.entity_id WHERE r.doc_id = v.doc_id AND r.event_id = v.id"
            f" AND r.role = 'actor' AND {_CONTAINS.format(column='e.name')})"
        )
        params.append(_like(where.actor))
    if where.type:
        clauses.append("(v.type = ? OR v.type LIKE ?)")
        params += [where.type, f"{where.type}%"]
    return clauses, params


def _iso_range(value: str | None) -> tuple[str | None, str | None]:
    bounds = timex_range(value)
    return (bounds[0].isoformat(), bounds[1].isoformat()) if bounds else (None, None)


def _bound(value: str) -> tuple[dt.date, dt.date]:
    bound = timex_range(value)
    if bound is None:
        raise InputError("E012", value=value)
    return bound


def _record_longest_event(conn: Connection, doc: Document) -> None:
    spans = [(bounds[1] - bounds[0]).days for v in doc.events if (bounds := timex_range(v.time))]
    if spans and max(spans) > 0:
        conn.execute(
            "INSERT INTO store_stats (key, value) VALUES ('longest_event_days', ?) ON CONFLICT (key) DO UPDATE"
            " SET value = CASE WHEN excluded.value > store_stats.value THEN excluded.value ELSE store_stats.value END",
            (float(max(spans)),),
        )


def _insert_findings(conn: Connection, doc: Document) -> None:
    conn.executemany(
        "INSERT INTO entities (doc_id, id, type, name, mentions) VALUES (?, ?, ?, ?, ?)",
        [(doc.id, e.id, e.type, e.name, len(e.mentions)) for e in doc.entities],
    )
    conn.executemany(
        "INSERT INTO places (doc_id, id, name, lat, lon, country, source_id, admin1, admin1_code, precision)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            (doc.id, p.id, p.name, p.lat, p.lon, p.country, p.source_id, p.admin1, p.admin1_code, p.precision)
            for p in doc.places
        ],
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


# -- queries for paged reading -------------------------------------------------------------

_LAST_DAY = "9999-12-31"  # sorts undated rows last
_EVENT_SORT_TIME = "v.sort_time"  # COALESCE(time_start, the article's date, _LAST_DAY): migration 002
# The sort key of every event listing, as the columns _k0 ... _k3 that _fetch_page pages by.
_EVENT_SORT_KEY = f"{_EVENT_SORT_TIME} AS _k0, v.doc_id AS _k1, v.trigger_start AS _k2, v.id AS _k3"
# The columns of a brief event row (Store.event_brief_page), in order.
BRIEF_COLUMNS = ("doc_id", "id", "type", "trigger", "time", "place", "country", "lat", "lon", "actors", "certainty")
_EVENT_JOINS = (
    "FROM events v JOIN documents d ON d.id = v.doc_id"
    " LEFT JOIN places p ON p.doc_id = v.doc_id AND p.id = v.place_id"
    " LEFT JOIN claims c ON c.doc_id = v.doc_id AND c.id = v.claim_id"
)


def _event_joins(query: EventFilter) -> str:
    """The joins of an event listing; an inner join on the place when the query filters on it, so the
    planner may start from the places (by country or name) instead of walking the events."""
    country = getattr(query, "country", None) or getattr(query, "bbox", None)
    return _EVENT_JOINS.replace("LEFT JOIN places", "JOIN places") if query.place or country else _EVENT_JOINS


# Case-insensitive "contains" (the parameter carries the % signs): lower() on both sides, as SQLite's LIKE
# ignores case and PostgreSQL's does not.
_CONTAINS = "lower({column}) LIKE lower(?) ESCAPE '\\'"


def _like(text: str) -> str:
    """A LIKE pattern for "contains `text`", in which `%` and `_` typed by a user are literal."""
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def _id_prefix(column: str, prefix: str) -> tuple[str, list[str]]:
    """Ids (lower-case hex) that start with `prefix`, as a range the primary key's index can answer."""
    prefix = prefix.lower()
    return f"{column} >= ? AND {column} < ?", [prefix, prefix + "g"]


def _role_names(dialect: Dialect, role: str) -> str:
    names = dialect.concat("e.name", "; ")
    return (
        f"(SELECT {names} FROM event_roles r JOIN entities e ON e.doc_id = r.doc_id"
        f" AND e.id = r.entity_id WHERE r.doc_id = v.doc_id AND r.event_id = v.id AND r.role = '{role}')"
    )


def _fetch_page(
    conn: Connection, sql: str, params: Sequence[Any], keys: int, after: Sequence[Any] | None, limit: int
) -> Page:
    """Keyset pagination over `sql`, whose rows carry their sort key in the columns _k0 ... _k{keys-1}.

    Row-value comparison keeps each page as fast as the first, and rows added meanwhile are not repeated.
    """
    names = ", ".join(f"_k{i}" for i in range(keys))
    where, extra = "TRUE", list[Any]()
    if after is not None:
        if len(after) != keys:
            raise ValueError(f"a key of {len(after)} values for a listing sorted by {keys}")
        where, extra = f"({names}) > ({', '.join('?' * keys)})", list(after)
    rows = conn.execute(
        f"SELECT * FROM ({sql}) AS listing WHERE {where} ORDER BY {names} LIMIT ?", [*params, *extra, limit + 1]
    ).fetchall()
    next_key = tuple(rows[limit - 1][f"_k{i}"] for i in range(keys)) if len(rows) > limit else None
    columns = [name for name in rows[0].keys() if not name.startswith("_k")] if rows else []  # noqa: SIM118
    return Page([{name: row[name] for name in columns} for row in rows[:limit]], next_key)


def _all(clauses: Sequence[str]) -> str:
    return " AND ".join(clauses) or "TRUE"


def _event_query_clauses(query: EventQuery, dialect: Dialect) -> tuple[list[str], list[Any]]:
    """Conditions beyond the EventFilter's (which _event_clauses builds)."""
    clauses, params = _place_clauses(None, query.country, query.bbox)
    if query.until:  # the same bound as _event_clauses puts on the start, on the indexed column
        clauses.append("v.sort_time <= ?")
        params.append(_bound(query.until)[1].isoformat())
    if query.certainty:
        clauses.append("c.certainty = ?")
        params.append(query.certainty)
    if query.q:
        clauses.append(dialect.fts("d"))
        params.append(dialect.fts_query(query.q))
    if query.doc:
        where, more = _id_prefix("v.doc_id", query.doc)
        clauses.append(where)
        params += more
    if query.story:
        clauses.append("v.doc_id IN (SELECT s.doc_id FROM story_documents s WHERE s.story_id = ?)")
        params.append(query.story)
    return clauses, params


def _place_clauses(
    name: str | None, country: str | None, bbox: BoundingBox | None, alias: str = "p"
) -> tuple[list[str], list[Any]]:
    clauses: list[str] = []
    params: list[Any] = []
    if name:
        clauses.append(_CONTAINS.format(column=f"{alias}.name"))
        params.append(_like(name))
    if country:
        clauses.append(f"upper({alias}.country) = upper(?)")
        params.append(country)
    if bbox:
        min_lon, min_lat, max_lon, max_lat = bbox
        across = min_lon > max_lon  # a box across the antimeridian
        clauses.append(
            f"{alias}.lat BETWEEN ? AND ? AND ({alias}.lon >= ? {'OR' if across else 'AND'} {alias}.lon <= ?)"
        )
        params += [min_lat, max_lat, min_lon, max_lon]
    return clauses, params


def _document_clauses(query: DocumentQuery, dialect: Dialect) -> tuple[list[str], list[Any]]:
    """Conditions on the documents (alias d) for any listing scoped by documents."""
    clauses: list[str] = []
    params: list[Any] = []
    if query.since:
        clauses.append("d.published >= ?")
        params.append(_bound(query.since)[0].isoformat())
    if query.until:
        clauses.append("d.published <= ?")
        params.append(_bound(query.until)[1].isoformat())
    if query.q:
        clauses.append(dialect.fts("d"))
        params.append(dialect.fts_query(query.q))
    if query.language:
        clauses.append("d.language = ?")
        params.append(query.language.lower())
    if query.doc:
        where, more = _id_prefix("d.id", query.doc)
        clauses.append(where)
        params += more
    if query.place:
        clauses.append(
            "EXISTS (SELECT 1 FROM places m WHERE m.doc_id = d.id"
            f" AND ({_CONTAINS.format(column='m.name')} OR upper(m.country) = upper(?)))"
        )
        params += [_like(query.place), query.place]
    if query.country or query.bbox:
        place_where, place_params = _place_clauses(None, query.country, query.bbox, alias="m")
        clauses.append(f"EXISTS (SELECT 1 FROM places m WHERE m.doc_id = d.id AND {_all(place_where)})")
        params += place_params
    return clauses, params


@contextmanager
def _as_store_error(code: str, **fields: Any) -> Iterator[None]:
    """A database or file-system error as a numbered StoreError whose reason is the engine's first line."""
    try:
        yield
    except OSError as error:
        raise StoreError(code, **fields, reason=error.strerror or error) from None
    except Exception as error:
        if not isinstance(error, sqlite3.Error) and not type(error).__module__.startswith("psycopg"):
            raise
        reason = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
        raise StoreError(code, **fields, reason=reason) from error
