"""Score named-entity recognition on CoNLL files, conlleval-style (exact span and type).

    kroniek eval ner --lang nl [--split dev|test] [--pipeline accurate|fast] [--file FILE] [--format table|json]

The shipped recogniser of the language (`--pipeline accurate|fast`) runs on the gold words (so
tokenisation cannot interfere), ten sentences per chunk within an article, with the gold sentence
boundaries. JSON output gives
fractions between 0 and 1: {"precision", "recall", "f1", "per_type": {TYPE: {...}}, ...}.
"""

from __future__ import annotations

import argparse
import json
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import spacy

from kroniek.nlp.entities import KINDS, SpacyTagger, Tagger, load_tagger
from kroniek.nlp.transformer import score_entities

CORPORA = Path(__file__).resolve().parents[3].parent / "shared" / "corpora"
SPLITS = {
    "nl": ("conll2002_dutch", "iob2", {"train": "ned.train", "dev": "ned.testa", "test": "ned.testb"}),
    "en": ("conll2003_english", "iob1", {"train": "eng.train", "dev": "eng.testa", "test": "eng.testb"}),
}
SENTENCES_PER_CHUNK = 10

Sentence = list[tuple[str, str]]  # (word, IOB2 tag)


def read_conll(path: Path, scheme: str = "iob2") -> list[list[Sentence]]:
    """Articles of sentences of (word, tag); DOCSTART lines end an article wherever they stand."""
    articles: list[list[Sentence]] = [[]]
    sentence: Sentence = []
    for line in [*path.read_text(encoding="utf-8").splitlines(), ""]:
        if line.startswith("-DOCSTART-") or not line.strip():
            if sentence:
                articles[-1].append(to_iob2(sentence) if scheme == "iob1" else sentence)
                sentence = []
            if line.startswith("-DOCSTART-") and articles[-1]:
                articles.append([])
            continue
        columns = line.split()
        sentence.append((columns[0], columns[-1]))
    return [article for article in articles if article]


def to_iob2(sentence: Sentence) -> Sentence:
    """IOB1 (an entity starts with I- unless it follows one of the same type) to IOB2."""
    converted: Sentence = []
    previous = "O"
    for word, tag in sentence:
        if tag.startswith("I-") and previous[2:] != tag[2:]:
            tag = "B-" + tag[2:]
        converted.append((word, tag))
        previous = tag
    return converted


def chunks(articles: list[list[Sentence]]) -> Iterator[list[Sentence]]:
    for article in articles:
        for i in range(0, len(article), SENTENCES_PER_CHUNK):
            yield article[i : i + SENTENCES_PER_CHUNK]


def evaluate(tagger: Tagger, articles: list[list[Sentence]]) -> dict[str, Any]:
    gold, predicted, words = [], [], 0
    started = time.perf_counter()
    for chunk in chunks(articles):
        gold += [[tag for _, tag in sentence] for sentence in chunk]
        predicted += tagger.tag([[word for word, _ in sentence] for sentence in chunk])
        words += sum(len(sentence) for sentence in chunk)
    result = score_entities(gold, predicted)
    result["tokens"] = words
    result["tokens_per_second"] = round(words / (time.perf_counter() - started))
    return result


def _print_table(result: dict[str, Any], title: str) -> None:
    print(title)
    print(f"{'type':<8}{'precision':>10}{'recall':>10}{'f1':>10}{'gold':>10}")
    rows = [*result["per_type"].items(), ("overall", result)]
    for label, row in rows:
        print(
            f"{label:<8}{100 * row['precision']:>10.2f}{100 * row['recall']:>10.2f}"
            f"{100 * row['f1']:>10.2f}{row['gold']:>10}"
        )
    print(f"{result['tokens']} tokens, {result['tokens_per_second']} tokens/s")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="kroniek eval ner", description=__doc__.splitlines()[0])
    parser.add_argument("--lang", choices=sorted(SPLITS), required=True)
    parser.add_argument("--split", choices=("dev", "test"), default="dev")
    parser.add_argument("--file", type=Path, help="score on this CoNLL file instead (last column: IOB tags)")
    parser.add_argument("--scheme", choices=("iob1", "iob2"), help="tag scheme of --file (default: the language's)")
    parser.add_argument("--pipeline", choices=KINDS, default="accurate", help="which shipped recogniser")
    parser.add_argument("--model", type=Path, help="a spaCy pipeline folder instead of a shipped recogniser")
    parser.add_argument("--format", choices=("table", "json"), default="table")
    args = parser.parse_args(argv)
    folder, scheme, files = SPLITS[args.lang]
    path = args.file or CORPORA / folder / files[args.split]
    tagger = SpacyTagger(spacy.load(args.model)) if args.model else load_tagger(args.lang, args.pipeline)
    if tagger is None:
        parser.error(f"no shipped entity model for '{args.lang}'")
    result = evaluate(tagger, read_conll(path, args.scheme or scheme))
    result["gold_file"] = str(path)
    if args.format == "json":
        print(json.dumps(result))
    else:
        _print_table(result, f"NER on {path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
