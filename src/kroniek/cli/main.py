"""The command line: thin commands over the Python API, the pipeline and the store."""

from __future__ import annotations

import datetime as dt
import importlib
import json
import os
import sys
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from enum import StrEnum
from functools import wraps
from pathlib import Path
from typing import Annotated, Any, TypeVar

import typer
from rich.console import Console

from kroniek import __version__
from kroniek.cli import output
from kroniek.cli.batch import batch
from kroniek.cli.export import export
from kroniek.cli.geo import geo
from kroniek.cli.link import entity, stories
from kroniek.cli.options import ActorOption, DbOption, PlaceOption, SinceOption, TypeOption, UntilOption
from kroniek.cli.report import render
from kroniek.cli.serve import serve
from kroniek.cli.timeline import timeline
from kroniek.errors import IngestError, InputError, KroniekError, PipelineError
from kroniek.ingest import parse_date, read_paths
from kroniek.ingest.readers import JSONL_SUFFIXES, Article, count_articles
from kroniek.link.across import link_pending
from kroniek.link.embed import shared_embedder
from kroniek.model import Document, json_schema
from kroniek.pipeline import DEFAULT_STAGES, Pipeline, stage_specs
from kroniek.settings import Settings
from kroniek.store import EventFilter, Store

app = typer.Typer(
    name="kroniek",
    help="Read news articles and turn them into a structured, geocoded, time-anchored record of events.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)
out = Console(highlight=False, soft_wrap=False)
err = Console(stderr=True, highlight=False)

F = TypeVar("F", bound=Callable[..., Any])
ANALYSIS_BATCH = 16  # articles that go through the entity recogniser together


class ReportFormat(StrEnum):
    report = "report"
    json = "json"


class ListFormat(StrEnum):
    table = "table"
    json = "json"


class EventFormat(StrEnum):
    table = "table"
    json = "json"
    csv = "csv"
    geojson = "geojson"


# Options shared by several commands, declared once.
PublishedOption = Annotated[
    str | None,
    typer.Option(
        "--published",
        "-p",
        help="publication date YYYY-MM-DD; anchors relative times. Default: the article's metadata",
    ),
]
LangOption = Annotated[
    str, typer.Option("--lang", "-l", help="language: auto (identify) or an ISO 639-1 code such as nl or en")
]
DisableOption = Annotated[list[str] | None, typer.Option("--disable", help="switch a stage off by name (repeatable)")]


def exits_cleanly(command: F) -> F:
    """Errors users can act on become one line on stderr and exit code 2; no traceback."""

    @wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return command(*args, **kwargs)
        except KroniekError as error:
            err.print(f"[red]kroniek: error:[/red] {error}", markup=True, soft_wrap=True)
            raise typer.Exit(2) from None
        except KeyboardInterrupt:
            err.print("kroniek: interrupted; what was stored so far is kept")
            raise typer.Exit(130) from None
        except (BrokenPipeError, typer.Exit):
            raise
        except Exception as error:  # a bug: say so in one line, full traceback on request
            if os.environ.get("KRONIEK_DEBUG"):
                raise
            err.print(f"kroniek: internal error: {type(error).__name__}: {error} (set KRONIEK_DEBUG=1 for details)")
            raise typer.Exit(1) from None

    return wrapper  # type: ignore[return-value]


def _settings(db: str | None = None) -> Settings:
    return Settings.from_env(db=db)


def _published(value: str | None) -> dt.date | None:
    if value is None:
        return None
    date = parse_date(value)
    if date is None or len(value.strip()) != 10:
        raise InputError("E010", value=value)
    return date


def _language(value: str, settings: Settings) -> str | None:
    code = value.strip().lower()
    if code == "auto":
        return None
    if code not in settings.languages:
        raise InputError("E011", value=value, choices="auto, " + ", ".join(settings.languages))
    return code


def _warn_undated(count: int) -> None:
    if count:
        which = "the article has" if count == 1 else f"{count} articles have"
        err.print(
            f"[yellow]warning:[/yellow] {which} no publication date: relative times such as "
            "'woensdag' or 'last week' stay unresolved. Pass --published YYYY-MM-DD.",
            soft_wrap=True,
        )


def _report_error(error: IngestError) -> None:
    err.print(f"[red]error:[/red] {error}", soft_wrap=True)


@app.command()
@exits_cleanly
def analyse(
    path: Annotated[Path, typer.Argument(help="a .txt, .html or .jsonl file, or a folder of them")],
    published: PublishedOption = None,
    lang: LangOption = "auto",
    format: Annotated[ReportFormat, typer.Option("--format", "-f", help="report or json")] = ReportFormat.report,
    disable: DisableOption = None,
) -> None:
    """Analyse articles and print the result; nothing is stored.

    One file prints one JSON object; a JSONL file or a folder prints one object per line (JSON Lines),
    in input order.
    """
    settings = _settings()
    date, language = _published(published), _language(lang, settings)
    pipeline = Pipeline(settings, disable=disable or ())
    single = path.is_file() and path.suffix.lower() not in JSONL_SUFFIXES
    failures: list[IngestError] = []
    undated = 0
    articles = _readable(
        read_paths([path], published=date, language=language, max_size_mb=settings.max_size_mb), failures
    )
    for article, doc in analysed(pipeline, articles):
        if isinstance(doc, PipelineError):  # a stage failed or ran out of time: this article, not the batch
            if single:
                raise doc
            failures.append(IngestError("E009", path=article.origin, reason=doc))
            continue
        undated += doc.document.published is None
        if format is ReportFormat.json:
            out.file.write(doc.to_json(indent=2 if single else None) + "\n")
        else:
            render(doc, out)
    if single and failures:
        raise failures[0]
    for failure in failures:
        _report_error(failure)
    _warn_undated(undated)
    if failures:
        raise typer.Exit(2)


def _readable(results: Iterable[Article | IngestError], failures: list[IngestError]) -> Iterator[Article]:
    """The articles that could be read; the others go to `failures`."""
    for result in results:
        if isinstance(result, IngestError):
            failures.append(result)
        else:
            yield result


def analysed(pipeline: Pipeline, articles: Iterable[Article]) -> Iterator[tuple[Article, Document | PipelineError]]:
    """Each article with its analysis (or the error that stopped it), in order, analysed in batches."""
    waiting: deque[Article] = deque()

    def documents() -> Iterator[Document]:
        for article in articles:
            waiting.append(article)
            yield article.to_document()

    for result in pipeline.pipe(documents(), batch_size=ANALYSIS_BATCH):
        yield waiting.popleft(), result


@app.command()
@exits_cleanly
def ingest(
    paths: Annotated[list[Path], typer.Argument(help="files and folders to analyse and store")],
    db: DbOption = None,
    published: PublishedOption = None,
    lang: LangOption = "auto",
    disable: DisableOption = None,
) -> None:
    """Analyse articles and store them; an article already stored (same text) is skipped."""
    settings = _settings(db)
    date, language = _published(published), _language(lang, settings)
    pipeline = Pipeline(settings, disable=disable or ())
    total = count_articles(paths)
    stored = undated = 0
    failures: list[IngestError] = []
    with Store(settings.db) as store, output.progress(err) as progress:
        task = progress.add_task("analysing", total=total)
        readable = _readable(
            read_paths(paths, published=date, language=language, max_size_mb=settings.max_size_mb), failures
        )
        new = _not_stored(store, readable, lambda: progress.advance(task))
        for article, doc in analysed(pipeline, new):
            progress.advance(task)
            if isinstance(doc, PipelineError):  # a stage failed or ran out of time: this document, not the batch
                failures.append(IngestError("E009", path=article.origin, reason=doc))
                continue
            undated += doc.document.published is None
            stored += store.add(doc, shared_embedder().document(doc))  # its story vector, stored with it
        progress.update(task, completed=total, description="linking across articles")
        link_pending(store)  # this run's articles, and any a crash left unlinked, oldest first
        held = store.count()
    skipped = total - stored - len(failures)
    for failure in failures:
        _report_error(failure)
    _warn_undated(undated)
    err.print(f"{stored} stored, {skipped} already stored, {len(failures)} failed; {store.path} holds {held} documents")
    if failures:
        raise typer.Exit(2)


def _not_stored(store: Store, articles: Iterable[Article], skip: Callable[[], None]) -> Iterator[Article]:
    """The articles whose text is not stored yet: a rerun after a crash skips the rest before analysing."""
    for article in articles:
        if store.has(article.to_document().id):
            skip()
        else:
            yield article


@app.command()
@exits_cleanly
def documents(
    db: DbOption = None,
    format: Annotated[ListFormat, typer.Option("--format", "-f")] = ListFormat.table,
    limit: Annotated[int, typer.Option(min=1, help="at most this many")] = 100,
    offset: Annotated[int, typer.Option(min=0, help="skip this many")] = 0,
) -> None:
    """List stored documents, oldest publication first."""
    with Store(_settings(db).db) as store:
        rows = store.documents(limit=limit, offset=offset)
    if format is ListFormat.json:
        out.file.write(output.to_json(rows) + "\n")
        return
    for row in rows:
        row["id"] = row["id"][:12]
    columns = ("id", "published", "language", "title", "entities", "events")
    output.print_table(out, rows, columns, "Documents", wrap=("title",))


@app.command()
@exits_cleanly
def show(
    doc_id: Annotated[str, typer.Argument(help="document id, or its first 6+ characters")],
    db: DbOption = None,
    format: Annotated[ReportFormat, typer.Option("--format", "-f")] = ReportFormat.report,
) -> None:
    """Show one stored document with everything found in it."""
    with Store(_settings(db).db) as store:
        doc = store.get(doc_id)
    if format is ReportFormat.json:
        out.file.write(doc.to_json(indent=2) + "\n")
    else:
        render(doc, out)


EVENT_COLUMNS = (
    "time",
    "type",
    "trigger",
    "actors",
    "targets",
    "place",
    "country",
    "lat",
    "lon",
    "certainty",
    "claim_source",
    "doc_id",
    "id",
    "time_inferred",
)


@app.command()
@exits_cleanly
def events(
    db: DbOption = None,
    since: SinceOption = None,
    until: UntilOption = None,
    place: PlaceOption = None,
    actor: ActorOption = None,
    type: TypeOption = None,
    format: Annotated[EventFormat, typer.Option("--format", "-f")] = EventFormat.table,
    limit: Annotated[int, typer.Option(min=1)] = 1000,
) -> None:
    """List stored events, oldest first; an event without its own time takes its article's date."""
    where = EventFilter(since=since, until=until, place=place, actor=actor, type=type, limit=limit)
    with Store(_settings(db).db) as store:
        rows = store.events(where)
    writers: dict[EventFormat, Callable[[], str]] = {
        EventFormat.json: lambda: output.to_json(rows),
        EventFormat.csv: lambda: output.to_csv(rows, EVENT_COLUMNS),
        EventFormat.geojson: lambda: output.to_geojson(rows),
    }
    if format in writers:
        out.file.write(writers[format]() + ("\n" if format is not EventFormat.csv else ""))
    else:
        output.print_table(out, rows, EVENT_COLUMNS[:8], "Events", wrap=("trigger", "actors", "targets", "place"))


@app.command()
def stages() -> None:
    """List the pipeline's stages in the order they run."""
    known = stage_specs()
    rows = [
        {"stage": name, "assigns": ", ".join(known[name].assigns), "what": known[name].help} for name in DEFAULT_STAGES
    ]
    output.print_table(out, rows, ("stage", "assigns", "what"), "Stages", wrap=("what",))


# Each stage's evaluation lives beside the stage; `kroniek eval STAGE ...` hands it the rest of the line.
EVALUATORS: dict[str, tuple[str, tuple[str, ...]]] = {
    "segment": ("kroniek.nlp.evaluate", ("segment",)),
    "language": ("kroniek.nlp.evaluate", ("language",)),
    "ner": ("kroniek.nlp.evaluate_entities", ()),
    "syntax": ("kroniek.nlp.evaluate_syntax", ()),
    "time": ("kroniek.time.evaluate", ()),
    "geo": ("kroniek.geo.evaluate", ()),
    "quantities": ("kroniek.quantities.evaluate", ()),
    "stories": ("kroniek.link.evaluate", ("stories",)),
}


@app.command(
    "eval",
    context_settings={"allow_extra_args": True, "ignore_unknown_options": True, "help_option_names": []},
    add_help_option=False,
)
def evaluate(
    ctx: typer.Context,
    stage: Annotated[str, typer.Argument(help=f"one of: {', '.join(EVALUATORS)}")],
) -> None:
    """Score a stage on held-out data: `kroniek eval STAGE --help` tells what each needs."""
    if stage not in EVALUATORS:
        err.print(f"kroniek: error: no evaluation for '{stage}'; choose one of {', '.join(EVALUATORS)}")
        raise typer.Exit(2)
    module_name, leading = EVALUATORS[stage]
    try:
        module = importlib.import_module(module_name)
    except ModuleNotFoundError:
        err.print(f"kroniek: error: the {stage} stage is not built yet")
        raise typer.Exit(2) from None
    raise typer.Exit(module.main([*leading, *ctx.args]))


@app.command()
def schema() -> None:
    """Print the JSON Schema of the output contract."""
    out.file.write(json.dumps(json_schema(), indent=2, ensure_ascii=False) + "\n")


app.command()(exits_cleanly(serve))
app.command()(exits_cleanly(stories))
app.command()(exits_cleanly(entity))
app.command()(exits_cleanly(batch))
app.command()(exits_cleanly(export))
app.command()(exits_cleanly(timeline))
app.command()(exits_cleanly(geo))


def _version(value: bool) -> None:
    if value:
        out.print(f"kroniek {__version__}")
        raise typer.Exit()


@app.callback()
def main(
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="print the version and exit")
    ] = False,
) -> None:
    """kroniek: who did what to whom, where, when, how many, and who says so."""


def run() -> None:
    try:
        app()
    except BrokenPipeError:  # `kroniek ... | head` closes the pipe: not an error
        sys.stderr.close()
