"""Linking at scale: story vectors computed where documents are analysed (batch workers, `kroniek ingest`) and
stored with them; the counters and per-event sets kept while linking stay exact; the search for events by
time reads a bounded range per span class and loses no event that overlaps."""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from typer.testing import CliRunner

from kroniek.cli.main import app
from kroniek.ingest import read_paths
from kroniek.ingest.readers import Article
from kroniek.link.across import link_document
from kroniek.link.embed import Embedder
from kroniek.model import Document
from kroniek.pipeline import Pipeline
from kroniek.settings import Settings
from kroniek.store import Store
from kroniek.store.registry import SPANS, Registry, span_class
from tests.conftest import BACKENDS, EXAMPLES

runner = CliRunner()


@pytest.fixture(autouse=True)
def fast_models(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KRONIEK_NER", "fast")  # the CNN recogniser: the same code path, a tenth of the time


def kroniek(*args: object) -> Any:
    return runner.invoke(app, [str(a) for a in args], catch_exceptions=False)


@pytest.fixture(scope="module", params=BACKENDS)
def batched_and_ingested(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[Store, Store]]:
    """The examples through `kroniek batch --db` (SQLite, then PostgreSQL) and through `kroniek ingest`."""
    folder = tmp_path_factory.mktemp("scale")
    if request.param == "sqlite":
        url = f"sqlite:///{folder / 'batch.db'}"
    else:
        url = request.getfixturevalue("postgres_server").new_database()
    with pytest.MonkeyPatch.context() as env:
        env.setenv("KRONIEK_NER", "fast")
        batch = kroniek("batch", EXAMPLES, "--db", url, "--partition-size", 2)
        ingest = kroniek("ingest", EXAMPLES, "--db", folder / "ingest.db")
    assert batch.exit_code == 0, batch.stderr
    assert ingest.exit_code == 0, ingest.stderr
    with Store(url) as batched, Store(folder / "ingest.db") as ingested:
        yield batched, ingested


def _stories(store: Store) -> set[frozenset[str]]:
    return {frozenset(story["documents"]) for story in Registry(store.conn).stories()}


def test_a_batch_run_links_into_the_same_stories_as_ingest(batched_and_ingested: tuple[Store, Store]) -> None:
    batched, ingested = batched_and_ingested
    assert batched.count() == ingested.count() == 5
    stories = _stories(batched)
    assert stories == _stories(ingested)
    assert len(stories) < 5  # the Mosul reports, in Dutch and English, share one
    assert set().union(*stories) == {doc["id"] for doc in batched.documents()}


def test_the_workers_and_ingest_store_each_document_with_its_vector(
    batched_and_ingested: tuple[Store, Store],
) -> None:
    batched, ingested = batched_and_ingested
    embedder = Embedder()
    for row in batched.documents():
        from_worker, from_ingest = batched.vector(row["id"]), ingested.vector(row["id"])
        assert from_worker is not None and from_ingest is not None
        expected = embedder.document(batched.get(row["id"]))
        assert expected is not None and from_worker.shape == expected.shape
        assert np.allclose(from_worker, expected, atol=1e-5) and np.allclose(from_ingest, expected, atol=1e-5)


def test_link_document_uses_the_vector_stored_with_the_document(tmp_path: Path) -> None:
    """The floods and the earthquake, a day apart, are two stories; stored with the floods' vector, the
    earthquake report joins the floods' story, so the stored vector is what linking read."""
    read = [a.to_document() for a in read_paths([EXAMPLES / "articles.jsonl"]) if isinstance(a, Article)]
    floods, quake = read[2:4]
    quake.document.published = floods.document.published + dt.timedelta(days=1)
    pipeline = Pipeline(Settings.from_env())
    floods, quake = pipeline(floods), pipeline(quake)
    embedder = Embedder()
    flood_vector, quake_vector = embedder.document(floods), embedder.document(quake)
    own = _link_pair(tmp_path / "own.db", floods, quake, flood_vector, quake_vector)
    assert own[0] != own[1]
    borrowed = _link_pair(tmp_path / "borrowed.db", floods, quake, flood_vector, flood_vector)
    assert borrowed[0] == borrowed[1]


def _link_pair(
    path: Path, first: Document, second: Document, first_vector: Any, second_vector: Any
) -> tuple[str | None, str | None]:
    no_model = Embedder()
    no_model.available = False  # linking may not compute a vector of its own
    with Store(path) as store:
        store.add(first, first_vector)
        store.add(second, second_vector)
        return link_document(store, first, no_model).story_id, link_document(store, second, no_model).story_id


def test_counters_and_event_sets_kept_while_linking_equal_a_recount(
    batched_and_ingested: tuple[Store, Store],
) -> None:
    """What linking keeps as it goes (migration 006) is what counting the rows gives."""
    for store in batched_and_ingested:
        conn = store.conn
        registry = Registry(conn)
        assert registry.linked_count() == conn.execute("SELECT count(*) FROM linked_documents").fetchone()[0] == 5
        counted = {
            row[0]: row[1]
            for row in conn.execute("SELECT entity_id, count(DISTINCT doc_id) FROM registry_links GROUP BY entity_id")
        }
        assert counted and registry.document_frequency(counted) == counted
        recount = {
            "SELECT event_id, trigger FROM cross_event_triggers": "SELECT DISTINCT r.event_id, lower(v.trigger)"
            " FROM cross_event_reports r JOIN events v ON v.doc_id = r.doc_id AND v.id = r.local_id",
            "SELECT event_id, story_id FROM cross_event_stories": "SELECT DISTINCT r.event_id, s.story_id"
            " FROM cross_event_reports r JOIN story_documents s ON s.doc_id = r.doc_id",
            "SELECT event_id, value FROM cross_event_numbers": "SELECT event_id, low FROM cross_event_reports"
            " WHERE low IS NOT NULL UNION SELECT event_id, high FROM cross_event_reports WHERE high IS NOT NULL",
        }
        for kept, rows in recount.items():
            assert {tuple(row) for row in conn.execute(kept)} == {tuple(row) for row in conn.execute(rows)}, kept
        spans = conn.execute("SELECT time_start, time_end, time_span FROM cross_events").fetchall()
        assert spans and all(row[2] == span_class(row[0], row[1]) for row in spans)


@pytest.fixture(params=BACKENDS)
def empty_store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Store]:
    url = (
        str(tmp_path / "k.db")
        if request.param == "sqlite"
        else request.getfixturevalue("postgres_server").new_database()
    )
    with Store(url) as store:
        yield store


