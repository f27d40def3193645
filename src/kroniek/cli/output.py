"""Rows to the listing formats every command shares: table, json (an array), csv, geojson."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Sequence
from typing import Any

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn, TimeRemainingColumn
from rich.table import Table


def to_json(rows: Sequence[dict[str, Any]]) -> str:
    return json.dumps(list(rows), ensure_ascii=False, indent=2)


def to_csv(rows: Sequence[dict[str, Any]], columns: Sequence[str] | None = None) -> str:
    columns = list(columns or (rows[0].keys() if rows else []))
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=columns, extrasaction="ignore", lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue()


def to_geojson(rows: Sequence[dict[str, Any]]) -> str:
    """A FeatureCollection of the rows that have coordinates (lon, lat order, as GeoJSON wants)."""
    features = [
        {
            "type": "Feature",
            "geometry": {"type": "Point", "coordinates": [row["lon"], row["lat"]]},
            "properties": {k: v for k, v in row.items() if k not in ("lat", "lon")},
        }
        for row in rows
        if row.get("lat") is not None and row.get("lon") is not None
    ]
    return json.dumps({"type": "FeatureCollection", "features": features}, ensure_ascii=False, indent=2)


def print_table(
    console: Console,
    rows: Sequence[dict[str, Any]],
    columns: Sequence[str],
    title: str,
    wrap: Sequence[str] = (),
) -> None:
    """A rich table; only the `wrap` columns may wrap, the others keep their values on one line."""
    if not rows:
        console.print(f"[dim]no {title.lower()}[/dim]")
        return
    table = Table(title=title, title_justify="left", show_lines=False)
    for column in columns:
        table.add_column(column, overflow="fold", no_wrap=column not in wrap)
    for row in rows:
        table.add_row(*("" if row.get(c) is None else str(row.get(c)) for c in columns))
    console.print(table)


def progress(console: Console) -> Progress:
    """The progress bar of long commands (ingest, batch), on stderr, gone when done."""
    return Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        TimeRemainingColumn(),
        console=console,
        transient=True,
    )
