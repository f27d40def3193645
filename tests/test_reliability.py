"""Reliability: no document lost or doubled when the ingest is killed; no batch lost to one bad document."""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import random
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from kroniek import Document, Pipeline, PipelineError
from kroniek.ingest.dates import _plausible
from kroniek.registry import stage

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))

import crash_safety  # noqa: E402

KRONIEK = Path(sys.executable).with_name("kroniek")
SENTENCE = "Het Iraakse leger rukte woensdag op naar de al-Nuri-moskee in Mosul."


# -- crash safety ------------------------------------------------------------------------------


@pytest.mark.slow
def test_ingest_killed_five_times_stores_every_document_exactly_once(tmp_path):
    jsonl, db = tmp_path / "articles.jsonl", tmp_path / "kroniek.db"
    ids = crash_safety.build_corpus(300, jsonl, seed=5)
    run = crash_safety.ingest_with_kills(jsonl, db, kills=5, total=len(ids), rng=random.Random(5))
    check = crash_safety.verify(db, ids)
    assert len(run.kills) == 5
    assert check.problems == []
    assert check.rows == check.distinct_ids == 300
    assert run.final_output.startswith(f"{300 - run.kills[-1].stored_at_kill} stored, {run.kills[-1].stored_at_kill}")
    assert run.rerun_output.startswith("0 stored, 300 already stored, 0 failed")


@pytest.mark.slow
def test_ingest_into_postgresql_killed_three_times_stores_every_document_exactly_once(tmp_path, postgres_server):
    jsonl, db = tmp_path / "articles.jsonl", postgres_server.new_database()
    ids = crash_safety.build_corpus(120, jsonl, seed=7)
    run = crash_safety.ingest_with_kills(jsonl, db, kills=3, total=len(ids), rng=random.Random(7))
    check = crash_safety.verify(db, ids)
    assert len(run.kills) == 3
    assert check.problems == []
    assert check.rows == check.distinct_ids == 120
    assert run.rerun_output.startswith("0 stored, 120 already stored, 0 failed")


def test_corpus_is_real_distinct_dutch_news(tmp_path):
    ids = crash_safety.build_corpus(50, tmp_path / "a.jsonl")
    records = [json.loads(line) for line in (tmp_path / "a.jsonl").read_text(encoding="utf-8").splitlines()]
    assert len(set(ids)) == len(records) == 50
    assert all(record["text"].count("\n") == 2 and record["published"].startswith("2000-") for record in records)


# -- the time budget ---------------------------------------------------------------------------


@stage("test-spins")
def make_spinning(settings):
    def spin(doc: Document) -> Document:
        while True:  # a runaway loop that even swallows ordinary exceptions
            with contextlib.suppress(Exception):
                time.sleep(0.01)

    return spin


@stage("test-backtracks")
def make_backtracking(settings):
    import re

    pattern = re.compile(r"^(\w+\s?)*$")  # catastrophic backtracking on a long line ending in punctuation

    def backtrack(doc: Document) -> Document:
        pattern.match(doc.text)
        return doc

    return backtrack


@stage("test-slow")
def make_slow(settings):
    def slow(doc: Document) -> Document:
        time.sleep(0.4)
        return doc

    return slow


@stage("test-raises")
def make_raising(settings):
    def raises(doc: Document) -> Document:
        return doc if "veilig" in doc.text else doc.sentences[99]  # an IndexError on most documents

    return raises


@pytest.mark.parametrize("runaway", ["test-spins", "test-backtracks"])
def test_a_runaway_stage_is_stopped_and_named_and_the_next_document_goes_on(runaway):
    pipeline = Pipeline(stages=("segment", runaway), time_budget=1.0)
    started = time.monotonic()
    with pytest.raises(PipelineError, match=rf"\[E023\] stage '{runaway}' ran over the time budget of 1 s"):
        pipeline(Document.new("De stad werd ingenomen " * 40 + "!"))
    assert time.monotonic() - started < 5
    ok = Pipeline(stages=("segment",), time_budget=1.0)(Document.new(SENTENCE))  # the alarm is gone
    time.sleep(1.2)
    assert ok.stages == ["segment"]


def test_outside_the_main_thread_the_budget_is_checked_between_stages():
    pipeline = Pipeline(stages=("test-slow", "test-slow", "segment"), time_budget=0.5)
    outcome: list[BaseException | Document] = []

    def run() -> None:
        try:
            outcome.append(pipeline(Document.new(SENTENCE)))
        except PipelineError as error:
            outcome.append(error)

    worker = threading.Thread(target=run)
    worker.start()
    worker.join(10)
    assert len(outcome) == 1 and isinstance(outcome[0], PipelineError)
    assert "stage 'test-slow' ran over the time budget" in str(outcome[0])


def test_no_budget_means_no_limit():
    doc = Pipeline(stages=("test-slow", "test-slow"), time_budget=0)(Document.new(SENTENCE))
    assert doc.stages == ["test-slow", "test-slow"]


def test_a_stage_exception_becomes_a_numbered_error_naming_the_stage():
    pipeline = Pipeline(stages=("segment", "test-raises"))
    with pytest.raises(PipelineError, match=r"\[E024\] stage 'test-raises' failed on this document \(IndexError"):
        pipeline(Document.new(SENTENCE))
    assert pipeline(Document.new("Dit is veilig.")).stages == ["segment", "test-raises"]


# -- bad input through the command line --------------------------------------------------------


