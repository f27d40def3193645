"""Cost of the geo stage: gazetteer load time and memory, resolution time per toponym mention.

    python benchmarks/geo_speed.py [--repeat 5]

- load: a fresh interpreter opens the shipped gazetteer.sqlite and answers its first lookup; the time is
  the median of --repeat runs, the memory the growth of the process's peak RSS over the same interpreter
  with kroniek.geo.gazetteer imported but no Gazetteer opened.
- resolution: the geo stage over the CoNLL gold articles of tests/data/geo/conll (both languages, dev and
  test), with the gold toponym spans as LOC entities, as the NER stage hands them over; the clock covers only
  the stage (toponyms, candidates, ranking, places). "cold" is the first pass over a fresh Gazetteer (every
  name a database read), "warm" a second pass (lookups cached, as in a long batch).
Prints one line per figure; the figures go into the "Places" section of docs/benchmarks.md by hand.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import time
from pathlib import Path

from kroniek.geo.evaluate import GOLD_DIR, GoldDocument, Scorer, load_jsonl
from kroniek.model import Document, Entity, Mention

LOAD_PROBE = """
import json, resource, time
from kroniek.geo.gazetteer import Gazetteer
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
started = time.perf_counter()
gazetteer = Gazetteer()
gazetteer.lookup("Mosul", "nl")
gazetteer.region_name("IQ.15")
seconds = time.perf_counter() - started
after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(json.dumps({"seconds": seconds, "rss_mb": after / 1024, "growth_mb": (after - before) / 1024}))
"""


def load_figures(repeat: int) -> dict[str, float]:
    runs = [
        json.loads(
            subprocess.run([sys.executable, "-c", LOAD_PROBE], check=True, capture_output=True, text=True).stdout
        )
        for _ in range(repeat)
    ]
    return {key: statistics.median(run[key] for run in runs) for key in runs[0]}


def with_gold_entities(doc: Document, gold: GoldDocument) -> Document:
    doc.entities = [
        Entity(id=f"G{i}", type="LOC", name=t.text, mentions=[Mention(start=t.start, end=t.end, text=t.text)])
        for i, t in enumerate(gold.toponyms)
    ]
    return doc


def resolution_ms_per_mention(scorer: Scorer, prepared: list[tuple[Document, GoldDocument]]) -> float:
    mentions = sum(len(gold.toponyms) for _, gold in prepared)
    docs = [with_gold_entities(doc.model_copy(deep=True), gold) for doc, gold in prepared]
    started = time.perf_counter()
    for doc in docs:
        scorer.resolver(doc)
    return 1000 * (time.perf_counter() - started) / mentions


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args(argv)
    load = load_figures(args.repeat)
    print(
        f"gazetteer load: {load['seconds'] * 1000:.1f} ms (median of {args.repeat}), peak RSS {load['rss_mb']:.0f} MB,"
        f" of which the gazetteer {load['growth_mb']:.1f} MB"
    )
    scorer = Scorer()
    paths = sorted(Path(GOLD_DIR / "conll").glob("*.jsonl"))
    golds = load_jsonl(paths)
    prepared = [(doc, gold) for gold in golds if (doc := scorer.prepared(gold)) is not None]
    mentions = sum(len(gold.toponyms) for _, gold in prepared)
    cold = resolution_ms_per_mention(scorer, prepared)
    warm = resolution_ms_per_mention(scorer, prepared)
    print(
        f"resolution: {len(prepared)} articles, {mentions} mentions: {cold:.3f} ms per mention cold, {warm:.3f} ms warm"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
