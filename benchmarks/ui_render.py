"""The web UI's first render with 10,000 events on the map (issue 9's target: under 1 s), in headless Chromium.

    python benchmarks/ui_render.py [--db PATH] [--events 10000] [--from /tmp/h3/load100k.db] [--runs 5] [--record]

1. A database of `--events` events: the first documents of a larger database built by benchmarks/api_load.py
   (`--from`, read only), stored again with `Store.add`; without one, built as api_load.py builds it (40
   real articles analysed once, then stored again and again with other dates and places). Each event is
   placed at a city drawn from the gazetteer (most events in news text name no place), so that all of
   them are on the map. Kept at --db.
2. `kroniek serve` on it in its own process (rate limits off), as api_load.py starts it.
3. Debian's headless Chromium (Selenium, the flags of tests/test_web.py) opens the UI `--runs` times, the
   browser's cache cleared before each. The UI sets the performance mark `kroniek:first-render` when the map
   has drawn its countries and every event marker, and the timeline and the lists are drawn; the time from
   navigation start to that mark is the first render.
4. Where the time goes, per run, from the Performance API: the page and its script and style (navigation
   start to DOMContentLoaded), the API requests (first request sent to last response in; the server's
   share is the longest wait for a first byte), the JSON they carried, and the UI's own JavaScript (its
   `kroniek:*` measures: reading the answers, the map's markers, the timeline, the lists, and the canvas
   drawing up to the first-render mark). Chromium's own count of the main thread's time (running script, and
   busy with any task: parsing, JSON, style, layout, drawing, garbage collection) comes from the DevTools
   protocol (Performance.getMetrics).

Prints the runs, then p50 and max of each column; with --record writes them to "Web UI first render" in
docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import itertools
import random
import shutil
import sqlite3
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from kroniek.model import Document, Place
from kroniek.store import Store

sys.path.insert(0, str(Path(__file__).resolve().parent))
from api_load import ANALYSED, analysed_articles, gazetteer_cities, server, variant  # as the API benchmark does
from common import load, machine, record

SECTION = "Web UI first render"
FIRST_RENDER = "kroniek:first-render"
WAIT = 60  # seconds for one page to render
CHROMIUM_FLAGS = (
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync", "--window-size=1400,850",
)  # fmt: skip


# -- 1. the database ------------------------------------------------------------------------------


def build_database(path: Path, events: int, source: Path | None) -> None:
    """`events` events at `path`, each placed at a city of the gazetteer so that all are on the map."""
    with Store(path) as store:
        have = store.conn.execute("SELECT count(*) FROM events").fetchone()[0]
        if have >= events:
            print(f"reusing {path}: {have:,} events")
            return
        rng, cities = random.Random(10), gazetteer_cities()
        started = time.perf_counter()
        for doc in articles(source, rng, cities):
            doc.events = doc.events[: events - have]
            if doc.events and store.add(placed(doc, rng, cities)):
                have += len(doc.events)
            if have >= events:
                break
        documents = store.count()
    print(f"built {path}: {documents:,} documents, {have:,} events in {time.perf_counter() - started:.0f} s")


def articles(source: Path | None, rng: random.Random, cities: list[Any]) -> Iterator[Document]:
    """The documents of a database built by api_load.py, read only; without one, analysed as api_load.py does."""
    if source is not None and source.is_file():
        with sqlite3.connect(f"file:{source}?mode=ro", uri=True) as read:
            for (analysis,) in read.execute("SELECT analysis FROM documents ORDER BY rowid"):
                yield Document.model_validate_json(analysis)
        return
    templates = analysed_articles(ANALYSED)
    for copy in itertools.count(1):
        yield variant(templates[copy % len(templates)], copy, rng, cities)


def placed(doc: Document, rng: random.Random, cities: list[Any]) -> Document:
    """Every event of the document at a city of its own (most events in news text name no place)."""
    for event in doc.events:
        name, lat, lon, country, geonameid = rng.choice(cities)
        place = Place(id=f"B-{event.id}", name=name, lat=lat, lon=lon, country=country,
                      source_id=f"geonames:{geonameid}", kind="city", precision="city")  # fmt: skip
        doc.places.append(place)
        event.place = place.id
    return doc


# -- 2. the browser -------------------------------------------------------------------------------


@contextmanager
def chromium() -> Iterator[Any]:
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    binary, driver_binary = shutil.which("chromium") or shutil.which("chromium-browser"), shutil.which("chromedriver")
    if not (binary and driver_binary):
        raise SystemExit("chromium and chromium-driver are not installed (apt-get install -y chromium chromium-driver)")
    with tempfile.TemporaryDirectory(prefix="kroniek-chromium-") as profile:
        options = webdriver.ChromeOptions()
        options.binary_location = binary
        for flag in (*CHROMIUM_FLAGS, f"--user-data-dir={profile}"):
            options.add_argument(flag)
        driver = webdriver.Chrome(options=options, service=Service(executable_path=driver_binary))
        try:
            yield driver
        finally:
            driver.quit()


# Everything one run reports, read in the page once the first render is marked.
TIMINGS = """
const [nav] = performance.getEntriesByType("navigation");
const mark = performance.getEntriesByName(arguments[0])[0];
const resources = performance.getEntriesByType("resource").map((r) => ({
  name: r.name, start: r.startTime, request: r.requestStart, response: r.responseStart, end: r.responseEnd,
  bytes: r.encodedBodySize, decoded: r.decodedBodySize,
}));
const measures = performance.getEntriesByType("measure").filter((m) => m.name.startsWith("kroniek:"))
  .map((m) => ({ name: m.name, duration: m.duration }));