def write_bad_inputs(folder: Path) -> dict[str, str]:
    """One good article and a file of each kind of bad input; returns file name -> expected error code."""
    folder.mkdir()
    (folder / "goed.txt").write_text(SENTENCE + "\nDe strijd duurt al sinds oktober.", encoding="utf-8")
    (folder / "leeg.txt").write_text("  \n", encoding="utf-8")
    (folder / "binair.txt").write_bytes(bytes(range(256)) * 8)
    (folder / "diep.html").write_text("<div>" * 100_000 + "</div>" * 100_000, encoding="utf-8")
    broken = "<html><body><p>De stad <b>viel <i>dinsdag</p></b> na<div><script>alert(1)</script>weken strijd.<p <<"
    (folder / "kapot.html").write_text(broken, encoding="utf-8")
    lines = [
        json.dumps({"text": "Dinsdag sneuvelden 300 strijders bij Mosul.", "published": "2017-06-21"}),
        json.dumps({"title": "geen tekst"}),
        json.dumps({"text": "Een datum ver weg.", "published": "0001-01-01"}),
        json.dumps({"text": "Een datum ver vooruit.", "published": "9999-12-31"}),
        json.dumps({"text": 42}),
        json.dumps({"text": "Titel is geen tekst.", "title": ["a"]}),
        "[" * 50_000,
        "{niet json",
        json.dumps({"text": "Een losse surrogaat \ud800 in de tekst.", "language": "NL"}),
        json.dumps(["geen", "object"]),
    ]
    (folder / "regels.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    (folder / "latin1.txt").write_bytes("Ruzie in Doornik: één café, twee dode€.".encode("cp1252"))
    return {"leeg.txt": "E001", "binair.txt": "E002", "diep.html": "E008"}


def test_ingest_of_bad_inputs_reports_each_and_stores_the_rest(tmp_path):
    expected = write_bad_inputs(tmp_path / "in")
    db = tmp_path / "k.db"
    run = subprocess.run(
        [str(KRONIEK), "ingest", str(tmp_path / "in"), "--db", str(db)],
        capture_output=True,
        text=True,
        timeout=300,
        env=os.environ | {"KRONIEK_NER": "fast", "COLUMNS": "300"},
    )
    assert run.returncode == 2, run.stderr
    assert "Traceback" not in run.stderr and "internal error" not in run.stderr
    for name, code in expected.items():
        assert f"[{code}] {tmp_path / 'in' / name}" in run.stderr
    for line in (2, 3, 4, 5, 6, 7, 8, 10):
        assert f"[E007] {tmp_path / 'in' / 'regels.jsonl'}: line {line}:" in run.stderr
    assert "JSON nested too deeply" in run.stderr
    # stored: goed.txt, latin1.txt, kapot.html (broken HTML is read as a browser would) and JSONL lines 1 and 9
    assert "5 stored, 0 already stored, 11 failed" in run.stderr


def test_lone_surrogate_in_jsonl_is_replaced_not_fatal(tmp_path):
    path = tmp_path / "a.jsonl"
    path.write_text(json.dumps({"text": "Een losse surrogaat \ud800 hier.", "language": " NL "}) + "\n")
    from kroniek.ingest import read_paths

    (article,) = read_paths([path])
    assert article.text == "Een losse surrogaat \ufffd hier." and article.language == "nl"
    assert article.to_document().id


def test_publication_dates_work_on_the_29th_of_february():
    assert _plausible(dt.date(2028, 6, 1), today=dt.date(2028, 2, 29)) == dt.date(2028, 6, 1)
    assert _plausible(dt.date(2030, 1, 1), today=dt.date(2028, 2, 29)) is None


def test_lone_surrogates_and_very_long_texts_do_not_break_the_api():
    """Guards proposed by the fuzz run: unencodable code points and spaCy's 1M-character limit."""
    from kroniek import Pipeline, analyse

    doc = analyse("Rutte sprak \ud800 in Den Haag.", language="nl", pipeline=Pipeline(stages=("segment",)))
    assert "\ufffd" in doc.text and doc.id
    long_text = "De troepen rukten op. " * 50_000  # 1.1M characters
    doc = analyse(long_text, language="nl", pipeline=Pipeline(stages=("segment",), time_budget=0))
    assert len(doc.sentences) == 50_000


def test_analyse_goes_on_past_an_article_that_fails(tmp_path):
    """A stage running over the budget fails that article only; the others are printed."""
    import json

    from typer.testing import CliRunner

    from kroniek.cli.main import app

    feed = tmp_path / "feed.jsonl"
    long_text = "De troepen rukten op naar de oude stad van Mosul. " * 3000  # 30,000 words: many seconds
    feed.write_text(
        json.dumps({"text": "Eerste artikel over Mosul.", "language": "nl"})
        + "\n"
        + json.dumps({"text": long_text, "language": "nl"})
        + "\n"
        + json.dumps({"text": "Laatste artikel over Irak.", "language": "nl"})
        + "\n",
        encoding="utf-8",
    )
    result = CliRunner().invoke(
        app, ["analyse", str(feed), "-f", "json"], env={"KRONIEK_TIME_BUDGET": "3"}, catch_exceptions=False
    )
    assert result.exit_code == 2
    assert [json.loads(line)["document"]["text"][:6] for line in result.stdout.splitlines()] == ["Eerste", "Laatst"]
    assert "feed.jsonl:2: not analysed" in result.stderr
