"""Score the events stage on EventDNA (Dutch news leads, research use only).

    python -m kroniek.events.evaluate --split test      # document-level test split; tune on --split dev

EventDNA marks an event by the span of its clause, not by a trigger word: a predicted trigger is
correct when it lies inside an unmatched gold event span of its sentence (the narrowest one).
Type accuracy counts matched events whose gold type is not Unknown, with the ERE types mapped to
PLOVER in data/eventdna.yaml; argument F1 scores (role, phrase) pairs for actor and target, a
predicted phrase being right when its last token lies inside a gold argument of that role. The
split is by document with a fixed seed: tune on dev, report test. The baseline is the lexicon
alone, without the dependency parse: triggers only, no roles. EventDNA is for research use only.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from kroniek.model import Document, Sentence, Token
from kroniek.pipeline import Pipeline

ROOT = Path(__file__).resolve().parents[3]
SHARED = ROOT / ".." / "shared"
EVENTDNA = SHARED / "corpora" / "eventdna" / "docs"
SPLIT_SEED = 2024
DEV_SHARE = 0.6
CONTEXT_STAGES = ("parse", "entities", "link", "time")


@dataclass
class GoldEvent:
    sentence: int
    tokens: set[int]
    types: set[str] | None  # None: Unknown, not scored for type
    args: list[tuple[str, set[int]]] = field(default_factory=list)


@dataclass
class Counts:
    predicted: int = 0
    gold: int = 0
    matched: int = 0
    typed: int = 0
    typed_right: int = 0
    args_predicted: int = 0
    args_gold: int = 0
    args_right: int = 0

    def add(self, other: Counts) -> None:
        for name in vars(self):
            setattr(self, name, getattr(self, name) + getattr(other, name))

    def report(self) -> dict[str, float]:
        p, r = _ratio(self.matched, self.predicted), _ratio(self.matched, self.gold)
        ap, ar = _ratio(self.args_right, self.args_predicted), _ratio(self.args_right, self.args_gold)
        return {
            "trigger_precision": p,
            "trigger_recall": r,
            "trigger_f1": _f1(p, r),
            "type_accuracy": _ratio(self.typed_right, self.typed),
            "argument_precision": ap,
            "argument_recall": ar,
            "argument_f1": _f1(ap, ar),
            "gold_events": self.gold,
            "predicted_events": self.predicted,
        }


def _ratio(a: int, b: int) -> float:
    return round(a / b, 4) if b else 0.0


def _f1(p: float, r: float) -> float:
    return round(2 * p * r / (p + r), 4) if p + r else 0.0


@cache
def mapping() -> dict[str, Any]:
    text = (resources.files("kroniek.events") / "data" / "eventdna.yaml").read_text(encoding="utf-8")
    loaded: dict[str, Any] = yaml.safe_load(text)
    return loaded


def role_of(gold_role: str) -> str | None:
    for role, names in mapping()["roles"].items():
        if gold_role in names:
            return str(role)
    return None


# -- corpus ---------------------------------------------------------------------------------------
def eventdna_split(corpus: Path, split: str) -> list[Path]:
    docs = sorted((p for p in corpus.iterdir() if (p / "dnaf.json").is_file()), key=lambda p: int(p.name.split("_")[1]))
    shuffled = docs[:]
    random.Random(SPLIT_SEED).shuffle(shuffled)
    cut = int(len(shuffled) * DEV_SHARE)
    chosen = set(shuffled[:cut] if split == "dev" else shuffled[cut:])
    return [d for d in docs if d in chosen]


def document_from_tokens(sentences: list[list[str]], language: str) -> tuple[Document, list[Token]]:
    """A Document whose text is the tokens joined by spaces, one sentence a line; tokens preset."""
    text = "\n".join(" ".join(words) for words in sentences)
    doc = Document.new(text, language=language)
    flat: list[Token] = []
    offset = 0
    for words in sentences:
        tokens = []
        for word in words:
            tokens.append(Token(start=offset, end=offset + len(word), text=word))
            offset += len(word) + 1
        doc.sentences.append(Sentence(start=tokens[0].start, end=tokens[-1].end, tokens=tokens))
        flat.extend(tokens)
    return doc, flat


def read_eventdna(path: Path) -> tuple[list[list[str]], list[list[int]], list[GoldEvent]]:
    data = json.loads((path / "dnaf.json").read_text(encoding="utf-8"))["doc"]
    words = data["token_string"].split(" ")
    order = sorted(data["sentences"].items(), key=lambda kv: int(kv[0].split("_")[1]))
    ids = [s["token_ids"] for _, s in order if s["token_ids"]]
    sentence_of = {t: n for n, s in enumerate(ids) for t in s}
    gold = []
    for event in data["annotations"]["events"].values():
        f = event["features"]
        if not f["span"]:
            continue
        kind = f"{f['type']}.{f['subtype']}"
        types = None if f["type"] == "Unknown" else set(mapping()["types"].get(kind, ["OTHER"]))
        args = [
            (role, set(a["features"]["span"]))
            for a in f["arguments"]
            if (role := role_of(a["features"]["argument_role"]))
        ]
        gold.append(GoldEvent(sentence_of.get(f["span"][0], 0), set(f["span"]), types, args))
    return [[words[t] for t in s] for s in ids], ids, gold


# -- scoring -----------------------------------------------------------------------------------------
def token_index(tokens: list[Token]) -> dict[int, int]:
    return {t.start: i for i, t in enumerate(tokens)}


def score_document(
    doc: Document, flat: list[Token], gold: list[GoldEvent], corpus_ids: list[int], roles: bool
) -> Counts:
    """``corpus_ids``: for each of our tokens, the corpus token index the gold spans use."""
    at = token_index(flat)
    ends = {t.end: i for i, t in enumerate(flat)}
    counts = Counts(predicted=len(doc.events), gold=len(gold))
    counts.args_gold = sum(len(g.args) for g in gold) if roles else 0
    free = list(gold)
    for event in doc.events:
        i = at.get(event.trigger.start)
        if i is None:
            continue
        token = corpus_ids[i]
        holding = [g for g in free if token in g.tokens]
        args = _predicted_args(event, ends, corpus_ids) if roles else []
        counts.args_predicted += len(args)
        if not holding:
            continue
        match = min(holding, key=lambda g: len(g.tokens))
        free.remove(match)
        counts.matched += 1
        if match.types is not None:
            counts.typed += 1
            counts.typed_right += event.type in match.types
        counts.args_right += sum(any(r == role and t in span for r, span in match.args) for role, t in args)
    return counts


def _predicted_args(event: Any, ends: dict[int, int], corpus_ids: list[int]) -> list[tuple[str, int]]:
    found = []
    for role, mentions in (("actor", event.actor_mentions), ("target", event.target_mentions)):
        for m in mentions:
            i = ends.get(m.end)
            if i is not None:
                found.append((role, corpus_ids[i]))
    return found


def eventdna_documents(
    split: str, limit: int | None
) -> Iterator[tuple[list[list[str]], list[list[int]], list[GoldEvent]]]:
    for n, path in enumerate(eventdna_split(EVENTDNA, split)):
        if limit is not None and n >= limit:
            return
        yield read_eventdna(path)


def run(stages: tuple[str, ...], split: str, limit: int | None, roles: bool) -> dict[str, float]:
    import kroniek.events  # noqa: F401  (registers the stage)

    pipeline = Pipeline(stages=stages)
    total = Counts()
    for sentences, ids, gold in eventdna_documents(split, limit):
        doc, flat = document_from_tokens(sentences, "nl")
        doc = pipeline(doc)
        total.add(score_document(doc, flat, gold, [t for s in ids for t in s], roles))
    return total.report()


def available(stages: tuple[str, ...]) -> tuple[str, ...]:
    from kroniek.pipeline import stage_specs

    known = stage_specs()
    return tuple(s for s in stages if s in known)


def print_table(rows: dict[str, dict[str, float]]) -> None:
    names = list(next(iter(rows.values())))
    print(f"{'system':<28}" + "".join(f"{n[:18]:>20}" for n in names))
    for system, figures in rows.items():
        print(f"{system:<28}" + "".join(f"{figures[n]:>20}" for n in names))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="kroniek eval events", description=__doc__.split("\n")[0])
    parser.add_argument("--split", choices=("dev", "test"), default="test")
    parser.add_argument("--limit", type=int, default=None, help="score only the first N documents")
    parser.add_argument("--format", choices=("table", "json"), default="table")
    args = parser.parse_args(argv)
    full = available((*CONTEXT_STAGES, "events"))
    bare = tuple(s for s in full if s != "parse")
    rows = {
        "lexicon only, no parse": run(bare, args.split, args.limit, roles=False),
        "kroniek events": run(full, args.split, args.limit, roles=True),
    }
    if args.format == "json":
        print(json.dumps(rows, indent=2))
    else:
        print_table(rows)
    return 0


if __name__ == "__main__":
    sys.exit(main())