return { total: mark.startTime, dom: nav.domContentLoadedEventEnd, resources, measures,
         events: document.getElementById("map").dataset.events };
"""


def one_run(driver: Any, base: str) -> dict[str, Any]:
    """Open the UI with a cold cache; its timings."""
    from selenium.webdriver.support.ui import WebDriverWait

    driver.get(base + "/static/LICENSES.txt")  # same origin, so the renderer (and its metrics) stays
    driver.execute_cdp_cmd("Network.enable", {})
    driver.execute_cdp_cmd("Network.clearBrowserCache", {})
    driver.execute_cdp_cmd("Performance.enable", {})
    before = main_thread_seconds(driver)
    driver.get(base + "/")
    WebDriverWait(driver, WAIT).until(
        lambda d: d.execute_script("return performance.getEntriesByName(arguments[0]).length", FIRST_RENDER)
    )
    timings: dict[str, Any] = driver.execute_script(TIMINGS, FIRST_RENDER)
    after = main_thread_seconds(driver)
    timings["script"], timings["busy"] = (1000 * (after[name] - before[name]) for name in METRICS)
    return timings


METRICS = ("ScriptDuration", "TaskDuration")  # Chromium's main thread: running script; any task at all


def main_thread_seconds(driver: Any) -> dict[str, float]:
    metrics = driver.execute_cdp_cmd("Performance.getMetrics", {})["metrics"]
    return {m["name"]: float(m["value"]) for m in metrics if m["name"] in METRICS}


# -- 3. the table ---------------------------------------------------------------------------------

Column = Callable[[dict[str, Any]], float]
COLUMNS: dict[str, Column] = {
    "first render ms": lambda t: t["total"],
    "page + script ms": lambda t: t["dom"],
    "API ms": lambda t: api_span(t)[0],
    "slowest API wait ms": lambda t: api_span(t)[1],
    "API JSON kB": lambda t: sum(r["bytes"] for r in api_requests(t)) / 1000,
    "API requests": lambda t: len(api_requests(t)),
    "UI JS ms": lambda t: sum(m["duration"] for m in t["measures"]),
    "main thread: script ms": lambda t: t["script"],
    "main thread: busy ms": lambda t: t["busy"],
}


def api_requests(timings: dict[str, Any]) -> list[dict[str, Any]]:
    return [r for r in timings["resources"] if "/static/" not in r["name"]]


def api_span(timings: dict[str, Any]) -> tuple[float, float]:
    """From the first API request sent to the last answer in, and the longest wait for a first byte."""
    requests = api_requests(timings)
    if not requests:
        return 0.0, 0.0
    span = max(r["end"] for r in requests) - min(r["start"] for r in requests)
    return span, max(r["response"] - r["request"] for r in requests)


def table(runs: list[dict[str, Any]]) -> str:
    lines = ["| run | " + " | ".join(COLUMNS) + " |", "|---" * (len(COLUMNS) + 1) + "|"]
    for i, run in enumerate(runs, 1):
        lines.append(f"| {i} | " + " | ".join(f"{column(run):,.0f}" for column in COLUMNS.values()) + " |")
    picks: tuple[tuple[str, Callable[[list[float]], float]], ...] = (("p50", statistics.median), ("max", max))
    for name, pick in picks:
        values = [pick([column(run) for run in runs]) for column in COLUMNS.values()]
        lines.append(f"| **{name}** | " + " | ".join(f"**{value:,.0f}**" for value in values) + " |")
    return "\n".join(lines)


def breakdown(runs: list[dict[str, Any]]) -> str:
    """The median of each request's timings and of each UI measure over the runs."""
    lines = ["| step | p50 ms | detail |", "|---|---|---|"]
    by_path: dict[str, list[dict[str, Any]]] = {}
    for run in runs:
        for r in api_requests(run):
            by_path.setdefault(r["name"].split("/", 3)[-1], []).append(r)
    for path, requests in by_path.items():
        wait = statistics.median(r["response"] - r["request"] for r in requests)
        download = statistics.median(r["end"] - r["response"] for r in requests)
        size = statistics.median(r["bytes"] for r in requests) / 1000
        lines.append(
            f"| GET /{path} | {wait + download:,.0f} | server {wait:,.0f}, transfer {download:,.0f}, {size:,.0f} kB |"
        )
    names = dict.fromkeys(m["name"] for run in runs for m in run["measures"])
    for name in names:
        value = statistics.median(sum(m["duration"] for m in run["measures"] if m["name"] == name) for run in runs)
        lines.append(f"| {name} | {value:,.0f} | UI JavaScript |")
    return "\n".join(lines)


