"""The accurate NER path: a fine-tuned multilingual-e5-small encoder, run with onnxruntime.

An artefact folder (e.g. `nlp/models/ner-accurate-nl/`) holds `model.onnx` (encoder + linear head; it
maps the tokenizer's piece ids to its pruned embedding rows itself), `tokenizer.json.gz` (the model's
SentencePiece tokenizer) and `config.json` (labels, pad/bos/eos ids, window size). Words are split into
pieces; the label of a word is read from its first piece and decoded with BIO constraints (no I-X
unless it continues an X). Sentences longer than the model's 512 positions run in overlapping
windows. Needs only numpy, onnxruntime and tokenizers (no torch).

This module also holds the language-neutral BIO helpers and the conlleval-style scorer (exact span and
type) that the training scripts share.
"""

from __future__ import annotations

import gzip
import json
import os
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

Span = tuple[int, int, str]  # first word, end word (exclusive), entity type


# --- BIO labels -----------------------------------------------------------------------------------------


def bio_spans(labels: Sequence[str]) -> list[Span]:
    """IOB2 labels -> entity spans. A stray I-X opens a new X (as conlleval reads it)."""
    spans: list[Span] = []
    start, kind = -1, ""
    for index, label in enumerate([*labels, "O"]):
        continues = label.startswith("I-") and label[2:] == kind and start >= 0
        if start >= 0 and not continues:
            spans.append((start, index, kind))
            start, kind = -1, ""
        if label.startswith("B-") or (label.startswith("I-") and start < 0):
            start, kind = index, label[2:]
    return spans


def score_entities(gold: Iterable[Sequence[str]], predicted: Iterable[Sequence[str]]) -> dict[str, Any]:
    """conlleval-style scores over sentences of IOB2 labels: an entity counts only if span and type match.

    Returns {"precision", "recall", "f1", "gold", "predicted", "correct", "per_type": {TYPE: {...}}},
    with fractions between 0 and 1.
    """
    counts: dict[str, Counter[str]] = {"gold": Counter(), "predicted": Counter(), "correct": Counter()}
    for gold_labels, predicted_labels in zip(gold, predicted, strict=True):
        gold_spans, predicted_spans = set(bio_spans(gold_labels)), set(bio_spans(predicted_labels))
        counts["gold"].update(kind for _, _, kind in gold_spans)
        counts["predicted"].update(kind for _, _, kind in predicted_spans)
        counts["correct"].update(kind for _, _, kind in gold_spans & predicted_spans)
    kinds = sorted(set(counts["gold"]) | set(counts["predicted"]))
    result = _prf(*(sum(c.values()) for c in counts.values()))
    result["per_type"] = {kind: _prf(*(c[kind] for c in counts.values())) for kind in kinds}
    return result


def _prf(gold: int, predicted: int, correct: int) -> dict[str, Any]:
    precision = correct / predicted if predicted else 0.0
    recall = correct / gold if gold else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {
        "precision": precision,
        "recall": recall,
        "f1": f1,
        "gold": gold,
        "predicted": predicted,
        "correct": correct,
    }


def allowed_transitions(labels: Sequence[str]) -> np.ndarray:
    """allowed[i, j]: label j may follow label i (I-X only after B-X or I-X)."""
    allowed = np.ones((len(labels), len(labels)), dtype=bool)
    for j, label in enumerate(labels):
        if label.startswith("I-"):
            allowed[:, j] = [prev in (f"B-{label[2:]}", label) for prev in labels]
    return allowed


def allowed_starts(labels: Sequence[str]) -> np.ndarray:
    return np.array([not label.startswith("I-") for label in labels])


def constrained_decode(log_probs: np.ndarray, allowed: np.ndarray, starts: np.ndarray) -> list[int]:
    """Viterbi over per-word log-probabilities (words x labels) with hard BIO constraints."""
    if len(log_probs) == 0:
        return []
    forbidden = np.where(allowed, 0.0, -np.inf)
    score = log_probs[0] + np.where(starts, 0.0, -np.inf)
    back = np.zeros(log_probs.shape, dtype=np.int64)
    for t in range(1, len(log_probs)):
        candidates = score[:, None] + forbidden  # previous x next
        back[t] = candidates.argmax(axis=0)
        score = candidates.max(axis=0) + log_probs[t]
    best = [int(score.argmax())]
    for t in range(len(log_probs) - 1, 0, -1):
        best.append(int(back[t, best[-1]]))
    return best[::-1]


# --- scoring --------------------------------------------------------------------------------------------


# --- word pieces ----------------------------------------------------------------------------------------


@dataclass
class EncodedSentence:
    pieces: list[int]  # piece ids without <s> and </s>
    first_piece: list[int]  # index into `pieces` of each word's first piece


