"""What a worker does with one partition: analyse its documents, then write Parquet and/or the store.

The same function runs in-process (the local engine) and on Dask workers. Each worker thread builds its
pipeline once and keeps it for every partition it is given. Writing is idempotent (the Parquet files are
replaced whole, the store skips a stored content id), so a partition run twice, as Dask does when a
worker dies, gives the same result as one run.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from kroniek.batch.partitions import Item
from kroniek.batch.tables import write_partition
from kroniek.errors import IngestError, PipelineError
from kroniek.link.embed import Embedder
from kroniek.model import Document
from kroniek.pipeline import Pipeline
from kroniek.settings import Settings
from kroniek.store import Store


@dataclass
class Task:
    """One partition and what to do with it; sent to a worker, so everything in it pickles."""

    key: str
    items: list[Item]
    settings: Settings
    disable: tuple[str, ...] = ()
    out: Path | None = None  # write the Parquet tables here
    db: str | None = None  # add the documents to this store


@dataclass
class Outcome:
    key: str
    documents: int
    analysed: int = 0
    stored: int = 0
    undated: int = 0
    failures: list[str] = field(default_factory=list)  # one message per document that could not be analysed


_local = threading.local()


def pipeline_for(settings: Settings, disable: tuple[str, ...]) -> Pipeline:
    """This thread's pipeline for these settings, built and loaded on first use."""
    pipelines: dict[tuple[Settings, tuple[str, ...]], Pipeline] = _local.__dict__.setdefault("pipelines", {})
    if (settings, disable) not in pipelines:
        pipeline = Pipeline(settings, disable=disable)
        pipeline.load()
        pipelines[(settings, disable)] = pipeline
    return pipelines[(settings, disable)]


def embedder_for() -> Embedder:
    """This thread's multilingual embedder (the model loads on first use)."""
    embedder: Embedder = _local.__dict__.setdefault("embedder", Embedder())
    return embedder


def load_models(settings: Settings, disable: tuple[str, ...] = ()) -> None:
    """Build this thread's pipeline now (e.g. on every Dask worker with `client.run`), returning nothing."""
    pipeline_for(settings, disable)


def run_task(task: Task, on_document: Callable[[], None] | None = None) -> Outcome:
    """Analyse a partition and write its results; a document that fails is reported, the rest go on."""
    pipeline = pipeline_for(task.settings, task.disable)
    outcome = Outcome(task.key, len(task.items))
    analysed: list[tuple[str, Document]] = []
    for item in task.items:
        try:
            doc = pipeline(item.doc)
        except PipelineError as error:
            outcome.failures.append(str(IngestError("E009", path=item.origin, reason=error)))
        else:
            analysed.append((item.origin, doc))
            outcome.undated += doc.document.published is None
        if on_document is not None:
            on_document()
    outcome.analysed = len(analysed)
    if task.out is not None:
        write_partition(task.out, task.key, analysed, outcome.failures)
    if task.db is not None:
        # The story vectors are computed here, in the workers, and stored with their documents: the client
        # that links them afterwards then has no model to run.
        docs = [doc for _, doc in analysed]
        vectors = embedder_for().documents(docs)
        with Store(task.db) as store:
            outcome.stored = sum(store.add(doc, vector) for doc, vector in zip(docs, vectors, strict=True))
    return outcome
