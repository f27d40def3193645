"""Commands over the cross-document tables: `kroniek stories` and `kroniek entity ID`.

Thin wrappers over kroniek.store.registry; main.py registers them (and wraps them in exits_cleanly).
"""

from __future__ import annotations

import json
from enum import StrEnum
from typing import Annotated, Any

import typer
from rich.console import Console

from kroniek.cli import output
from kroniek.cli.options import DbOption
from kroniek.errors import InputError
from kroniek.link.across import link_pending
from kroniek.settings import Settings
from kroniek.store import Store
from kroniek.store.registry import Registry

out = Console(highlight=False, soft_wrap=False)


class LinkFormat(StrEnum):
    table = "table"
    json = "json"


_FormatOption = Annotated[LinkFormat, typer.Option("--format", "-f", help="table or json")]


def stories(
    db: DbOption = None,
    format: _FormatOption = LinkFormat.table,
    limit: Annotated[int, typer.Option(min=1, help="at most this many stories")] = 1000,
) -> None:
    """List stories (articles about the same news), most recently active first."""
    with Store(Settings.from_env(db=db).db) as store:
        link_pending(store)  # documents stored before linking existed, or left unlinked by a crash
        rows = Registry(store.conn).stories(limit=limit)
    if format is LinkFormat.json:
        keys = ("id", "label", "documents", "events", "first_seen", "last_seen")
        out.file.write(output.to_json([{k: row[k] for k in keys} for row in rows]) + "\n")
        return
    table = [
        {
            "id": row["id"],
            "first seen": row["first_seen"],
            "last seen": row["last_seen"],
            "articles": len(row["documents"]),
            "events": len(row["events"]),
            "label": row["label"],
        }
        for row in rows
    ]
    output.print_table(
        out, table, ("id", "first seen", "last seen", "articles", "events", "label"), "Stories", ("label",)
    )


def entity(
    entity_id: Annotated[
        str, typer.Argument(help="registry entity id (as `kroniek stories --format json` shows) or a name")
    ],
    db: DbOption = None,
    format: _FormatOption = LinkFormat.table,
) -> None:
    """Show one entity across documents: its names, the documents that mention it and why each was linked."""
    with Store(Settings.from_env(db=db).db) as store:
        link_pending(store)
        registry = Registry(store.conn)
        detail = registry.entity_detail(entity_id) or _by_name(registry, entity_id)
        detail["events"] = registry.events_of_entity(detail["id"])
    if format is LinkFormat.json:
        out.file.write(json.dumps(detail, ensure_ascii=False, indent=2) + "\n")
        return
    _print_entity(detail)


def _by_name(registry: Registry, text: str) -> dict[str, Any]:
    found = registry.find_entities(text)
    if len(found) != 1:
        choices = ", ".join(found[:10])
        which = f"{len(found)} entities match it ({choices}): give one id" if found else "no entity has that id or name"
        raise InputError("E033", text=text, which=which)
    detail = registry.entity_detail(found[0])
    assert detail is not None
    return detail


def _print_entity(detail: dict[str, Any]) -> None:
    country = f", country {detail['country']}" if detail.get("country") else ""
    out.print(f"[bold]{detail['name']}[/bold]  {detail['id']}  ({detail['type']}{country})", markup=True)
    aliases = [{**row, "learned from": (row["doc_id"] or "")[:12]} for row in detail["aliases"]]
    output.print_table(out, aliases, ("alias", "rule", "learned from"), "Names", ("rule",))
    rows = [
        {**row, "doc_id": row["doc_id"][:12], "why": f"{row['rule']}: {row['evidence']}"} for row in detail["documents"]
    ]
    output.print_table(out, rows, ("doc_id", "published", "language", "name", "why"), "Linked mentions", ("why",))
    if detail["merged"]:
        output.print_table(out, detail["merged"], ("merged", "rule"), "Merged in", ("rule",))
    out.print(f"{len(detail['events'])} cross-document events")
