"""The shipped syntax pipelines (src/kroniek/nlp/models/syntax-LANG) and their evaluation code."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from spacy.language import Language
from spacy.tokens import Doc, Token

from kroniek import Pipeline, analyse
from kroniek.nlp import evaluate_syntax
from kroniek.nlp.evaluate_syntax import CompoundLemmas, parse_sentences, read_conllu
from kroniek.nlp.models import load_model, model_path

SEGMENT_ONLY = Pipeline(stages=("language", "segment"))


@pytest.fixture(scope="module")
def dutch() -> Language:
    return load_model("syntax", "nl")


@pytest.fixture(scope="module")
def english() -> Language:
    return load_model("syntax", "en")


def analysed_sentences(nlp: Language, text: str, language: str) -> list[Doc]:
    """Run the model on the project's own tokens and sentences, as the pipeline will."""
    document = analyse(text, language=language, pipeline=SEGMENT_ONLY)
    return list(parse_sentences(nlp, ([t.text for t in s.tokens] for s in document.sentences)))


def find(docs: list[Doc], word: str) -> Token:
    return next(t for doc in docs for t in doc if t.text == word)


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_models_ship_inside_the_package_and_stay_small(lang):
    folder = model_path("syntax", lang)
    assert (folder / "meta.json").is_file()
    assert folder.is_relative_to(Path(evaluate_syntax.__file__).parent)
    size = sum(f.stat().st_size for f in folder.rglob("*") if f.is_file())
    assert size < 50 * 1024 * 1024
    meta = json.loads((folder / "meta.json").read_text(encoding="utf-8"))
    assert meta["lang"] == lang
    assert meta["pipeline"] == ["tok2vec", "tagger", "morphologizer", "trainable_lemmatizer", "parser"]


def test_sample_article_first_sentence(dutch, sample_text):
    docs = analysed_sentences(dutch, sample_text, "nl")
    naderen, troepen = find(docs, "naderen"), find(docs, "regeringstroepen")
    assert naderen.dep_ == "ROOT"
    assert naderen.lemma_ == "naderen"
    assert troepen.pos_ == "NOUN"
    assert troepen.lemma_ == "regeringstroep"  # compound lemma as one word, linking s kept
    assert troepen.dep_ == "nsubj"
    assert troepen.head == naderen
    assert troepen.morph.get("Number") == ["Plur"]
    mosque = find(docs, "al-Nuri-moskee")  # "naderen ... de symbolische al-Nuri-moskee"
    assert mosque.head == naderen
    assert mosque.dep_ == "obj"


def test_sample_article_verbs_and_passive(dutch, sample_text):
    docs = analysed_sentences(dutch, sample_text, "nl")
    omsingeld = find(docs, "omsingeld")
    assert omsingeld.pos_ == "VERB"
    assert omsingeld.morph.get("VerbForm") == ["Part"]
    assert find(docs, "werd").lemma_ == "worden"
    assert find(docs, "bevindt").lemma_ == "bevinden"
    assert find(docs, "begon").lemma_ == "beginnen"
    assert find(docs, "De").lemma_ == "de"
    # "De Iraakse troepen worden bijgestaan door de Amerikanen."
    troepen, amerikanen = find(docs, "troepen"), find(docs, "Amerikanen")
    assert troepen.dep_ == "nsubj:pass" and troepen.head.text == "bijgestaan"
    assert amerikanen.dep_ == "obl:agent" and amerikanen.head.text == "bijgestaan"


def test_gold_tokenisation_and_sentences_are_kept(dutch, sample_text):
    document = analyse(sample_text, language="nl", pipeline=SEGMENT_ONLY)
    docs = analysed_sentences(dutch, sample_text, "nl")
    assert [len(d) for d in docs] == [len(s.tokens) for s in document.sentences]
    assert all(sum(t.dep_ == "ROOT" for t in doc) == 1 for doc in docs)


def test_english_sentence(english):
    words = ["Iraqi", "forces", "encircled", "the", "Old", "City", "of", "Mosul", "on", "Tuesday", "."]
    doc = next(parse_sentences(english, [words]))
    forces, encircled, city = doc[1], doc[2], doc[5]
    assert encircled.pos_ == "VERB" and encircled.tag_ == "VBD" and encircled.lemma_ == "encircle"
    assert encircled.dep_ == "ROOT"
    assert forces.dep_ == "nsubj" and forces.head == encircled and forces.lemma_ == "force"
    assert city.dep_ == "obj" and city.head == encircled


TINY_GOLD = """# text = Ze liepen.
1\tZe\tze\tPRON\tVNW\tPerson=3\t2\tnsubj\t_\t_
2\tliepen\tlopen\tVERB\tWW\tNumber=Plur\t0\troot\t_\tSpaceAfter=No
3\t.\t.\tPUNCT\tLET\t_\t2\tpunct\t_\t_

# text = De stad_wacht.
1\tDe\tde\tDET\tLID\t_\t2\tdet\t_\t_
2\tstadswacht\tstad_wacht\tNOUN\tN\tNumber=Sing\t0\troot\t_\tSpaceAfter=No
2.1\tis\tzijn\tAUX\tWW\t_\t_\t_\t2:cop\t_
3\t.\t.\tPUNCT\tLET\t_\t2\tpunct\t_\t_
"""