# -- main -----------------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, default=Path("/tmp/kroniek-ui-10k.db"), help="built once, then reused")
    parser.add_argument("--events", type=int, default=10_000)
    parser.add_argument(
        "--from", dest="source", type=Path, default=Path("/tmp/h3/load100k.db"),
        help="a database built by benchmarks/api_load.py to copy documents from, read only",
    )  # fmt: skip
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--server-log", type=Path, help="keep the server's output here")
    parser.add_argument("--record", action="store_true", help=f"write the tables to '{SECTION}' in docs/benchmarks.md")
    args = parser.parse_args(argv)
    build_database(args.db, args.events, args.source)
    with Store(args.db) as store:
        events = store.conn.execute("SELECT count(*) FROM events").fetchone()[0]
    with server(args.db, args.server_log) as base, chromium() as driver:
        before = machine()
        runs = [one_run(driver, base) for _ in range(args.runs)]
        after = load()
    markers = runs[-1]["events"]
    report = "\n".join([
        f"`{' '.join(['python benchmarks/ui_render.py', *(argv if argv is not None else sys.argv[1:])])}`", "",
        f"{before}; after: {after}. The machine is shared with other work. {events:,} events in the database,"
        f" {markers} markers on the map (events at one spot and of one type share a marker); headless Chromium,"
        f" cache cleared before each of {args.runs} runs.", "",
        table(runs), "", "Where the time goes (median over the runs):", "", breakdown(runs),
    ])  # fmt: skip
    print(report)
    if args.record:
        record(SECTION, report)


if __name__ == "__main__":
    main()
