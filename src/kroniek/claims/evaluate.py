"""Score the claims stage on the hand-annotated gold (JSONL in tests/data/events; texts rebuilt from ../shared).

    python -m kroniek.claims.evaluate --split dev
    python -m kroniek.claims.evaluate --gold tests/data/events/eventdna_nl.jsonl --split test

Each gold passage lists its claims as character offsets: the cue, the source phrase (null when
unattributed), the intermediary (via) and the certainty (docs/annotation-events.md). A predicted
claim matches a gold claim when their cues overlap; its source is right when its phrase overlaps the
gold source. Reported per language: claim cue P/R/F1, source P/R/F1, via accuracy and certainty
accuracy on matched claims, and the baseline "every sentence asserted" (one unattributed, asserted
claim per sentence). Tune on dev, report test.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from kroniek.events.gold import analyse_passage, load_passages, overlaps
from kroniek.model import Document
from kroniek.pipeline import DEFAULT_STAGES, Pipeline, stage_specs
from kroniek.scoring import f1, ratio

SOURCE_WINDOW = 200  # characters around the cue in which the source phrase is looked up


def _source_span(doc: Document, text: str | None, cue_start: int) -> tuple[int, int] | None:
    """Where the source phrase stands: the occurrence nearest the cue."""
    if not text:
        return None
    starts, at = [], doc.text.find(text, max(0, cue_start - SOURCE_WINDOW))
    while 0 <= at <= cue_start + SOURCE_WINDOW:
        starts.append(at)
        at = doc.text.find(text, at + 1)
    if not starts:
        return None
    start = min(starts, key=lambda s: abs(s - cue_start))
    return start, start + len(text)


def predicted(doc: Document) -> list[dict[str, Any]]:
    found = []
    for claim in doc.claims:
        cue = claim.cue_mention
        cue_span = (cue.start, cue.end) if cue else (claim.start, claim.end)
        found.append(
            {
                "cue": cue_span,
                "source": _source_span(doc, claim.source_text, cue_span[0]),
                "via": _source_span(doc, _entity_name(doc, claim.via) or claim.via, cue_span[0]),
                "certainty": claim.certainty,
            }
        )
    return found


def _entity_name(doc: Document, entity_id: str | None) -> str | None:
    for entity in doc.entities:
        if entity.id == entity_id and entity.mentions:
            return entity.mentions[0].text
    return None


def baseline(doc: Document) -> list[dict[str, Any]]:
    return [{"cue": (s.start, s.end), "source": None, "via": None, "certainty": "asserted"} for s in doc.sentences]


def score(pairs: list[tuple[list[dict[str, Any]], list[dict[str, Any]]]]) -> dict[str, float]:
    n_pred = n_gold = matched = certain = 0
    src_pred = src_gold = src_right = via_right = 0
    for gold, pred in pairs:
        n_pred, n_gold = n_pred + len(pred), n_gold + len(gold)
        src_pred += sum(c["source"] is not None for c in pred)
        src_gold += sum(g["source"] is not None for g in gold)
        free = list(gold)
        for claim in pred:
            match = next((g for g in free if overlaps(claim["cue"], g["cue"])), None)
            if match is None:
                continue
            free.remove(match)
            matched += 1
            certain += claim["certainty"] == match["certainty"]
            src_right += overlaps(claim["source"], match["source"])
            via_right += (claim["via"] is None) == (match["via"] is None) and (
                claim["via"] is None or overlaps(claim["via"], match["via"])
            )
    p, r = ratio(matched, n_pred), ratio(matched, n_gold)
    sp, sr = ratio(src_right, src_pred), ratio(src_right, src_gold)
    return {
        "claim_precision": p,
        "claim_recall": r,
        "claim_f1": f1(p, r),
        "source_precision": sp,
        "source_recall": sr,
        "source_f1": f1(sp, sr),
        "via_accuracy": ratio(via_right, matched),
        "certainty_accuracy": ratio(certain, matched),
        "gold_claims": n_gold,
    }


def evaluate(paths: list[Path] | None, split: str) -> dict[str, dict[str, float]]:
    import kroniek.claims
    import kroniek.events  # noqa: F401

    known = stage_specs()
    pipeline = Pipeline(stages=tuple(s for s in DEFAULT_STAGES if s in known))
    ours: dict[str, list[Any]] = {}
    flat: dict[str, list[Any]] = {}
    seconds: dict[str, list[float]] = {}
    for passage in load_passages(paths, split):
        if passage.scope != "all":
            continue  # gold that annotates only the events with counts has no claims
        before = dict(pipeline.seconds)
        doc = analyse_passage(passage, pipeline)
        spent = {k: v - before.get(k, 0.0) for k, v in pipeline.seconds.items()}
        gold = [_as_tuples(c) for c in passage.claims]
        ours.setdefault(passage.language, []).append((gold, predicted(doc)))
        flat.setdefault(passage.language, []).append((gold, baseline(doc)))
        seconds.setdefault(passage.language, []).append(spent.get("claims", 0.0))
    rows = {}
    for language in sorted(ours):
        rows[f"every sentence asserted [{language}]"] = score(flat[language])
        rows[f"kroniek claims [{language}]"] = score(ours[language])
        per_passage = seconds[language]
        rows[f"kroniek claims [{language}]"]["ms_per_passage_claims"] = round(
            1000 * sum(per_passage) / len(per_passage), 2
        )
    return rows


def _as_tuples(claim: dict[str, Any]) -> dict[str, Any]:
    return {k: tuple(v) if isinstance(v, list) else v for k, v in claim.items()}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="kroniek eval claims", description=__doc__.split("\n")[0])
    parser.add_argument("--gold", type=Path, nargs="*", default=None, help="gold JSONL files or folders")
    parser.add_argument("--split", choices=("dev", "test"), default="test")
    parser.add_argument("--format", choices=("table", "json"), default="table")
    args = parser.parse_args(argv)
    rows = evaluate(args.gold, args.split)
    if args.format == "json":
        print(json.dumps(rows, indent=2))
        return 0
    names: list[str] = []
    for figures in rows.values():
        names += [n for n in figures if n not in names]
    print(f"{'system':<30}" + "".join(f"{n[:18]:>20}" for n in names))
    for system, figures in rows.items():
        print(f"{system:<30}" + "".join(f"{figures.get(n, ''):>20}" for n in names))
    return 0


if __name__ == "__main__":
    sys.exit(main())
