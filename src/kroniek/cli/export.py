"""`kroniek export`: every stored event matching the filters, one row per real event, to a file or stdout.

A thin wrapper over kroniek.export; main.py registers it (and wraps it in exits_cleanly).
"""

from __future__ import annotations

import inspect
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Annotated, Any, get_args

import typer
from rich.console import Console

from kroniek.cli.options import ActorOption, DbOption, PlaceOption, SinceOption, TypeOption, UntilOption
from kroniek.errors import InputError
from kroniek.export import COLUMNS, ExportFormat, export_rows, write
from kroniek.export.writers import BINARY_FORMATS
from kroniek.link.across import link_pending
from kroniek.model import Certainty
from kroniek.settings import Settings
from kroniek.store import EventQuery, Store
from kroniek.store.linked import story

err = Console(stderr=True, highlight=False)

_SUFFIXES = {f".{f.value}": f for f in ExportFormat} | {".ndjson": ExportFormat.jsonl, ".pq": ExportFormat.parquet}
CERTAINTIES = get_args(Certainty)
_COLUMN_HELP = (
    "Columns: " + ", ".join(column.name for column in COLUMNS) + " (described in GET /openapi.json, TimelineEvent)."
)


def export(
    format: Annotated[
        ExportFormat | None,
        typer.Option(
            "--format",
            "-f",
            help="json (one array), jsonl, csv, geojson or parquet; default: from the -o suffix, else csv",
        ),
    ] = None,
    output: Annotated[Path | None, typer.Option("--output", "-o", help="write here instead of stdout")] = None,
    db: DbOption = None,
    since: SinceOption = None,
    until: UntilOption = None,
    place: PlaceOption = None,
    actor: ActorOption = None,
    type: TypeOption = None,
    country: Annotated[str | None, typer.Option(help="ISO 3166-1 alpha-2 code of the event's place")] = None,
    certainty: Annotated[
        str | None, typer.Option(callback=_certainty, help=f"how its source presents it: {', '.join(CERTAINTIES)}")
    ] = None,
    story_id: Annotated[str | None, typer.Option("--story", help="story id (`kroniek stories` lists them)")] = None,
    limit: Annotated[int | None, typer.Option(min=1, help="at most this many events")] = None,
) -> None:
    """Export events, oldest first: JSON, JSON Lines, CSV (ACLED's column names), GeoJSON or Parquet.

    One row per real event. Where articles report the same event (linked across documents), the event
    is one row: the first report in time that matches the filters stands for it, `reports` counts all
    its reports and `source` names their outlets; `fatalities` is the lowest figure any report gives
    (ACLED's rule) and `certainty` how most reports present it. Events the text says did not happen are
    left out; GeoJSON leaves out events without coordinates (counted on stderr). The output streams: any
    number of events fits in memory.
    """
    chosen = format or _format_of(output)
    query = EventQuery(
        since=since, until=until, place=place, actor=actor, type=type, country=country, certainty=certainty,
        story=story_id,
    )  # fmt: skip
    with Store(Settings.from_env(db=db).db) as store:
        link_pending(store)  # reports stored but not linked yet would each count as an event
        if story_id and story(store.conn, story_id) is None:
            raise InputError("E060", story_id=story_id, path=store.path)
        with _opened(output, binary=chosen in BINARY_FORMATS) as out:
            written = write(chosen, export_rows(store, query, limit), out)
    if written.left_out:
        err.print(f"[yellow]warning:[/yellow] {written.left_out} events without coordinates left out of the GeoJSON")
    if output is not None:
        err.print(f"{written.rows} events written to {output}")


export.__doc__ = inspect.cleandoc(export.__doc__ or "") + "\n\n" + _COLUMN_HELP


def _certainty(value: str | None) -> str | None:
    if value is not None and value not in CERTAINTIES:
        raise typer.BadParameter(f"'{value}' is not one of {', '.join(CERTAINTIES)}")
    return value


def _format_of(output: Path | None) -> ExportFormat:
    if output is None:
        return ExportFormat.csv
    return _SUFFIXES.get(output.suffix.lower(), ExportFormat.csv)


@contextmanager
def _opened(output: Path | None, *, binary: bool) -> Iterator[IO[Any]]:
    """stdout, or the file: written beside it and renamed when complete, so a failed export leaves no half file."""
    if output is None:
        if binary and sys.stdout.isatty():
            raise InputError("E062", path="the terminal", reason="Parquet is binary: give -o FILE or redirect stdout")
        yield sys.stdout.buffer if binary else sys.stdout
        return
    partial = output.with_name(output.name + ".partial")
    try:
        handle = open(partial, "wb") if binary else open(partial, "w", encoding="utf-8", newline="")  # noqa: SIM115
    except OSError as error:
        raise InputError("E062", path=output, reason=error.strerror or error) from None
    try:
        with handle:
            yield handle
        os.replace(partial, output)
    finally:
        partial.unlink(missing_ok=True)
