"""Speed and memory of `kroniek export` at 1k, 10k and 100k events.

    python benchmarks/export_speed.py [--events 1000,10000,100000] [--formats csv,parquet] [--db PATH]

The database holds copies of the examples (examples/), analysed once by the real pipeline (fast entity
recogniser): each copy is the same article with a line added, so it is a new document with the same
findings, published a day later than the one before. Copies are marked as linked without cross-document
events, so each of their events is its own real event: the export reads every stored document once per
page it appears on, the dominant cost. Each export runs in a fresh process (`kroniek export --limit N`);
the table gives its wall time, events/s and the process's peak RSS.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from kroniek.ingest import read_paths
from kroniek.model import Document, content_id
from kroniek.pipeline import Pipeline
from kroniek.settings import Settings
from kroniek.store import Store
from kroniek.store.registry import Registry

ROOT = Path(__file__).resolve().parents[1]


def examples() -> list[Document]:
    pipeline = Pipeline(Settings.from_env(ner="fast"))
    results = read_paths([ROOT / "examples"])
    return [pipeline(result.to_document()) for result in results if not isinstance(result, Exception)]


def copy_of(doc: Document, number: int) -> Document:
    """The article with one line added at the end (offsets unchanged), published `number` days later."""
    copy = doc.model_copy(deep=True)
    text = f"{doc.text}\n\nKopie {number}."
    copy.document.text, copy.document.id = text, content_id(text)
    if copy.document.published:
        copy.document.published += dt.timedelta(days=number)
    return copy


def fill(store: Store, docs: list[Document], events: int) -> int:
    """Add copies until the store holds at least `events` events; returns how many it holds."""
    held = int(store.conn.execute("SELECT count(*) FROM events").fetchone()[0])
    number = int(store.conn.execute("SELECT count(*) FROM documents").fetchone()[0])
    registry = Registry(store.conn)
    while held < events:
        doc = copy_of(docs[number % len(docs)], number)
        store.add(doc)
        registry.mark_linked(doc.id)
        held += len(doc.events)
        number += 1
    return held


def export(db: Path, events: int, format: str) -> tuple[float, float]:
    """Seconds and peak RSS (MiB) of one `kroniek export` process."""
    out = db.with_name(f"out.{format}")
    command = [str(Path(sys.executable).with_name("kroniek")), "export", "--db", str(db), "--limit", str(events)]
    started = time.perf_counter()
    process = subprocess.Popen([*command, "--format", format, "-o", str(out)], stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - started
    if status != 0:
        raise SystemExit(f"export failed with status {status}")
    return seconds, usage.ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--events", default="1000,10000,100000")
    parser.add_argument("--formats", default="csv,parquet")
    parser.add_argument("--db", type=Path, help="keep the database here (default: a temporary folder)")
    args = parser.parse_args()
    sizes = sorted(int(size) for size in args.events.split(","))
    folder = Path(tempfile.mkdtemp(prefix="kroniek-export-"))
    db = args.db or folder / "k.db"
    docs = examples()
    print(f"{platform.processor() or platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}")
    print("| events | format | seconds | events/s | peak RSS MiB |\n|---|---|---|---|---|")
    for size in sizes:
        with Store(db) as store:
            fill(store, docs, size)
        for format in args.formats.split(","):
            seconds, rss = export(db, size, format)
            print(f"| {size:,} | {format} | {seconds:.1f} | {size / seconds:,.0f} | {rss:.0f} |", flush=True)


if __name__ == "__main__":
    main()