def encode_words(tokenizer: Any, sentences: Sequence[Sequence[str]], unk_id: int) -> list[EncodedSentence]:
    """Split each sentence's words into pieces; a word that yields none (e.g. a control character) gets <unk>."""
    encodings = tokenizer.encode_batch(
        [list(words) for words in sentences], is_pretokenized=True, add_special_tokens=False
    )
    result = []
    for words, encoding in zip(sentences, encodings, strict=True):
        by_word: list[list[int]] = [[] for _ in words]
        for piece, word in zip(encoding.ids, encoding.word_ids, strict=True):
            if word is not None:
                by_word[word].append(piece)
        pieces: list[int] = []
        first: list[int] = []
        for word_pieces in by_word:
            first.append(len(pieces))
            pieces.extend(word_pieces or [unk_id])
        result.append(EncodedSentence(pieces, first))
    return result


def windows(length: int, size: int, stride: int) -> list[tuple[int, int]]:
    """Overlapping [start, end) windows covering `length` pieces."""
    if length <= size:
        return [(0, length)]
    starts = [*range(0, length - size, stride), length - size]
    return [(start, start + size) for start in starts]


def best_window(position: int, spans: Sequence[tuple[int, int]]) -> int:
    """The window in which `position` has the most context on its nearer side."""
    return max(range(len(spans)), key=lambda i: min(position - spans[i][0], spans[i][1] - 1 - position))


# --- the tagger -----------------------------------------------------------------------------------------


class TransformerTagger:
    """Tags sentences of words with BIO entity labels using an exported encoder artefact."""

    def __init__(self, model_dir: Path | str, model_file: str = "model.onnx", threads: int | None = None) -> None:
        import onnxruntime
        from tokenizers import Tokenizer

        model_dir = Path(model_dir)
        self.config = json.loads((model_dir / "config.json").read_text(encoding="utf-8"))
        self.labels: list[str] = self.config["labels"]
        with gzip.open(model_dir / "tokenizer.json.gz", "rt", encoding="utf-8") as handle:
            self.tokenizer = Tokenizer.from_str(handle.read())
        options = onnxruntime.SessionOptions()
        options.intra_op_num_threads = threads or int(os.environ.get("KRONIEK_THREADS", "0"))
        options.inter_op_num_threads = 1
        self.session = onnxruntime.InferenceSession(
            str(model_dir / model_file), options, providers=["CPUExecutionProvider"]
        )
        self.allowed = allowed_transitions(self.labels)
        self.starts = allowed_starts(self.labels)
        self.window = int(self.config["max_positions"]) - 2  # room for <s> and </s>
        self.stride = self.window // 2

    def tag(self, sentences: Sequence[Sequence[str]], batch_pieces: int = 4096) -> list[list[str]]:
        """BIO labels for each word of each sentence (sentences are lists of words)."""
        encoded = encode_words(self.tokenizer, sentences, self.config["unk_id"])
        chunks = [
            (s, span)
            for s, e in enumerate(encoded)
            if e.pieces
            for span in windows(len(e.pieces), self.window, self.stride)
        ]
        chunk_logits = self._run_chunks([encoded[s].pieces[a:b] for s, (a, b) in chunks], batch_pieces)
        per_sentence: dict[int, list[tuple[tuple[int, int], np.ndarray]]] = {}
        for (s, span), logits in zip(chunks, chunk_logits, strict=True):
            per_sentence.setdefault(s, []).append((span, logits))
        return [self._decode(e, per_sentence.get(s, [])) for s, e in enumerate(encoded)]

    def _run_chunks(self, chunks: list[list[int]], batch_pieces: int) -> list[np.ndarray]:
        """Piece logits for each chunk; chunks of similar length are batched to keep padding short."""
        order = sorted(range(len(chunks)), key=lambda i: len(chunks[i]))
        results: list[np.ndarray] = [np.empty(0)] * len(chunks)
        batch: list[int] = []
        for index in order:
            if batch and (len(batch) + 1) * (len(chunks[index]) + 2) > batch_pieces:
                self._run_batch(batch, chunks, results)
                batch = []
            batch.append(index)
        if batch:
            self._run_batch(batch, chunks, results)
        return results

    def _run_batch(self, batch: list[int], chunks: list[list[int]], results: list[np.ndarray]) -> None:
        width = max(len(chunks[i]) for i in batch) + 2
        ids = np.full((len(batch), width), self.config["pad_id"], dtype=np.int64)
        mask = np.zeros((len(batch), width), dtype=np.int64)
        for row, index in enumerate(batch):
            pieces = [self.config["bos_id"], *chunks[index], self.config["eos_id"]]
            ids[row, : len(pieces)] = pieces
            mask[row, : len(pieces)] = 1
        (logits,) = self.session.run(None, {"ids": ids, "attention_mask": mask})
        for row, index in enumerate(batch):
            results[index] = logits[row, 1 : len(chunks[index]) + 1]

    def _decode(self, encoded: EncodedSentence, parts: list[tuple[tuple[int, int], np.ndarray]]) -> list[str]:
        if not encoded.first_piece:
            return []
        spans = [span for span, _ in parts]
        rows = []
        for position in encoded.first_piece:
            (start, _), logits = parts[best_window(position, spans)]
            rows.append(logits[position - start])
        scores = np.asarray(rows, dtype=np.float64)
        log_probs = scores - np.logaddexp.reduce(scores, axis=1, keepdims=True)
        return [self.labels[i] for i in constrained_decode(log_probs, self.allowed, self.starts)]
