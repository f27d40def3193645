"""`kroniek timeline STORY|ENTITY|PLACE`: the real events about one subject in time order, with their sources.

A thin wrapper over kroniek.export.timeline; main.py registers it (and wraps it in exits_cleanly).
"""

from __future__ import annotations

import json
from enum import StrEnum
from typing import Annotated, Any

import typer
from rich.console import Console

from kroniek.cli import output
from kroniek.cli.link import LinkFormat
from kroniek.cli.options import DbOption
from kroniek.export.timeline import Timeline
from kroniek.export.timeline import timeline as build_timeline
from kroniek.link.across import link_pending
from kroniek.settings import Settings
from kroniek.store import Store

out = Console(highlight=False, soft_wrap=False)


class SubjectKind(StrEnum):
    story = "story"
    entity = "entity"
    place = "place"


def timeline(
    subject: Annotated[
        str,
        typer.Argument(
            help="a story id, an entity (registry id or name) or a place (name or ISO country code)",
            show_default=False,
        ),
    ],
    db: DbOption = None,
    kind: Annotated[
        SubjectKind | None,
        typer.Option(
            "--kind",
            help="what SUBJECT is; without it, the first that fits: a story id, an entity id, a place, an entity name",
        ),
    ] = None,
    format: Annotated[LinkFormat, typer.Option("--format", "-f", help="table or json")] = LinkFormat.table,
    limit: Annotated[int, typer.Option(min=1, help="at most this many events")] = 1000,
) -> None:
    """Show the events of a story, an entity or a place in time order, each with the articles reporting it.

    One line per real event: reports of the same event in several articles (linked across documents)
    are one line with all their sources.
    """
    with Store(Settings.from_env(db=db).db) as store:
        link_pending(store)  # documents stored before linking existed, or left unlinked by a crash
        found = build_timeline(store, subject, kind.value if kind else None, limit)
    if format is LinkFormat.json:
        out.file.write(json.dumps(found.as_dict(), ensure_ascii=False, indent=2, default=str) + "\n")
        return
    _print(found)


def _print(found: Timeline) -> None:
    out.print(f"[bold]{found.kind} {found.id}[/bold]  {found.label or ''}", markup=True)
    rows = [_line(row) for row in found.events]
    columns = ("date", "type", "who", "whom", "where", "reports", "sources")
    output.print_table(out, rows, columns, "Events", wrap=("who", "whom", "where", "sources"))


def _line(row: dict[str, Any]) -> dict[str, Any]:
    sources = [f"{s['source'] or s['title'] or '?'} ({s['published'] or 'undated'})" for s in row["sources"]]
    where = ", ".join(dict.fromkeys(part for part in (row["location"], row["country"]) if part))
    return {
        "date": row["event_date"],
        "type": "/".join(part for part in (row["event_type"], row["sub_event_type"]) if part),
        "who": row["actor1"],
        "whom": row["actor2"],
        "where": where,
        "reports": row["reports"],
        "sources": "\n".join(sources),
    }
