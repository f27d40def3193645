"""Ingest throughput of the two store backends: SQLite (embedded) and PostgreSQL, on the same documents.

    python benchmarks/store_backends.py [--documents 2000] [--link] [--postgres URL]

The documents are real articles analysed once by the whole pipeline (the examples and the sample),
then copied with a numbered line appended (a new text, so a new id; the findings' offsets still hold)
and a publication date that moves a day every 20 copies. Each backend gets the same copies in the same
order through `Store.add` (one transaction per document, as `kroniek ingest` writes them) and, with
--link, `link_document` (entities, stories and events across documents; no embeddings, which cost the
same on both backends). Analysis is left out: it is the same work whatever the store, and would hide the
difference. Without --postgres a server is started for the run (tests/postgres.py, Debian's postgresql)
with fsync on, as SQLite runs (WAL, synchronous=FULL): both make each committed document durable.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import tempfile
import time
from pathlib import Path

from common import postgres_database

from kroniek import Pipeline
from kroniek.ingest import read_paths
from kroniek.link.across import link_document
from kroniek.link.embed import Embedder
from kroniek.model import Document, content_id, normalise_text
from kroniek.settings import Settings
from kroniek.store import Store

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT.parent / "shared" / "seed" / "mosul-2017-06-21.nl.txt"


def analysed_articles() -> list[Document]:
    pipeline = Pipeline(Settings.from_env(ner="fast"))
    articles = [*read_paths([ROOT / "examples"]), *read_paths([SAMPLE], published=dt.date(2017, 6, 21))]
    return [pipeline(article.to_document()) for article in articles if not isinstance(article, Exception)]


def copies(bases: list[Document], count: int) -> list[Document]:
    start = dt.date(2018, 1, 1)
    docs = []
    for i in range(count):
        base = bases[i % len(bases)]
        text = normalise_text(f"{base.text}\n(kopie {i})")
        doc = base.model_copy(deep=True)
        doc.document.text, doc.document.id = text, content_id(text)
        doc.document.published = start + dt.timedelta(days=i // 20)
        docs.append(doc)
    return docs


def measure(target: Path | str, docs: list[Document], link: bool) -> dict[str, float]:
    embedder = Embedder()
    embedder.available = False
    with Store(target) as store:
        started = time.perf_counter()
        for doc in docs:
            store.add(doc)
        add_seconds = time.perf_counter() - started
        link_seconds = 0.0
        if link:
            started = time.perf_counter()
            for doc in docs:
                link_document(store, doc, embedder)
            link_seconds = time.perf_counter() - started
        assert store.count() == len(docs)
    row = {"add docs/s": round(len(docs) / add_seconds, 1), "add ms/doc": round(1000 * add_seconds / len(docs), 2)}
    if link:
        row |= {
            "link docs/s": round(len(docs) / link_seconds, 1),
            "link ms/doc": round(1000 * link_seconds / len(docs), 2),
        }
    return row


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--documents", type=int, default=2000)
    parser.add_argument("--link", action="store_true", help="also link each document across documents")
    parser.add_argument("--postgres", help="an existing, empty PostgreSQL database URL")
    args = parser.parse_args(argv)
    docs = copies(analysed_articles(), args.documents)
    words = sum(len(doc.text.split()) for doc in docs)
    with tempfile.TemporaryDirectory() as folder, postgres_database(args.postgres) as url:
        results = {
            "SQLite": measure(Path(folder) / "k.db", docs, args.link),
            "PostgreSQL": measure(url, docs, args.link),
        }
    print(f"{len(docs)} documents ({words} words); load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    columns = list(results["SQLite"])
    print("| backend | " + " | ".join(columns) + " |")
    print("|---" * (len(columns) + 1) + "|")
    for name, row in results.items():
        print(f"| {name} | " + " | ".join(str(row[c]) for c in columns) + " |")
    for column in (c for c in columns if "docs/s" in c):
        ratio = results["PostgreSQL"][column] / results["SQLite"][column]
        print(f"PostgreSQL / SQLite, {column}: {ratio:.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
