"""The HTTP API over a real store: the examples through the real pipeline, plus hand-annotated reports
that carry the findings later stages will write (events, claims, geocoded places)."""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import json
import sqlite3
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi import FastAPI

from kroniek import Pipeline
from kroniek.api import create_app
from kroniek.api.models import EventRow
from kroniek.api.server import running
from kroniek.ingest import read_paths
from kroniek.model import Claim, Document, Entity, Event, Mention, Place, Quantity, TimeExpression
from kroniek.settings import Settings
from kroniek.store import Store
from kroniek.store.queries import EventQuery
from tests.conftest import BACKENDS

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"

pytestmark = pytest.mark.anyio


# -- test data: real texts in our own words, annotated by hand --------------------------------------


class Annotator:
    """Builds findings over a text by quoting it, so offsets always match the text."""

    def __init__(self, doc: Document) -> None:
        self.doc = doc

    def span(self, words: str, nth: int = 1) -> Mention:
        start = -1
        for _ in range(nth):
            start = self.doc.text.index(words, start + 1)
        return self.doc.mention(start, start + len(words))

    def sentence_of(self, words: str) -> tuple[int, int]:
        mention = self.span(words)
        start = self.doc.text.rfind(". ", 0, mention.start)
        end = self.doc.text.find(".", mention.end)
        return (0 if start < 0 else start + 2), end + 1


def mosul_report() -> Document:
    doc = Document.new(
        "Iraakse troepen naderden woensdag de al-Nuri-moskee in Mosul. Volgens het Iraakse leger zitten nog "
        "ongeveer 300 strijders van Islamitische Staat in de Oude Stad. Dinsdag omsingelden de troepen de Oude "
        "Stad van Mosul. Het Rode Kruis schat dat meer dan 100.000 burgers vastzitten.",
        published=dt.date(2017, 6, 21),
        language="nl",
        title="Troepen naderen moskee in Mosul",
        source="eigen",
    )
    a = Annotator(doc)
    doc.entities = [
        Entity(
            id="E1",
            type="ORG",
            name="Iraakse strijdkrachten",
            mentions=[a.span("Iraakse troepen"), a.span("Iraakse leger")],
        ),
        Entity(id="E2", type="ORG", name="Islamitische Staat", mentions=[a.span("Islamitische Staat")]),
        Entity(id="E3", type="ORG", name="Rode Kruis", mentions=[a.span("Rode Kruis")]),
    ]
    doc.places = [
        Place(
            id="P1",
            name="Mosul",
            lat=36.335,
            lon=43.119,
            country="IQ",
            source_id="geonames:99072",
            mentions=[a.span("Mosul"), a.span("Mosul", 2)],
        ),
        Place(
            id="P2",
            name="al-Nuri-moskee",
            lat=36.343,
            lon=43.129,
            country="IQ",
            source_id=None,
            mentions=[a.span("al-Nuri-moskee")],
        ),
    ]
    doc.times = [
        TimeExpression(id="T1", type="DATE", value="2017-06-21", **_at(a.span("woensdag"))),
        TimeExpression(id="T2", type="DATE", value="2017-06-20", **_at(a.span("Dinsdag"))),
    ]
    doc.quantities = [
        Quantity(
            id="Q1", value=300, approximation="about", counts="strijders", **_at(a.span("ongeveer 300 strijders"))
        ),
        Quantity(
            id="Q2",
            value=100000,
            approximation="more_than",
            counts="burgers",
            **_at(a.span("meer dan 100.000 burgers")),
        ),
    ]
    start, end = a.sentence_of("Volgens")
    doc.claims = [
        Claim(id="C1", source="E1", cue="Volgens", certainty="reported", start=start, end=end),
        Claim(
            id="C2", source="E3", cue="schat", certainty="hedged", start=a.sentence_of("schat")[0], end=len(doc.text)
        ),
    ]
    doc.events = [
        Event(
            id="V1",
            type="ASSAULT",
            trigger=a.span("naderden"),
            actors=["E1"],
            targets=["E2"],
            place="P2",
            time="2017-06-21",
        ),
        Event(
            id="V2",
            type="ASSAULT",
            trigger=a.span("omsingelden"),
            actors=["E1"],
            targets=["E2"],
            place="P1",
            time="2017-06-20",
            claim=None,
        ),
    ]
    return doc


