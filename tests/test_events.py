"""Events on the sample article and on realistic sentences: triggers, PLOVER types, time, modality."""

from __future__ import annotations

import pytest

import kroniek.claims
import kroniek.events
import kroniek.time.tagger  # noqa: F401  (registers the time stage)
from kroniek.analyse import analyse
from kroniek.events.evaluate import Counts, GoldEvent, document_from_tokens, main, score_document
from kroniek.events.gold import detokenise, load_passages, text_hash
from kroniek.events.lexicon import lexicon_for
from kroniek.model import Document
from kroniek.pipeline import Pipeline

STAGES = ("language", "segment", "parse", "entities", "link", "time", "events", "claims")


@pytest.fixture(scope="module")
def sample(sample_text: str) -> Document:
    return analyse(sample_text, published="2017-06-21", pipeline=Pipeline(stages=STAGES))


def event_at(doc: Document, trigger: str):
    found = [e for e in doc.events if e.trigger.text == trigger]
    assert found, f"no event with trigger {trigger!r}: {[e.trigger.text for e in doc.events]}"
    return found[0]


def test_troops_approach_the_mosque_on_wednesday(sample: Document) -> None:
    event = event_at(sample, "naderen")
    assert (event.type, event.mode, event.time) == ("MOBILIZE", "troops", "2017-06-21")


def test_old_city_encircled_on_tuesday_by_government_sources_via_reuters(sample: Document) -> None:
    event = event_at(sample, "omsingeld")
    assert (event.type, event.time) == ("COERCE", "2017-06-20")
    claim = next(c for c in sample.claims if c.id == event.claim)
    assert claim.source_text == "regeringsbronnen" and "Reuters" in (sample.name_of(claim.via) or "")


def test_offensive_began_in_october_2016(sample: Document) -> None:
    assert any(e.trigger.text == "offensief" and e.time == "2016-10" for e in sample.events)


def test_caliphate_proclaimed_in_2014_with_separated_particle(sample: Document) -> None:
    event = event_at(sample, "riep")  # "riep al-Baghdadi ... het kalifaat uit"
    assert (event.type, event.mode, event.time) == ("OTHER", "proclaim", "2014")
    assert event_at(sample, "uitriep").mode == "proclaim"


def test_hope_to_take_the_mosque_is_intended_not_fact(sample: Document) -> None:
    assert event_at(sample, "krijgen").modality == "intended"


def test_fled_mosul_is_hedged(sample: Document) -> None:
    fled = [e for e in sample.events if e.mode == "flee" and e.claim]
    assert any(c.certainty == "hedged" for c in sample.claims if c.id in {e.claim for e in fled})


def test_russian_government_declares_him_dead_last_week(sample: Document) -> None:
    event = event_at(sample, "verklaarde")
    assert (event.mode, event.time) == ("declare-dead", "2017-W24")
    claim = next(c for c in sample.claims if c.id == event.claim)
    assert claim.certainty == "retracted"
    assert claim.certainty_history == ["reported", "unconfirmed", "retracted"]


def test_approximator_niet_meer_dan_is_no_negation(sample: Document) -> None:
    remain = [e for e in sample.events if e.mode == "remain"]
    assert remain and not remain[0].negated and remain[0].modality == "conditional"


def test_every_event_has_a_summary_line(sample: Document) -> None:
    assert all(e.summary and "what:" in e.summary for e in sample.events)


@pytest.mark.parametrize(
    ("language", "text", "trigger", "kind"),
    [
        ("nl", "De politie heeft gisteren drie verdachten opgepakt in Antwerpen.", "opgepakt", "COERCE"),
        ("nl", "Duizenden mensen betoogden zondag in Brussel tegen de regering.", "betoogden", "PROTEST"),
        ("nl", "Bij een zelfmoordaanslag in Kaboel zijn zes mensen omgekomen.", "zelfmoordaanslag", "ASSAULT"),
        ("nl", "De rechter veroordeelde de man tot vier jaar cel.", "veroordeelde", "SANCTION"),
        ("en", "Police arrested 12 protesters who had blocked the road.", "arrested", "COERCE"),
        ("en", "Rebels attacked a police station in the north on Monday.", "attacked", "ASSAULT"),
        ("en", "The two leaders met in Geneva to discuss the ceasefire.", "met", "CONSULT"),
    ],
)
def test_triggers_in_both_languages(language: str, text: str, trigger: str, kind: str) -> None:
    doc = analyse(text, published="2017-06-21", language=language, pipeline=Pipeline(stages=STAGES))
    assert event_at(doc, trigger).type == kind


def test_negated_event() -> None:
    doc = analyse("Het leger heeft de stad niet heroverd.", language="nl", pipeline=Pipeline(stages=STAGES))
    assert event_at(doc, "heroverd").negated


def test_lexicon_derives_dutch_forms_from_lemmas() -> None:
    lexicon = lexicon_for("nl")
    for form in ("veroordeeld", "omsingeld", "heroverde", "naderen", "uitgeroepen"):
        assert lexicon.forms_of(form), form
    assert not lexicon.forms_of("laptop")  # "top" is no compound head of "laptop"


def test_scoring_matches_a_trigger_inside_the_gold_span() -> None:
    doc, flat = document_from_tokens([["Rebellen", "vielen", "de", "stad", "aan", "."]], "nl")
    doc = Pipeline(stages=("events",))(doc)
    gold = [GoldEvent(0, {0, 1, 2, 3, 4}, {"ASSAULT"})]
    counts: Counts = score_document(doc, flat, gold, list(range(6)), roles=False)
    assert (counts.matched, counts.typed_right, counts.gold) == (1, 1, 1)


def test_aspectual_verbs_are_no_triggers_the_noun_is() -> None:
    doc = analyse("Het offensief begon al in oktober.", language="nl", pipeline=Pipeline(stages=STAGES))
    assert [e.trigger.text for e in doc.events] == ["offensief"]


def test_compound_plural_nouns_are_triggers() -> None:
    doc = analyse("Maduro won de presidentsverkiezingen.", language="nl", pipeline=Pipeline(stages=STAGES))
    assert event_at(doc, "presidentsverkiezingen").mode == "vote"


def test_detokenise_glues_punctuation_quotes_and_clitics() -> None:
    words = ["He", "said", '"', "we", "ca", "n't", "stay", '"', "(", "AP", ")", "."]
    assert detokenise(words) == 'He said "we can\'t stay" (AP).'


def test_gold_passages_rebuild_from_shared_with_matching_hashes() -> None:
    passages = load_passages(None, None)  # raises GoldDrift when a rebuilt text differs
    counts = {(p.language, p.split): 0 for p in passages}
    for p in passages:
        counts[(p.language, p.split)] += 1
        assert text_hash(p.text) and all(p.text[e["trigger"][0] : e["trigger"][1]].strip() for e in p.events)
    assert all(n >= 30 for n in counts.values()) and len(passages) >= 120


def test_hand_gold_evaluation_reports_each_language(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--split", "test", "--no-eventdna", "--format", "json"]) == 0
    out = capsys.readouterr().out
    assert "kroniek events [nl, hand]" in out and "kroniek events [en, hand]" in out and "argument_f1" in out
