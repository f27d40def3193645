"""Issue 10's end-to-end run: a news corpus through `kroniek batch` on Dask into PostgreSQL and Parquet.

    python benchmarks/batch_postgres.py [--articles 2000] [--workers 2] [--postgres URL] [--keep DIR]

The corpus is benchmarks/common.py's (CoNLL-2002 Dutch and CoNLL-2003 English news, 12 sentences an
article, the languages in turn), written as JSON Lines with a publication date per article. Without
--postgres a server is started for the run (tests/postgres.py: Debian's postgresql, fsync on). The
command is the one a user types; afterwards the run is checked: every article once in the store and
once in the Parquet documents table, events and places in both, every stored article linked, and a
second run that finds nothing left to do.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pyarrow.parquet as pq
from common import corpus, machine, postgres_database

from kroniek.store import Store

KRONIEK = Path(sys.executable).with_name("kroniek")


def write_corpus(path: Path, articles: int) -> int:
    start = dt.date(2000, 5, 1)
    with path.open("w", encoding="utf-8") as out:
        for i, (language, text) in enumerate(corpus(articles)):
            published = (start + dt.timedelta(days=i // 20)).isoformat()
            record = {"text": text, "language": language, "published": published, "source": "CoNLL"}
            out.write(json.dumps(record, ensure_ascii=False) + "\n")
    return sum(len(text.split()) for _, text in corpus(articles))


def batch(jsonl: Path, db: str, out: Path, workers: int) -> tuple[float, str]:
    command = [str(KRONIEK), "batch", str(jsonl), "--engine", "dask", "--workers", str(workers)]
    command += ["--db", db, "--out", str(out)]
    started = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    if done.returncode not in (0, 2):  # 2: some documents failed, reported per document
        raise SystemExit(f"kroniek batch failed ({done.returncode}):\n{done.stderr[-3000:]}")
    return time.perf_counter() - started, done.stderr.strip().splitlines()[-1] if done.stderr.strip() else ""


def parquet_rows(out: Path, table: str) -> int:
    return sum(pq.read_metadata(path).num_rows for path in (out / table).glob("*.parquet"))


def check(db: str, out: Path, articles: int) -> dict[str, int]:
    with Store(db) as store:
        counts = {
            name: int(store.conn.execute(f"SELECT count(*) FROM {name}").fetchone()[0])  # fixed table names
            for name in ("documents", "events", "places", "linked_documents", "story_documents")
        }
    counts |= {f"parquet {table}": parquet_rows(out, table) for table in ("documents", "events", "places")}
    counts["articles"] = articles
    return counts


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=2000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--postgres", help="an existing, empty PostgreSQL database URL")
    parser.add_argument("--keep", type=Path, help="keep the corpus and the Parquet output here")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch, postgres_database(args.postgres) as url:
        work = args.keep or Path(scratch)
        work.mkdir(parents=True, exist_ok=True)
        jsonl, out = work / "corpus.jsonl", work / "parquet"
        words = write_corpus(jsonl, args.articles)
        seconds, summary = batch(jsonl, url, out, args.workers)
        rerun_seconds, rerun_summary = batch(jsonl, url, out, args.workers)
        counts = check(url, out, args.articles)
    print(machine())
    print(f"`kroniek batch corpus.jsonl --engine dask --workers {args.workers} --db postgresql://... --out DIR`")
    print(f"{args.articles} articles, {words:,} words: {seconds:.0f} s ({args.articles / seconds:.2f} articles/s,")
    print(f"  {words / seconds:,.0f} words/s, analysis, Parquet, PostgreSQL and linking together)")
    print(f"  {summary}")
    print(f"rerun: {rerun_seconds:.0f} s: {rerun_summary}")
    print("| " + " | ".join(counts) + " |")
    print("|---" * len(counts) + "|")
    print("| " + " | ".join(f"{value:,}" for value in counts.values()) + " |")
    complete = counts["documents"] == counts["parquet documents"] == counts["linked_documents"] == args.articles
    print("complete: every article once in PostgreSQL and in Parquet, all linked" if complete else "INCOMPLETE")
    return 0 if complete else 1


if __name__ == "__main__":
    raise SystemExit(main())
