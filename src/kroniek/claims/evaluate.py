"""Score the claims stage on hand-annotated gold (JSONL; the text is read from ../shared at run time).

    python -m kroniek.claims.evaluate --gold tests/data/events/claims_gold.jsonl --split test

Each gold line names a file under ../shared, its language and publication date, and its claims as
character offsets: the cue, the source phrase (null when unattributed) and the certainty. A
predicted claim matches a gold claim when their cues overlap; its source is right when its phrase
overlaps the gold source. Reported: claim cue P/R/F1, source F1, certainty accuracy on matched
claims, and the baseline "every sentence asserted" (one unattributed, asserted claim per sentence).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from kroniek.analyse import analyse
from kroniek.model import Document
from kroniek.pipeline import Pipeline, stage_specs

ROOT = Path(__file__).resolve().parents[3]
SHARED = ROOT / ".." / "shared"
STAGES = ("language", "segment", "parse", "entities", "link", "time", "claims")


def _overlap(a: list[int] | tuple[int, int] | None, b: list[int] | tuple[int, int] | None) -> bool:
    return a is not None and b is not None and a[0] < b[1] and b[0] < a[1]


def read_gold(path: Path, split: str) -> list[dict[str, Any]]:
    lines = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    return [g for g in lines if g.get("split") == split]


def predicted(doc: Document) -> list[dict[str, Any]]:
    found = []
    for claim in doc.claims:
        cue = claim.cue_mention
        source = None
        if claim.source_text and cue is not None:
            at = doc.text.find(claim.source_text, max(0, cue.start - 120))
            source = (at, at + len(claim.source_text)) if at >= 0 else None
        found.append(
            {
                "cue": (cue.start, cue.end) if cue else (claim.start, claim.end),
                "source": source,
                "certainty": claim.certainty,
            }
        )
    return found


def baseline(doc: Document) -> list[dict[str, Any]]:
    return [{"cue": (s.start, s.end), "source": None, "certainty": "asserted"} for s in doc.sentences]


def score(pairs: list[tuple[list[dict[str, Any]], list[dict[str, Any]]]]) -> dict[str, float]:
    n_pred = n_gold = matched = certain = 0
    src_pred = src_gold = src_right = 0
    for gold, pred in pairs:
        n_pred, n_gold = n_pred + len(pred), n_gold + len(gold)
        src_pred += sum(p["source"] is not None for p in pred)
        src_gold += sum(g["source"] is not None for g in gold)
        free = list(gold)
        for p in pred:
            match = next((g for g in free if _overlap(p["cue"], g["cue"])), None)
            if match is None:
                continue
            free.remove(match)
            matched += 1
            certain += p["certainty"] == match["certainty"]
            src_right += _overlap(p["source"], match["source"])
    p, r = _ratio(matched, n_pred), _ratio(matched, n_gold)
    sp, sr = _ratio(src_right, src_pred), _ratio(src_right, src_gold)
    return {
        "claim_precision": p,
        "claim_recall": r,
        "claim_f1": _f1(p, r),
        "source_precision": sp,
        "source_recall": sr,
        "source_f1": _f1(sp, sr),
        "certainty_accuracy": _ratio(certain, matched),
        "gold_claims": n_gold,
    }


def _ratio(a: int, b: int) -> float:
    return round(a / b, 4) if b else 0.0


def _f1(p: float, r: float) -> float:
    return round(2 * p * r / (p + r), 4) if p + r else 0.0


def evaluate(gold_path: Path, split: str) -> dict[str, dict[str, float]]:
    import kroniek.claims
    import kroniek.events  # noqa: F401

    known = stage_specs()
    pipeline = Pipeline(stages=tuple(s for s in STAGES if s in known))
    ours, flat = [], []
    for item in read_gold(gold_path, split):
        text = (SHARED / item["file"]).read_text(encoding="utf-8")
        doc = analyse(text, published=item.get("published"), language=item.get("language"), pipeline=pipeline)
        gold = item["claims"]
        ours.append((gold, predicted(doc)))
        flat.append((gold, baseline(doc)))
    return {"every sentence asserted": score(flat), "kroniek claims": score(ours)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="kroniek eval claims", description=__doc__.split("\n")[0])
    parser.add_argument("--gold", type=Path, default=ROOT / "tests" / "data" / "events" / "claims_gold.jsonl")
    parser.add_argument("--split", choices=("dev", "test"), default="test")
    parser.add_argument("--format", choices=("table", "json"), default="table")
    args = parser.parse_args(argv)
    rows = evaluate(args.gold, args.split)
    if args.format == "json":
        print(json.dumps(rows, indent=2))
        return 0
    names = list(next(iter(rows.values())))
    print(f"{'system':<26}" + "".join(f"{n:>20}" for n in names))
    for system, figures in rows.items():
        print(f"{system:<26}" + "".join(f"{figures[n]:>20}" for n in names))
    return 0


if __name__ == "__main__":
    sys.exit(main())