def test_events_found_by_span_class_are_exactly_those_that_overlap(empty_store: Store) -> None:
    """Events of every span (a day, a week, a month, a year, a decade) over twelve years, and report ranges
    of every span: the bounded search returns every overlapping event and nothing else."""
    registry = Registry(empty_store.conn)
    chance = random.Random(8)
    origin = dt.date(2010, 1, 1)
    events = {}
    for i in range(400):
        start = origin + dt.timedelta(days=chance.randrange(4400))
        end = start + dt.timedelta(days=chance.choice((0, 0, 6, 7, 8, 9, 30, 31, 33, 364, 369, 371, 3652)))
        event = _event(f"ev-{i}", chance.choice(("ASSAULT", "PROTEST")), start, end)
        registry.create_event(event)
        events[event["id"]] = event
    assert {span_class(e["time_start"], e["time_end"]) for e in events.values()} == set(SPANS)
    for _ in range(60):
        start = origin + dt.timedelta(days=chance.randrange(-400, 4800))
        low, high = start.isoformat(), (start + dt.timedelta(days=chance.choice((0, 7, 30, 365)))).isoformat()
        found = {e["id"] for e in registry.event_candidates(["ASSAULT"], low, high)}
        overlapping = {
            e["id"]
            for e in events.values()
            if e["type"] == "ASSAULT" and e["time_start"] <= high and e["time_end"] >= low
        }
        assert found == overlapping


def _event(event_id: str, type_: str, start: dt.date, end: dt.date) -> dict[str, Any]:
    return {
        "id": event_id,
        "type": type_,
        "mode": None,
        "place": None,
        "lat": None,
        "lon": None,
        "time": None,
        "time_start": start.isoformat(),
        "time_end": end.isoformat(),
        "time_explicit": 0,
    }
