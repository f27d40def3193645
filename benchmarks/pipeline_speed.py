"""Throughput and memory of the pipeline, per stage, on a fixed corpus of real news text.

    python benchmarks/pipeline_speed.py [--articles 300] [--lang nl|en]

The corpus is rebuilt from the CoNLL news corpora in ../shared/corpora (articles in file order, tokens
joined by spaces: the tokenizer sees real words and punctuation). Prints one table row per stage
(seconds, tokens/s) and the whole pipeline (articles/s, tokens/s, peak RSS), and appends the table to
docs/benchmarks.md with --record.
"""

from __future__ import annotations

import argparse
import os
import platform
import resource
import time
from pathlib import Path

from kroniek import Document, Pipeline

ROOT = Path(__file__).resolve().parents[1]
CORPORA = ROOT.parent / "shared" / "corpora"
SOURCES = {"nl": CORPORA / "conll2002_dutch" / "ned.train", "en": CORPORA / "conll2003_english" / "eng.train"}


def articles(path: Path, limit: int) -> list[str]:
    """Article texts from a CoNLL file: one sentence per line, DOCSTART lines as article breaks."""
    texts: list[str] = []
    sentences: list[str] = []
    words: list[str] = []
    for line in [*path.read_text(encoding="utf-8").splitlines(), ""]:
        if line.startswith("-DOCSTART-") or not line.strip():
            if words:
                sentences.append(" ".join(words))
                words = []
            if line.startswith("-DOCSTART-") and sentences:
                texts.append("\n".join(sentences))
                sentences = []
            continue
        words.append(line.split()[0])
    if sentences:
        texts.append("\n".join(sentences))
    return texts[:limit]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=300)
    parser.add_argument("--lang", choices=sorted(SOURCES), default="nl")
    parser.add_argument("--record", action="store_true", help="append the table to docs/benchmarks.md")
    args = parser.parse_args()
    texts = articles(SOURCES[args.lang], args.articles)
    pipeline = Pipeline()
    pipeline(Document.new("Opwarmen: modellen laden.", language=args.lang))  # load models outside the timing
    pipeline.seconds.clear()
    tokens = 0
    started = time.perf_counter()
    for text in texts:
        doc = pipeline(Document.new(text))  # language identified, as for real input
        tokens += sum(len(s.tokens) for s in doc.sentences)
    total = time.perf_counter() - started
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    rows = [f"| {name} | {seconds:.2f} | {tokens / seconds:,.0f} |" for name, seconds in pipeline.seconds.items()]
    machine = f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"
    whole = f"{tokens / total:,.0f} ({len(texts) / total:.1f} articles/s, peak RSS {peak_mb:,.0f} MB)"
    table = "\n".join(
        [
            f"Pipeline speed, {args.lang}: {len(texts)} articles, {tokens:,} tokens; {machine}",
            "",
            "| stage | seconds | tokens/s |",
            "|---|---|---|",
            *rows,
            f"| **whole pipeline** | {total:.2f} | {whole} |",
        ]
    )
    print(table)
    if args.record:
        with (ROOT / "docs" / "benchmarks.md").open("a", encoding="utf-8") as out:
            out.write("\n" + table + "\n")


if __name__ == "__main__":
    main()
