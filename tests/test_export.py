"""`kroniek export` over the examples, analysed by the real pipeline and linked across articles, on the
embedded store and on a real PostgreSQL server: every format read back by an independent reader."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

import jsonschema
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from typer.testing import CliRunner

from kroniek.cli.main import app
from kroniek.export.rows import COLUMN_NAMES, EventRows, event_pages
from kroniek.store import EventQuery, Store
from tests.conftest import BACKENDS
from tests.linked_examples import linked_database, mosul_story

ACLED_COLUMNS = (
    "event_date", "event_type", "sub_event_type", "actor1", "actor2", "country", "admin1", "location",
    "latitude", "longitude", "geo_precision", "source", "notes", "fatalities",
)  # fmt: skip
OUR_COLUMNS = ("certainty", "story_id", "reports")
GEOJSON_SCHEMA = Path(__file__).parent / "data" / "geojson" / "point-feature-collection.schema.json"

runner = CliRunner()


@pytest.fixture(scope="module", params=BACKENDS)
def database(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> str:
    """The linked examples in a SQLite file, then in a PostgreSQL database."""
    return linked_database(request, tmp_path_factory)


def export(database: str, *args: str) -> tuple[str, str]:
    """stdout and stderr of `kroniek export`, after checking it succeeded."""
    result = runner.invoke(app, ["export", "--db", database, *args])
    assert result.exit_code == 0, result.output
    return result.stdout, result.stderr


def csv_rows(database: str, *filters: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(export(database, "--format", "csv", *filters)[0])))


def test_csv_has_the_acled_columns_and_a_row_at_mosul(database: str) -> None:
    text, _ = export(database, "--format", "csv")
    reader = csv.DictReader(io.StringIO(text))
    assert set(ACLED_COLUMNS + OUR_COLUMNS) <= set(reader.fieldnames or ())
    rows = list(reader)
    mosul = [row for row in rows if row["location"] == "Mosul"]
    assert mosul, "no event at Mosul"
    assert {row["country"] for row in mosul} == {"Iraq"} and {row["country_code"] for row in mosul} == {"IQ"}
    assert all(abs(float(row["latitude"]) - 36.3) < 0.2 and abs(float(row["longitude"]) - 43.1) < 0.2 for row in mosul)


def test_one_row_per_real_event_with_all_its_reports(database: str) -> None:
    rows = json.loads(export(database, "--format", "json")[0])
    with Store(database) as store:
        reports = store.conn.execute("SELECT count(*) FROM cross_event_reports").fetchone()[0]
        events = store.conn.execute("SELECT count(DISTINCT event_id) FROM cross_event_reports").fetchone()[0]
    assert len({row["event_id"] for row in rows}) == len(rows) == events
    assert sum(row["reports"] for row in rows) == reports
    # The Dutch and the English report of the Mosul story merged: one row naming both outlets.
    merged = [row for row in rows if row["reports"] > 1]
    assert merged and any({"Voorbeeldkrant", "Example Wire"} <= set(row["source"].split("; ")) for row in merged)
    assert all(row["first_report"] <= row["last_report"] for row in merged)


def test_json_and_jsonl_hold_the_same_rows_as_the_csv(database: str) -> None:
    as_json = json.loads(export(database, "--format", "json")[0])
    as_jsonl = [json.loads(line) for line in export(database, "--format", "jsonl")[0].splitlines()]
    assert as_json == as_jsonl
    assert [list(row) for row in as_json] == [list(COLUMN_NAMES)] * len(as_json)
    assert [row["event_id"] for row in as_json] == [row["event_id"] for row in csv_rows(database)]
    dates = [row["event_date"] for row in as_json if row["event_date"]]
    assert dates == sorted(dates)  # oldest first


def test_geojson_validates_and_says_how_many_events_had_no_coordinates(database: str, tmp_path: Path) -> None:
    path = tmp_path / "events.geojson"
    _, stderr = export(database, "-o", str(path))  # the format from the suffix
    collection = json.loads(path.read_text(encoding="utf-8"))
    jsonschema.validate(collection, json.loads(GEOJSON_SCHEMA.read_text(encoding="utf-8")))
    features = collection["features"]
    rows = csv_rows(database)
    located = [row for row in rows if row["latitude"]]
    assert len(features) == len(located) > 0
    assert f"{len(rows) - len(located)} events without coordinates" in stderr
    mosul = next(f for f in features if f["properties"]["location"] == "Mosul")
    lon, lat = mosul["geometry"]["coordinates"]
    assert (round(lat), round(lon)) == (36, 43)  # longitude first (RFC 7946)


def test_parquet_reads_back_with_typed_columns(database: str, tmp_path: Path) -> None:
    path = tmp_path / "events.parquet"
    _, stderr = export(database, "--format", "parquet", "-o", str(path))
    table = pq.read_table(path)
    assert table.column_names == list(COLUMN_NAMES)
    assert table.schema.field("event_date").type == pa.date32()
    assert table.schema.field("latitude").type == pa.float64()
    assert table.schema.field("reports").type == pa.int64()
    rows = csv_rows(database)
    assert table.num_rows == len(rows) and f"{len(rows)} events written" in stderr
    assert "Mosul" in table.column("location").to_pylist()
    assert table.column("event_id").to_pylist() == [row["event_id"] for row in rows]


def test_parquet_goes_to_stdout_when_piped(database: str) -> None:
    result = CliRunner().invoke(app, ["export", "--db", database, "--format", "parquet"])
    assert result.exit_code == 0, result.output
    assert pq.read_table(io.BytesIO(result.stdout_bytes)).num_rows == len(csv_rows(database))


@pytest.mark.parametrize(
    ("option", "value", "holds"),
    [
        ("--place", "Mosul", lambda row: row["location"] == "Mosul"),
        ("--country", "IQ", lambda row: row["country_code"] == "IQ"),
        ("--since", "2021", lambda row: row["first_report"] >= "2021"),
        ("--until", "2017-06-16", lambda row: row["event_date"] <= "2017-06-16"),
        ("--type", "ASSAULT", lambda row: row["event_type"].startswith("ASSAULT")),
        ("--actor", "Baghdadi", lambda row: "Baghdadi" in row["actor1"] + row["assoc_actor_1"]),
        ("--certainty", "hedged", lambda row: True),  # the row's certainty is across reports: only fewer rows
    ],
)
def test_filters_narrow_the_output(database: str, option: str, value: str, holds: Any) -> None:
    everything = csv_rows(database)
    narrowed = csv_rows(database, option, value)
    assert 0 < len(narrowed) < len(everything)
    assert all(holds(row) for row in narrowed), narrowed


def test_a_story_exports_its_own_events(database: str) -> None:
    stories = json.loads(runner.invoke(app, ["stories", "--db", database, "--format", "json"]).stdout)
    mosul = mosul_story(stories)
    rows = csv_rows(database, "--story", mosul["id"])
    assert rows and {row["story_id"] for row in rows} == {mosul["id"]}
    assert {row["doc_id"] for row in rows} <= set(mosul["documents"])
    assert len(rows) < len(csv_rows(database))


def test_an_unknown_story_is_an_error_not_an_empty_file(database: str, tmp_path: Path) -> None:
    result = runner.invoke(app, ["export", "--db", database, "--story", "s-nosuchstory", "-o", str(tmp_path / "x.csv")])
    assert result.exit_code == 2 and "E060" in result.stderr
    assert not list(tmp_path.iterdir())


def test_limit_and_bad_options(database: str) -> None:
    assert len(csv_rows(database, "--limit", "3")) == 3
    bad = runner.invoke(app, ["export", "--db", database, "--certainty", "sure"])
    assert bad.exit_code == 2 and "hedged" in bad.stderr
    bad_date = runner.invoke(app, ["export", "--db", database, "--since", "yesterday"])
    assert bad_date.exit_code == 2 and "E012" in bad_date.stderr


def test_rows_are_the_same_whatever_the_page_size(database: str) -> None:
    """Reports of one event on different pages still make one row: the export streams page by page."""
    with Store(database) as store:
        whole = list(EventRows(store).rows(event_pages(store, EventQuery())))
        paged = list(EventRows(store).rows(event_pages(store, EventQuery(), page_size=2)))
    assert paged == whole and len(whole) > 2
