"""Score the quantities stage on the hand-annotated gold set (tests/data/quantities/) against a baseline.

    python -m kroniek.quantities.evaluate [--split dev|test] [--language nl|en] [--errors]
    python -m kroniek.quantities.evaluate --eventdna ../shared/corpora/eventdna

Spans: precision, recall and F1, strict (same offsets) and relaxed (overlapping). Attributes (value,
approximation, unit, counts): accuracy over the gold quantities whose span was found (relaxed).
The baseline is a plain regex for numbers in digits: no number words, approximators or units.
Rules are tuned on dev only; report test.
"""

from __future__ import annotations

import argparse
import json
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kroniek.model import Document, Quantity, Sentence
from kroniek.pipeline import Pipeline
from kroniek.quantities.data import language_data
from kroniek.quantities.engine import QuantityReader, make_quantities, reader_for
from kroniek.quantities.words import scan
from kroniek.settings import Settings

GOLD_DIR = Path(__file__).resolve().parents[3] / "tests" / "data" / "quantities"
ATTRIBUTES = ("value", "approximation", "unit", "counts")
BASELINE_PATTERN = re.compile(r"\d+(?:[.,]\d+)*")

Span = tuple[int, int]
Predictor = Callable[[Document], list[Quantity]]


@dataclass
class Scores:
    gold: int = 0
    predicted: int = 0
    strict: int = 0
    relaxed: int = 0
    attribute_hits: dict[str, int] = field(default_factory=lambda: dict.fromkeys(ATTRIBUTES, 0))
    errors: list[str] = field(default_factory=list)

    def prf(self, hits: int) -> tuple[float, float, float]:
        p = hits / self.predicted if self.predicted else 0.0
        r = hits / self.gold if self.gold else 0.0
        return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def read_gold(split: str, language: str | None) -> list[dict[str, Any]]:
    lines = (GOLD_DIR / f"{split}.jsonl").read_text(encoding="utf-8").splitlines()
    records = [json.loads(line) for line in lines if line.strip()]
    return [r for r in records if language in (None, r["language"])]


def same_value(a: float | None, b: float | None) -> bool:
    if a is None or b is None:
        return a is b
    return abs(a - b) <= 1e-3 * max(1.0, abs(b))


def same_attribute(name: str, predicted: Any, gold: Any) -> bool:
    if name == "value":
        return same_value(predicted, gold)
    if name == "counts" and predicted and gold:
        return str(predicted).casefold() == str(gold).casefold()
    return bool(predicted == gold)


def score_sentence(scores: Scores, record_id: str, gold: list[dict[str, Any]], predicted: list[Quantity]) -> None:
    scores.gold += len(gold)
    scores.predicted += len(predicted)
    unused = list(predicted)
    for g in gold:
        match = next((p for p in unused if p.start < g["end"] and g["start"] < p.end), None)
        if match is None:
            scores.errors.append(f"{record_id}: missed {g['text']!r}")
            continue
        unused.remove(match)
        scores.relaxed += 1
        scores.strict += (match.start, match.end) == (g["start"], g["end"])
        if (match.start, match.end) != (g["start"], g["end"]):
            scores.errors.append(f"{record_id}: span {match.text!r} for {g['text']!r}")
        for name in ATTRIBUTES:
            ok = same_attribute(name, getattr(match, name), g[name])
            scores.attribute_hits[name] += ok
            if not ok:
                found = getattr(match, name)
                scores.errors.append(f"{record_id}: {name} {found!r} for {g['text']!r} (gold {g[name]!r})")
    scores.errors += [f"{record_id}: spurious {p.text!r}" for p in unused]


def system_predictor() -> Predictor:
    segment = Pipeline(stages=("segment",))
    quantities = make_quantities(Settings())
    return lambda doc: quantities(segment(doc)).quantities


def baseline_predictor(doc: Document) -> list[Quantity]:
    """A digit regex with the language's separators: every number exact, no unit, nothing counted."""
    data = language_data(doc.language or "")
    found: list[Quantity] = []
    for m in BASELINE_PATTERN.finditer(doc.text):
        value = data.parse_digits(m.group()) if data else None
        found.append(Quantity(id=f"Q{len(found) + 1}", text=m.group(), start=m.start(), end=m.end(), value=value))
    return found


def evaluate(records: Iterable[dict[str, Any]], predict: Predictor) -> Scores:
    scores = Scores()
    for record in records:
        doc = Document.new(record["text"], language=record["language"])
        assert doc.text == record["text"], f"{record['id']}: text must be normalised"
        score_sentence(scores, record["id"], record["quantities"], predict(doc))
    return scores


