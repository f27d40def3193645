"""Score the events stage on the hand-annotated gold (nl and en) and on EventDNA (Dutch, research use only).

    python -m kroniek.events.evaluate --split dev                      # all gold in tests/data/events + EventDNA
    python -m kroniek.events.evaluate --gold tests/data/events/conll2003_en.jsonl --split test --no-eventdna

Hand gold (docs/annotation-events.md): a predicted trigger matches a gold trigger it overlaps; type,
negation and modality accuracy are counted on matched events; argument F1 scores (role, span) pairs for
actor, target, place and time, a predicted argument being right when it overlaps a gold argument of
the same role of the matched event. Figures are per language; tune on dev, report test.

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

from kroniek.events.counts import event_roles
from kroniek.events.gold import Passage, analyse_passage, load_passages, overlaps
from kroniek.events.mistakes import passage_mistakes
from kroniek.model import Document, Event, Sentence, Token
from kroniek.pipeline import DEFAULT_STAGES, Pipeline
from kroniek.scoring import f1, ratio

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
        p, r = ratio(self.matched, self.predicted), ratio(self.matched, self.gold)
        ap, ar = ratio(self.args_right, self.args_predicted), ratio(self.args_right, self.args_gold)
        return {
            "trigger_precision": p,
            "trigger_recall": r,
            "trigger_f1": f1(p, r),
            "type_accuracy": ratio(self.typed_right, self.typed),
            "argument_precision": ap,
            "argument_recall": ar,
            "argument_f1": f1(ap, ar),
            "gold_events": self.gold,
            "predicted_events": self.predicted,
        }


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


# -- hand-annotated gold -------------------------------------------------------------------------
BASELINE_STAGES = ("language", "segment", "events")  # the lexicon alone: no parse, entities, time or places
ROLES = ("actor", "target", "place", "time")


@dataclass
class HandCounts:
    predicted: int = 0
    gold: int = 0
    matched: int = 0
    typed_right: int = 0
    negation_right: int = 0
    modality_right: int = 0
    args_predicted: int = 0
    args_gold: int = 0
    args_right: int = 0
    counts_gold: int = 0  # gold quantity attachments (role, quantity), all events
    counts_scored: int = 0  # those on matched events
    counts_predicted: int = 0  # predicted attachments on matched events
    counts_right: int = 0
    passages: int = 0
    seconds_stages: float = 0.0
    seconds_total: float = 0.0

    def add(self, other: HandCounts) -> None:
        for name in vars(self):
            setattr(self, name, getattr(self, name) + getattr(other, name))

    def report(self) -> dict[str, float]:
        p, r = ratio(self.matched, self.predicted), ratio(self.matched, self.gold)
        ap, ar = ratio(self.args_right, self.args_predicted), ratio(self.args_right, self.args_gold)
        return {
            "trigger_precision": p,
            "trigger_recall": r,
            "trigger_f1": f1(p, r),
            "type_accuracy": ratio(self.typed_right, self.matched),
            "argument_precision": ap,
            "argument_recall": ar,
            "argument_f1": f1(ap, ar),
            "negation_accuracy": ratio(self.negation_right, self.matched),
            "modality_accuracy": ratio(self.modality_right, self.matched),
            "attachment_accuracy": ratio(
                self.counts_right, self.counts_scored + self.counts_predicted - self.counts_right
            ),
            "attachments_gold": self.counts_gold,
            "attachments_scored": self.counts_scored,
            "gold_events": self.gold,
            "predicted_events": self.predicted,
            "ms_per_passage_events": round(1000 * self.seconds_stages / self.passages, 2) if self.passages else 0.0,
            "share_of_pipeline_time": ratio(int(1e6 * self.seconds_stages), int(1e6 * self.seconds_total)),
        }


def predicted_arguments(event: Event, doc: Document) -> list[tuple[str, tuple[int, int]]]:
    """(role, character span) of each argument the event names, places and times as mentions near it."""
    found = [("actor", (m.start, m.end)) for m in event.actor_mentions]
    found += [("target", (m.start, m.end)) for m in event.target_mentions]
    at = event.trigger.start
    if event.place:
        mentions = [m for p in doc.places if p.id == event.place for m in p.mentions]
        if mentions:
            near = min(mentions, key=lambda m: abs(m.start - at))
            found.append(("place", (near.start, near.end)))
    if event.time:
        times = [t for t in doc.times if t.value == event.time]
        if times:
            near_time = min(times, key=lambda t: abs(t.start - at))
            found.append(("time", (near_time.start, near_time.end)))
    return found


def match_events(doc: Document, gold_events: list[dict[str, Any]]) -> list[tuple[Event, dict[str, Any] | None]]:
    """Each predicted event with the first unmatched gold event whose trigger it overlaps (None when none)."""
    free = list(gold_events)
    pairs: list[tuple[Event, dict[str, Any] | None]] = []
    for event in doc.events:
        trigger = (event.trigger.start, event.trigger.end)
        match = next((g for g in free if overlaps(trigger, g["trigger"])), None)
        if match is not None:
            free.remove(match)
        pairs.append((event, match))
    return pairs


def predicted_attachments(event: Event, doc: Document) -> list[tuple[str, tuple[int, int]]]:
    """(role, character span) of each quantity attached to the event."""
    return [(role, (q.start, q.end)) for q, role in event_roles(event, doc)]


def gold_attachments(gold: dict[str, Any]) -> list[tuple[str, tuple[int, int]]]:
    return [(q["role"], (q["span"][0], q["span"][1])) for q in gold.get("quantities", [])]


def score_passage(doc: Document, gold_events: list[dict[str, Any]], scope: str = "all") -> HandCounts:
    """``scope`` "counts": the passage's gold lists only the events that carry counts; only their
    quantity attachments are scored, not its triggers or arguments."""
    counts = HandCounts(passages=1)
    counts.counts_gold = sum(len(gold_attachments(g)) for g in gold_events)
    pairs = match_events(doc, gold_events)
    for event, match in pairs:
        if match is not None:
            found, wanted = predicted_attachments(event, doc), gold_attachments(match)
            counts.counts_scored += len(wanted)
            counts.counts_predicted += len(found)
            counts.counts_right += sum(any(r == role and overlaps(s, span) for r, s in wanted) for role, span in found)
    if scope == "counts":
        return counts
    counts.predicted, counts.gold = len(doc.events), len(gold_events)
    counts.args_gold = sum(len(g[role]) for g in gold_events for role in ROLES)
    for event, match in pairs:
        args = predicted_arguments(event, doc)
        counts.args_predicted += len(args)
        if match is None:
            continue
        counts.matched += 1
        counts.typed_right += event.type == match["type"]
        counts.negation_right += event.negated == match["negated"]
        counts.modality_right += event.modality == match["modality"]
        counts.args_right += _arguments_right(args, match)
    return counts


def _arguments_right(args: list[tuple[str, tuple[int, int]]], gold: dict[str, Any]) -> int:
    unused = {role: list(gold[role]) for role in ROLES}
    right = 0
    for role, span in args:
        hit = next((g for g in unused[role] if overlaps(span, g)), None)
        if hit is not None:
            unused[role].remove(hit)
            right += 1
    return right


def run_hand_gold(passages: list[Passage], stages: tuple[str, ...], show_errors: bool = False) -> dict[str, HandCounts]:
    """Counts per language; with ``show_errors`` each passage's disagreements with the gold are printed."""
    import kroniek.events  # noqa: F401  (registers the stage)

    pipeline = Pipeline(stages=stages)
    totals: dict[str, HandCounts] = {}
    for passage in passages:
        before = dict(pipeline.seconds)
        doc = analyse_passage(passage, pipeline)
        counts = score_passage(doc, passage.events, passage.scope)
        if show_errors:
            print_mistakes(passage, doc)
        spent = {k: v - before.get(k, 0.0) for k, v in pipeline.seconds.items()}
        counts.seconds_stages = spent.get("events", 0.0)
        counts.seconds_total = sum(spent.values())
        totals.setdefault(passage.language, HandCounts()).add(counts)
    return totals


