"""The readable terminal report of one analysed document: the text with highlights, then each kind."""

from __future__ import annotations

from collections.abc import Iterable

from rich.console import Console, Group
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from kroniek.events.stage import five_w
from kroniek.model import Document, Event

STYLES = {
    "PER": "bold magenta",
    "ORG": "bold cyan",
    "LOC": "bold green",
    "MISC": "bold yellow",
    "place": "underline green",
    "time": "bold blue",
    "quantity": "bold red",
}


def highlighted_text(doc: Document) -> Text:
    text = Text(doc.text)
    for entity in doc.entities:
        for m in entity.mentions:
            text.stylize(STYLES.get(entity.type, "bold"), m.start, m.end)
    for place in doc.places:
        for m in place.mentions:
            text.stylize(STYLES["place"], m.start, m.end)
    for t in doc.times:
        text.stylize(STYLES["time"], t.start, t.end)
    for q in doc.quantities:
        text.stylize(STYLES["quantity"], q.start, q.end)
    return text


def _table(title: str, columns: Iterable[str], rows: Iterable[Iterable[object]]) -> Table:
    table = Table(title=title, title_justify="left", expand=False)
    for column in columns:
        table.add_column(column, overflow="fold")
    for row in rows:
        table.add_row(*("" if v is None else str(v) for v in row))
    return table


FIVE_W = ("who", "what", "whom", "where", "when", "how many", "modality", "according to")


def _source(doc: Document, event: Event) -> str:
    """The claim an event is reported in: its source and certainty ("regeringsbronnen, reported")."""
    claim = next((c for c in doc.claims if c.id == event.claim), None)
    if claim is None:
        return ""
    return f"{claim.source_text or doc.name_of(claim.source) or '?'}, {claim.certainty}"


def _sections(doc: Document) -> list[Table]:
    candidates: list[tuple[str, tuple[str, ...], list[tuple[object, ...]]]] = [
        (
            "Entities",
            ("type", "name", "mentions"),
            [(e.type, e.name, ", ".join(sorted({m.text for m in e.mentions}))) for e in doc.entities],
        ),
        (
            "Places",
            ("name", "lat", "lon", "country", "gazetteer id"),
            [(p.name, p.lat, p.lon, p.country, p.source_id) for p in doc.places],
        ),
        ("Times", ("text", "type", "value"), [(t.text, t.type, t.value) for t in doc.times]),
        (
            "Quantities",
            ("text", "value", "approximation", "unit", "counts"),
            [(q.text, q.value, q.approximation, q.unit, q.counts) for q in doc.quantities],
        ),
        ("Events (5W1H)", FIVE_W, [(*five_w(v, doc).values(), _source(doc, v)) for v in doc.events]),
        (
            "Claims",
            ("source", "via", "cue", "certainty"),
            [(c.source_text or doc.name_of(c.source), doc.name_of(c.via), c.cue, c.certainty) for c in doc.claims],
        ),
    ]
    return [_table(title, columns, rows) for title, columns, rows in candidates if rows]


def render(doc: Document, console: Console) -> None:
    info = doc.document
    tokens = sum(len(s.tokens) for s in doc.sentences)
    header = Text.assemble(
        (info.title or "(no title)", "bold"),
        "\n",
        f"id {doc.id[:12]}  language {info.language or '?'}  ",
        f"published {info.published or 'unknown'}  {len(doc.sentences)} sentences, {tokens} tokens",
    )
    legend = Text("  ").join(Text(kind, style=style) for kind, style in STYLES.items())
    console.print(Panel(Group(header, Text(""), highlighted_text(doc), Text(""), legend), title="kroniek"))
    for table in _sections(doc):
        console.print(table)
    console.print(f"[dim]stages: {', '.join(doc.stages) or 'none'}[/dim]")
    for warning in doc.warnings:
        console.print(f"[yellow]warning:[/yellow] {warning}")