def format_row(name: str, s: Scores) -> str:
    strict, relaxed = s.prf(s.strict), s.prf(s.relaxed)
    matched = s.relaxed or 1
    attributes = "  ".join(f"{s.attribute_hits[a] / matched:6.3f}" for a in ATTRIBUTES)
    return (
        f"{name:<9}{strict[0]:6.3f}{strict[1]:6.3f}{strict[2]:6.3f}   "
        f"{relaxed[0]:6.3f}{relaxed[1]:6.3f}{relaxed[2]:6.3f}   {attributes}"
    )


def print_table(title: str, rows: list[tuple[str, Scores]]) -> None:
    print(title)
    print(
        f"{'':<9}{'strict P':>8}{'R':>6}{'F1':>6}   {'relaxed P':>9}{'R':>5}{'F1':>6}   "
        f"{'value':>6}  {'approx':>6}  {'unit':>6}  {'counts':>6}"
    )
    for name, scores in rows:
        print(format_row(name, scores))


# --- EventDNA: span recall on money arguments -----------------------------------------------------


def eventdna_documents(corpus: Path) -> Iterator[tuple[Document, list[Span]]]:
    """Each EventDNA document (title and lead, Dutch) with its sentences and the spans of its money arguments."""
    for path in sorted((corpus / "docs").glob("*/dnaf.json")):
        doc_json = json.loads(path.read_text(encoding="utf-8"))["doc"]
        tokens = doc_json["token_string"].split(" ")
        starts, offset = [], 0
        for token in tokens:
            starts.append(offset)
            offset += len(token) + 1
        doc = Document.new(" ".join(tokens), language="nl")
        doc.sentences = [
            Sentence(start=starts[s["token_ids"][0]], end=starts[s["token_ids"][-1]] + len(tokens[s["token_ids"][-1]]))
            for s in doc_json["sentences"].values()
            if s["token_ids"]
        ]
        money = {
            (starts[ids[0]], starts[ids[-1]] + len(tokens[ids[-1]]))
            for event in doc_json["annotations"]["events"].values()
            for argument in event["features"].get("arguments", [])
            if argument["features"].get("argument_entity_type") == "money" and (ids := argument["features"]["span"])
        }
        yield doc, sorted(money)


def has_number(reader: QuantityReader, text: str) -> bool:
    words = scan(text)
    return any(reader.number(words, i) is not None for i in range(len(words)))


def eventdna_recall(corpus: Path) -> None:
    """Recall only: EventDNA marks money arguments of events, not every quantity."""
    stage = make_quantities(Settings())
    reader = reader_for("nl")
    assert reader is not None
    totals = {"all": [0, 0, 0], "with a number": [0, 0, 0]}  # arguments, overlapping quantity, quantity inside
    for doc, money in eventdna_documents(corpus):
        found = [(q.start, q.end) for q in stage(doc).quantities]
        for start, end in money:
            kinds = ["all", "with a number"] if has_number(reader, doc.text[start:end]) else ["all"]
            for kind in kinds:
                totals[kind][0] += 1
                totals[kind][1] += any(s < end and start < e for s, e in found)
                totals[kind][2] += any(start <= s and e <= end for s, e in found)
    print("EventDNA money arguments (nl): recall of a quantity overlapping / inside the argument")
    for kind, (gold, overlap, inside) in totals.items():
        print(f"  {kind:<14} n={gold:<4} overlap {overlap / max(gold, 1):.3f}  inside {inside / max(gold, 1):.3f}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="kroniek eval quantities", description=__doc__.splitlines()[0])
    parser.add_argument("--split", choices=("dev", "test", "blind"), default="test")
    parser.add_argument("--language", choices=("nl", "en"), default=None, help="one language only")
    parser.add_argument("--errors", action="store_true", help="list each miss, spurious find and wrong attribute")
    parser.add_argument("--eventdna", type=Path, default=None, help="also score recall on EventDNA (corpus folder)")
    args = parser.parse_args(argv)

    languages = [args.language] if args.language else ["nl", "en", None]
    system = system_predictor()
    for language in languages:
        records = read_gold(args.split, language)
        rows = [("kroniek", evaluate(records, system)), ("baseline", evaluate(records, baseline_predictor))]
        print_table(
            f"\nsplit={args.split} language={language or 'all'} sentences={len(records)} quantities={rows[0][1].gold}",
            rows,
        )
        if args.errors and (language is None or args.language):  # each error once
            print("\n".join(rows[0][1].errors))
    if args.eventdna:
        print()
        eventdna_recall(args.eventdna)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
