"""A batch run in the client process: read partitions, skip what is done, hand the rest to an engine,
then link the new documents across articles once, as `kroniek ingest` does."""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Callable, Iterator
from contextlib import ExitStack
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Literal

from kroniek.batch.engines import DaskEngine, Engine, LocalEngine
from kroniek.batch.partitions import Duplicate, Partition, read_partitions
from kroniek.batch.tables import partition_done
from kroniek.batch.work import Outcome, Task
from kroniek.errors import BatchError, IngestError, InputError
from kroniek.link.across import link_pending
from kroniek.settings import Settings
from kroniek.store import Store
from kroniek.store.connection import POSTGRES_SCHEMES, SQLITE_SCHEME

EngineName = Literal["local", "dask"]


def _ignore(*_: object) -> None:
    pass


@dataclass
class BatchJob:
    """What to read, where the results go (`out` Parquet folder, `db` store URL or both), and how to run."""

    inputs: list[Path]
    out: Path | None = None
    db: str | None = None
    engine: EngineName = "local"
    scheduler: str | None = None  # a Dask scheduler address; none starts a LocalCluster
    workers: int | None = None  # LocalCluster worker processes; default 2
    partition_size: int = 50
    settings: Settings = field(default_factory=Settings.from_env)
    disable: tuple[str, ...] = ()
    published: dt.date | None = None
    language: str | None = None

    def check(self) -> None:
        if self.out is None and self.db is None:
            raise InputError("E016")
        if self.engine == "local":
            given = [name for name, value in (("--scheduler", self.scheduler), ("--workers", self.workers)) if value]
            if given:
                raise InputError("E015", option=given[0])


@dataclass
class BatchReport:
    analysed: int = 0  # documents the pipeline ran on in this run
    stored: int = 0  # of those, newly added to the store
    skipped: int = 0  # already done by an earlier run: stored, or in a written partition
    duplicates: int = 0  # the same text read twice in this run
    partitions: int = 0  # Parquet partitions written in this run
    undated: int = 0
    linked: int = 0
    held: int | None = None  # documents in the store after the run
    store: str | None = None  # the store's location, without a password
    failures: list[str] = field(default_factory=list)

    def add(self, outcome: Outcome, wrote_parquet: bool) -> None:
        self.analysed += outcome.analysed
        self.stored += outcome.stored
        self.undated += outcome.undated
        self.partitions += wrote_parquet
        self.failures += outcome.failures


def run_batch(
    job: BatchJob, advance: Callable[[int], None] = _ignore, status: Callable[[str], None] = _ignore
) -> BatchReport:
    """Run the job; `advance(n)` is told of every n documents finished, `status` of each phase."""
    job.check()
    job = replace(job, out=job.out and job.out.expanduser().resolve(), db=job.db and _absolute(job.db))
    if job.out is not None:
        _prepare(job.out)
    report = BatchReport()
    with ExitStack() as stack:
        store = stack.enter_context(Store(job.db)) if job.db is not None else None  # migrated before workers
        tasks = _tasks(job, store, report, advance)
        first = next(tasks, None)
        if first is not None:  # workers start only when there is work: a finished job reruns in seconds
            status("starting workers" if job.engine == "dask" else "loading models")
            engine = _engine(job)
            stack.callback(engine.close)
            status("analysing")
            for task, outcome in engine.run(itertools.chain([first], tasks), advance):
                report.add(outcome, wrote_parquet=task.out is not None)
        if store is not None:
            status("linking across articles")
            report.linked = link_pending(store)  # this run's documents, and any a crash left unlinked
            report.held, report.store = store.count(), store.path
    return report


def _absolute(db: str) -> str:
    """A store path as workers in any folder (or on another machine with the same mounts) find it."""
    if db.startswith(POSTGRES_SCHEMES):
        return db
    path = Path(db.removeprefix(SQLITE_SCHEME)).expanduser().resolve()
    return f"{SQLITE_SCHEME}{path}"


def _engine(job: BatchJob) -> Engine:
    if job.engine == "dask":
        return DaskEngine(job.scheduler, job.workers or 2)
    return LocalEngine()


def _prepare(out: Path) -> None:
    try:
        out.mkdir(parents=True, exist_ok=True)
        probe = out / ".kroniek-write-test"
        probe.touch()
        probe.unlink()
    except OSError as error:
        raise BatchError("E053", path=out, reason=error.strerror or error) from None


def _tasks(job: BatchJob, store: Store | None, report: BatchReport, advance: Callable[[int], None]) -> Iterator[Task]:
    """A task per partition with work left; what is done, unreadable or read twice is counted here."""
    read = read_partitions(
        job.inputs,
        job.partition_size,
        published=job.published,
        language=job.language,
        max_size_mb=job.settings.max_size_mb,
    )
    for part in read:
        if isinstance(part, Partition):
            task = _task_for(job, part, store)
            done = len(part) - (len(task.items) if task else 0)
            report.skipped += done
            advance(done)
            if task is not None:
                yield task
            continue
        if isinstance(part, IngestError):
            report.failures.append(str(part))
        elif isinstance(part, Duplicate):
            report.duplicates += 1
        advance(1)


def _task_for(job: BatchJob, part: Partition, store: Store | None) -> Task | None:
    """The partition's work left: all of it when its Parquet files are missing, else the unstored documents."""
    if job.out is not None and not partition_done(job.out, part.key):
        items, out = part.items, job.out
    else:
        items, out = [item for item in part.items if store is not None and not store.has(item.doc.id)], None
    if not items:
        return None
    return Task(part.key, items, _analysis_settings(job.settings), job.disable, out=out, db=job.db)


def _analysis_settings(settings: Settings) -> Settings:
    """What workers need to analyse: the client's secrets and paths stay in the client."""
    return Settings(
        languages=settings.languages,
        max_size_mb=settings.max_size_mb,
        ner=settings.ner,
        time_budget_s=settings.time_budget_s,
    )
