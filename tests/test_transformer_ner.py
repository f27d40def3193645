"""The accurate NER path: the shipped e5 transformer artefact (nlp/models/ner-accurate-LANG) and its helpers."""

from __future__ import annotations

import itertools
import json
from pathlib import Path

import numpy as np
import pytest

from kroniek import Pipeline, analyse
from kroniek.nlp import transformer
from kroniek.nlp.transformer import (
    TransformerTagger,
    allowed_starts,
    allowed_transitions,
    bio_spans,
    constrained_decode,
    score_entities,
    windows,
)

MODELS = Path(transformer.__file__).parent / "models"
DUTCH = MODELS / "ner-accurate-nl"
SAMPLE = Path(__file__).parents[1] / ".." / "shared" / "seed" / "mosul-2017-06-21.nl.txt"
LABELS = ["O", "B-PER", "I-PER", "B-ORG", "I-ORG", "B-LOC", "I-LOC", "B-MISC", "I-MISC"]

needs_dutch_model = pytest.mark.skipif(
    not (DUTCH / "model.onnx").exists(), reason=f"transformer NER artefact not shipped at {DUTCH}"
)


@pytest.fixture(scope="module")
def dutch_tagger() -> TransformerTagger:
    return TransformerTagger(DUTCH, threads=2)


def test_scorer_counts_exact_spans_and_types():
    gold = [["B-PER", "I-PER", "O", "B-LOC"], ["B-ORG", "I-ORG", "O"]]
    predicted = [["B-PER", "I-PER", "O", "B-ORG"], ["B-ORG", "O", "O"]]  # a wrong type, a short span
    scores = score_entities(gold, predicted)
    assert (scores["gold"], scores["predicted"], scores["correct"]) == (3, 3, 1)
    assert scores["precision"] == pytest.approx(1 / 3)
    assert scores["f1"] == pytest.approx(1 / 3)
    assert scores["per_type"]["PER"]["f1"] == 1.0
    assert scores["per_type"]["LOC"] == pytest.approx(
        {"precision": 0.0, "recall": 0.0, "f1": 0.0, "gold": 1, "predicted": 0, "correct": 0}
    )


def test_stray_inside_label_opens_an_entity_as_conlleval_does():
    assert bio_spans(["O", "I-LOC", "I-LOC", "B-LOC", "I-PER"]) == [(1, 3, "LOC"), (3, 4, "LOC"), (4, 5, "PER")]


def test_constrained_decoding_never_starts_an_entity_with_inside():
    # per word, the best label alone would be O, I-PER, I-PER: not a valid BIO sequence
    probabilities = np.full((3, len(LABELS)), 0.01)
    probabilities[0, LABELS.index("O")] = 0.9
    probabilities[1, LABELS.index("I-PER")] = 0.6
    probabilities[1, LABELS.index("B-PER")] = 0.3
    probabilities[2, LABELS.index("I-PER")] = 0.9
    best = constrained_decode(np.log(probabilities), allowed_transitions(LABELS), allowed_starts(LABELS))
    assert [LABELS[i] for i in best] == ["O", "B-PER", "I-PER"]


def test_windows_overlap_and_cover_a_long_sentence():
    spans = windows(1200, 510, 255)
    assert spans[0] == (0, 510) and spans[-1] == (690, 1200)
    assert all(b[0] < a[1] for a, b in itertools.pairwise(spans))


@needs_dutch_model
def test_artefact_is_small_and_records_its_licences():
    size = sum(p.stat().st_size for p in DUTCH.iterdir() if p.is_file())
    assert size < 50 * 2**20
    config = json.loads((DUTCH / "config.json").read_text(encoding="utf-8"))
    assert config["labels"] == LABELS
    licence = (DUTCH / "LICENSE.md").read_text(encoding="utf-8")
    assert "CoNLL-2002" in licence and "MIT" in licence


@needs_dutch_model
def test_sample_article_entities_have_the_expected_types(dutch_tagger):
    document = analyse(
        SAMPLE.read_text(encoding="utf-8"), language="nl", pipeline=Pipeline(stages=("language", "segment"))
    )
    sentences = [[t.text for t in s.tokens] for s in document.sentences]
    found: set[tuple[str, str]] = set()
    for words, labels in zip(sentences, dutch_tagger.tag(sentences), strict=True):
        assert len(labels) == len(words)
        found |= {(" ".join(words[a:b]), kind) for a, b, kind in bio_spans(labels)}
    expected = {
        ("Islamitische Staat", "ORG"),
        ("Abu Bakr al-Baghdadi", "PER"),
        ("Reuters", "ORG"),
        ("Rode Kruis", "ORG"),
        ("Mosul", "LOC"),
        ("Irak", "LOC"),
        ("Syrië", "LOC"),
    }
    assert expected <= found, sorted(expected - found)


@needs_dutch_model
def test_long_sentences_run_in_windows_and_empty_ones_pass_through(dutch_tagger):
    # the whole article as one "sentence": about 660 pieces, more than the encoder's 512 positions
    document = analyse(
        SAMPLE.read_text(encoding="utf-8"), language="nl", pipeline=Pipeline(stages=("language", "segment"))
    )
    words = [t.text for s in document.sentences for t in s.tokens]
    labels, empty = dutch_tagger.tag([words, []])
    assert empty == [] and len(labels) == len(words)
    spans = bio_spans(labels)
    last_window_start = len(words) * 2 // 3  # well past the first window, whatever the pieces per word
    late = {(" ".join(words[a:b]), kind) for a, b, kind in spans if a > last_window_start}
    assert {("Syrië", "LOC"), ("Irak", "LOC")} <= late, sorted(late)
