"""Score tokenisation, sentence splitting and language identification on Universal Dependencies files.

    python -m kroniek.nlp.evaluate segment --gold FILE.conllu --lang nl [--baseline]
    python -m kroniek.nlp.evaluate language --gold nl=FILE.conllu --gold en=FILE.conllu

Raw text is rebuilt from the sentences' ``# text`` lines (joined by a space, in chunks of ten sentences
or per ``# newdoc``), so sentence boundaries must be found without line breaks to help.
"""

from __future__ import annotations

import argparse
import json
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import spacy

from kroniek import scoring
from kroniek.model import Document
from kroniek.nlp.language import LanguageIdentifier
from kroniek.nlp.segment import Segmenter

SENTENCES_PER_CHUNK = 10


@dataclass
class GoldDocument:
    text: str
    tokens: set[tuple[int, int]] = field(default_factory=set)
    sentence_ends: set[int] = field(default_factory=set)
    sentences: list[str] = field(default_factory=list)


def read_conllu(path: Path) -> Iterator[list[tuple[str, list[str]]]]:
    """Groups of (sentence text, surface tokens): one group per # newdoc, or per ten sentences."""
    group: list[tuple[str, list[str]]] = []
    text, forms, skip_until = "", [], 0
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("# newdoc") and group:
            yield group
            group = []
        elif line.startswith("# text = "):
            text = line[len("# text = ") :]
        elif line and not line.startswith("#"):
            columns = line.split("\t")
            token_id = columns[0]
            if "." in token_id:  # empty node: no surface form
                continue
            if "-" in token_id:  # multi-word token: its surface form stands for the words it covers
                skip_until = int(token_id.split("-")[1])
                forms.append(columns[1])
            elif int(token_id) > skip_until:
                forms.append(columns[1])
        elif not line and forms:
            group.append((text, forms))
            forms, skip_until = [], 0
            if len(group) == SENTENCES_PER_CHUNK and "# newdoc" not in line:
                yield group
                group = []
    if forms:
        group.append((text, forms))
    if group:
        yield group


def gold_documents(path: Path) -> Iterator[GoldDocument]:
    for group in read_conllu(path):
        gold = GoldDocument(text=" ".join(text for text, _ in group))
        offset = 0
        for text, forms in group:
            cursor = offset
            for form in forms:
                start = gold.text.find(form, cursor)
                if start < 0:  # form not in the text as written (rare normalisations): skip it
                    continue
                gold.tokens.add((start, start + len(form)))
                cursor = start + len(form)
            gold.sentence_ends.add(offset + len(text))
            gold.sentences.append(text)
            offset += len(text) + 1
        yield gold


def prf(found: int, gold: int, correct: int) -> dict[str, float]:
    """Precision, recall and F1 in percent, as UD scores are usually given."""
    return {k: round(100 * v, 2) for k, v in scoring.prf(correct, found, gold).items()}


def predicted_spans(
    text: str, language: str, baseline: bool, segmenter: Segmenter
) -> tuple[set[tuple[int, int]], set[int]]:
    if baseline:  # spaCy's blank tokenizer and its punctuation-based sentencizer
        sdoc = _sentencizer(language)(text)
        tokens = {(t.idx, t.idx + len(t.text)) for t in sdoc if not t.is_space}
        ends = {s[-1].idx + len(s[-1].text) for s in sdoc.sents if s.text.strip()}
        return tokens, ends
    doc = segmenter(Document.new(text, language=language))
    return {(t.start, t.end) for s in doc.sentences for t in s.tokens}, {s.end for s in doc.sentences}


@cache
def _sentencizer(language: str) -> spacy.language.Language:
    nlp = spacy.blank(language)
    nlp.add_pipe("sentencizer")
    return nlp


def score_segment(path: Path, language: str, baseline: bool = False) -> dict[str, object]:
    segmenter = Segmenter()
    counts = {"tokens": [0, 0, 0], "sentences": [0, 0, 0]}
    words, started = 0, time.perf_counter()
    for gold in gold_documents(path):
        tokens, ends = predicted_spans(gold.text, language, baseline, segmenter)
        for kind, found, expected in (("tokens", tokens, gold.tokens), ("sentences", ends, gold.sentence_ends)):
            counts[kind][0] += len(found)
            counts[kind][1] += len(expected)
            counts[kind][2] += len(found & expected)
        words += len(gold.tokens)
    seconds = time.perf_counter() - started
    return {
        "gold": str(path),
        "system": "spaCy blank + sentencizer" if baseline else "kroniek segment",
        "tokens": prf(*counts["tokens"]),
        "sentences": prf(*counts["sentences"]),
        "tokens_per_second": round(words / seconds),
    }


def score_language(golds: dict[str, Path], candidates: tuple[str, ...]) -> dict[str, object]:
    identifier = LanguageIdentifier(candidates)
    result: dict[str, object] = {"candidates": list(candidates)}
    for unit in ("sentence", "chunk"):
        correct = total = 0
        for language, path in golds.items():
            for gold in gold_documents(path):
                for text in gold.sentences if unit == "sentence" else [gold.text]:
                    total += 1
                    correct += identifier.detect(text)[0] == language
        result[f"{unit}_accuracy"] = round(100 * correct / total, 2) if total else 0.0
        result[f"{unit}_count"] = total
    return result


def _print(result: dict[str, object], as_json: bool) -> None:
    if as_json:
        print(json.dumps(result, ensure_ascii=False))
        return
    for key, value in result.items():
        if isinstance(value, dict):
            print(f"{key:>18}: " + "  ".join(f"{k} {v:6.2f}" for k, v in value.items()))
        else:
            print(f"{key:>18}: {value}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="kroniek eval", description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="what", required=True)
    segment = commands.add_parser("segment", help="token and sentence boundary P/R/F1")
    segment.add_argument("--gold", type=Path, required=True, help="a CoNLL-U file")
    segment.add_argument("--lang", required=True, help="its language (ISO 639-1)")
    segment.add_argument("--baseline", action="store_true", help="score spaCy's sentencizer instead")
    language = commands.add_parser("language", help="language identification accuracy")
    language.add_argument("--gold", action="append", required=True, metavar="LANG=FILE.conllu")
    language.add_argument("--candidates", default="nl,en,de,fr,es,it")
    for sub in (segment, language):
        sub.add_argument("--format", choices=("table", "json"), default="table")
    args = parser.parse_args(argv)
    if args.what == "segment":
        result = score_segment(args.gold, args.lang, args.baseline)
    else:
        golds = {code: Path(path) for code, path in (item.split("=", 1) for item in args.gold)}
        result = score_language(golds, tuple(args.candidates.split(",")))
    _print(result, args.format == "json")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
