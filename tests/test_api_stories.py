"""Stories over HTTP from a real server on loopback: the examples analysed by the real pipeline and linked
across articles, on the embedded store and on a real PostgreSQL server."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import jsonschema
import pytest

from kroniek.api import create_app
from kroniek.api.server import running
from kroniek.export.rows import COLUMN_NAMES
from kroniek.store import Store
from kroniek.store.registry import Registry
from tests.conftest import BACKENDS
from tests.linked_examples import linked_database, mosul_story

GEOJSON_SCHEMA = json.loads(
    (Path(__file__).parent / "data" / "geojson" / "point-feature-collection.schema.json").read_text(encoding="utf-8")
)


@pytest.fixture(scope="module", params=BACKENDS)
def served(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[httpx.Client, list[dict[str, Any]]]]:
    """A client of a real server over the linked examples, and the stories as the registry holds them."""
    target = linked_database(request, tmp_path_factory)
    with Store(target) as store:
        stories = Registry(store.conn).stories()
    app = create_app(target)
    with running(app) as base, httpx.Client(base_url=base, timeout=30) as client:
        yield client, stories
    app.state.backend.close()


def ok(response: httpx.Response) -> Any:
    assert response.status_code == 200, response.text
    return response.json() if "json" in response.headers["content-type"] else response.text


def every_page(client: httpx.Client, path: str, **params: Any) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = []
    cursor = None
    for _ in range(100):
        page = ok(client.get(path, params={**params, **({"cursor": cursor} if cursor else {})}))
        items += page["items"]
        cursor = page["next"]
        if cursor is None:
            return items
    raise AssertionError("the pages never end")


def test_stories_are_listed_most_recent_first_and_page_without_gaps(served) -> None:
    client, stories = served
    listed = ok(client.get("/stories"))["items"]
    assert [row["id"] for row in listed] == [story["id"] for story in stories]
    assert [row["documents"] for row in listed] == [len(story["documents"]) for story in stories]
    assert [row["events"] for row in listed] == [len(story["events"]) for story in stories]
    seen = [row["last_seen"] for row in listed]
    assert seen == sorted(seen, reverse=True)
    assert every_page(client, "/stories", limit=1) == listed
    mosul = next(row for row in listed if row["id"] == mosul_story(stories)["id"])
    assert (mosul["place"], mosul["country"]) == ("Mosul", "IQ")


def test_stories_filter_by_time(served) -> None:
    client, stories = served
    recent = ok(client.get("/stories", params={"since": "2021"}))["items"]
    assert 0 < len(recent) < len(stories) and all(row["last_seen"] >= "2021" for row in recent)
    old = ok(client.get("/stories", params={"until": "2017-06"}))["items"]
    assert 0 < len(old) < len(stories) and all(row["first_seen"] <= "2017-06-30" for row in old)
    assert client.get("/stories", params={"since": "soon"}).json()["error"]["code"] == "invalid"


def test_stories_as_csv_and_geojson(served) -> None:
    client, stories = served
    rows = list(csv.DictReader(io.StringIO(ok(client.get("/stories", params={"format": "csv"})))))
    assert [row["id"] for row in rows] == [story["id"] for story in stories]
    collection = ok(client.get("/stories", params={"format": "geojson"}))
    jsonschema.validate(collection, GEOJSON_SCHEMA)
    mosul = next(f for f in collection["features"] if f["properties"]["id"] == mosul_story(stories)["id"])
    assert [round(c) for c in mosul["geometry"]["coordinates"]] == [43, 36]


def test_one_story_with_its_articles(served) -> None:
    client, stories = served
    story = mosul_story(stories)
    found = ok(client.get(f"/stories/{story['id']}"))
    assert found["label"] == story["label"]
    assert sorted(article["id"] for article in found["articles"]) == sorted(story["documents"])
    assert {article["language"] for article in found["articles"]} == {"nl", "en"}
    missing = client.get("/stories/s-nosuchstory")
    assert missing.status_code == 404 and missing.json()["error"]["code"] == "not_found"


def test_a_story_timeline_is_its_real_events_in_time_order_with_their_sources(served) -> None:
    client, stories = served
    story = mosul_story(stories)
    events = every_page(client, f"/stories/{story['id']}/timeline")
    assert events and len({event["event_id"] for event in events}) == len(events)
    assert {event["event_id"] for event in events} <= set(story["events"])
    dates = [event["event_date"] for event in events if event["event_date"]]
    assert dates == sorted(dates)
    assert all(len(event["sources"]) == event["reports"] for event in events)
    both = [e for e in events if {s["language"] for s in e["sources"]} == {"nl", "en"}]
    assert both, "no event reported in both languages"
    assert every_page(client, f"/stories/{story['id']}/timeline", limit=2) == events
    assert client.get(f"/stories/{story['id']}/timeline", params={"cursor": "bm9wZQ"}).status_code == 422


def test_a_story_timeline_as_csv_and_geojson(served) -> None:
    client, stories = served
    path = f"/stories/{mosul_story(stories)['id']}/timeline"
    reader = csv.DictReader(io.StringIO(ok(client.get(path, params={"format": "csv"}))))
    assert tuple(reader.fieldnames or ()) == COLUMN_NAMES
    assert "Mosul" in {row["location"] for row in reader}
    collection = ok(client.get(path, params={"format": "geojson"}))
    jsonschema.validate(collection, GEOJSON_SCHEMA)
    assert any(f["geometry"] for f in collection["features"])


def test_events_filter_by_story(served) -> None:
    client, stories = served
    story = mosul_story(stories)
    everything = every_page(client, "/events", limit=100)
    in_story = every_page(client, "/events", story=story["id"])
    assert 0 < len(in_story) < len(everything)
    assert {event["doc_id"] for event in in_story} <= set(story["documents"])
    histogram = ok(client.get("/histogram", params={"story": story["id"]}))
    assert sum(b["events"] for b in histogram["bins"]) <= len(in_story)


def test_openapi_types_the_story_endpoints(served) -> None:
    client, _ = served
    spec = ok(client.get("/openapi.json"))
    for path in ("/stories", "/stories/{story_id}", "/stories/{story_id}/timeline"):
        schema = json.dumps(spec["paths"][path]["get"]["responses"]["200"])
        assert "#/components/schemas/" in schema, path
    timeline = spec["components"]["schemas"]["TimelineEvent"]["properties"]
    assert [name for name in timeline if name != "sources"] == list(COLUMN_NAMES)
    assert "story" in {p["name"] for p in spec["paths"]["/events"]["get"]["parameters"]}
