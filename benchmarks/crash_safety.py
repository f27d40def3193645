"""Crash safety of `kroniek ingest`: SIGKILL at random moments, restart, and prove nothing was lost or doubled.

    python benchmarks/crash_safety.py [--documents 10000] [--kills 20] [--seed 11] [--keep DIR] [--postgres]

Documents are real Dutch news sentences (CoNLL-2002, De Morgen 2000), three consecutive sentences each,
written to a JSON Lines file with a title and a publication date. `kroniek ingest FILE --db DB` runs in a
subprocess; after a random number of newly stored documents and a random fraction of a second it is
killed with SIGKILL (no handler, no cleanup) and started again with the same command line. After the last
kill it runs to the end, and once more to show that a plain rerun stores nothing twice. Then the database
is checked: SQLite's integrity check (on SQLite), exactly one row per input text, every stored analysis parses as a
Document whose id is the sha256 of its text and which went through every stage, and the finding tables
agree with the stored analysis (no half-written document). With --postgres the same runs against a
PostgreSQL server started for the run (Debian's postgresql; tests/postgres.py) instead of a SQLite file.

The test suite runs a short version (tests/test_reliability.py); this script is the full-size one whose
figures are in docs/reliability.md.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from kroniek.model import Document, content_id, normalise_text
from kroniek.pipeline import DEFAULT_STAGES
from kroniek.store.connection import POSTGRES_SCHEMES

ROOT = Path(__file__).resolve().parents[1]
CONLL = ROOT.parent / "shared" / "corpora" / "conll2002_dutch"
KRONIEK = Path(sys.executable).with_name("kroniek")


# -- the corpus --------------------------------------------------------------------------------


def conll_sentences(path: Path) -> Iterator[str]:
    """Sentences of a CoNLL file as text: tokens joined by spaces, the space before punctuation dropped."""
    words: list[str] = []
    for line in [*path.read_text(encoding="utf-8").splitlines(), ""]:
        if line.startswith("-DOCSTART-"):
            continue
        if line.strip():
            words.append(line.split()[0])
            continue
        if words:
            text = " ".join(words)
            for mark in (" .", " ,", " :", " ;", " ?", " !", " )"):
                text = text.replace(mark, mark[1:])
            yield text.replace("( ", "(")
            words = []


def build_corpus(count: int, path: Path, seed: int = 11, per_document: int = 3) -> list[str]:
    """Write `count` distinct documents to a JSONL file; returns their content ids in file order."""
    sentences = [s for name in ("ned.train", "ned.testa", "ned.testb") for s in conll_sentences(CONLL / name)]
    rng = random.Random(seed)
    ids: list[str] = []
    seen: set[str] = set()
    with path.open("w", encoding="utf-8") as out:
        for start in range(0, len(sentences) - per_document, 2):  # windows overlap by one sentence
            text = "\n".join(sentences[start : start + per_document])
            doc_id = content_id(normalise_text(text))
            if doc_id in seen:
                continue
            seen.add(doc_id)
            published = f"2000-{rng.randint(6, 9):02d}-{rng.randint(1, 28):02d}"
            record = {"text": text, "title": sentences[start][:60], "published": published, "source": "De Morgen"}
            out.write(json.dumps(record, ensure_ascii=False) + "\n")
            ids.append(doc_id)
            if len(ids) == count:
                return ids
    raise SystemExit(f"only {len(ids)} distinct documents in the corpus, asked for {count}")


# -- killing and restarting --------------------------------------------------------------------


@dataclass
class Kill:
    seconds: float  # since the run started
    stored_at_kill: int  # rows committed when it was killed


@dataclass
class Run:
    kills: list[Kill] = field(default_factory=list)
    restarts: int = 0
    seconds: float = 0.0
    final_output: str = ""
    rerun_output: str = ""


Database = Path | str  # a SQLite file, or a PostgreSQL URL


def query(db: Database, sql: str) -> list[Sequence[object]]:
    """Rows of one read-only query, on a connection of its own, as a second process would read them."""
    if str(db).startswith(POSTGRES_SCHEMES):
        import psycopg

        with psycopg.connect(str(db)) as conn:
            return list(conn.execute(sql.encode()).fetchall())
    with contextlib.closing(sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=10)) as conn:
        return list(conn.execute(sql).fetchall())


def stored(db: Database) -> int:
    """Rows committed so far, read by a second connection while the ingest writes."""
    if isinstance(db, Path) and not db.exists():
        return 0
    try:
        return int(query(db, "SELECT count(*) FROM documents")[0][0])  # type: ignore[call-overload]
    except Exception:  # the schema is not there yet
        return 0


def ingest_command(jsonl: Path, db: Database) -> list[str]:
    return [str(KRONIEK), "ingest", str(jsonl), "--db", str(db)]


def ingest_with_kills(jsonl: Path, db: Database, kills: int, total: int, rng: random.Random) -> Run:
    """Start the ingest, SIGKILL it `kills` times at random moments, then let it finish and rerun it."""
    run = Run()
    started = time.perf_counter()
    env = os.environ | {"KRONIEK_DEBUG": ""}
    # Kill points spread over the run; the last leaves work to do, so every kill finds the ingest running.
    targets = sorted(rng.sample(range(1, max(kills + 1, int(total * 0.95))), kills))
    for target in targets:
        process = subprocess.Popen(
            ingest_command(jsonl, db), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env
        )
        while stored(db) < target and process.poll() is None:
            time.sleep(0.05)
        time.sleep(rng.uniform(0, 0.5))  # a random moment: mid-analysis, mid-transaction or between documents
        if process.poll() is not None:
            raise RuntimeError(f"the ingest ended by itself (exit {process.returncode}) before it could be killed")
        process.send_signal(signal.SIGKILL)
        process.wait()
        run.kills.append(Kill(round(time.perf_counter() - started, 1), stored(db)))
        run.restarts += 1
    final = subprocess.run(ingest_command(jsonl, db), capture_output=True, text=True, env=env, check=False)
    run.final_output = _last_line(final.stderr)
    if final.returncode != 0:
        raise RuntimeError(f"the last ingest failed (exit {final.returncode}): {final.stderr[-2000:]}")
    rerun = subprocess.run(ingest_command(jsonl, db), capture_output=True, text=True, env=env, check=False)
    run.rerun_output = _last_line(rerun.stderr)
    run.seconds = round(time.perf_counter() - started, 1)
    return run


def _last_line(text: str) -> str:
    """The ingest's closing summary ("N stored, M already stored, ..."), which the console may wrap."""
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    start = max((i for i, line in enumerate(lines) if " stored, " in line), default=len(lines) - 1)
    return " ".join(lines[start:])


