"""Score named-entity recognition on CoNLL files, conlleval-style (exact span and type).

    kroniek eval ner --lang nl [--split dev|test] [--file FILE] [--model DIR] [--format table|json]

The shipped entity model of the language runs on the gold words (so tokenisation cannot interfere),
ten sentences per chunk within an article, with the gold sentence boundaries. JSON output gives
fractions between 0 and 1: {"precision", "recall", "f1", "per_type": {TYPE: {...}}, ...}.
"""

from __future__ import annotations

import argparse
import json
import time
from collections import Counter
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import spacy
from spacy.language import Language as SpacyLanguage
from spacy.tokens import Doc as SpacyDoc

from kroniek.nlp.models import load_model, run_components

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


def spans(tags: Iterable[str]) -> set[tuple[int, int, str]]:
    """Entity spans (start, end exclusive, type) of an IOB2 sequence; a stray I- starts an entity."""
    found: set[tuple[int, int, str]] = set()
    start, label = None, ""
    for i, tag in enumerate([*tags, "O"]):
        if start is not None and not (tag.startswith("I-") and tag[2:] == label):
            found.add((start, i, label))
            start = None
        if tag.startswith("B-") or (tag.startswith("I-") and start is None):
            start, label = i, tag[2:]
    return found


def chunks(articles: list[list[Sentence]]) -> Iterator[list[Sentence]]:
    for article in articles:
        for i in range(0, len(article), SENTENCES_PER_CHUNK):
            yield article[i : i + SENTENCES_PER_CHUNK]


def predict(nlp: SpacyLanguage, chunk: list[Sentence]) -> list[str]:
    words = [word for sentence in chunk for word, _ in sentence]
    starts = [i == 0 for sentence in chunk for i in range(len(sentence))]
    sdoc = run_components(nlp, SpacyDoc(nlp.vocab, words=words, sent_starts=starts))  # type: ignore[arg-type]
    return [f"{t.ent_iob_}-{t.ent_type_}" if t.ent_type_ else "O" for t in sdoc]


def score(gold: list[list[str]], predicted: list[list[str]]) -> dict[str, Any]:
    """Exact span-and-type P/R/F1 overall and per type, as fractions."""
    correct: Counter[str] = Counter()
    found: Counter[str] = Counter()
    expected: Counter[str] = Counter()
    for gold_tags, predicted_tags in zip(gold, predicted, strict=True):
        gold_spans, predicted_spans = spans(gold_tags), spans(predicted_tags)
        expected.update(label for *_, label in gold_spans)
        found.update(label for *_, label in predicted_spans)
        correct.update(label for *_, label in gold_spans & predicted_spans)
    result = _prf(sum(correct.values()), sum(found.values()), sum(expected.values()))
    result["per_type"] = {
        label: _prf(correct[label], found[label], expected[label]) for label in sorted(expected | found)
    }
    return result


def _prf(correct: int, found: int, expected: int) -> dict[str, Any]:
    precision = correct / found if found else 0.0
    recall = correct / expected if expected else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"precision": round(precision, 4), "recall": round(recall, 4), "f1": round(f1, 4), "support": expected}


def evaluate(nlp: SpacyLanguage, articles: list[list[Sentence]]) -> dict[str, Any]:
    gold, predicted, words = [], [], 0
    started = time.perf_counter()
    for chunk in chunks(articles):
        gold.append([tag for sentence in chunk for _, tag in sentence])
        predicted.append(predict(nlp, chunk))
        words += len(gold[-1])
    result = score(gold, predicted)
    result["tokens"] = words
    result["tokens_per_second"] = round(words / (time.perf_counter() - started))
    return result


def _print_table(result: dict[str, Any], title: str) -> None:
    print(title)
    print(f"{'type':<8}{'precision':>10}{'recall':>10}{'f1':>10}{'support':>10}")
    rows = [*result["per_type"].items(), ("overall", result)]
    for label, row in rows:
        print(
            f"{label:<8}{100 * row['precision']:>10.2f}{100 * row['recall']:>10.2f}"
            f"{100 * row['f1']:>10.2f}{row['support']:>10}"
        )
    print(f"{result['tokens']} tokens, {result['tokens_per_second']} tokens/s")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="kroniek eval ner", description=__doc__.splitlines()[0])
    parser.add_argument("--lang", choices=sorted(SPLITS), required=True)
    parser.add_argument("--split", choices=("dev", "test"), default="dev")
    parser.add_argument("--file", type=Path, help="score on this CoNLL file instead (last column: IOB tags)")
    parser.add_argument("--scheme", choices=("iob1", "iob2"), help="tag scheme of --file (default: the language's)")
    parser.add_argument("--model", type=Path, help="a spaCy pipeline folder (default: the shipped model)")
    parser.add_argument("--format", choices=("table", "json"), default="table")
    args = parser.parse_args(argv)
    folder, scheme, files = SPLITS[args.lang]
    path = args.file or CORPORA / folder / files[args.split]
    nlp = spacy.load(args.model) if args.model else load_model("ner", args.lang)
    if nlp is None:
        parser.error(f"no shipped entity model for '{args.lang}'")
    result = evaluate(nlp, read_conll(path, args.scheme or scheme))
    result["gold"] = str(path)
    if args.format == "json":
        print(json.dumps(result))
    else:
        _print_table(result, f"NER on {path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
