"""The segmentation scorer, on a tiny CoNLL-U file whose answer is known, and on the real UD test file."""

import json

from kroniek.nlp.evaluate import gold_documents, main, prf, score_segment
from tests.conftest import SHARED

TINY = """# newdoc id = d1
# text = Volgens dhr. Jansen is het voorbij.
1\tVolgens\t_\t_\t_\t_\t_\t_\t_\t_
2\tdhr.\t_\t_\t_\t_\t_\t_\t_\t_
3\tJansen\t_\t_\t_\t_\t_\t_\t_\t_
4\tis\t_\t_\t_\t_\t_\t_\t_\t_
5\thet\t_\t_\t_\t_\t_\t_\t_\t_
6\tvoorbij\t_\t_\t_\t_\t_\t_\t_\t_
7\t.\t_\t_\t_\t_\t_\t_\t_\t_

# text = Anderen twijfelen nog.
1\tAnderen\t_\t_\t_\t_\t_\t_\t_\t_
2\ttwijfelen\t_\t_\t_\t_\t_\t_\t_\t_
3\tnog\t_\t_\t_\t_\t_\t_\t_\t_
4\t.\t_\t_\t_\t_\t_\t_\t_\t_

"""


def test_prf_arithmetic():
    assert prf(found=4, gold=5, correct=3) == {"precision": 75.0, "recall": 60.0, "f1": 66.67}
    assert prf(found=0, gold=5, correct=0) == {"precision": 0.0, "recall": 0.0, "f1": 0.0}


def test_gold_offsets_from_conllu(tmp_path):
    path = tmp_path / "tiny.conllu"
    path.write_text(TINY, encoding="utf-8")
    [gold] = gold_documents(path)
    assert gold.text == "Volgens dhr. Jansen is het voorbij. Anderen twijfelen nog."
    assert gold.sentence_ends == {35, 58}
    assert (8, 12) in gold.tokens and len(gold.tokens) == 11


def test_perfect_score_on_a_text_the_segmenter_gets_right(tmp_path):
    path = tmp_path / "tiny.conllu"
    path.write_text(TINY, encoding="utf-8")
    result = score_segment(path, "nl")
    assert result["tokens"] == {"precision": 100.0, "recall": 100.0, "f1": 100.0}
    assert result["sentences"] == {"precision": 100.0, "recall": 100.0, "f1": 100.0}


def test_dutch_news_treebank_scores_stay_high(capsys):
    gold = SHARED / "corpora" / "ud_dutch_alpino" / "nl_alpino-ud-test.conllu"
    assert main(["segment", "--gold", str(gold), "--lang", "nl", "--format", "json"]) == 0
    result = json.loads(capsys.readouterr().out)
    assert result["tokens"]["f1"] >= 99.5
    assert result["sentences"]["f1"] >= 95.0
