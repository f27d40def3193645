#!/usr/bin/env bash
# Train a kroniek NER pipeline and ship it.
#
#   training/train_ner.sh LANG [CONFIG] [-- extra spacy train overrides]
#
#   LANG    nl (CoNLL-2002) | en (CoNLL-2003)
#   CONFIG  default training/configs/ner_LANG.cfg
#
# Steps: CoNLL -> DocBin (training/corpus/), `spacy train` into
# training/output/LANG (or $OUTPUT), then copy model-best to
# src/kroniek/nlp/models/ner-LANG (skip with SHIP=0) and evaluate it on dev.
# TRAIN=0 skips convert+train (ship an existing $OUTPUT/model-best).
# Run from anywhere; uses $PYTHON (default: the repo's .venv).
set -euo pipefail

LANG_ID="${1:?usage: train_ner.sh nl|en [CONFIG] [-- overrides]}"
shift
case "$LANG_ID" in nl|en) ;; *) echo "unknown language: $LANG_ID" >&2; exit 2 ;; esac

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$REPO"
CONFIG="training/configs/ner_${LANG_ID}.cfg"
if [[ $# -gt 0 && "$1" != "--" ]]; then CONFIG="$1"; shift; fi
[[ $# -gt 0 && "$1" == "--" ]] && shift
PYTHON="${PYTHON:-$REPO/.venv/bin/python}"
OUTPUT="${OUTPUT:-training/output/$LANG_ID}"
SHIP="${SHIP:-1}"    # 0: do not copy the model into src/
TRAIN="${TRAIN:-1}"  # 0: skip convert+train, only ship/evaluate $OUTPUT/model-best
DEST="src/kroniek/nlp/models/ner-$LANG_ID"

# Single-threaded maths: reproducible timing, and the machine's cores are shared.
export OMP_NUM_THREADS="${OMP_NUM_THREADS:-1}" OPENBLAS_NUM_THREADS="${OPENBLAS_NUM_THREADS:-1}" \
       MKL_NUM_THREADS="${MKL_NUM_THREADS:-1}" BLIS_NUM_THREADS="${BLIS_NUM_THREADS:-1}"

if [[ "$TRAIN" == "1" ]]; then
echo "== convert ($LANG_ID)"
"$PYTHON" training/convert_conll.py "$LANG_ID" --out training/corpus

echo "== train: $CONFIG -> $OUTPUT"
start=$(date +%s)
"$PYTHON" -m spacy train "$CONFIG" --output "$OUTPUT" \
    --paths.train "training/corpus/${LANG_ID}_train.spacy" \
    --paths.dev "training/corpus/${LANG_ID}_dev.spacy" "$@"
echo "== training wall time: $(( $(date +%s) - start )) s"
fi

if [[ "$SHIP" == "1" ]]; then
    echo "== ship $OUTPUT/model-best -> $DEST"
    rm -rf "$DEST"
    mkdir -p "$(dirname "$DEST")"
    cp -r "$OUTPUT/model-best" "$DEST"
    "$PYTHON" - "$DEST" "$LANG_ID" <<'EOF'
import json, sys
dest, lang = sys.argv[1], sys.argv[2]
data = {"nl": "CoNLL-2002 Dutch (ned.train; dev ned.testa)",
        "en": "CoNLL-2003 English (eng.train; dev eng.testa)"}[lang]
path = f"{dest}/meta.json"
meta = json.load(open(path))
meta.update(name=f"kroniek_ner_{lang}", version="0.1.0",
            description=f"kroniek NER (PER/ORG/LOC/MISC), CNN tok2vec + ner, trained on {data}",
            license="research use only (training data licence)")
json.dump(meta, open(path, "w"), indent=2)
EOF
    du -sh "$DEST"
    "$PYTHON" -m kroniek.nlp.evaluate_entities --lang "$LANG_ID" --split dev --model "$DEST"
fi
