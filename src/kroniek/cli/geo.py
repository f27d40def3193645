"""`kroniek geo TEXT`: the geo stage's debug view, every candidate of every toponym with its score.

main.py registers it (and wraps it in exits_cleanly). The text runs through the stages up to geo, as in
`kroniek analyse`; then each toponym is shown with its gazetteer candidates, the parts of their scores
(kroniek.geo.explain) and the one chosen, followed by the places the document ends up with.
"""

from __future__ import annotations

import json
import sys
from enum import StrEnum
from typing import Annotated

import typer
from rich.console import Console

from kroniek.errors import InputError
from kroniek.geo.explain import Explanation, explain
from kroniek.geo.gazetteer import Gazetteer
from kroniek.ingest import parse_date
from kroniek.model import Document
from kroniek.pipeline import DEFAULT_STAGES, Pipeline
from kroniek.settings import Settings

out = Console(highlight=False, soft_wrap=True)  # long candidate lines stay whole
STAGES_UP_TO_GEO = DEFAULT_STAGES[: DEFAULT_STAGES.index("geo") + 1]


class GeoFormat(StrEnum):
    table = "table"
    json = "json"


def geo(
    text: Annotated[str, typer.Argument(help="the text to resolve places in; '-' reads standard input")],
    lang: Annotated[str, typer.Option("--lang", "-l", help="auto (identify) or an ISO 639-1 code")] = "auto",
    published: Annotated[str | None, typer.Option("--published", "-p", help="publication date YYYY-MM-DD")] = None,
    top: Annotated[int, typer.Option(min=1, help="candidates shown per toponym")] = 5,
    format: Annotated[GeoFormat, typer.Option("--format", "-f", help="table or json")] = GeoFormat.table,
) -> None:
    """Show how the geo stage resolves the places in TEXT: candidates, their scores, and the choice."""
    settings = Settings.from_env()
    body = sys.stdin.read() if text == "-" else text
    language = None if lang.strip().lower() == "auto" else lang.strip().lower()
    if language is not None and language not in settings.languages:
        raise InputError("E011", value=lang, choices="auto, " + ", ".join(settings.languages))
    date = parse_date(published) if published else None
    if published and (date is None or len(published.strip()) != 10):
        raise InputError("E010", value=published)
    pipeline = Pipeline(settings, stages=STAGES_UP_TO_GEO)
    pipeline.load()
    doc = pipeline(Document.new(body, published=date, language=language))
    gazetteer = Gazetteer()
    explained = explain(doc, gazetteer)
    if format is GeoFormat.json:
        payload = {
            "language": doc.language,
            "toponyms": [e.as_dict(gazetteer, top) for e in explained],
            "places": [p.model_dump(mode="json") for p in doc.places],
        }
        out.file.write(json.dumps(payload, ensure_ascii=False, indent=2) + "\n")
        return
    for explanation in explained:
        _print_toponym(explanation, gazetteer, top)
    out.print("places:" if doc.places else "places: none")
    for p in doc.places:
        where = ", ".join(part for part in (p.admin1, p.country) if part)
        point = f"({p.lat:.4f}, {p.lon:.4f})" if p.lat is not None and p.lon is not None else "(no point)"
        out.print(
            f"  {p.id} {p.name}: {p.precision}, {where or '-'} {point} {p.source_id}, {len(p.mentions)} mention(s)"
        )


def _print_toponym(explanation: Explanation, gazetteer: Gazetteer, top: int) -> None:
    """The toponym and its verdict, then one line per candidate: * marks the chosen one."""
    chosen = explanation.chosen
    verdict = f"{chosen.source_id} {chosen.name} ({chosen.country or '-'})" if chosen else "not a place"
    notes = [
        note
        for note, flag in (("strong only", explanation.strong_only), ("region cue", explanation.region_cue))
        if flag
    ]
    suffix = f"  [{', '.join(notes)}]" if notes else ""
    out.print(f"{explanation.text!r} {explanation.start}-{explanation.end} -> {verdict}{suffix}")
    for scored in explanation.candidates[:top]:
        c = scored.candidate
        mark = "*" if chosen and c.geonameid == chosen.geonameid else " "
        where = ", ".join(part for part in (c.name, gazetteer.region_name(c.admin1), c.country) if part)
        parts = " + ".join(f"{key} {value:.2f}" for key, value in scored.features.items() if value)
        out.print(
            f"  {mark} {c.source_id:<17} {where} ({c.feature_code}, population {c.population:,}, "
            f"matched as {c.kind})\n      score {scored.score:.2f} = {parts or '0'}"
        )
    if len(explanation.candidates) > top:
        out.print(f"    ... {len(explanation.candidates) - top} more candidates")
