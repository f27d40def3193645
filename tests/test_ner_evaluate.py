"""The NER scorer on tiny CoNLL data whose answer is known."""

import pytest

from kroniek.nlp.evaluate_entities import read_conll, to_iob2
from kroniek.nlp.transformer import bio_spans, score_entities

DUTCH = """-DOCSTART- -DOCSTART- O
Het Art O
Rode Adj B-ORG
Kruis N I-ORG
meldt V O
doden N O
in Prep O
Mosul N B-LOC
. Punc O

Jan N B-PER
sprak V O
. Punc O

-DOCSTART- -DOCSTART- O
Reuters N B-ORG
. Punc O
"""


def test_reader_strips_docstart_lines_even_without_a_blank_line(tmp_path):
    path = tmp_path / "ned.sample"
    path.write_text(DUTCH, encoding="utf-8")
    articles = read_conll(path)
    assert [len(a) for a in articles] == [2, 1]
    assert articles[0][0][0] == ("Het", "O")


def test_iob1_is_converted():
    assert to_iob2([("EU", "I-ORG"), ("rejects", "O"), ("German", "I-MISC"), ("call", "O")]) == [
        ("EU", "B-ORG"),
        ("rejects", "O"),
        ("German", "B-MISC"),
        ("call", "O"),
    ]
    assert to_iob2([("A", "I-LOC"), ("B", "B-LOC")]) == [("A", "B-LOC"), ("B", "B-LOC")]


def test_spans_and_scores_with_a_known_answer():
    gold = [["B-ORG", "I-ORG", "O", "B-LOC", "O", "B-PER"]]
    predicted = [["B-ORG", "I-ORG", "O", "B-PER", "O", "B-PER"]]  # 2 of 3 right, one LOC typed PER
    assert bio_spans(gold[0]) == [(0, 2, "ORG"), (3, 4, "LOC"), (5, 6, "PER")]
    result = score_entities(gold, predicted)
    assert (result["precision"], result["recall"], result["f1"]) == pytest.approx((2 / 3, 2 / 3, 2 / 3))
    assert result["per_type"]["LOC"]["recall"] == 0.0
    assert result["per_type"]["PER"]["precision"] == 0.5