def earthquake_report() -> Document:
    doc = Document.new(
        "A powerful earthquake struck southern Turkey and northern Syria early on Monday. Officials in Gaziantep "
        "said at least 1,500 people were killed. Rescue teams searched collapsed buildings in Antakya.",
        published=dt.date(2023, 2, 6),
        language="en",
        title="Earthquake strikes Turkey and Syria",
    )
    a = Annotator(doc)
    doc.places = [
        Place(
            id="P1",
            name="Turkey",
            lat=39.0,
            lon=35.0,
            country="TR",
            source_id="geonames:298795",
            mentions=[a.span("Turkey")],
        ),
        Place(
            id="P2",
            name="Gaziantep",
            lat=37.066,
            lon=37.383,
            country="TR",
            source_id="geonames:314830",
            mentions=[a.span("Gaziantep")],
        ),
        Place(
            id="P3",
            name="Antakya",
            lat=36.206,
            lon=36.157,
            country="TR",
            source_id="geonames:323779",
            mentions=[a.span("Antakya")],
        ),
    ]
    doc.times = [TimeExpression(id="T1", type="DATE", value="2023-02-06", **_at(a.span("Monday")))]
    doc.quantities = [
        Quantity(id="Q1", value=1500, approximation="at_least", counts="people", **_at(a.span("at least 1,500 people")))
    ]
    start, end = a.sentence_of("Officials")
    doc.claims = [
        Claim(id="C1", source="Officials in Gaziantep", cue="said", certainty="reported", start=start, end=end)
    ]
    doc.events = [
        Event(id="V1", type="OTHER", trigger=a.span("struck"), place="P1", time="2023-02-06"),
        Event(id="V2", type="AID", trigger=a.span("searched"), place="P3"),  # no time: takes the article's date
    ]
    return doc


def flood_report() -> Document:
    doc = Document.new(
        "In Valkenburg trad de Geul woensdag buiten haar oevers. De gemeente Valkenburg evacueerde honderden bewoners.",
        published=dt.date(2021, 7, 15),
        language="nl",
        title="Geul overstroomt Valkenburg",
    )
    a = Annotator(doc)
    doc.entities = [Entity(id="E1", type="ORG", name="gemeente Valkenburg", mentions=[a.span("gemeente Valkenburg")])]
    doc.places = [
        Place(
            id="P1",
            name="Valkenburg",
            lat=50.865,
            lon=5.832,
            country="NL",
            source_id="geonames:2745739",
            mentions=[a.span("Valkenburg"), a.span("Valkenburg", 2)],
        ),
    ]
    doc.times = [TimeExpression(id="T1", type="DATE", value="2021-07-14", **_at(a.span("woensdag")))]
    doc.events = [
        Event(id="V1", type="AID", trigger=a.span("evacueerde"), actors=["E1"], place="P1", time="2021-07-14")
    ]
    return doc


def _at(mention: Mention) -> dict[str, Any]:
    return {"text": mention.text, "start": mention.start, "end": mention.end}


def annotated_reports() -> list[Document]:
    return [mosul_report(), earthquake_report(), flood_report()]


def store_annotated(path: Path | str) -> list[str]:
    with Store(path) as store:
        docs = annotated_reports()
        for doc in docs:
            store.add(doc)
    return [doc.id for doc in docs]


