"""Batch scaling: Dask with 1 and 2 workers on this machine, and the ingest cost per article as the store grows.

    python benchmarks/batch_scaling.py [--articles 200] [--sizes 1000,10000,100000] [--db URL] [--no-record]

1. Dask: ARTICLES articles of the fixed corpus (benchmarks/common.py, half Dutch, half English) through
   `kroniek batch`'s Dask engine into Parquet, on a LocalCluster of 1 and then 2 one-thread worker processes.
   Every worker loads its models before the clock starts (cluster start-up and loading are shown apart).
2. Ingest: store writes (`Store.add`) and cross-document linking (`link_pending`, as `kroniek batch --db` runs
   it at the end) per article when the store holds 1k, 10k and 100k articles. Analysing 100k articles is too
   slow here, so the documents analysed in part 1 are replicated: each copy gets a new last line (so a new
   text and content id), and the copies arrive PER_DAY a day, so stories and entities grow as in a real
   stream. Linking runs without the multilingual vectors, whose cost per article does not depend on the
   store's size; it is measured apart on the same articles.
Prints the tables and adds them to the "Scale" section of docs/benchmarks.md (--no-record: print only).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import resource
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import pyarrow.parquet as pq
from common import corpus, machine, record

from kroniek.batch.engines import DaskEngine
from kroniek.batch.partitions import Partition, read_partitions
from kroniek.batch.work import Task, load_models
from kroniek.link.across import link_pending
from kroniek.link.embed import Embedder
from kroniek.model import Document
from kroniek.settings import Settings
from kroniek.store import Store

SECTION = "Scale: pipeline, batch and store throughput (issue 10)"
PARTITION_SIZE = 10
PER_DAY = 300
WINDOW = 200  # articles timed at each store size


def dask_run(corpus_file: Path, out: Path, workers: int, settings: Settings) -> dict[str, float]:
    """Wall seconds of the cluster start, model loading and the analysis itself with `workers` workers."""
    started = time.perf_counter()
    engine = DaskEngine(workers=workers)
    try:
        engine.client.wait_for_workers(workers)
        up = time.perf_counter()
        engine.client.run(load_models, settings)  # every worker loads its models now
        loaded = time.perf_counter()
        for _ in engine.run(tasks(corpus_file, out, settings), advance=lambda done: None):
            pass
        finished = time.perf_counter()
    finally:
        engine.close()
    documents = pq.read_table(out / "documents", columns=["tokens"])
    return {
        "workers": workers,
        "start": up - started,
        "load": loaded - up,
        "seconds": finished - loaded,
        "articles": documents.num_rows,
        "tokens": sum(documents.column("tokens").to_pylist()),
    }


def tasks(corpus_file: Path, out: Path, settings: Settings) -> Iterator[Task]:
    for part in read_partitions([corpus_file], PARTITION_SIZE):
        assert isinstance(part, Partition), part
        yield Task(part.key, part.items, settings, out=out)


def replicas(bases: list[Document], count: int) -> Iterator[Document]:
    """`count` documents: the bases, then copies with a numbered last line, PER_DAY a day."""
    start = dt.date(2020, 1, 1)
    for i in range(count):
        base, copy = bases[i % len(bases)], i // len(bases)
        text = base.text if copy == 0 else f"{base.text}\n\n(Kopie {copy}.)"
        info = Document.new(text, language=base.language, title=base.document.title).document
        info.published = start + dt.timedelta(days=i // PER_DAY)
        yield base.model_copy(update={"document": info})


def ingest_costs(bases: list[Document], sizes: list[int], db: str) -> list[dict[str, float]]:
    """Milliseconds per article for adding and for linking, timed over WINDOW articles at each store size."""
    stream = replicas(bases, max(sizes))
    rows = []
    with Store(db) as store:
        held = store.count()
        for size in sorted(sizes):
            while held < size - WINDOW:  # fill in chunks, as batch partitions would
                chunk = [next(stream) for _ in range(min(1000, size - WINDOW - held))]
                add_and_link(store, chunk)
                held += len(chunk)
            window = [next(stream) for _ in range(size - held)]
            add_s, link_s = add_and_link(store, window)
            held += len(window)
            rows.append(
                {
                    "size": size,
                    "add_ms": 1000 * add_s / len(window),
                    "link_ms": 1000 * link_s / len(window),
                    "rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                }
            )
    return rows


def add_and_link(store: Store, docs: list[Document]) -> tuple[float, float]:
    started = time.perf_counter()
    for doc in docs:
        store.add(doc)
    added = time.perf_counter()
    link_pending(store, no_vectors())
    return added - started, time.perf_counter() - added


def no_vectors() -> Embedder:
    embedder = Embedder()
    embedder.available = False
    return embedder


def vector_ms(bases: list[Document]) -> float:
    embedder = Embedder()
    embedder.document(bases[0])  # the model loads outside the timing
    started = time.perf_counter()
    for doc in bases:
        embedder.document(doc)
    return 1000 * (time.perf_counter() - started) / len(bases)


def report(runs: list[dict[str, float]], costs: list[dict[str, float]], vectors: float, articles: int) -> str:
    one = runs[0]["articles"] / runs[0]["seconds"]
    scaling = [
        f"| {r['workers']:.0f} | {r['start']:.1f} | {r['load']:.1f} | {r['seconds']:.1f} | "
        f"{r['articles'] / r['seconds']:.2f} | {r['tokens'] / r['seconds']:,.0f} | "
        f"{r['articles'] / r['seconds'] / one:.2f}x |"
        for r in runs
    ]
    ingest = [
        f"| {c['size']:,.0f} | {c['add_ms']:.1f} | {c['link_ms']:.1f} | {c['add_ms'] + c['link_ms']:.1f} | "
        f"{c['rss_mb']:,.0f} |"
        for c in costs
    ]
    return "\n".join(
        [
            f"`python benchmarks/batch_scaling.py --articles {articles} --sizes "
            f"{','.join(str(c['size']) for c in costs)}`; {machine()}",
            "",
            "| Dask workers | cluster start s | model load s | analysis s | articles/s | tokens/s | speed-up |",
            "|---|---|---|---|---|---|---|",
            *scaling,
            "",
            f"Ingest per article (SQLite, {PER_DAY} articles a day; replicated analysed documents, see the script):",
            "",
            "| articles in store | store.add ms | link_pending ms | total ms | peak RSS MB |",
            "|---|---|---|---|---|",
            *ingest,
            "",
            f"Multilingual vectors for story linking, apart: {vectors:.0f} ms per article (any store size).",
        ]
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=200, help="articles analysed on 1 and 2 workers")
    parser.add_argument("--sizes", default="1000,10000,100000", help="store sizes at which ingest is timed")
    parser.add_argument("--db", help="store URL for the ingest part (default: a temporary SQLite file)")
    parser.add_argument("--no-record", action="store_true", help="print the tables; leave docs/benchmarks.md")
    args = parser.parse_args()
    settings = Settings.from_env()
    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder)
        corpus_file = work / "corpus.jsonl"
        lines = [json.dumps({"text": text}) for _, text in corpus(args.articles)]
        corpus_file.write_text("\n".join(lines) + "\n", encoding="utf-8")
        runs = [dask_run(corpus_file, work / f"out-{workers}", workers, settings) for workers in (1, 2)]
        analysed = pq.read_table(work / "out-1" / "documents", columns=["analysis"]).column("analysis").to_pylist()
        bases = [Document.model_validate_json(text) for text in analysed]
        costs = ingest_costs(bases, [int(size) for size in args.sizes.split(",")], args.db or str(work / "k.db"))
        result = report(runs, costs, vector_ms(bases), args.articles)
    print(result)
    if not args.no_record:
        record(SECTION, result)


if __name__ == "__main__":
    main()
