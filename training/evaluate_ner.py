#!/usr/bin/env python
"""Evaluate a shipped kroniek NER pipeline on CoNLL-2002 (nl) / CoNLL-2003 (en).

The model is run on the *gold tokens* of the split (Docs are built from the
gold words, so the tokenizer cannot interfere), grouped into Docs of
``--doc-sents`` sentences per article exactly as in training.  Gold sentence
boundaries are set on the Docs by default (spaCy's NER never predicts an
entity across a sentence start); ``--no-sent-bounds`` leaves them unset, which
is what the model sees at runtime on raw text without a sentence splitter.

Scoring is conlleval-style: an entity counts as correct only if span and type
match exactly.  Prints precision / recall / F1 overall and per type, plus
throughput (tokens/s of ``nlp.pipe`` on the pre-built Docs, 1 process).

Usage:
    python training/evaluate_ner.py nl --split dev
    python training/evaluate_ner.py en --split test --model path/to/model
    python training/evaluate_ner.py nl --conll-out /tmp/nl_test.conll  # WORD GOLD PRED
"""
from __future__ import annotations

import argparse
import json
import sys
import time
from collections import Counter
from pathlib import Path

import spacy
from spacy.tokens import Doc

sys.path.insert(0, str(Path(__file__).resolve().parent))
from convert_conll import LABELS, group, load_split  # noqa: E402

REPO = Path(__file__).resolve().parent.parent
MODELS = REPO / "src" / "kroniek" / "nlp" / "models"
SPLIT_NAMES = {
    "nl": {"train": "ned.train", "dev": "ned.testa", "test": "ned.testb"},
    "en": {"train": "eng.train", "dev": "eng.testa", "test": "eng.testb"},
}


def iob2_spans(tags):
    """IOB2 tags -> set of (start, end, label), end exclusive."""
    spans, start, label = [], None, None
    for i, tag in enumerate(list(tags) + ["O"]):
        if start is not None and not (tag.startswith("I-") and tag[2:] == label):
            spans.append((start, i, label))
            start = None
        if tag.startswith("B-") or (tag.startswith("I-") and start is None):
            start, label = i, tag[2:]
    return spans


def prf(tp, n_pred, n_gold):
    p = tp / n_pred if n_pred else 0.0
    r = tp / n_gold if n_gold else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return p, r, f


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("lang", choices=sorted(SPLIT_NAMES))
    ap.add_argument("--split", choices=("dev", "test", "train"), default="dev")
    ap.add_argument("--model", type=Path, default=None,
                    help="pipeline dir (default src/kroniek/nlp/models/ner-LANG)")
    ap.add_argument("--doc-sents", type=int, default=10)
    ap.add_argument("--no-sent-bounds", action="store_true",
                    help="do not set gold sentence starts on the Docs")
    ap.add_argument("--conll-out", type=Path, help="write WORD GOLD PRED (IOB2) lines")
    ap.add_argument("--json", action="store_true", help="also print scores as JSON")
    args = ap.parse_args()

    model = args.model or MODELS / f"ner-{args.lang}"
    nlp = spacy.load(model)

    # Build Docs from gold words.
    docs, gold_tags, sent_lens = [], [], []
    for article in load_split(args.lang, args.split):
        for chunk in group(article, args.doc_sents):
            words, tags, starts = [], [], []
            for sw, st in chunk:
                words += sw
                tags += st
                starts += [True] + [False] * (len(sw) - 1)
            docs.append(Doc(nlp.vocab, words=words, spaces=[True] * len(words),
                            sent_starts=None if args.no_sent_bounds else starts))
            gold_tags.append(tags)
            sent_lens.append([len(sw) for sw, _ in chunk])
    n_tokens = sum(len(d) for d in docs)

    t0 = time.perf_counter()
    docs = list(nlp.pipe(docs))
    elapsed = time.perf_counter() - t0

    tp, n_pred, n_gold = Counter(), Counter(), Counter()
    crossing = 0
    out = args.conll_out.open("w", encoding="utf-8") if args.conll_out else None
    for doc, tags, lens in zip(docs, gold_tags, sent_lens):
        gold = set(iob2_spans(tags))
        pred = {(e.start, e.end, e.label_) for e in doc.ents}
        for _, _, lab in gold:
            n_gold[lab] += 1
        for _, _, lab in pred:
            n_pred[lab] += 1
        for _, _, lab in gold & pred:
            tp[lab] += 1
        bounds = set()
        pos = 0
        for n in lens:
            pos += n
            bounds.add(pos)
        crossing += sum(1 for s, e, _ in pred if any(s < b < e for b in bounds))
        if out:
            pred_tags = [(f"{t.ent_iob_}-{t.ent_type_}" if t.ent_type_ else "O") for t in doc]
            i = 0
            for n in lens:
                for j in range(i, i + n):
                    out.write(f"{doc[j].text} {tags[j]} {pred_tags[j]}\n")
                out.write("\n")
                i += n
    if out:
        out.close()

    labels = [l for l in LABELS if n_gold[l] or n_pred[l]]
    labels += sorted((set(n_gold) | set(n_pred)) - set(labels))
    rows = {}
    print(f"model: {model}")
    print(f"data:  {args.lang} {args.split} ({SPLIT_NAMES[args.lang][args.split]}), "
          f"{len(docs)} docs, {n_tokens} tokens, sentence bounds "
          f"{'off' if args.no_sent_bounds else 'gold'}")
    print(f"{'type':<8}{'P':>8}{'R':>8}{'F1':>8}{'gold':>8}{'pred':>8}{'correct':>9}")
    for lab in labels + ["overall"]:
        if lab == "overall":
            t, np_, ng = sum(tp.values()), sum(n_pred.values()), sum(n_gold.values())
        else:
            t, np_, ng = tp[lab], n_pred[lab], n_gold[lab]
        p, r, f = prf(t, np_, ng)
        rows[lab] = {"p": p, "r": r, "f": f, "gold": ng, "pred": np_, "correct": t}
        print(f"{lab:<8}{100*p:8.2f}{100*r:8.2f}{100*f:8.2f}{ng:8d}{np_:8d}{t:9d}")
    if crossing:
        print(f"note: {crossing} predicted entities cross a gold sentence boundary")
    print(f"speed: {n_tokens / elapsed:,.0f} tokens/s ({n_tokens} tokens in "
          f"{elapsed:.2f} s, nlp.pipe, 1 process, pipeline {nlp.pipe_names})")
    if args.json:
        print(json.dumps({"lang": args.lang, "split": args.split, "scores": rows,
                          "tokens_per_s": n_tokens / elapsed}))


if __name__ == "__main__":
    main()
