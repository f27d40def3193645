"""Linking across documents on real articles: the sample, the examples and our own sentences."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from kroniek.cli.link import entity, stories
from kroniek.ingest import read_paths
from kroniek.link.across import LinkResult, link_document, link_pending
from kroniek.link.evaluate import bcubed, pairwise
from kroniek.link.evaluate import main as evaluate_main
from kroniek.link.names import alias_key, repaired_span, skeleton
from kroniek.model import Document
from kroniek.pipeline import Pipeline
from kroniek.store import Store
from kroniek.store.registry import Registry
from tests.conftest import BACKENDS

ROOT = Path(__file__).parents[1]
SHARED = ROOT / ".." / "shared"
SAMPLE = SHARED / "seed" / "mosul-2017-06-21.nl.txt"


@pytest.fixture(scope="module")
def pipeline() -> Pipeline:
    return Pipeline()


def _articles() -> list[Document]:
    docs = [r.to_document() for r in read_paths([SAMPLE], published=dt.date(2017, 6, 21))]
    docs += [r.to_document() for r in read_paths([ROOT / "examples"])]
    return docs


@pytest.fixture(scope="module")
def analysed(pipeline: Pipeline) -> list[Document]:
    return [pipeline(doc) for doc in _articles()]


@pytest.fixture(scope="module", params=BACKENDS)
def linked(
    request: pytest.FixtureRequest, analysed: list[Document], tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[Store, dict[str, Document], dict[str, LinkResult]]]:
    """The articles stored and linked in SQLite, then in PostgreSQL: the same assertions hold for both."""
    if request.param == "sqlite":
        store = Store(tmp_path_factory.mktemp("link") / "k.db")
    else:
        store = Store(request.getfixturevalue("postgres_server").new_database())
    docs = {}
    results = {}
    for doc in analysed:
        store.add(doc)
        results[doc.id] = link_document(store, doc)
        docs[doc.id] = doc
    yield store, docs, results
    store.close()


def _mosul_reports(docs: dict[str, Document]) -> list[Document]:
    return [d for d in docs.values() if d.document.published == dt.date(2017, 6, 21) and "Mosul" in d.text]


def _registry_ids(doc: Document, result: LinkResult, needle: str) -> set[str]:
    return {result.entities[e.id] for e in doc.entities if any(needle in m.text for m in e.mentions)}


def test_the_three_mosul_reports_are_one_story_and_the_others_are_not(linked) -> None:
    _, docs, results = linked
    mosul = _mosul_reports(docs)
    assert len(mosul) == 3 and {d.language for d in mosul} == {"nl", "en"}
    assert len({results[d.id].story_id for d in mosul}) == 1
    others = {results[d.id].story_id for d in docs.values() if d not in mosul and "Mosul" not in d.text}
    assert results[mosul[0].id].story_id not in others  # floods and the earthquake are stories of their own


def test_al_baghdadi_and_islamic_state_have_one_id_across_languages(linked) -> None:
    _, docs, results = linked
    baghdadi = set().union(*(_registry_ids(d, results[d.id], "Baghdadi") for d in docs.values()))
    assert len(baghdadi) == 1
    islamic_state = set().union(
        *(
            _registry_ids(d, results[d.id], name)
            for d in docs.values()
            for name in ("Islamitische Staat", "Islamic State")
        )
    )
    assert islamic_state == {"islamic-state"}
    is_acronym = {results[d.id].entities[e.id] for d in docs.values() for e in d.entities if e.name == "IS"}
    assert is_acronym <= {"islamic-state"}


def test_places_and_demonyms_link_across_languages(linked) -> None:
    _, docs, results = linked
    iraq = {results[d.id].entities[e.id] for d in docs.values() for e in d.entities if e.name in ("Irak", "Iraq")}
    assert len(iraq) == 1
    iraqi = set().union(
        *(_registry_ids(d, results[d.id], name) for d in docs.values() for name in ("Iraakse", "Iraqi"))
    )
    assert iraqi == {"country-IQ"}


def test_events_reported_by_all_three_mosul_articles_merge(linked) -> None:
    store, docs, _ = linked
    registry = Registry(store.conn)
    mosul_ids = {d.id for d in _mosul_reports(docs)}
    rows = store.conn.execute(
        "SELECT event_id FROM cross_event_reports GROUP BY event_id HAVING count(DISTINCT doc_id) >= 3"
    )
    merged = [registry.event_detail(row[0]) for row in rows]
    with_all_three = [e for e in merged if e and mosul_ids <= set(e["documents"])]
    assert len(with_all_three) >= 3
    encircled = next(e for e in with_all_three if e["type"].startswith("COERCE"))
    assert encircled["time"] == "2017-06-20" and encircled["first_report"] == "2017-06-21"
    assert {"Example Wire", "Voorbeeldkrant"} <= set(encircled["sources"])
    assert set(encircled["certainties"]) == {"reported"}


def test_an_event_carries_the_range_of_numbers_its_reports_give(linked) -> None:
    store, _, _ = linked
    registry = Registry(store.conn)
    trapped = store.conn.execute("SELECT id FROM cross_events WHERE type = 'OTHER:trapped'").fetchall()
    details = [registry.event_detail(row[0]) for row in trapped]
    assert any(d and len(d["documents"]) >= 2 and d["numbers"] == [100000.0, 100000.0] for d in details)


def test_linking_is_idempotent(linked) -> None:
    store, docs, results = linked
    before = store.conn.execute("SELECT count(*) FROM registry_links").fetchone()[0]
    doc = next(iter(docs.values()))
    again = link_document(store, doc)
    assert again.already_linked and again.story_id == results[doc.id].story_id
    assert again.entities == results[doc.id].entities
    assert link_pending(store) == 0
    assert store.conn.execute("SELECT count(*) FROM registry_links").fetchone()[0] == before


def test_an_entity_says_why_it_was_linked(linked) -> None:
    store, _, _ = linked
    detail = Registry(store.conn).entity_detail("islamic-state")
    assert detail is not None and detail["name"] == "Islamic State"
    rules = {row["rule"] for row in detail["documents"]}
    assert "curated alias" in rules and "span repair" in rules  # "Islamic State fighters" in the English report
    assert all(row["evidence"] for row in detail["documents"])


def test_stories_and_entity_commands(linked) -> None:
    store, _, _ = linked
    app = typer.Typer()
    app.command()(stories)
    app.command()(entity)
    runner = CliRunner()
    result = runner.invoke(app, ["stories", "--db", str(store.path), "--format", "json"])
    assert result.exit_code == 0, result.output
    listed = json.loads(result.output)
    assert all(set(s) == {"id", "label", "documents", "events", "first_seen", "last_seen"} for s in listed)
    mosul = {d.id for d in _mosul_reports(linked[1])}
    assert any(mosul <= set(s["documents"]) for s in listed)
    shown = runner.invoke(app, ["entity", "Baghdadi", "--db", str(store.path), "--format", "json"])
    assert shown.exit_code == 0, shown.output
    assert json.loads(shown.output)["type"] == "PER"


def test_names_learned_from_text_link_later_articles(pipeline: Pipeline, tmp_path: Path) -> None:
    texts = [
        (
            "nl",
            "2019-10-28",
            "Het Openbaar Ministerie (OM) vervolgt twee mannen voor de brand in Rotterdam."
            " Generaal Chalifa Haftar kwam ook aan het woord in Benghazi.",
        ),
        ("en", "2019-10-29", "In Libya, Khalifa Haftar said his forces would advance on Tripoli."),
        (
            "nl",
            "2019-10-30",
            "Volgens Haftar zullen zijn troepen Tripoli snel innemen. Het OM eist drie jaar cel tegen de mannen.",
        ),
    ]
    with Store(tmp_path / "k.db") as store:
        found: dict[str, set[str]] = {"OM": set(), "Haftar": set()}
        rules: set[str] = set()
        for language, published, text in texts:
            doc = pipeline(Document.new(text, language=language, published=dt.date.fromisoformat(published)))
            store.add(doc)
            result = link_document(store, doc)
            for needle, ids in found.items():
                ids |= _registry_ids(doc, result, needle)
        for row in store.conn.execute("SELECT rule FROM registry_links"):
            rules.add(row[0])
    assert len(found["OM"]) == 1  # the acronym defined in the first article
    assert len(found["Haftar"]) == 1  # "Chalifa" = "Khalifa" by transliteration, then the surname alone
    assert {"alias", "transliteration", "surname"} <= rules


def test_name_keys() -> None:
    assert alias_key("IS") == "IS" and alias_key("is") != alias_key("IS")
    assert alias_key("de Verenigde Naties", ("de",)) == alias_key("Verenigde Naties")
    assert skeleton("Abu Bakr al-Bagdadi") == skeleton("Abu Bakr al-Baghdadi")
    assert skeleton("Poetin") == skeleton("Putin")
    assert skeleton("Zelenskyy") == skeleton("Zelenski")
    assert repaired_span("Islamic State fighters") == "Islamic State"
    assert repaired_span("Abu Bakr al-Baghdadi") is None


def test_cluster_metrics() -> None:
    gold = ["a", "a", "b", "b"]
    assert pairwise(gold, [1, 1, 2, 2])["f1"] == 1.0
    assert pairwise(gold, [1, 2, 3, 4]) == {"precision": 0.0, "recall": 0.0, "f1": 0.0}
    assert bcubed(gold, [1, 1, 1, 1]) == {"precision": 0.5, "recall": 1.0, "f1": 0.6667}


def test_store_records_the_migration(tmp_path: Path) -> None:
    with Store(tmp_path / "k.db") as store:
        names = [row[0] for row in store.conn.execute("SELECT name FROM migrations")]
        assert "003_cross_document" in names
        tables = {row[0] for row in store.conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        assert {"registry_entities", "cross_events", "stories", "story_documents"} <= tables


@pytest.mark.skipif(not (SHARED / "corpora" / "eventdna").is_dir(), reason="EventDNA not present")
def test_coreference_evaluation_runs_and_beats_exact_names(capsys: pytest.CaptureFixture[str]) -> None:
    assert evaluate_main(["coref", "--limit", "120"]) == 0
    report = json.loads(capsys.readouterr().out)
    ours = report["kroniek in-document linker"]["bcubed"]["f1"]
    assert ours >= report["baseline: exact name"]["bcubed"]["f1"] and ours > 0.85
