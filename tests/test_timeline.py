"""`kroniek timeline` over the linked examples: a story, an entity and a place, each in time order with the
articles that report every event."""

from __future__ import annotations

import json
from typing import Any

import pytest
from typer.testing import CliRunner

from kroniek.cli.main import app
from kroniek.export.timeline import timeline
from kroniek.store import Store
from kroniek.store.registry import Registry
from tests.conftest import BACKENDS
from tests.linked_examples import linked_database, mosul_story

runner = CliRunner()


@pytest.fixture(scope="module", params=BACKENDS)
def database(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> str:
    """The linked examples in a SQLite file, then in a PostgreSQL database."""
    return linked_database(request, tmp_path_factory)


def shown(database: str, *args: str) -> dict[str, Any]:
    result = runner.invoke(app, ["timeline", "--db", database, "--format", "json", *args])
    assert result.exit_code == 0, result.output
    found: dict[str, Any] = json.loads(result.stdout)
    return found


def stories(database: str) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = json.loads(runner.invoke(app, ["stories", "--db", database, "-f", "json"]).stdout)
    return found


def assert_in_time_order_with_sources(events: list[dict[str, Any]]) -> None:
    assert events
    dates = [event["event_date"] for event in events if event["event_date"]]
    assert dates == sorted(dates)
    for event in events:
        assert len(event["sources"]) == event["reports"] >= 1
        published = [source["published"] for source in event["sources"] if source["published"]]
        assert published == sorted(published)  # the first report first
        assert {source["doc_id"] for source in event["sources"]} >= {event["doc_id"]}


def test_a_story_timeline_has_its_events_and_the_reports_in_both_languages(database: str) -> None:
    mosul = mosul_story(stories(database))
    found = shown(database, mosul["id"])
    assert (found["kind"], found["id"], found["label"]) == ("story", mosul["id"], mosul["label"])
    events = found["events"]
    assert_in_time_order_with_sources(events)
    assert {event["doc_id"] for event in events} <= set(mosul["documents"])
    languages = [{source["language"] for source in event["sources"]} for event in events]
    assert {"nl", "en"} in languages  # an event reported by the Dutch and the English article
    assert len({event["event_id"] for event in events}) == len(events)


def test_an_entity_timeline_by_name_has_the_events_it_takes_part_in(database: str) -> None:
    found = shown(database, "al-Baghdadi")
    assert found["kind"] == "entity" and "Baghdadi" in found["label"]
    assert_in_time_order_with_sources(found["events"])
    for event in found["events"]:
        sides = " ".join(event[key] or "" for key in ("actor1", "assoc_actor_1", "actor2", "assoc_actor_2"))
        assert "Baghdadi" in sides
    by_id = shown(database, found["id"], "--kind", "entity")
    assert by_id["events"] == found["events"]


def test_a_place_timeline_by_name_or_country_code(database: str) -> None:
    mosul = shown(database, "Mosul")
    assert mosul["kind"] == "place"
    assert_in_time_order_with_sources(mosul["events"])
    assert {event["location"] for event in mosul["events"]} == {"Mosul"}
    iraq = shown(database, "IQ")
    assert {event["country_code"] for event in iraq["events"]} == {"IQ"}
    assert len(iraq["events"]) >= len(mosul["events"])


def test_the_python_api_gives_the_same_timeline(database: str) -> None:
    with Store(database) as store:
        story_id = Registry(store.conn).stories()[0]["id"]
        found = timeline(store, story_id, limit=2)
    assert found.kind == "story" and len(found.events) <= 2
    assert found.as_dict()["events"] == shown(database, story_id, "--limit", "2")["events"]


def test_the_table_names_the_subject_and_the_sources(database: str) -> None:
    result = runner.invoke(app, ["timeline", "--db", database, "Mosul"], env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    assert "place Mosul" in result.stdout and "Voorbeeldkrant" in result.stdout and "Example Wire" in result.stdout


@pytest.mark.parametrize(
    ("args", "code"),
    [(["Atlantis"], "E061"), (["Mosul", "--kind", "story"], "E061"), (["Islam"], "E033")],
)
def test_an_unknown_or_ambiguous_subject_is_an_error(database: str, args: list[str], code: str) -> None:
    result = runner.invoke(app, ["timeline", "--db", database, *args])
    assert result.exit_code == 2 and code in result.stderr, result.output