def print_mistakes(passage: Passage, doc: Document) -> None:
    pairs = match_events(doc, passage.events)
    arguments = {event.id: predicted_arguments(event, doc) for event, _ in pairs}
    attachments = {event.id: predicted_attachments(event, doc) for event, _ in pairs}
    for line in passage_mistakes(passage, doc, pairs, arguments, attachments):
        print(f"{passage.id:<14} {line}")


def hand_gold_rows(paths: list[Path] | None, split: str, show_errors: bool = False) -> dict[str, dict[str, float]]:
    passages = load_passages(paths, split)
    rows: dict[str, dict[str, float]] = {}
    for name, stages in (("lexicon only", BASELINE_STAGES), ("kroniek events", available(DEFAULT_STAGES))):
        errors_here = show_errors and name == "kroniek events"
        for language, counts in sorted(run_hand_gold(passages, stages, errors_here).items()):
            rows[f"{name} [{language}, hand]"] = counts.report()
    return rows


def print_table(rows: dict[str, dict[str, float]]) -> None:
    names: list[str] = []
    for figures in rows.values():
        names += [n for n in figures if n not in names]
    print(f"{'system':<36}" + "".join(f"{n[:18]:>20}" for n in names))
    for system, figures in rows.items():
        print(f"{system:<36}" + "".join(f"{figures.get(n, ''):>20}" for n in names))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="kroniek eval events", description=__doc__.split("\n")[0])
    parser.add_argument("--gold", type=Path, nargs="*", default=None, help="gold JSONL files or folders")
    parser.add_argument("--split", choices=("dev", "test"), default="test")
    parser.add_argument("--limit", type=int, default=None, help="score only the first N EventDNA documents")
    parser.add_argument("--no-eventdna", action="store_true", help="score the hand gold only")
    parser.add_argument("--format", choices=("table", "json"), default="table")
    parser.add_argument(
        "--show-errors", action="store_true", help="print each hand-gold passage's misses and false finds (dev only)"
    )
    args = parser.parse_args(argv)
    if args.show_errors and args.split == "test":
        parser.error("--show-errors is for the dev split: the test split is never studied")
    rows = hand_gold_rows(args.gold, args.split, args.show_errors)
    if not args.no_eventdna and EVENTDNA.is_dir():
        full = available((*CONTEXT_STAGES, "events"))
        bare = tuple(s for s in full if s != "parse")
        rows["lexicon only, no parse [nl, EventDNA]"] = run(bare, args.split, args.limit, roles=False)
        rows["kroniek events [nl, EventDNA]"] = run(full, args.split, args.limit, roles=True)
    if args.format == "json":
        print(json.dumps(rows, indent=2))
    else:
        print_table(rows)
    return 0


if __name__ == "__main__":
    sys.exit(main())