def example_articles() -> list[dict[str, Any]]:
    """The examples as POST /documents bodies."""
    bodies = []
    for article in read_paths([EXAMPLES]):
        assert not isinstance(article, Exception), article
        body = {
            "text": article.text,
            "title": article.title,
            "url": article.url,
            "source": article.source,
            "language": article.language,
            "published": article.published and article.published.isoformat(),
        }
        bodies.append({key: value for key, value in body.items() if value is not None})
    return bodies


# -- fixtures -------------------------------------------------------------------------------------


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@pytest.fixture(scope="module", params=BACKENDS)
def annotated(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory, pipeline: Pipeline
) -> Iterator[FastAPI]:
    """An app over the hand-annotated reports: exact expectations for events, places and filters, on
    the embedded store and on a real PostgreSQL server."""
    path: Path | str = tmp_path_factory.mktemp("annotated") / "kroniek.db"
    if request.param == "postgresql":
        path = request.getfixturevalue("postgres_server").new_database()
    store_annotated(path)
    app = create_app(path, pipeline=pipeline)
    yield app
    app.state.backend.close()


@pytest.fixture(scope="module")
def examples(tmp_path_factory: pytest.TempPathFactory, pipeline: Pipeline) -> Iterator[FastAPI]:
    """An app over an empty database, into which tests ingest the examples through the API."""
    app = create_app(tmp_path_factory.mktemp("examples") / "kroniek.db", pipeline=pipeline)
    yield app
    app.state.backend.close()