# -- the proof ---------------------------------------------------------------------------------


@dataclass
class Check:
    rows: int
    distinct_ids: int
    problems: list[str]


def verify(db: Database, expected_ids: list[str]) -> Check:
    """Every expected document stored exactly once with a complete, self-consistent analysis."""
    problems: list[str] = []
    is_sqlite = not str(db).startswith(POSTGRES_SCHEMES)
    if is_sqlite and (integrity := query(db, "PRAGMA integrity_check")[0][0]) != "ok":
        problems.append(f"integrity check: {integrity}")
    rows = query(db, "SELECT id, text, analysis FROM documents")
    counts = dict(query(db, "SELECT doc_id, count(*) FROM entities GROUP BY doc_id"))  # type: ignore[arg-type]
    event_counts = dict(query(db, "SELECT doc_id, count(*) FROM events GROUP BY doc_id"))  # type: ignore[arg-type]
    orphans = query(db, "SELECT count(*) FROM entities WHERE doc_id NOT IN (SELECT id FROM documents)")[0][0]
    if orphans != 0:
        problems.append(f"{orphans} entity rows without their document")
    ids = [row[0] for row in rows]
    if len(ids) != len(set(ids)):
        problems.append(f"{len(ids) - len(set(ids))} documents stored more than once")
    if missing := set(expected_ids) - set(ids):
        problems.append(f"{len(missing)} documents missing, e.g. {sorted(missing)[0]}")
    if extra := set(ids) - set(expected_ids):
        problems.append(f"{len(extra)} documents stored that were not in the input")
    for doc_id, text, analysis in rows:
        problems += _check_analysis(
            str(doc_id), str(text), str(analysis), counts.get(doc_id, 0), event_counts.get(doc_id, 0)
        )
    return Check(rows=len(ids), distinct_ids=len(set(ids)), problems=problems)


def _check_analysis(doc_id: str, text: str, analysis: str, entity_rows: int, event_rows: int) -> list[str]:
    try:
        doc = Document.model_validate_json(analysis)
    except ValueError as error:
        return [f"{doc_id[:12]}: stored analysis is not a Document ({error})"]
    problems = []
    if not (doc.id == doc_id == content_id(doc.text) and doc.text == text):
        problems.append(f"{doc_id[:12]}: id does not match the text's sha256")
    if doc.stages != list(DEFAULT_STAGES):
        problems.append(f"{doc_id[:12]}: analysis incomplete, stages {doc.stages}")
    if (len(doc.entities), len(doc.events)) != (entity_rows, event_rows):
        problems.append(f"{doc_id[:12]}: finding tables disagree with the stored analysis")
    return problems


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--documents", type=int, default=10_000)
    parser.add_argument("--kills", type=int, default=20)
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--keep", type=Path, help="work in this folder and keep the JSONL and database")
    parser.add_argument("--postgres", action="store_true", help="ingest into a PostgreSQL server started for the run")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as scratch, _server(args.postgres) as server:
        work = args.keep or Path(scratch)
        work.mkdir(parents=True, exist_ok=True)
        jsonl = work / "articles.jsonl"
        db: Database = work / "kroniek.db"
        if server is not None:
            db = server.new_database()
        else:
            db.unlink(missing_ok=True)
        ids = build_corpus(args.documents, jsonl, seed=args.seed)
        run = ingest_with_kills(jsonl, db, args.kills, len(ids), random.Random(args.seed))
        check = verify(db, ids)
    print(f"database: {'PostgreSQL' if args.postgres else 'SQLite'}")
    print(f"documents: {len(ids)}, kills: {len(run.kills)}, restarts: {run.restarts}, wall: {run.seconds} s")
    print("stored when killed: " + ", ".join(str(kill.stored_at_kill) for kill in run.kills))
    print(f"last run: {run.final_output}")
    print(f"rerun:    {run.rerun_output}")
    print(f"rows: {check.rows}, distinct ids: {check.distinct_ids}, problems: {len(check.problems)}")
    for problem in check.problems[:20]:
        print(f"  {problem}")
    return 1 if check.problems else 0


@contextlib.contextmanager
def _server(wanted: bool) -> Iterator[object]:
    if not wanted:
        yield None
        return
    sys.path.insert(0, str(ROOT))
    from tests.postgres import running_server

    with running_server() as server:
        if server is None:
            raise SystemExit("PostgreSQL is not installed (apt-get install postgresql)")
        yield server


if __name__ == "__main__":
    raise SystemExit(main())
