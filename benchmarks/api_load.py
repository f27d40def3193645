"""The HTTP API under load, on loopback: filtered event lists over a large store, and 50 clients at once.

    python benchmarks/api_load.py [--db PATH] [--events 100000] [--clients 50] [--analysers 5] [--seconds 60]

1. A database of `--events` events: 40 real news articles (CoNLL-2002 Dutch and CoNLL-2003 English,
   ../shared/corpora, as benchmarks/common.py cuts them) analysed once, then stored again and again via
   `Store.add` with new ids (a marker appended to the text), publication dates from 2000 to 2024 (event
   times moved with them) and places drawn from the gazetteer's cities. Kept at --db and reused when it
   holds enough events.
2. `kroniek serve` on that database in its own process, rate limits off (this measures the server, not
   the limiter), warmed up with one analysis and one request of each kind.
3. Filtered event lists (issue 9's target: p95 under 50 ms over 100,000 events), one client, one
   request after the other: `--list-requests` requests per filter.
4. `--clients` clients at once for `--seconds` (issue 11's target: no errors, p99 under 500 ms for
   reads): `--analysers` of them post /analyse with real articles, the others read (filtered event
   lists, document lists, single documents, places), each sending its next request when the last
   is answered.

Prints one table per part (requests, throughput, p50/p95/p99, errors per kind of request) and the
query plan of the slowest filter; with --record appends them to docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import os
import random
import socket
import sqlite3
import subprocess
import sys
import time
from collections import defaultdict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

from kroniek import Document, Pipeline
from kroniek.geo.gazetteer import default_path as gazetteer_path
from kroniek.model import Place, content_id
from kroniek.store import Store

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import corpus, load, machine, record  # the benchmarks' shared corpus and recording

KRONIEK = Path(sys.executable).with_name("kroniek")
FIRST_DAY, LAST_DAY = dt.date(2000, 1, 1), dt.date(2024, 12, 31)
Request = tuple[str, str, dict[str, Any]]  # kind, path, query parameters
ANALYSED = 40  # articles analysed to build the database from
SECTION = "HTTP API under load"


# -- 1. the database ------------------------------------------------------------------------------


def build_database(path: Path, events: int, count: int, rng: random.Random) -> None:
    """Analyse `count` articles once, then store copies until the database holds `events` events."""
    with Store(path) as store:
        have = store.conn.execute("SELECT count(*) FROM events").fetchone()[0]
        if have >= events:
            print(f"reusing {path}: {have:,} events")
            return
        templates = analysed_articles(count)
        cities = gazetteer_cities()
        started, copy = time.perf_counter(), 0
        while have < events:
            template = templates[copy % len(templates)]
            copy += 1
            doc = variant(template, copy, rng, cities)
            if store.add(doc):
                have += len(doc.events)
            if copy % 1000 == 0:
                print(f"  {copy:,} documents, {have:,} events, {time.perf_counter() - started:.0f} s", flush=True)
        print(f"built {path}: {copy:,} documents, {have:,} events in {time.perf_counter() - started:.0f} s")


def analysed_articles(count: int) -> list[Document]:
    pipeline = Pipeline()
    started = time.perf_counter()
    docs = [pipeline(Document.new(text, published=dt.date(2020, 6, 15), language=lang)) for lang, text in corpus(count)]
    with_events = [doc for doc in docs if doc.events]
    print(
        f"analysed {len(docs)} articles in {time.perf_counter() - started:.0f} s;"
        f" {len(with_events)} with events, {sum(len(d.events) for d in docs)} events"
    )
    return with_events


def gazetteer_cities() -> list[tuple[str, float, float, str, int]]:
    with sqlite3.connect(f"file:{gazetteer_path()}?mode=ro", uri=True) as db:
        return db.execute(
            "SELECT name, lat, lon, country, geonameid FROM places WHERE feature_class = 'P' AND population > ?",
            (100_000,),
        ).fetchall()


def variant(template: Document, copy: int, rng: random.Random, cities: list[Any]) -> Document:
    """The template as another article: new id, another date (event times moved along), other places."""
    doc = template.model_copy(deep=True)
    doc.document.text = f"{template.text}\n\n[{copy}]"  # appended: every offset stays valid
    doc.document.id = content_id(doc.document.text)
    published = FIRST_DAY + dt.timedelta(days=rng.randrange((LAST_DAY - FIRST_DAY).days))
    shift = published - (template.document.published or published)
    doc.document.published = published
    for event in doc.events:
        event.time = _shifted(event.time, shift)
    doc.places = [_moved(place, rng.choice(cities)) for place in doc.places]
    return doc


def _shifted(value: str | None, shift: dt.timedelta) -> str | None:
    """A TIMEX3 day moved by `shift`; other values (months, weeks, ...) are dropped: the event then takes
    its article's date."""
    try:
        return (dt.date.fromisoformat(value) + shift).isoformat() if value else None
    except ValueError:
        return None


def _moved(place: Place, city: tuple[str, float, float, str, int]) -> Place:
    name, lat, lon, country, geonameid = city
    return place.model_copy(update={"name": name, "lat": lat, "lon": lon, "country": country,
                                    "source_id": f"geonames:{geonameid}"})  # fmt: skip


