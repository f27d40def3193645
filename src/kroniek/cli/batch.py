"""`kroniek batch`: many articles in partitions, in this process or on Dask workers, into Parquet and/or a store."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from kroniek.batch import BatchJob, BatchReport, run_batch
from kroniek.cli import output
from kroniek.ingest.readers import count_articles
from kroniek.settings import Settings

err = Console(stderr=True, highlight=False)


class EngineChoice(StrEnum):
    local = "local"
    dask = "dask"


InputsArgument = Annotated[list[Path], typer.Argument(help="files and folders of articles (.txt, .html, .jsonl)")]
EngineOption = Annotated[
    EngineChoice,
    typer.Option(help="local: one process, for small jobs; dask: Dask workers, local or on a cluster"),
]
SchedulerOption = Annotated[
    str | None,
    typer.Option(help="address of a running Dask scheduler, e.g. tcp://10.0.0.5:8786; default: start a local one"),
]
WorkersOption = Annotated[
    int | None, typer.Option(min=1, help="worker processes of the local Dask cluster, one core each (default 2)")
]
PartitionOption = Annotated[
    int,
    typer.Option(
        min=1,
        help="documents per partition: the unit of work, retry and Parquet file; a rerun with the same size skips the"
        " partitions written",
    ),
]
BatchDbOption = Annotated[
    str | None,
    typer.Option("--db", help="store the documents here: a path, sqlite:///PATH or postgresql://USER@HOST/DB"),
]
OutOption = Annotated[
    Path | None,
    typer.Option(help="write Parquet tables here: documents/, events/, entities/, places/, one file per partition"),
]


def batch(
    inputs: InputsArgument,
    engine: EngineOption = EngineChoice.local,
    scheduler: SchedulerOption = None,
    workers: WorkersOption = None,
    partition_size: PartitionOption = 50,
    db: BatchDbOption = None,
    out: OutOption = None,
) -> None:
    """Analyse many articles in partitions and write them to Parquet (--out) and/or a store (--db).

    A rerun skips the documents already stored and the partitions already written.

    An article that cannot be read or analysed is reported at the end and the batch goes on (exit code 2).
    """
    job = BatchJob(
        inputs=inputs,
        out=out,
        db=db,
        engine=engine.value,
        scheduler=scheduler,
        workers=workers,
        partition_size=partition_size,
        settings=Settings.from_env(),
    )
    job.check()  # before counting the input: a wrong option is said at once
    with output.progress(err) as progress:
        bar = progress.add_task("reading", total=count_articles(inputs))
        report = run_batch(
            job,
            advance=lambda done: progress.advance(bar, done),
            status=lambda phase: progress.update(bar, description=phase),
        )
    for failure in report.failures:
        err.print(f"[red]error:[/red] {failure}", soft_wrap=True)
    err.print(_summary(job, report), soft_wrap=True)
    if report.failures:
        raise typer.Exit(2)


def _summary(job: BatchJob, report: BatchReport) -> str:
    parts = [
        f"{report.analysed} analysed, {report.skipped} already done, {len(report.failures)} failed",
        f"{report.partitions} partitions written to {job.out}" if job.out is not None else "",
        f"{report.stored} stored, {report.held} documents in {report.store}" if report.store else "",
        f"{report.duplicates} read twice (analysed once)" if report.duplicates else "",
        f"{report.undated} without a publication date (relative times unresolved)" if report.undated else "",
    ]
    return "; ".join(part for part in parts if part)
