#!/usr/bin/env bash
# Train a kroniek syntax pipeline (tagger, morphologizer, lemmatizer, parser) and ship it.
#
#   bash training/syntax/train.sh LANG [-- extra spacy train overrides]
#
# Steps: UD CoNLL-U (data/LANG.yaml) -> DocBins in training/syntax/corpus/LANG,
# `spacy train` (syntax.cfg) into training/syntax/output/LANG, copy model-best to
# src/kroniek/nlp/models/syntax-LANG, then score it on the held-out dev and test files.
# TRAIN=0 skips convert+train (ship and score an existing model-best); SHIP=0 skips the copy.
set -euo pipefail

LANG_ID="${1:?usage: train.sh nl|en [-- overrides]}"
shift
[[ $# -gt 0 && "$1" == "--" ]] && shift
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(cd "$HERE/../.." && pwd)"
cd "$REPO"
[[ -f "$HERE/data/$LANG_ID.yaml" ]] || { echo "no settings: $HERE/data/$LANG_ID.yaml" >&2; exit 2; }
PYTHON="${PYTHON:-$REPO/.venv/bin/python}"
CORPUS="$HERE/corpus/$LANG_ID"
OUTPUT="${OUTPUT:-$HERE/output/$LANG_ID}"
DEST="src/kroniek/nlp/models/syntax-$LANG_ID"
TRAIN="${TRAIN:-1}"
SHIP="${SHIP:-1}"
setting() { "$PYTHON" -c "import sys, yaml; print(yaml.safe_load(open(sys.argv[1]))[sys.argv[2]])" \
    "$HERE/data/$LANG_ID.yaml" "$1"; }

# Single-threaded maths: the machine's cores are shared.
export OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 MKL_NUM_THREADS=1 BLIS_NUM_THREADS=1

if [[ "$TRAIN" == "1" ]]; then
    echo "== convert ($LANG_ID)"
    "$PYTHON" "$HERE/convert.py" "$LANG_ID" --out "$CORPUS"
    echo "== train: $HERE/syntax.cfg -> $OUTPUT"
    start=$(date +%s)
    # model-best is saved at every improving evaluation, so the wall-time cap keeps the best so far.
    timeout "$(setting timeout_s)" "$PYTHON" -m spacy train "$HERE/syntax.cfg" --output "$OUTPUT" \
        --nlp.lang "$LANG_ID" --paths.train "$CORPUS/train.spacy" --paths.dev "$CORPUS/dev.spacy" \
        --training.max_steps "$(setting max_steps)" "$@" || [[ $? == 124 ]]
    echo "== training wall time: $(( $(date +%s) - start )) s"
fi

if [[ "$SHIP" == "1" ]]; then
    echo "== ship $OUTPUT/model-best -> $DEST"
    rm -rf "$DEST"
    mkdir -p "$(dirname "$DEST")"
    cp -r "$OUTPUT/model-best" "$DEST"
    "$PYTHON" - "$DEST" "$HERE/data/$LANG_ID.yaml" <<'PY'
import json, sys, yaml
dest, settings = sys.argv[1], yaml.safe_load(open(sys.argv[2]))
path = f"{dest}/meta.json"
meta = json.load(open(path))
meta.update(
    name=f"kroniek_syntax_{settings['lang']}", version="0.1.0",
    description="kroniek syntax: hash-embed CNN tok2vec + tagger (XPOS) + morphologizer (UPOS+FEATS)"
    " + edit-tree lemmatizer + parser (UD relations); trained on " + ", ".join(settings["train"]),
    license="CC BY-SA 4.0 (Universal Dependencies training data)",
    kroniek={"lemma_compounds": settings.get("lemma_compounds")},
)
json.dump(meta, open(path, "w"), indent=2)
PY
    du -sh "$DEST"
fi

for split in dev test; do
    echo "== score $DEST on $split ($CORPUS/$split.conllu)"
    "$PYTHON" -m kroniek.nlp.evaluate_syntax --lang "$LANG_ID" --gold "$CORPUS/$split.conllu"
done
