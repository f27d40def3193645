"""Score the time stage on TimeML (.tml) or kroniek TSV (.tsv) gold, as the TempEval-3 scorer does.

    python -m kroniek.time.evaluate --gold PATH [--format table|json] [--language nl] [--errors]

Extraction: strict (same span) and relaxed (overlapping span) precision, recall and F1. Attributes:
type and value accuracy on the relaxed matches, and value F1 (a match whose value is also right;
TempEval-3's "value" score, which equals value accuracy times relaxed F1).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from kroniek.errors import InputError
from kroniek.model import Document, TimeExpression
from kroniek.pipeline import Pipeline
from kroniek.scoring import prf
from kroniek.time.tagger import TimeTagger
from kroniek.time.timeml import GoldDocument, GoldTimex, read_file
from kroniek.time.tsvgold import read_tsv

GOLD_SUFFIXES = {".tml": read_file, ".tsv": read_tsv}


@dataclass
class Counts:
    gold: int = 0
    system: int = 0
    strict: int = 0
    relaxed: int = 0
    type_right: int = 0
    value_right: int = 0
    errors: list[str] = field(default_factory=list)

    def add(self, other: Counts) -> None:
        for name in ("gold", "system", "strict", "relaxed", "type_right", "value_right"):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        self.errors += other.errors


def score_document(gold: list[GoldTimex], system: list[TimeExpression], name: str = "") -> Counts:
    """One-to-one matching: exact spans first, then the first unmatched overlapping one."""
    counts = Counts(gold=len(gold), system=len(system))
    pairs: dict[int, int] = {}
    for gi, g in enumerate(gold):
        for si, s in enumerate(system):
            if si not in pairs.values() and (s.start, s.end) == (g.start, g.end):
                pairs[gi] = si
                break
    counts.strict = len(pairs)
    for gi, g in enumerate(gold):
        if gi in pairs:
            continue
        for si, s in enumerate(system):
            if si not in pairs.values() and s.start < g.end and g.start < s.end:
                pairs[gi] = si
                break
    counts.relaxed = len(pairs)
    for gi, si in pairs.items():
        g, s = gold[gi], system[si]
        counts.type_right += g.type == s.type
        counts.value_right += g.value == s.value
        if g.value != s.value or g.type != s.type:
            counts.errors.append(f"{name}: {g.text!r} gold {g.type} {g.value} | system {s.text!r} {s.type} {s.value}")
    matched = set(pairs.values())
    counts.errors += [f"{name}: missed {g.text!r} {g.type} {g.value}" for i, g in enumerate(gold) if i not in pairs]
    counts.errors += [
        f"{name}: spurious {s.text!r} {s.type} {s.value}" for i, s in enumerate(system) if i not in matched
    ]
    return counts


def load_gold(path: Path) -> list[GoldDocument]:
    """The documents of a .tml or .tsv file, or of all such files in a folder (sorted by name)."""
    files = sorted(p for p in path.rglob("*") if p.suffix in GOLD_SUFFIXES) if path.is_dir() else [path]
    return [doc for file in files for doc in GOLD_SUFFIXES.get(file.suffix, read_file)(file)]


def run_system(documents: Iterable[GoldDocument], language: str | None) -> Iterable[tuple[GoldDocument, Document]]:
    segment = Pipeline(stages=("segment",))
    tagger = TimeTagger()
    for gold in documents:
        doc = Document.new(gold.text, published=gold.published, language=language or gold.language or "en")
        yield gold, tagger(segment(doc))


def evaluate(path: Path, language: str | None = None) -> tuple[dict[str, object], Counts]:
    total = Counts()
    documents = load_gold(path)
    for gold, doc in run_system(documents, language):
        total.add(score_document(gold.timexes, doc.times, gold.name))
    value_accuracy = total.value_right / total.relaxed if total.relaxed else 0.0
    report: dict[str, object] = {
        "documents": len(documents),
        "gold": total.gold,
        "system": total.system,
        "strict": prf(total.strict, total.system, total.gold),
        "relaxed": prf(total.relaxed, total.system, total.gold),
        "type_accuracy": round(total.type_right / total.relaxed, 4) if total.relaxed else 0.0,
        "value_accuracy": round(value_accuracy, 4),
        "value": prf(total.value_right, total.system, total.gold),
    }
    return report, total


def format_table(report: dict[str, object]) -> str:
    lines = [
        f"documents {report['documents']}, gold {report['gold']}, system {report['system']}",
        f"{'':18}{'P':>8}{'R':>8}{'F1':>8}",
    ]
    for name in ("strict", "relaxed", "value"):
        row = report[name]
        assert isinstance(row, dict)
        label = "value (F1)" if name == "value" else f"{name} span"
        lines.append(f"{label:18}{row['precision']:8.4f}{row['recall']:8.4f}{row['f1']:8.4f}")
    lines.append(
        f"type accuracy  {report['type_accuracy']:.4f}   value accuracy {report['value_accuracy']:.4f}"
        "  (on relaxed matches)"
    )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="kroniek.time.evaluate", description=__doc__.splitlines()[0])
    parser.add_argument("--gold", type=Path, required=True, help="a .tml or .tsv file, or a folder of them")
    parser.add_argument("--format", choices=("table", "json"), default="table")
    parser.add_argument("--language", help="language of the gold texts (default: xml:lang of the file, else en)")
    parser.add_argument("--errors", action="store_true", help="also list misses, spurious and wrong values")
    args = parser.parse_args(argv)
    if not args.gold.exists():
        print(f"{args.gold}: no such file or folder", file=sys.stderr)
        return 2
    try:
        report, total = evaluate(args.gold, args.language)
    except InputError as error:
        print(error, file=sys.stderr)
        return 2
    print(json.dumps(report, indent=2) if args.format == "json" else format_table(report))
    if args.errors:
        print("\n".join(total.errors), file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