# -- 2. the server --------------------------------------------------------------------------------


@contextmanager
def server(db: Path, log: Path | None) -> Iterator[str]:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    env = {**os.environ, "KRONIEK_RATE_LIMIT": "0", "KRONIEK_WRITE_RATE_LIMIT": "0"}
    command = [str(KRONIEK), "serve", "--db", str(db), "--port", str(port)]
    output = log.open("w") if log else subprocess.DEVNULL
    process = subprocess.Popen(command, env=env, stdout=output, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while not _answers(base):
            if process.poll() is not None or time.monotonic() > deadline:
                raise SystemExit(f"kroniek serve did not start: {' '.join(command)}")
            time.sleep(0.2)
        yield base
    finally:
        process.terminate()
        process.wait(30)


def _answers(base: str) -> bool:
    try:
        return httpx.get(f"{base}/openapi.json", timeout=2).status_code == 200
    except httpx.HTTPError:
        return False


# -- requests -------------------------------------------------------------------------------------


@dataclass
class Workload:
    """What requests look like: values present in the database, drawn at random."""

    rng: random.Random
    countries: list[str]
    types: list[str]
    words: list[str]
    doc_ids: list[str]
    texts: list[str]

    @classmethod
    def of(cls, db: Path, rng: random.Random) -> Workload:
        with Store(db) as store:
            sql = store.conn.execute
            countries = [row[0] for row in sql("SELECT DISTINCT country FROM places WHERE country IS NOT NULL")]
            types = [row[0] for row in sql("SELECT DISTINCT type FROM events")]
            texts = [row[0] for row in sql("SELECT text FROM documents LIMIT ?", (200,))]
            doc_ids = [row[0] for row in sql("SELECT id FROM documents LIMIT ?", (5000,))]
        words = sorted({word for text in texts for word in text.split() if word.isalpha() and len(word) > 5})
        texts = [text for _lang, text in corpus(ANALYSED + 20)[ANALYSED:]]  # not among the stored
        return cls(rng, countries, types, words[:500], doc_ids, texts)

    def window(self, days: int) -> dict[str, str]:
        start = FIRST_DAY + dt.timedelta(days=self.rng.randrange((LAST_DAY - FIRST_DAY).days - days))
        return {"since": start.isoformat(), "until": (start + dt.timedelta(days=days)).isoformat()}

    def event_filters(self) -> dict[str, Callable[[], dict[str, Any]]]:
        """Filtered event lists as the UI and tools send them, by filter."""
        pick = self.rng.choice
        return {
            "events: month": lambda: self.window(30),
            "events: country": lambda: {"country": pick(self.countries)},
            "events: type + year": lambda: {"type": pick(self.types), **self.window(365)},
            "events: bbox + year": lambda: {"bbox": self._bbox(), **self.window(365)},
            "events: text": lambda: {"q": pick(self.words)},
            "events: unfiltered": lambda: {},
        }

    def _bbox(self) -> str:
        lon, lat = self.rng.uniform(-170, 150), self.rng.uniform(-60, 50)
        return f"{lon:.2f},{lat:.2f},{lon + 20:.2f},{lat + 15:.2f}"

    def read(self) -> Request:
        kind = self.rng.choice(["events", "events", "documents", "document", "places"])
        if kind == "events":
            make = self.rng.choice(list(self.event_filters().values()))
            return "events (filtered)", "/events", make()
        if kind == "documents":
            return "documents", "/documents", self.window(90)
        if kind == "document":
            return "document", f"/documents/{self.rng.choice(self.doc_ids)}", {}
        return "places", "/places", self.rng.choice([{"country": self.rng.choice(self.countries)}, self.window(365)])


# -- measuring ------------------------------------------------------------------------------------


@dataclass
class Tally:
    seconds: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    errors: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))

    def record(self, kind: str, started: float, problem: str | None) -> None:
        self.seconds[kind].append(time.perf_counter() - started)
        if problem:
            self.errors[kind].append(problem)

    def table(self, wall: float | None) -> str:
        """Per kind of request; throughput over `wall` seconds, or (None) over the kind's own time."""
        lines = [
            "| requests | count | per second | p50 ms | p95 ms | p99 ms | errors |",
            "|---|---|---|---|---|---|---|",
        ]
        for kind in sorted(self.seconds, key=lambda k: (k.startswith("analyse"), k)):
            times = sorted(self.seconds[kind])
            p50, p95, p99 = (1000 * _percentile(times, q) for q in (50, 95, 99))
            rate = len(times) / (wall or sum(times))
            lines.append(
                f"| {kind} | {len(times):,} | {rate:,.1f} | {p50:,.0f} | {p95:,.0f} | {p99:,.0f} |"
                f" {len(self.errors.get(kind, []))} |"
            )
        return "\n".join(lines)


def _percentile(ordered: list[float], q: float) -> float:
    """Nearest-rank percentile."""
    return ordered[max(0, min(len(ordered) - 1, round(q / 100 * len(ordered)) - 1))] if ordered else float("nan")