# A system's output for the same words, with known errors: "De" XPOS VNW and a feature,
# "liepen" lemma and features, "." of sentence 1 attached to word 1, "." of sentence 2 labelled obj.
TINY_SYSTEM = """1\tZe\tze\tPRON\tVNW\tPerson=3\t2\tnsubj:pass\t_\t_
2\tliepen\tliepen\tVERB\tWW\t_\t0\troot\t_\t_
3\t.\t.\tPUNCT\tLET\t_\t1\tpunct\t_\t_

1\tDe\tde\tDET\tVNW\tDefinite=Def\t2\tdet\t_\t_
2\tstadswacht\tstadswacht\tNOUN\tN\tNumber=Sing\t0\troot\t_\t_
3\t.\t.\tPUNCT\tLET\t_\t2\tobj\t_\t_
"""


DUTCH_COMPOUNDS = CompoundLemmas("_", ("en-", "en", "e-", "e", "s-", "s", "-"))


@pytest.mark.parametrize(
    ("form", "gold", "joined"),
    [
        ("basisniveau", "basis_niveau", "basisniveau"),
        ("opleidingsploeg", "opleiding_ploeg", "opleidingsploeg"),
        ("vrouwentoernooi", "vrouw_toernooi", "vrouwentoernooi"),
        ("grastoernooien", "gras_toernooi", "grastoernooi"),
        ("24-jarige", "24_jarig", "24-jarig"),
        ("Top-tienspeler", "top_tien_speler", "top-tienspeler"),
        ("oorlogsschepen", "oorlog_schip", "oorlogsschip"),
        ("speelsteden", "speel_stad", "speelstad"),
        ("afgelopen", "af_lopen", "aflopen"),
        ("spoorde", "aan_sporen", "aansporen"),
        ("regeringstroepen", "regering_troep", "regeringstroep"),
        ("kalifaat", "kalifaat", "kalifaat"),
    ],
)
def test_compound_lemmas_become_one_word(form, gold, joined):
    assert DUTCH_COMPOUNDS.join(gold, form) == joined


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_reader_drops_empty_nodes_and_keeps_spacing(tmp_path):
    gold = read_conllu(write(tmp_path, "gold.conllu", TINY_GOLD))
    assert [[w.form for w in s.words] for s in gold] == [["Ze", "liepen", "."], ["De", "stadswacht", "."]]
    assert [w.space_after for w in gold[0].words] == [True, False, True]


def test_scores_of_a_tiny_treebank(tmp_path):
    gold = read_conllu(write(tmp_path, "gold.conllu", TINY_GOLD))
    system = [s.words for s in read_conllu(write(tmp_path, "system.conllu", TINY_SYSTEM))]
    scores = evaluate_syntax.score(gold, system, DUTCH_COMPOUNDS)
    assert scores["words"] == 6
    assert scores["UPOS"] == 100.0
    assert scores["XPOS"] == pytest.approx(100 * 5 / 6, abs=0.01)
    assert scores["UFeats"] == pytest.approx(100 * 4 / 6, abs=0.01)
    assert scores["Lemmas"] == pytest.approx(100 * 5 / 6, abs=0.01)  # gold stad_wacht = stadswacht
    assert scores["UAS"] == pytest.approx(100 * 5 / 6, abs=0.01)
    assert scores["LAS"] == pytest.approx(100 * 4 / 6, abs=0.01)  # nsubj:pass counts as nsubj
    # lower-cased words miss only "liepen" (lopen)
    assert scores["Lemmas baseline (lower-cased word)"] == pytest.approx(100 * 5 / 6, abs=0.01)
    # without the compound rules "stad_wacht" no longer matches
    assert evaluate_syntax.score(gold, system)["Lemmas"] == pytest.approx(100 * 4 / 6, abs=0.01)


def test_scoring_refuses_different_words(tmp_path):
    gold = read_conllu(write(tmp_path, "gold.conllu", TINY_GOLD))
    other = read_conllu(write(tmp_path, "other.conllu", TINY_SYSTEM.replace("stadswacht", "stad")))
    with pytest.raises(ValueError, match="words differ"):
        evaluate_syntax.score(gold, [s.words for s in other])


def test_evaluation_command_prints_all_metrics(tmp_path, capsys):
    gold_file = write(tmp_path, "gold.conllu", TINY_GOLD)
    assert evaluate_syntax.main(["--lang", "nl", "--gold", str(gold_file), "--format", "json"]) == 0
    scores = json.loads(capsys.readouterr().out)
    assert set(evaluate_syntax.METRICS) <= set(scores)
    assert scores["words"] == 6 and scores["words/s"] > 0
    assert scores["UPOS"] >= 50.0  # the trained model gets most of two easy sentences right
    assert evaluate_syntax.main(["--lang", "nl", "--gold", str(gold_file), "--format", "table"]) == 0
    table = capsys.readouterr().out
    assert all(metric in table for metric in evaluate_syntax.METRICS)
