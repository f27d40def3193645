"""Score the shipped transformer NER artefact on a CoNLL split (exact span and type, conlleval-style).

    python training/transformer/evaluate.py --lang nl --split test [--format json] [--model DIR] [--file F.conll]

Runs with the project's venv (numpy, onnxruntime, tokenizers; no torch). Prints precision, recall and
F1 overall and per type, and tokens/s of the tagger on the gold words (one process, --threads cores).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

from conll import DATASETS, REPO, load_split, read_conll, runtime_module


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--lang", choices=sorted(DATASETS), default="nl")
    ap.add_argument("--split", choices=("train", "dev", "test"), default="dev")
    ap.add_argument("--file", type=Path, help="any CoNLL file (last column IOB2) instead of the split")
    ap.add_argument("--model", type=Path, default=None, help="default src/kroniek/nlp/models/ner-accurate-<lang>")
    ap.add_argument("--model-file", default="model.onnx")
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--format", choices=("table", "json"), default="table")
    args = ap.parse_args(argv)

    rt = runtime_module()
    model = args.model or REPO / "src" / "kroniek" / "nlp" / "models" / f"ner-accurate-{args.lang}"
    sentences = read_conll(args.file) if args.file else load_split(args.lang, args.split)
    tagger = rt.TransformerTagger(model, args.model_file, threads=args.threads)
    words = [w for w, _ in sentences]
    started = time.perf_counter()
    predicted = tagger.tag(words)
    seconds = time.perf_counter() - started
    scores = rt.score_entities([t for _, t in sentences], predicted)
    n_tokens = sum(map(len, words))
    scores["tokens_per_second"] = round(n_tokens / seconds)
    if args.format == "json":
        print(json.dumps(scores))
        return 0
    print(
        f"model {model / args.model_file}; data {args.file or f'{args.lang} {args.split}'}: "
        f"{len(sentences)} sentences, {n_tokens} tokens"
    )
    print(f"{'type':<8}{'P':>8}{'R':>8}{'F1':>8}{'gold':>7}{'pred':>7}{'ok':>7}")
    for name, row in [*scores["per_type"].items(), ("overall", scores)]:
        print(
            f"{name:<8}{100 * row['precision']:8.2f}{100 * row['recall']:8.2f}{100 * row['f1']:8.2f}"
            f"{row['gold']:7d}{row['predicted']:7d}{row['correct']:7d}"
        )
    print(f"speed: {scores['tokens_per_second']:,} tokens/s ({seconds:.1f} s, {args.threads} threads)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