async def send(client: httpx.AsyncClient, tally: Tally, kind: str, method: str, path: str, **options: Any) -> None:
    started = time.perf_counter()
    try:
        response = await client.request(method, path, **options)
        problem = None if response.is_success else f"{response.status_code} {response.text[:200]}"
    except httpx.HTTPError as error:
        problem = f"{type(error).__name__}: {error}"
    tally.record(kind, started, problem)


async def filtered_lists(base: str, work: Workload, requests: int) -> Tally:
    """One client, one request after the other, `requests` per filter."""
    tally = Tally()
    async with httpx.AsyncClient(base_url=base, timeout=60) as client:
        for name, make in work.event_filters().items():
            for _ in range(requests):
                await send(client, tally, name, "GET", "/events", params=make())
    return tally


async def under_load(base: str, work: Workload, clients: int, analysers: int, seconds: float) -> tuple[Tally, float]:
    tally = Tally()
    deadline = time.perf_counter() + seconds
    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)

    async def reader(client: httpx.AsyncClient) -> None:
        while time.perf_counter() < deadline:
            kind, path, params = work.read()
            await send(client, tally, kind, "GET", path, params=params)

    async def analyser(client: httpx.AsyncClient) -> None:
        while time.perf_counter() < deadline:
            text = work.rng.choice(work.texts)
            await send(client, tally, "analyse (POST /analyse)", "POST", "/analyse", json={"text": text})

    started = time.perf_counter()
    async with httpx.AsyncClient(base_url=base, timeout=120, limits=limits) as client:
        roles = [analyser] * analysers + [reader] * (clients - analysers)
        await asyncio.gather(*(role(client) for role in roles))
    return tally, time.perf_counter() - started


def warm_up(base: str, work: Workload) -> None:
    """Models loaded and every kind of request answered once before the clock starts."""
    analysed = httpx.post(f"{base}/analyse", json={"text": work.texts[0]}, timeout=600)
    analysed.raise_for_status()
    for _ in range(20):
        _kind, path, params = work.read()
        httpx.get(base + path, params=params, timeout=60).raise_for_status()


# -- the slowest filter's plan --------------------------------------------------------------------


def query_plan(db: Path, params: dict[str, Any]) -> str:
    """EXPLAIN QUERY PLAN of the event listing's key query for these filters, as the store builds it."""
    from kroniek.api.params import event_query

    with Store(db) as store:
        query = asyncio.run(event_query(**params))
        sent: list[tuple[str, Any]] = []
        execute = store.conn.execute

        def capturing(sql: str, values: Any = ()) -> Any:
            sent.append((sql, values))
            return execute(sql, values)

        store.conn.execute = capturing
        store.event_page(query)
        sql, values = next((sql, values) for sql, values in sent if "_k0" in sql)
        plan = execute(f"EXPLAIN QUERY PLAN {sql}", values).fetchall()
    return "\n".join(f"{'  ' * (row[1] > 0)}{row[3]}" for row in plan)


# -- main -----------------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, default=Path("/tmp/kroniek-load.db"), help="built once, then reused")
    parser.add_argument("--events", type=int, default=100_000)
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--analysers", type=int, default=5, help="of the clients, how many post /analyse")
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--list-requests", type=int, default=100, help="per filter, in part 3")
    parser.add_argument("--seed", type=int, default=9)
    parser.add_argument("--server-log", type=Path, help="keep the server's output here")
    parser.add_argument("--record", action="store_true", help=f"add the tables to '{SECTION}' in docs/benchmarks.md")
    args = parser.parse_args(argv)
    rng = random.Random(args.seed)
    build_database(args.db, args.events, ANALYSED, rng)
    work = Workload.of(args.db, rng)
    with server(args.db, args.server_log) as base:
        warm_up(base, work)
        before = machine()
        lists = asyncio.run(filtered_lists(base, work, args.list_requests))
        crowd, wall = asyncio.run(under_load(base, work, args.clients, args.analysers, args.seconds))
        after = load()
    slowest = max(lists.seconds, key=lambda kind: _percentile(sorted(lists.seconds[kind]), 95))
    plan = query_plan(args.db, work.event_filters()[slowest]())
    report = "\n".join([
        f"`{' '.join(['python benchmarks/api_load.py', *(argv if argv is not None else sys.argv[1:])])}`", "",
        f"{before}; after: {after}. The machine is shared with other work.",
        "", f"Filtered event lists, one client, {args.list_requests} requests per filter, 100 rows a page:", "",
        lists.table(None), "",
        f"{args.clients} clients for {wall:.0f} s ({args.analysers} posting /analyse, the others reading):", "",
        crowd.table(wall), "", f"Query plan of the slowest filter ({slowest}):", "", "```", plan, "```",
    ])  # fmt: skip
    print(report)
    for kind, problems in {**lists.errors, **crowd.errors}.items():
        print(f"errors in {kind} ({len(problems)}), the first: {problems[:3]}")
    if args.record:
        record(SECTION, report)


if __name__ == "__main__":
    main()
