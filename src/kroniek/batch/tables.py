"""Analysed documents as Parquet tables: one row per document, event, entity and place.

Each partition writes one file per table, `OUT/<table>/<partition>.parquet`, so `pyarrow.parquet.read_table(OUT
/ "events")` reads every partition as one table. A file is written under a temporary name and renamed, so a
crash never leaves half a file; the documents file is written last and marks the partition as done, unless
`OUT/failed/<partition>.json` lists documents that could not be analysed: then a rerun tries it again.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from kroniek.model import Document, Entity, Event, Place

_MENTION = pa.struct([("start", pa.int32()), ("end", pa.int32()), ("text", pa.string())])
_STRINGS = pa.list_(pa.string())

SCHEMAS: dict[str, pa.Schema] = {
    "documents": pa.schema(
        [
            ("id", pa.string()),
            ("origin", pa.string()),
            ("language", pa.string()),
            ("published", pa.date32()),
            ("title", pa.string()),
            ("url", pa.string()),
            ("source", pa.string()),
            ("text", pa.string()),
            ("sentences", pa.int32()),
            ("tokens", pa.int32()),
            ("entities", pa.int32()),
            ("places", pa.int32()),
            ("events", pa.int32()),
            ("stages", _STRINGS),
            ("warnings", _STRINGS),
            ("analysis", pa.string()),  # the whole document as JSON (the output contract): nothing is lost
        ]
    ),
    "events": pa.schema(
        [
            ("doc_id", pa.string()),
            ("id", pa.string()),
            ("type", pa.string()),
            ("mode", pa.string()),
            ("trigger", pa.string()),
            ("trigger_start", pa.int32()),
            ("trigger_end", pa.int32()),
            ("time", pa.string()),
            ("published", pa.date32()),
            ("actors", _STRINGS),
            ("targets", _STRINGS),
            ("place_id", pa.string()),
            ("place", pa.string()),
            ("country", pa.string()),
            ("lat", pa.float64()),
            ("lon", pa.float64()),
            ("negated", pa.bool_()),
            ("modality", pa.string()),
            ("certainty", pa.string()),
            ("claim_source", pa.string()),
            ("fatalities", pa.float64()),
            ("size", pa.float64()),
            ("summary", pa.string()),
        ]
    ),
    "entities": pa.schema(
        [
            ("doc_id", pa.string()),
            ("id", pa.string()),
            ("type", pa.string()),
            ("name", pa.string()),
            ("mentions", pa.list_(_MENTION)),
        ]
    ),
    "places": pa.schema(
        [
            ("doc_id", pa.string()),
            ("id", pa.string()),
            ("name", pa.string()),
            ("kind", pa.string()),
            ("country", pa.string()),
            ("lat", pa.float64()),
            ("lon", pa.float64()),
            ("source_id", pa.string()),
            ("within", _STRINGS),
            ("mentions", pa.list_(_MENTION)),
        ]
    ),
}
# The documents table goes last: its file existing means the whole partition was written.
TABLE_ORDER = ("events", "entities", "places", "documents")


def partition_done(out: Path, key: str) -> bool:
    return (out / "documents" / f"{key}.parquet").is_file() and not _failed_file(out, key).exists()


def write_partition(out: Path, key: str, docs: list[tuple[str, Document]], failures: list[str]) -> None:
    """Write one partition's tables; `docs` pairs each analysed document with where it was read from.

    `failures` (messages about the documents that could not be analysed) are kept beside the tables
    until a run analyses the whole partition."""
    failed = _failed_file(out, key)
    if failures:
        _write_file_atomically(json.dumps(failures, ensure_ascii=False, indent=1).encode(), failed)
    rows: dict[str, list[dict[str, Any]]] = {name: [] for name in TABLE_ORDER}
    for origin, doc in docs:
        rows["documents"].append(document_row(doc, origin))
        rows["events"] += [event_row(doc, event) for event in doc.events]
        rows["entities"] += [entity_row(doc, entity) for entity in doc.entities]
        rows["places"] += [place_row(doc, place) for place in doc.places]
    for name in TABLE_ORDER:
        table = pa.Table.from_pylist(rows[name], schema=SCHEMAS[name])
        _write_file_atomically(_parquet_bytes(table), out / name / f"{key}.parquet")
    if not failures:
        failed.unlink(missing_ok=True)


def _failed_file(out: Path, key: str) -> Path:
    return out / "failed" / f"{key}.json"


def _parquet_bytes(table: pa.Table) -> bytes:
    sink = pa.BufferOutputStream()
    pq.write_table(table, sink, compression="zstd")
    return bytes(sink.getvalue().to_pybytes())


def _write_file_atomically(data: bytes, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")  # per process: a retried task never collides
    temporary.write_bytes(data)
    os.replace(temporary, path)


def document_row(doc: Document, origin: str) -> dict[str, Any]:
    info = doc.document
    return {
        "id": doc.id,
        "origin": origin,
        "language": info.language,
        "published": info.published,
        "title": info.title,
        "url": info.url,
        "source": info.source,
        "text": doc.text,
        "sentences": len(doc.sentences),
        "tokens": sum(len(sentence.tokens) for sentence in doc.sentences),
        "entities": len(doc.entities),
        "places": len(doc.places),
        "events": len(doc.events),
        "stages": doc.stages,
        "warnings": doc.warnings,
        "analysis": doc.to_json(),
    }


def event_row(doc: Document, event: Event) -> dict[str, Any]:
    place = _by_id(doc.places, event.place)
    claim = _by_id(doc.claims, event.claim)
    return {
        "doc_id": doc.id,
        "id": event.id,
        "type": event.type,
        "mode": event.mode,
        "trigger": event.trigger.text,
        "trigger_start": event.trigger.start,
        "trigger_end": event.trigger.end,
        "time": event.time,
        "published": doc.document.published,
        "actors": [doc.name_of(ref) for ref in event.actors],
        "targets": [doc.name_of(ref) for ref in event.targets],
        "place_id": event.place,
        "place": place.name if place else None,
        "country": place.country if place else None,
        "lat": place.lat if place else None,
        "lon": place.lon if place else None,
        "negated": event.negated,
        "modality": event.modality,
        "certainty": claim.certainty if claim else None,
        "claim_source": doc.name_of(claim.source) if claim else None,
        "fatalities": event.fatalities,
        "size": event.size,
        "summary": event.summary,
    }


def entity_row(doc: Document, entity: Entity) -> dict[str, Any]:
    return {"doc_id": doc.id, **entity.model_dump(mode="json")}


def place_row(doc: Document, place: Place) -> dict[str, Any]:
    return {"doc_id": doc.id, **place.model_dump(mode="json")}


def _by_id(items: list[Any], ref: str | None) -> Any:
    return next((item for item in items if item.id == ref), None) if ref else None
