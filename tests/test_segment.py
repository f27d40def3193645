import itertools

import pytest

from kroniek import Pipeline, analyse

SEGMENT_ONLY = Pipeline(stages=("language", "segment"))


def tokens(text: str, language: str) -> list[str]:
    doc = analyse(text, language=language, pipeline=SEGMENT_ONLY)
    return [t.text for s in doc.sentences for t in s.tokens]


@pytest.mark.parametrize(
    ("language", "text", "kept"),
    [
        ("nl", "De IS-leider vluchtte.", "IS-leider"),
        ("nl", "Er zitten meer dan 100.000 burgers vast.", "100.000"),
        ("nl", "Ze naderen de al-Nuri-moskee in Mosul.", "al-Nuri-moskee"),
        ("nl", "Er zijn o.a. scholen geraakt.", "o.a."),
        ("nl", "Volgens dhr. Jansen is het voorbij.", "dhr."),
        ("nl", "Het kost 1,5 miljoen euro.", "1,5"),
        ("nl", "Dat gebeurde i.v.m. de staking.", "i.v.m."),
        ("en", "Dr. Smith arrived.", "Dr."),
        ("en", "U.S. troops arrived.", "U.S."),
        ("en", "More than 100,000 civilians fled.", "100,000"),
        ("en", "Gen. Petraeus spoke.", "Gen."),
    ],
)
def test_tokens_stay_whole(language, text, kept):
    assert kept in tokens(text, language)


@pytest.mark.parametrize(
    ("language", "text", "sentences"),
    [
        ("nl", "Volgens dhr. Jansen is het voorbij. Anderen twijfelen.", 2),
        ("nl", "Moskee heroveren voor einde ramadan\n\nOp woensdag waren ze dichtbij.", 2),
        ("nl", '"Het is voorbij," zei hij. Daarna vertrok hij.', 2),
        ("nl", "Wat nu? Niemand weet het!", 2),
        ("nl", "Hij zei: 'ga weg.' en vertrok.", 1),
        ("en", "Dr. Smith said on Jan. 5 that U.S. troops were near. More fled.", 2),
        ("en", 'Is it over? "Yes." She left.', 3),
    ],
)
def test_sentence_boundaries(language, text, sentences):
    doc = analyse(text, language=language, pipeline=SEGMENT_ONLY)
    assert len(doc.sentences) == sentences, [doc.text[s.start : s.end] for s in doc.sentences]


def test_sample_article_sentences(sample_text):
    doc = analyse(sample_text, published="2017-06-21", pipeline=SEGMENT_ONLY)
    texts = [doc.text[s.start : s.end] for s in doc.sentences]
    assert len(texts) == 26
    assert texts[3] == "Moskee heroveren voor einde ramadan"  # a headline is its own sentence
    assert texts[11] == "Dat is volgende week."
    assert all(t.text == doc.text[t.start : t.end] for s in doc.sentences for t in s.tokens)
    covered = {i for s in doc.sentences for t in s.tokens for i in range(t.start, t.end)}
    assert covered == {i for i, ch in enumerate(doc.text) if not ch.isspace()}  # every character, once
    spans = [(t.start, t.end) for s in doc.sentences for t in s.tokens]
    assert spans == sorted(spans) and all(a[1] <= b[0] for a, b in itertools.pairwise(spans))


def test_unknown_language_still_gets_tokens():
    doc = analyse("Der Angriff begann am Dienstag. Die Stadt ist umzingelt.", language="de", pipeline=SEGMENT_ONLY)
    assert len(doc.sentences) == 2
    assert doc.sentences[0].tokens[0].text == "Der"


def test_an_endless_sentence_is_cut_into_pieces_at_commas_where_it_can():
    """A list without full stops (a table pasted as text, hostile input) must not reach the parser whole."""
    clause = "de troepen rukten op naar de oude stad van Mosul, "
    doc = analyse(clause * 300 + "en toen was het stil.", language="nl", pipeline=SEGMENT_ONLY)
    lengths = [len(s.tokens) for s in doc.sentences]
    assert max(lengths) <= 200 and sum(lengths) == 300 * 11 + 6
    assert all(s.tokens[-1].text == "," for s in doc.sentences[:-1])  # cut after a comma, not mid-clause
    assert any("longer than 200 tokens" in warning for warning in doc.warnings)
    covered = [t.text for s in doc.sentences for t in s.tokens]
    assert covered == [t for t in (clause * 300 + "en toen was het stil .").replace(",", " ,").split()]


def test_without_any_break_a_long_run_of_words_is_cut_at_the_limit():
    doc = analyse("woord " * 1000, language="nl", pipeline=SEGMENT_ONLY)
    assert [len(s.tokens) for s in doc.sentences] == [200] * 5
