"""The command line, run for real: in-process through typer's runner, and as the installed script."""

import csv
import io
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from kroniek.cli.main import app
from tests.conftest import EXAMPLES

runner = CliRunner()
CONTRACT_KEYS = {"document", "entities", "places", "times", "quantities", "events", "claims"}


def kroniek(*args: str, db=None):
    argv = [str(a) for a in args] + (["--db", str(db)] if db else [])
    return runner.invoke(app, argv, catch_exceptions=False)


def test_analyse_sample_as_json(sample_path):
    result = kroniek("analyse", sample_path, "--published", "2017-06-21", "--format", "json")
    assert result.exit_code == 0, result.stderr
    doc = json.loads(result.stdout)
    assert doc.keys() >= CONTRACT_KEYS
    assert doc["document"]["language"] == "nl"
    assert doc["document"]["published"] == "2017-06-21"
    assert len(doc["sentences"]) == 26
    words = [t["text"] for s in doc["sentences"] for t in s["tokens"]]
    assert {"IS-leider", "al-Nuri-moskee", "100.000", "6.000", "Al-Baghdadi"} <= set(words)


def test_analyse_report_shows_the_text_and_sections(sample_path):
    result = kroniek("analyse", sample_path, "--published", "2017-06-21")
    assert result.exit_code == 0
    assert "al-Nuri-moskee" in result.stdout
    assert "language nl" in result.stdout and "published 2017-06-21" in result.stdout


def test_analyse_jsonl_prints_one_object_per_line_in_order():
    result = kroniek("analyse", EXAMPLES / "articles.jsonl", "-f", "json")
    assert result.exit_code == 0
    lines = result.stdout.strip().splitlines()
    titles = [json.loads(line)["document"]["title"] for line in lines]
    expected = [json.loads(line)["title"] for line in (EXAMPLES / "articles.jsonl").read_text().splitlines()]
    assert titles == expected


def test_missing_publication_date_is_said_once(tmp_path):
    for name in ("a", "b"):
        (tmp_path / f"{name}.txt").write_text(f"Artikel {name}: de troepen naderden woensdag de stad.", "utf-8")
    result = kroniek("analyse", tmp_path, "-f", "json")
    assert result.exit_code == 0
    assert result.stderr.count("no publication date") == 1
    assert "2 articles have no publication date" in result.stderr


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--published", "2017-02-31"], "invalid publication date '2017-02-31'"),
        (["--published", "21-06-2017"], "invalid publication date '21-06-2017'"),
        (["--lang", "xx"], "unsupported language 'xx'"),
    ],
)
def test_bad_options_give_one_line_and_exit_2(sample_path, args, message):
    result = kroniek("analyse", sample_path, *args)
    assert result.exit_code == 2
    assert message in result.stderr
    assert "Traceback" not in result.stderr and result.stdout == ""


@pytest.mark.parametrize(
    ("content", "reason"),
    [(b"", "file is empty"), (b"\x00\x01\x02binary\x00" * 100, "binary file"), (b"\xff\xfe\x00\xd8" * 3, "")],
    ids=["empty", "binary", "undecodable"],
)
def test_bad_file_gives_one_line_naming_it(tmp_path, content, reason):
    path = tmp_path / "bad.txt"
    path.write_bytes(content)
    result = kroniek("analyse", path)
    assert result.exit_code == 2
    assert str(path) in result.stderr and reason in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_ingest_examples_twice_stores_each_once(database_url):
    """On the embedded store and on a PostgreSQL server named by a URL."""
    db = database_url
    first = kroniek("ingest", EXAMPLES, db=db)
    assert first.exit_code == 0, first.stderr
    assert "5 stored, 0 already stored, 0 failed" in first.stderr
    second = kroniek("ingest", EXAMPLES, db=db)
    assert "0 stored, 5 already stored, 0 failed" in second.stderr
    listed = json.loads(kroniek("documents", "-f", "json", db=db).stdout)
    assert len(listed) == 5
    assert [d["published"] for d in listed] == sorted(d["published"] for d in listed)
    events = json.loads(kroniek("events", "--place", "Mosul", "-f", "json", db=db).stdout)
    assert events and all(event["place"] for event in events)


def test_ingest_folder_with_a_bad_file_stores_the_good_ones(tmp_path):
    folder = tmp_path / "in"
    shutil.copytree(EXAMPLES, folder)
    (folder / "broken.txt").write_bytes(b"")
    db = tmp_path / "k.db"
    result = kroniek("ingest", folder, db=db)
    assert result.exit_code == 2
    assert "broken.txt: file is empty" in result.stderr
    assert "5 stored, 0 already stored, 1 failed" in result.stderr
    assert len(json.loads(kroniek("documents", "-f", "json", db=db).stdout)) == 5


def test_show_by_id_prefix(tmp_path, sample_path):
    db = tmp_path / "k.db"
    kroniek("ingest", sample_path, "--published", "2017-06-21", db=db)
    [listed] = json.loads(kroniek("documents", "-f", "json", db=db).stdout)
    shown = kroniek("show", listed["id"][:10], "-f", "json", db=db)
    assert shown.exit_code == 0
    assert json.loads(shown.stdout)["document"]["id"] == listed["id"]
    missing = kroniek("show", "0000000000", db=db)
    assert missing.exit_code == 2 and "no document with id" in missing.stderr


@pytest.mark.parametrize("fmt", ["table", "json", "csv", "geojson"])
def test_events_listing_formats_on_an_empty_store(tmp_path, fmt):
    result = kroniek("events", "-f", fmt, "--since", "2017", db=tmp_path / "k.db")
    assert result.exit_code == 0
    if fmt == "json":
        assert json.loads(result.stdout) == []
    elif fmt == "csv":
        assert next(csv.reader(io.StringIO(result.stdout)))[:3] == ["time", "type", "trigger"]
    elif fmt == "geojson":
        assert json.loads(result.stdout) == {"type": "FeatureCollection", "features": []}


def test_events_with_an_invalid_date_bound(tmp_path):
    result = kroniek("events", "--since", "gisteren", db=tmp_path / "k.db")
    assert result.exit_code == 2
    assert "invalid date 'gisteren'" in result.stderr


@pytest.mark.parametrize("command", ["analyse", "ingest", "documents", "show", "events", "stages", "schema", "serve"])
def test_every_command_has_help(command):
    result = kroniek(command, "--help")
    assert result.exit_code == 0
    assert "Usage" in result.stdout


def test_installed_script_runs_without_traceback(tmp_path):
    script = shutil.which("kroniek", path=str(Path(sys.executable).parent))
    assert script, "the kroniek script is installed beside the interpreter"
    ok = subprocess.run([script, "stages"], capture_output=True, text=True, timeout=120)
    assert ok.returncode == 0 and "segment" in ok.stdout
    bad = subprocess.run([script, "analyse", str(tmp_path / "absent.txt")], capture_output=True, text=True, timeout=120)
    assert bad.returncode == 2
    assert bad.stderr.strip().endswith("no such file or folder") and "Traceback" not in bad.stderr
