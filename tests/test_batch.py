"""`kroniek batch` run for real: in-process, on a Dask LocalCluster, and on a scheduler and workers started by
hand whose worker is killed mid-run. Parquet is read back with pyarrow and checked against `kroniek analyse`."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq
import pytest
from typer.testing import CliRunner

from kroniek.batch import engines
from kroniek.cli.main import app
from kroniek.store import Store
from tests.conftest import EXAMPLES

runner = CliRunner()
TABLES = ("documents", "events", "entities", "places")


@pytest.fixture(autouse=True)
def fast_models(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KRONIEK_NER", "fast")  # the CNN recogniser: the same code path, a tenth of the time


def kroniek(*args: object) -> Any:
    return runner.invoke(app, [str(a) for a in args], catch_exceptions=False)


@pytest.fixture(scope="module")
def analysed() -> dict[str, dict[str, Any]]:
    """What `kroniek analyse` gives for every example, by document id."""
    with pytest.MonkeyPatch.context() as env:
        env.setenv("KRONIEK_NER", "fast")
        result = kroniek("analyse", EXAMPLES, "--format", "json")
    assert result.exit_code == 0, result.stderr
    docs = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(docs) == 5
    return {doc["document"]["id"]: doc for doc in docs}


def read_tables(out: Path) -> dict[str, list[dict[str, Any]]]:
    return {name: pq.read_table(out / name).to_pylist() for name in TABLES}


def assert_tables_match(tables: dict[str, list[dict[str, Any]]], expected: dict[str, dict[str, Any]]) -> None:
    """One row per document, event, entity and place, each as `kroniek analyse` found it."""
    documents = {row["id"]: row for row in tables["documents"]}
    assert sorted(documents) == sorted(expected)
    for doc_id, doc in expected.items():
        assert json.loads(documents[doc_id]["analysis"]) == doc
        assert documents[doc_id]["events"] == len(doc["events"])
        events = [(r["id"], r["type"], r["trigger"]) for r in tables["events"] if r["doc_id"] == doc_id]
        assert events == [(e["id"], e["type"], e["trigger"]["text"]) for e in doc["events"]]
        entities = [(r["id"], r["name"], len(r["mentions"])) for r in tables["entities"] if r["doc_id"] == doc_id]
        assert entities == [(e["id"], e["name"], len(e["mentions"])) for e in doc["entities"]]
        places = [(r["id"], r["name"], r["lat"]) for r in tables["places"] if r["doc_id"] == doc_id]
        assert places == [(p["id"], p["name"], p["lat"]) for p in doc["places"]]
    assert sum(len(doc["events"]) for doc in expected.values()) > 20  # the examples are full of events


def partition_files(out: Path) -> dict[Path, int]:
    return {path: path.stat().st_mtime_ns for path in out.rglob("*.parquet")}


def test_local_engine_writes_what_analyse_finds_and_a_rerun_skips_it(tmp_path, analysed):
    out = tmp_path / "out"
    first = kroniek("batch", EXAMPLES, "--out", out, "--partition-size", 2)
    assert first.exit_code == 0, first.stderr
    assert "5 analysed, 0 already done, 0 failed; 3 partitions written" in first.stderr
    assert_tables_match(read_tables(out), analysed)

    written = partition_files(out)
    assert len(written) == 3 * len(TABLES)
    again = kroniek("batch", EXAMPLES, "--out", out, "--partition-size", 2)
    assert "0 analysed, 5 already done, 0 failed; 0 partitions written" in again.stderr
    assert partition_files(out) == written

    lost = next((out / "documents").glob("*.parquet"))  # as if a crash came before this partition finished
    lost.unlink()
    redone = kroniek("batch", EXAMPLES, "--out", out, "--partition-size", 2)
    assert "1 partitions written" in redone.stderr and "already done" in redone.stderr
    assert_tables_match(read_tables(out), analysed)


def test_dask_local_cluster_into_a_store_and_parquet(tmp_path, analysed):
    out, db = tmp_path / "out", tmp_path / "k.db"
    result = kroniek("batch", EXAMPLES, "--engine", "dask", "--workers", 2, "--partition-size", 1, "--out", out,
                     "--db", f"sqlite:///{db}")  # fmt: skip
    assert result.exit_code == 0, result.stderr
    assert "5 analysed, 0 already done, 0 failed; 5 partitions written" in result.stderr
    assert "5 stored, 5 documents in" in result.stderr
    assert_tables_match(read_tables(out), analysed)
    with Store(db) as store:
        assert store.count() == 5
        for doc_id, doc in analysed.items():
            assert store.get(doc_id).to_contract() == doc

    started = time.monotonic()  # nothing left to do: no cluster is started
    again = kroniek("batch", EXAMPLES, "--engine", "dask", "--partition-size", 1, "--out", out, "--db", db)
    assert "0 analysed, 5 already done, 0 failed" in again.stderr and "0 stored, 5 documents" in again.stderr
    assert time.monotonic() - started < 10


def test_bad_documents_are_reported_and_the_batch_goes_on(tmp_path, monkeypatch):
    inputs = tmp_path / "in"
    inputs.mkdir()
    (inputs / "leeg.txt").write_bytes(b"")
    (inputs / "a.jsonl").write_text((EXAMPLES / "articles.jsonl").read_text() + "{not json\n", encoding="utf-8")
    out = tmp_path / "out"
    monkeypatch.setenv("KRONIEK_TIME_BUDGET", "0.000001")  # no document can be analysed in time
    failing = kroniek("batch", inputs, "--engine", "dask", "--workers", 1, "--partition-size", 2, "--out", out)
    assert failing.exit_code == 2
    errors = [line for line in failing.stderr.splitlines() if line.startswith("error:")]
    assert len(errors) == 6
    assert sum("ran over the time budget" in line for line in errors) == 4
    assert any("leeg.txt: file is empty" in line for line in errors)
    assert any("a.jsonl: line 5: not JSON" in line for line in errors)
    assert "0 analysed, 0 already done, 6 failed" in failing.stderr
    assert len(list((out / "failed").glob("*.json"))) == 2  # both partitions are kept to be tried again

    monkeypatch.delenv("KRONIEK_TIME_BUDGET")
    retried = kroniek("batch", inputs, "--partition-size", 2, "--out", out)
    assert "4 analysed, 0 already done, 2 failed; 2 partitions written" in retried.stderr
    assert not list((out / "failed").glob("*.json"))
    assert pq.read_table(out / "documents").num_rows == 4


def test_options_that_cannot_work_give_numbered_errors(tmp_path, monkeypatch):
    neither = kroniek("batch", EXAMPLES)
    assert neither.exit_code == 2 and "[E016]" in neither.stderr and "--db URL, --out DIR" in neither.stderr
    local = kroniek("batch", EXAMPLES, "--out", tmp_path, "--scheduler", "tcp://127.0.0.1:8786")
    assert local.exit_code == 2 and "[E015] --scheduler needs --engine dask" in local.stderr
    monkeypatch.setattr(engines, "SCHEDULER_TIMEOUT_S", 1.0)
    address = f"tcp://127.0.0.1:{free_port()}"  # nothing listens there
    unreachable = kroniek("batch", EXAMPLES, "--engine", "dask", "--scheduler", address, "--out", tmp_path)
    assert unreachable.exit_code == 2 and f"[E050] cannot reach the Dask scheduler at {address}" in unreachable.stderr
    malformed = kroniek("batch", EXAMPLES, "--engine", "dask", "--scheduler", "host:::", "--out", tmp_path)
    assert malformed.exit_code == 2 and "[E050]" in malformed.stderr


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def hand_started_cluster(tmp_path: Path) -> Iterator[str]:
    """A `dask scheduler` and a `dask worker` with two one-thread processes on loopback, as docs/scaling.md says."""
    address = f"tcp://127.0.0.1:{free_port()}"
    dask = str(Path(sys.executable).with_name("dask"))
    env = {**os.environ, "KRONIEK_THREADS": "1"}
    logs = (tmp_path / "scheduler.log").open("w"), (tmp_path / "workers.log").open("w")
    processes = [
        subprocess.Popen(
            [dask, "scheduler", "--host", "127.0.0.1", "--port", address.rsplit(":", 1)[1], "--no-dashboard"],
            stdout=logs[0], stderr=subprocess.STDOUT, env=env,
        ),
        subprocess.Popen(
            [dask, "worker", address, "--nworkers", "2", "--nthreads", "1", "--no-dashboard"],
            stdout=logs[1], stderr=subprocess.STDOUT, env=env,
        ),
    ]  # fmt: skip
    try:
        yield address
    finally:
        for process in reversed(processes):
            process.terminate()
            process.wait(timeout=30)
        for log in logs:
            log.close()


def variants(folder: Path, copies: int) -> Path:
    """The English and Dutch examples, each copy with its own last line: different texts, so different ids."""
    records = [json.loads(line) for line in (EXAMPLES / "articles.jsonl").read_text(encoding="utf-8").splitlines()]
    lines = [
        json.dumps({**record, "text": f"{record['text']}\n\n(Bericht {copy}.)"})
        for copy in range(copies)
        for record in records
    ]
    path = folder / "variants.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def kill_a_busy_worker(address: str, out: Path, partitions: int, killed: list[dict[str, Any]]) -> None:
    """Once the first partition is written, SIGKILL a worker process that holds a partition."""
    from distributed import Client

    with Client(address, set_as_default=False) as client:
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            written = len(list((out / "documents").glob("*.parquet"))) if (out / "documents").is_dir() else 0
            busy = [worker for worker, tasks in client.processing().items() if tasks]
            if written >= 1 and busy:
                pid = client.run(os.getpid, workers=busy[:1])[busy[0]]
                os.kill(pid, signal.SIGKILL)
                killed.append({"pid": pid, "written": written, "partitions": partitions})
                return
            time.sleep(0.05)


def test_a_killed_worker_loses_no_documents(tmp_path, hand_started_cluster):
    from distributed import Client

    with Client(hand_started_cluster, set_as_default=False) as client:
        client.wait_for_workers(2, timeout=60)
    corpus, out, db = variants(tmp_path, 4), tmp_path / "out", tmp_path / "k.db"
    killed: list[dict[str, Any]] = []
    killer = threading.Thread(target=kill_a_busy_worker, args=(hand_started_cluster, out, 8, killed))
    killer.start()
    result = kroniek("batch", corpus, "--engine", "dask", "--scheduler", hand_started_cluster,
                     "--partition-size", 2, "--out", out, "--db", db)  # fmt: skip
    killer.join()
    assert result.exit_code == 0, result.stderr
    assert killed and killed[0]["written"] < killed[0]["partitions"], "the worker must die mid-run"
    with pytest.raises(ProcessLookupError):
        os.kill(killed[0]["pid"], 0)
    assert "16 analysed, 0 already done, 0 failed; 8 partitions written" in result.stderr
    documents = pq.read_table(out / "documents").column("id").to_pylist()
    assert len(documents) == len(set(documents)) == 16
    with Store(db) as store:
        assert store.count() == 16
        assert {row["id"] for row in store.documents(limit=100)} == set(documents)
