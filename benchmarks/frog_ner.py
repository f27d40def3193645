"""kroniek and Frog side by side: Dutch NER on CoNLL-2002 and speed on the same text, in one run.

    python benchmarks/frog_ner.py [--split test] [--record]

Frog (Debian packages `frog` and `frogdata`; installed here with apt-get when missing and run as
root) reads the gold tokens one sentence per line with its tokenizer switched off, so both systems
see the same words. Frog's labels are mapped to CoNLL's (PRO and EVE to MISC) and both are scored
with kroniek's conlleval-style scorer. Speed: wall time and peak memory of each system as a separate
process on the same text, models loaded included and excluded. Frog is never a product dependency.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

from common import ensure_frog, run_measured

from kroniek.nlp.evaluate_entities import CORPORA, read_conll
from kroniek.nlp.transformer import score_entities

ROOT = Path(__file__).resolve().parents[1]
FROG_LABELS = {"PER": "PER", "ORG": "ORG", "LOC": "LOC", "MISC": "MISC", "PRO": "MISC", "EVE": "MISC"}
FROG_MODULES_OFF = "tmpacl"  # tokenizer, multi-word units, parser, morphology, chunker, lemmatizer


def frog_tags(frog: str, sentences: list[list[str]], workdir: Path) -> tuple[list[list[str]], float, float, float]:
    """Frog's IOB2 tags per sentence, its wall time, its start-up time and its peak memory."""
    source = workdir / "frog-in.txt"
    source.write_text("\n".join(" ".join(words) for words in sentences) + "\n", encoding="utf-8")
    command = [frog, f"--skip={FROG_MODULES_OFF}", "-n", "-t", str(source)]
    done, seconds, peak = run_measured(command)
    (workdir / "frog-one.txt").write_text("Dit is een zin .\n", encoding="utf-8")
    _, startup, _ = run_measured([frog, f"--skip={FROG_MODULES_OFF}", "-n", "-t", str(workdir / "frog-one.txt")])
    tagged: list[list[str]] = [[]]
    for line in done.stdout.splitlines():
        if not line.strip():
            if tagged[-1]:
                tagged.append([])
            continue
        tag = _ner_column(line.split("\t"))
        prefix, _, label = tag.partition("-")
        tagged[-1].append(f"{prefix}-{FROG_LABELS.get(label.upper(), 'MISC')}" if label else "O")
    return [t for t in tagged if t], seconds, startup, peak


def _ner_column(fields: list[str]) -> str:
    """The NER tag follows the tagger's confidence; which column that is depends on the modules run."""
    for i, field in enumerate(fields[2:], start=2):
        try:
            float(field)
        except ValueError:
            continue
        return fields[i + 1] or "O"
    return "O"


KRONIEK_SPEED = r"""
import json, sys, time, resource
from kroniek import Document, Pipeline
lines = open(sys.argv[1], encoding="utf-8").read().splitlines()
articles = ["\n".join(lines[i : i + 30]) for i in range(0, len(lines), 30)]  # article-sized documents
started = time.perf_counter()
pipeline = Pipeline(stages=("segment", "parse", "entities"))
pipeline(Document.new("Dit is een zin.", language="nl"))
loaded = time.perf_counter()
tokens = 0
for text in articles:
    doc = pipeline(Document.new(text, language="nl"))
    tokens += sum(len(s.tokens) for s in doc.sentences)
done = time.perf_counter()
print(json.dumps({"tokens": tokens, "load": loaded - started, "run": done - loaded,
                  "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""


def kroniek_speed(sentences: list[list[str]], workdir: Path) -> dict[str, float]:
    """Tokenise, tag, parse and recognise entities on the raw text (one sentence per line)."""
    text_file = workdir / "kroniek-in.txt"
    text_file.write_text("\n".join(" ".join(words) for words in sentences), encoding="utf-8")
    done = subprocess.run(
        [sys.executable, "-c", KRONIEK_SPEED, str(text_file)], capture_output=True, text=True, check=True
    )
    return json.loads(done.stdout)  # type: ignore[no-any-return]


def kroniek_scores(split_file: Path) -> dict[str, Any]:
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "kroniek.nlp.evaluate_entities",
            "--lang",
            "nl",
            "--file",
            str(split_file),
            "--format",
            "json",
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(done.stdout)  # type: ignore[no-any-return]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--split", choices=("dev", "test"), default="test")
    parser.add_argument("--record", action="store_true", help="append the table to docs/benchmarks.md")
    args = parser.parse_args()
    split_file = CORPORA / "conll2002_dutch" / ("ned.testb" if args.split == "test" else "ned.testa")
    frog = ensure_frog()
    sentences = [sentence for article in read_conll(split_file) for sentence in article]
    words = [[word for word, _ in sentence] for sentence in sentences]
    gold = [[tag for _, tag in sentence] for sentence in sentences]
    with tempfile.TemporaryDirectory() as folder:
        tags, frog_seconds, frog_startup, frog_peak = frog_tags(frog, words, Path(folder))
        ours_speed = kroniek_speed(words, Path(folder))
    if len(tags) != len(gold) or any(len(t) != len(g) for t, g in zip(tags, gold, strict=False)):
        sys.exit("Frog's output does not align with the gold tokens")
    frog_scores = score_entities(gold, tags)
    ours = kroniek_scores(split_file)
    tokens = sum(len(w) for w in words)
    frog_rate = tokens / max(frog_seconds - frog_startup, 1e-9)
    ours_rate = ours_speed["tokens"] / ours_speed["run"]
    table = "\n".join(
        [
            f"Frog side by side: CoNLL-2002 {split_file.name}, {tokens:,} tokens; {os.cpu_count()} cores",
            "",
            "| system | P | R | F1 | tokens/s (models loaded) | start-up s | peak RSS MB |",
            "|---|---|---|---|---|---|---|",
            f"| kroniek (segment + parse + entities) | {100 * ours['precision']:.1f} | {100 * ours['recall']:.1f} | "
            f"{100 * ours['f1']:.1f} | {ours_rate:,.0f} | {ours_speed['load']:.1f} | {ours_speed['peak_mb']:,.0f} |",
            f"| Frog 0.20 (tagger + NER; tokenizer, parser, morphology off) | {100 * frog_scores['precision']:.1f} | "
            f"{100 * frog_scores['recall']:.1f} | {100 * frog_scores['f1']:.1f} | {frog_rate:,.0f} | "
            f"{frog_startup:.1f} | {frog_peak:,.0f} |",
            "",
            f"Speed ratio kroniek / Frog: {ours_rate / frog_rate:.1f}x",
        ]
    )
    print(table)
    if args.record:
        with (ROOT / "docs" / "benchmarks.md").open("a", encoding="utf-8") as out:
            out.write("\n" + table + "\n")


if __name__ == "__main__":
    main()