@asynccontextmanager
async def client_of(app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://kroniek") as opened:
        yield opened


@pytest.fixture
async def client(annotated: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    async with client_of(annotated) as opened:
        yield opened


def error_of(response: httpx.Response, status: int) -> dict[str, Any]:
    """The error body, after checking the status and that the body has the one error shape."""
    assert response.status_code == status, response.text
    body = response.json()
    assert set(body) == {"error"} and {"code", "message"} <= set(body["error"])
    assert body["error"]["message"]
    return body["error"]


async def all_pages(client: httpx.AsyncClient, path: str, **params: Any) -> list[dict[str, Any]]:
    rows, cursor, pages = [], None, 0
    while True:
        response = await client.get(path, params={**params, **({"cursor": cursor} if cursor else {})})
        assert response.status_code == 200, response.text
        page = response.json()
        rows += page["items"]
        pages += 1
        cursor = page["next"]
        if cursor is None:
            return rows
        assert pages < 100


# -- OpenAPI --------------------------------------------------------------------------------------


async def test_openapi_describes_every_endpoint_with_typed_models(client):
    spec = (await client.get("/openapi.json")).json()
    assert {"/analyse", "/documents", "/documents/{doc_id}", "/events", "/entities", "/places", "/histogram"} <= set(
        spec["paths"]
    )
    analyse_ok = spec["paths"]["/analyse"]["post"]["responses"]["200"]["content"]["application/json"]["schema"]
    assert analyse_ok["$ref"].endswith("/Document")
    schemas = spec["components"]["schemas"]
    assert {"Document", "EventRow", "PlaceRow", "EntityRow", "ErrorResponse"} <= set(schemas)
    event_params = {p["name"] for p in spec["paths"]["/events"]["get"]["parameters"]}
    assert {
        "since",
        "until",
        "place",
        "country",
        "actor",
        "type",
        "q",
        "bbox",
        "cursor",
        "limit",
        "format",
    } <= event_params


# -- analyse and ingest ---------------------------------------------------------------------------


async def test_analyse_returns_the_contract_and_stores_nothing(client, sample_text):
    before = len(await all_pages(client, "/documents"))
    response = await client.post("/analyse", json={"text": sample_text, "published": "2017-06-21"})
    assert response.status_code == 200, response.text
    body = response.json()
    assert {"document", "entities", "places", "times", "quantities", "events", "claims"} <= set(body)
    assert body["document"]["language"] == "nl"
    assert body["document"]["published"] == "2017-06-21"
    assert body["document"]["id"] == hashlib.sha256(body["document"]["text"].encode()).hexdigest()
    assert body["sentences"], "the pipeline ran: the text is split into sentences"
    assert len(await all_pages(client, "/documents")) == before


@pytest.mark.parametrize(
    ("body", "where"),
    [
        ({}, "body.text"),
        ({"text": ""}, "body.text"),
        ({"text": "Een zin.", "published": "21-06-2017"}, "body.published"),
        ({"text": "Een zin.", "language": "Dutch"}, "body.language"),
        ({"text": "Een zin.", "colour": "red"}, "body.colour"),
    ],
)
async def test_analyse_rejects_bad_input_with_422(client, body, where):
    error = error_of(await client.post("/analyse", json=body), 422)
    assert error["code"] == "invalid"
    assert where in error["message"]


async def test_analyse_refuses_a_language_it_does_not_know(client):
    error = error_of(await client.post("/analyse", json={"text": "Een zin.", "language": "xx"}), 422)
    assert "E011" in error["message"]


async def test_analyse_rejects_a_body_that_is_not_json(client):
    response = await client.post("/analyse", content=b"{not json", headers={"Content-Type": "application/json"})
    assert error_of(response, 422)["code"] == "invalid"


async def test_ingest_is_idempotent_by_content(tmp_path, pipeline):
    app = create_app(tmp_path / "k.db", pipeline=pipeline)
    article = {
        "text": "De Geul trad woensdag buiten haar oevers in Valkenburg.",
        "published": "2021-07-14",
        "title": "Geul",
        "url": "https://example.org/geul",
        "source": "test",
    }
    other = {"text": "Another article, in English, about the river Meuse.", "language": "en"}
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://kroniek") as client:
        first = await client.post("/documents", json=article)
        assert first.status_code == 201 and first.json()["stored"] == 1
        (result,) = first.json()["items"]
        assert result["new"] is True
        again = await client.post("/documents", json={**article, "text": "  " + article["text"] + "\n"})
        assert again.status_code == 200
        assert again.json() == {"items": [{"id": result["id"], "new": False}], "stored": 0}
        both = await client.post("/documents", json=[article, other])
        assert both.status_code == 201
        assert [item["new"] for item in both.json()["items"]] == [False, True]
        stored = (await client.get(f"/documents/{result['id']}")).json()["document"]
        assert (stored["title"], stored["url"], stored["source"], stored["published"]) == (
            "Geul",
            "https://example.org/geul",
            "test",
            "2021-07-14",
        )
        assert len((await client.get("/documents")).json()["items"]) == 2
        error = error_of(await client.post("/documents", json=[article, {"text": " \n "}]), 422)
        assert "empty" in error["message"]
    app.state.backend.close()


async def test_a_body_over_the_limit_is_refused_with_413(tmp_path, pipeline):
    settings = Settings(db=tmp_path / "k.db", max_size_mb=0.001)  # 1,000 bytes
    app = create_app(settings.db, settings=settings, pipeline=pipeline)
    text = "Dit is een lange zin over Mosul. " * 50
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://kroniek") as client:
        declared = await client.post("/documents", json={"text": text})
        assert error_of(declared, 413)["code"] == "too_large"

        async def chunks() -> AsyncIterator[bytes]:  # no Content-Length: counted as it streams in
            body = json.dumps({"text": text}).encode()
            for i in range(0, len(body), 100):
                yield body[i : i + 100]

        streamed = await client.post("/analyse", content=chunks(), headers={"Content-Type": "application/json"})
        assert error_of(streamed, 413)["code"] == "too_large"
        assert (await client.get("/documents")).json()["items"] == []
    app.state.backend.close()


# -- documents --------------------------------------------------------------------------------------


async def test_documents_are_listed_oldest_first(client):
    rows = await all_pages(client, "/documents", limit=2)
    assert [row["title"] for row in rows] == [
        "Troepen naderen moskee in Mosul",
        "Geul overstroomt Valkenburg",
        "Earthquake strikes Turkey and Syria",
    ]
    mosul = rows[0]
    assert (mosul["published"], mosul["language"], mosul["places"], mosul["events"], mosul["entities"]) == (
        "2017-06-21",
        "nl",
        2,
        2,
        3,
    )


@pytest.mark.parametrize(
    ("params", "titles"),
    [
        ({"q": "Geul"}, ["Geul overstroomt Valkenburg"]),
        ({"q": "rode kruis"}, ["Troepen naderen moskee in Mosul"]),
        ({"place": "valkenburg"}, ["Geul overstroomt Valkenburg"]),
        ({"place": "IQ"}, ["Troepen naderen moskee in Mosul"]),
        ({"country": "TR"}, ["Earthquake strikes Turkey and Syria"]),
        ({"bbox": "5,50,6,51"}, ["Geul overstroomt Valkenburg"]),
        ({"language": "en"}, ["Earthquake strikes Turkey and Syria"]),
        (
            {"since": "2017-06", "until": "2021-07-15"},
            ["Troepen naderen moskee in Mosul", "Geul overstroomt Valkenburg"],
        ),
        ({"since": "2021-07-16"}, ["Earthquake strikes Turkey and Syria"]),
    ],
)
async def test_documents_filter(client, params, titles):
    response = await client.get("/documents", params=params)
    assert response.status_code == 200, response.text
    assert [row["title"] for row in response.json()["items"]] == titles


async def test_a_document_is_found_by_id_and_by_prefix(client):
    doc = mosul_report()
    whole = await client.get(f"/documents/{doc.id}")
    assert whole.status_code == 200
    assert whole.json() == doc.to_contract()
    assert (await client.get(f"/documents/{doc.id[:8]}")).json() == whole.json()


async def test_an_unknown_document_is_404_with_an_error_body(client):
    error = error_of(await client.get("/documents/" + "0" * 64), 404)
    assert error["code"] == "not_found" and "E032" in error["message"]


# -- events ---------------------------------------------------------------------------------------


async def test_events_come_with_place_claim_and_document(client):
    rows = await all_pages(client, "/events")
    assert [(row["type"], row["time"]) for row in rows] == [
        ("ASSAULT", "2017-06-20"),
        ("ASSAULT", "2017-06-21"),
        ("AID", "2021-07-14"),
        ("OTHER", "2023-02-06"),
        ("AID", "2023-02-06"),
    ]
    surround = rows[0]
    assert surround["trigger"] == "omsingelden" and surround["place"] == "Mosul" and surround["country"] == "IQ"
    assert surround["actors"] == "Iraakse strijdkrachten" and surround["targets"] == "Islamitische Staat"
    assert surround["reports"] == 1 and surround["time_inferred"] is False
    search = rows[4]
    assert search["trigger"] == "searched" and search["time_inferred"] is True


@pytest.mark.parametrize(
    ("params", "triggers"),
    [
        ({"since": "2021"}, ["evacueerde", "struck", "searched"]),
        ({"until": "2017-W25"}, ["omsingelden", "naderden"]),
        ({"since": "2017-06-21", "until": "2021-12"}, ["naderden", "evacueerde"]),
        ({"place": "mosul"}, ["omsingelden"]),
        ({"place": "IQ"}, ["omsingelden", "naderden"]),
        ({"country": "tr"}, ["struck", "searched"]),
        ({"actor": "strijdkrachten"}, ["omsingelden", "naderden"]),
        ({"type": "AID"}, ["evacueerde", "searched"]),
        ({"type": "ASS"}, ["omsingelden", "naderden"]),
        ({"q": "earthquake"}, ["struck", "searched"]),
        ({"q": "Rode Kruis"}, ["omsingelden", "naderden"]),
        ({"q": "Geu*"}, ["evacueerde"]),
        ({"q": '"unbalanced AND ('}, []),
        ({"bbox": "35,36,38,38"}, ["searched"]),
        ({"bbox": "42.5,35.8,43.8,36.8"}, ["omsingelden", "naderden"]),
        ({"bbox": "170,-10,10,60"}, ["evacueerde"]),  # across the antimeridian: 170°E eastwards to 10°E
        ({"country": "IQ", "since": "2017-06-21"}, ["naderden"]),
    ],
)
async def test_events_filter(client, params, triggers):
    response = await client.get("/events", params=params)
    assert response.status_code == 200, response.text
    assert [row["trigger"] for row in response.json()["items"]] == triggers


async def test_events_filter_by_certainty_and_document(client):
    quake = await client.get("/documents", params={"q": "earthquake", "language": "en", "country": "TR"})
    doc_id = quake.json()["items"][0]["id"]
    response = await client.get("/events", params={"doc": doc_id[:10]})
    assert [row["trigger"] for row in response.json()["items"]] == ["struck", "searched"]
    assert (await client.get("/events", params={"certainty": "hedged"})).json()["items"] == []


@pytest.mark.parametrize(
    ("params", "where"),
    [
        ({"since": "last week"}, "E012"),
        ({"until": "2017-13"}, "E012"),
        ({"bbox": "1,2,3"}, "bbox"),
        ({"bbox": "0,80,10,70"}, "bbox"),
        ({"limit": "0"}, "query.limit"),
        ({"limit": "100001"}, "query.limit"),
        ({"country": "Iraq"}, "query.country"),
        ({"certainty": "sure"}, "query.certainty"),
        ({"format": "xml"}, "query.format"),
        ({"cursor": "not-a-cursor"}, "cursor"),
    ],
)
async def test_bad_event_filters_are_422(client, params, where):
    error = error_of(await client.get("/events", params=params), 422)
    assert error["code"] == "invalid" and where in error["message"]


async def test_event_pages_follow_the_cursor_without_gaps_or_repeats(client):
    everything = (await client.get("/events")).json()["items"]
    first = await client.get("/events", params={"limit": 2})
    assert first.headers["link"].endswith('>; rel="next"') and "cursor=" in first.headers["link"]
    paged = await all_pages(client, "/events", limit=2)
    assert paged == everything
    filtered = await all_pages(client, "/events", limit=1, country="TR")
    assert [row["trigger"] for row in filtered] == ["struck", "searched"]


async def test_a_cursor_only_works_for_its_own_listing(client):
    cursor = (await client.get("/documents", params={"limit": 1})).json()["next"]
    assert cursor
    error = error_of(await client.get("/events", params={"cursor": cursor}), 422)
    assert "cursor" in error["message"]


async def test_events_as_csv(client):
    response = await client.get("/events", params={"format": "csv", "country": "IQ"})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/csv")
    reader = csv.DictReader(io.StringIO(response.text))
    assert reader.fieldnames == list(EventRow.model_fields)
    rows = list(reader)
    assert [(row["trigger"], row["place"], row["lat"], row["reports"]) for row in rows] == [
        ("omsingelden", "Mosul", "36.335", "1"),
        ("naderden", "al-Nuri-moskee", "36.343", "1"),
    ]


async def test_events_as_geojson(client):
    response = await client.get("/events", params={"format": "geojson", "limit": 3})
    assert response.headers["content-type"] == "application/geo+json"
    assert 'rel="next"' in response.headers["link"]
    collection = response.json()
    assert collection["type"] == "FeatureCollection" and len(collection["features"]) == 3
    feature = collection["features"][0]
    assert feature["type"] == "Feature"
    assert feature["geometry"] == {"type": "Point", "coordinates": [43.119, 36.335]}  # lon, lat
    assert feature["properties"]["trigger"] == "omsingelden" and "lat" not in feature["properties"]


def test_a_database_from_before_the_sort_column_is_migrated_and_pages_in_order(tmp_path):
    path = tmp_path / "old.db"
    store_annotated(path)
    with sqlite3.connect(path) as conn:  # back to the schema of migration 001
        conn.executescript(
            "DROP TRIGGER events_sort_time; DROP INDEX events_sort; ALTER TABLE events DROP COLUMN sort_time;"
            " DELETE FROM migrations WHERE name = '002_event_sort_time';"
        )
    with Store(path) as store:
        page = store.event_page(EventQuery(limit=10))
        assert [row["trigger"] for row in page.rows] == ["omsingelden", "naderden", "evacueerde", "struck", "searched"]
        rows = store.conn.execute("SELECT trigger, sort_time FROM events WHERE trigger = 'searched'").fetchall()
        assert [tuple(row) for row in rows] == [("searched", "2023-02-06")]  # no time: its article's date


# -- entities, places, histogram ------------------------------------------------------------------


async def test_entities_are_counted_across_documents(client):
    rows = await all_pages(client, "/entities", limit=2)
    by_name = {row["name"]: row for row in rows}
    assert by_name["Iraakse strijdkrachten"] == {
        "name": "Iraakse strijdkrachten",
        "type": "ORG",
        "documents": 1,
        "mentions": 2,
    }
    assert len(by_name) == len(rows), "one row per type and name"
    ranks = [(-row["documents"], -row["mentions"], row["name"]) for row in rows]
    assert ranks == sorted(ranks)
    assert [row["name"] for row in (await client.get("/entities", params={"name": "kruis"})).json()["items"]] == [
        "Rode Kruis"
    ]
    assert (await client.get("/entities", params={"type": "PER", "q": "Valkenburg"})).json()["items"] == []


async def test_places_are_counted_across_documents_with_their_events(client):
    rows = (await client.get("/places", params={"country": "IQ"})).json()["items"]
    assert {(row["name"], row["documents"], row["events"]) for row in rows} == {
        ("Mosul", 1, 1),
        ("al-Nuri-moskee", 1, 1),
    }
    inside = (await client.get("/places", params={"bbox": "35,35,40,40"})).json()["items"]
    assert sorted(row["name"] for row in inside) == ["Antakya", "Gaziantep", "Turkey"]
    paged = await all_pages(client, "/places", limit=1)
    assert len(paged) == len({(row["name"], row["source_id"]) for row in paged}) >= 6


async def test_places_as_geojson_and_csv(client):
    collection = (await client.get("/places", params={"format": "geojson", "name": "Valkenburg"})).json()
    assert [f["geometry"]["coordinates"] for f in collection["features"]] == [[5.832, 50.865]]
    rows = list(csv.DictReader(io.StringIO((await client.get("/places", params={"format": "csv"})).text)))
    assert {"name", "lat", "lon", "country", "documents", "events"} <= set(rows[0])


async def test_lists_without_coordinates_are_geojson_features_without_geometry(client):
    collection = (await client.get("/documents", params={"format": "geojson", "limit": 2})).json()
    assert collection["type"] == "FeatureCollection" and len(collection["features"]) == 2
    assert all(f["geometry"] is None and f["properties"]["id"] for f in collection["features"])
    entities = list(csv.DictReader(io.StringIO((await client.get("/entities", params={"format": "csv"})).text)))
    assert list(entities[0]) == ["name", "type", "documents", "mentions"]


async def test_histogram_counts_events_and_documents(client):
    histogram = (await client.get("/histogram")).json()
    assert histogram["bucket"] == "month"  # 2017 to 2023
    assert sum(b["events"] for b in histogram["bins"]) == 5
    assert sum(b["documents"] for b in histogram["bins"]) == 3
    june = next(b for b in histogram["bins"] if b["start"] == "2017-06-01")
    assert (june["end"], june["events"]) == ("2017-06-30", 2)
    days = (await client.get("/histogram", params={"country": "IQ", "bucket": "day"})).json()
    assert [(b["start"], b["events"]) for b in days["bins"]] == [("2017-06-20", 1), ("2017-06-21", 1)]


# -- the examples, through the real pipeline ------------------------------------------------------


async def test_the_examples_ingested_through_the_api_are_served_as_the_pipeline_made_them(examples, pipeline):
    bodies = example_articles()
    async with client_of(examples) as client:
        response = await client.post("/documents", json=bodies)
        assert response.status_code == 201, response.text
        assert response.json()["stored"] == len(bodies) == 5
        docs = [(await client.get(f"/documents/{item['id']}")).json() for item in response.json()["items"]]
        for body, doc in zip(bodies, docs, strict=True):
            assert doc["document"]["text"] == Document.new(body["text"]).text
            assert doc["document"]["title"] == body["title"]
        mosul = next(doc for doc in docs if doc["document"]["title"].startswith("Iraakse troepen"))
        assert (mosul["document"]["language"], mosul["document"]["published"]) == ("nl", "2017-06-21")
        listed = await all_pages(client, "/documents", limit=2)
        assert sorted(row["id"] for row in listed) == sorted(doc["document"]["id"] for doc in docs)
        # Whatever the pipeline finds today, the listings add up to what the documents hold.
        events = await all_pages(client, "/events")
        assert len(events) == sum(len(doc["events"]) for doc in docs)
        places = await all_pages(client, "/places")
        assert sum(row["documents"] for row in places) == sum(
            len({(p["name"], p["source_id"]) for p in doc["places"]}) for doc in docs
        )
        entities = await all_pages(client, "/entities")
        assert sum(row["mentions"] for row in entities) == sum(len(e["mentions"]) for d in docs for e in d["entities"])
        geojson = (await client.get("/places", params={"format": "geojson", "limit": 10000})).json()
        assert len(geojson["features"]) == len(places)
        located = [f for f in geojson["features"] if f["geometry"]]
        assert all(-180 <= f["geometry"]["coordinates"][0] <= 180 for f in located)
        rows = list(csv.DictReader(io.StringIO((await client.get("/documents", params={"format": "csv"})).text)))
        assert len(rows) == 5


# -- errors and the UI ----------------------------------------------------------------------------


async def test_unknown_paths_and_methods_have_json_errors(client):
    assert error_of(await client.get("/nothing-here"), 404)["code"] == "not_found"
    assert error_of(await client.delete("/documents"), 405)["code"] == "method_not_allowed"
    assert error_of(await client.get("/static/missing.js"), 404)["code"] == "not_found"


async def test_the_ui_is_served_with_its_assets_and_a_strict_policy(client):
    page = await client.get("/")
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    assert "script-src 'self'" in page.headers["content-security-policy"]
    assert '<script src="/static/app.js"' in page.text and "http" not in page.text.replace("http-equiv", "")
    script = await client.get("/static/app.js")
    assert script.status_code == 200 and "javascript" in script.headers["content-type"]
    countries = (await client.get("/static/countries.geojson")).json()
    assert countries["type"] == "FeatureCollection" and len(countries["features"]) > 150


def test_the_ui_sources_never_parse_data_as_html():
    """Article texts and annotations reach the page through text nodes only (the browser test proves it runs)."""
    sources = sorted((Path(__file__).resolve().parents[1] / "src" / "kroniek" / "web" / "ui").glob("*.js"))
    assert len(sources) >= 5
    for source in sources:
        code = source.read_text(encoding="utf-8")
        for sink in ("innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "eval(", "new Function"):
            assert sink not in code, f"{source.name} uses {sink}"


# -- a real server --------------------------------------------------------------------------------


def test_a_real_server_on_loopback_answers(annotated):
    with running(annotated) as base, httpx.Client(base_url=base, timeout=10) as client:
        assert base.startswith("http://127.0.0.1:")
        assert "/events" in client.get("/openapi.json").json()["paths"]
        events = client.get("/events", params={"country": "NL"}).json()["items"]
        assert [row["trigger"] for row in events] == ["evacueerde"]
        assert error_of(client.get("/documents/abcdefabcdef"), 404)["code"] == "not_found"
        assert client.get("/").status_code == 200
