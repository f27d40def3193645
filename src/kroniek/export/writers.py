"""Rows to files, one row at a time: JSON (one array), JSON Lines, CSV, GeoJSON and Parquet.

Every writer takes an iterator and keeps at most one batch in memory, so an export of any size runs in
the same memory. Each returns how many rows it wrote and how many it had to leave out.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from enum import StrEnum
from itertools import islice
from typing import IO, Any

from kroniek.export.rows import COLUMNS, Column

PARQUET_BATCH = 5000


class ExportFormat(StrEnum):
    json = "json"
    jsonl = "jsonl"
    csv = "csv"
    geojson = "geojson"
    parquet = "parquet"


BINARY_FORMATS = frozenset({ExportFormat.parquet})


@dataclass
class Written:
    rows: int = 0
    left_out: int = 0  # rows the format cannot hold (GeoJSON: events without coordinates)


def _dumps(row: dict[str, Any]) -> str:
    return json.dumps(row, ensure_ascii=False, default=str)


def write_json(rows: Iterable[dict[str, Any]], out: IO[str]) -> Written:
    written = Written()
    out.write("[")
    for row in rows:
        out.write(("," if written.rows else "") + "\n" + _dumps(row))
        written.rows += 1
    out.write("\n]\n" if written.rows else "]\n")
    return written


def write_jsonl(rows: Iterable[dict[str, Any]], out: IO[str]) -> Written:
    written = Written()
    for row in rows:
        out.write(_dumps(row) + "\n")
        written.rows += 1
    return written


def write_csv(rows: Iterable[dict[str, Any]], out: IO[str], columns: Sequence[str]) -> Written:
    writer = csv.DictWriter(out, fieldnames=list(columns), extrasaction="ignore", lineterminator="\n")
    writer.writeheader()
    written = Written()
    for row in rows:
        writer.writerow(row)
        written.rows += 1
    return written


def feature(row: dict[str, Any], lat: str = "latitude", lon: str = "longitude") -> dict[str, Any] | None:
    """A GeoJSON Point feature (RFC 7946: longitude first) with the other columns as properties."""
    if row.get(lat) is None or row.get(lon) is None:
        return None
    return {
        "type": "Feature",
        "geometry": {"type": "Point", "coordinates": [row[lon], row[lat]]},
        "properties": {key: value for key, value in row.items() if key not in (lat, lon)},
    }


def write_geojson(rows: Iterable[dict[str, Any]], out: IO[str]) -> Written:
    """A FeatureCollection of Points; events without coordinates are left out (and counted)."""
    written = Written()
    out.write('{"type": "FeatureCollection", "features": [')
    for row in rows:
        found = feature(row)
        if found is None:
            written.left_out += 1
            continue
        out.write(("," if written.rows else "") + "\n" + _dumps(found))
        written.rows += 1
    out.write("\n]}\n")
    return written


def write_parquet(rows: Iterable[dict[str, Any]], out: IO[bytes], columns: Sequence[Column] = COLUMNS) -> Written:
    """A Parquet file with typed columns (dates as dates), written in row groups of PARQUET_BATCH rows."""
    import pyarrow as pa  # only this format needs it
    import pyarrow.parquet as pq

    types = {"string": pa.string(), "date": pa.date32(), "int": pa.int64(), "float": pa.float64()}
    schema = pa.schema([(column.name, types[column.kind]) for column in columns])
    written = Written()
    with pq.ParquetWriter(out, schema) as writer:
        for batch in _batches(iter(rows), PARQUET_BATCH):
            arrays = [
                pa.array([_arrow_value(row.get(c.name), c.kind) for row in batch], types[c.kind]) for c in columns
            ]
            writer.write_table(pa.Table.from_arrays(arrays, schema=schema))
            written.rows += len(batch)
    return written


def _arrow_value(value: Any, kind: str) -> Any:
    if value is None or kind != "date":
        return value
    return dt.date.fromisoformat(str(value)[:10])


def _batches(rows: Iterator[dict[str, Any]], size: int) -> Iterator[list[dict[str, Any]]]:
    while batch := list(islice(rows, size)):
        yield batch


def write(format: ExportFormat, rows: Iterable[dict[str, Any]], out: IO[Any]) -> Written:
    """Rows in the format; `out` is a binary file for Parquet and a text file otherwise."""
    if format is ExportFormat.parquet:
        return write_parquet(rows, out)
    if format is ExportFormat.csv:
        return write_csv(rows, out, [column.name for column in COLUMNS])
    writers = {ExportFormat.json: write_json, ExportFormat.jsonl: write_jsonl, ExportFormat.geojson: write_geojson}
    return writers[format](rows, out)
