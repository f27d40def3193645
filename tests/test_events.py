"""Events on the sample article and on realistic sentences: triggers, PLOVER types, time, modality."""

from __future__ import annotations

import json

import pytest

import kroniek.claims
import kroniek.events
import kroniek.time.tagger  # noqa: F401  (registers the time stage)
from kroniek.analyse import analyse
from kroniek.events.evaluate import Counts, GoldEvent, document_from_tokens, main, score_document
from kroniek.events.gold import GOLD_DIR, detokenise, load_passages, text_hash
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


# -- trigger recall: particles, diaeresis, fixed expressions, light verbs --------------------------------
COUNT_STAGES = ("language", "segment", "parse", "entities", "link", "time", "quantities", "events")
COUNT_GOLD = [GOLD_DIR / "counts_nl.jsonl", GOLD_DIR / "counts_en.jsonl"]


def events_of(text: str, language: str = "nl") -> Document:
    return analyse(text, published="2017-06-21", language=language, pipeline=Pipeline(stages=COUNT_STAGES))


def test_participles_with_a_diaeresis_are_found() -> None:
    doc = events_of("Ongeveer 200 bewoners zijn geëvacueerd. IS heeft de aanslag opgeëist.")
    kinds = {e.trigger.text: (e.type, e.mode) for e in doc.events}
    assert kinds["geëvacueerd"] == ("OTHER", "evacuate") and kinds["opgeëist"][1] == "claim-responsibility"


def test_a_fixed_expression_is_one_event_on_its_verb() -> None:
    doc = events_of("In Kaboel zijn zeker 40 doden gevallen.")
    assert [(e.trigger.text, e.mode, e.fatalities) for e in doc.events] == [("gevallen", "die", 40.0)]


def test_a_light_verb_leaves_the_event_to_its_noun() -> None:
    doc = events_of("De minister kondigde vrijdag zijn ontslag aan.")
    assert [(e.trigger.text, e.type) for e in doc.events] == [("ontslag", "RETREAT")]


def test_words_the_entry_must_not_meet_block_it() -> None:
    assert not events_of("We kiezen er echter voor om het niet te verspreiden.").events
    assert events_of("De Venezolanen kiezen zondag een nieuwe president.").events[0].mode == "elect"


def test_a_verb_form_heading_a_noun_phrase_is_no_verb() -> None:
    doc = events_of("De huidige president kreeg 5,8 miljoen stemmen achter zijn naam.")
    assert not [e for e in doc.events if e.trigger.text == "stemmen"]


# -- counts attached to their event ---------------------------------------------------------------
def test_people_trapped_are_the_size_of_the_event(sample_text: str) -> None:
    event = event_at(events_of(sample_text), "zitten")
    assert (event.mode, event.size, event.fatalities) == ("trapped", 100000.0, None)
    assert "how many: more than 100000 participants" in (event.summary or "")


def test_the_dead_of_an_attack_are_its_fatalities_too() -> None:
    doc = events_of("Indian officials blame gangs for a string of bombings that killed 260 people.", "en")
    by_trigger = {e.trigger.text: e for e in doc.events}
    assert by_trigger["killed"].fatalities == 260.0 and by_trigger["bombings"].fatalities == 260.0


def test_arrested_people_take_their_role_from_the_event() -> None:
    doc = events_of("Police smashed two drugs rings and arrested 30 people on Friday.", "en")
    arrest = next(e for e in doc.events if e.trigger.text == "arrested")
    assert arrest.size == 30.0 and arrest.fatalities is None
    assert arrest.summary is not None and "30 arrested" in arrest.summary


def test_counts_gold_scores_attachments_only(capsys: pytest.CaptureFixture[str]) -> None:
    passages = [p for p in load_passages(COUNT_GOLD, "dev") if p.scope == "counts"]
    assert len(passages) >= 10 and all(q["role"] for p in passages for e in p.events for q in e["quantities"])
    assert main(["--split", "dev", "--no-eventdna", "--format", "json", "--gold", *map(str, COUNT_GOLD)]) == 0
    rows = json.loads(capsys.readouterr().out)
    for language in ("nl", "en"):
        figures = rows[f"kroniek events [{language}, hand]"]
        assert figures["gold_events"] == 0 and figures["attachments_scored"] >= 5  # triggers are not scored
        assert figures["attachment_accuracy"] > rows[f"lexicon only [{language}, hand]"]["attachment_accuracy"]


def test_errors_are_shown_for_dev_only(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["--split", "test", "--show-errors"])
    assert main(["--split", "dev", "--no-eventdna", "--show-errors", "--gold", *map(str, COUNT_GOLD)]) == 0
    lines = [line for line in capsys.readouterr().out.splitlines() if line.startswith(("nl-count", "en-count"))]
    assert lines and all(" count " in line or " missed " in line for line in lines)


def test_every_role_the_count_rules_can_give_is_a_role_of_the_contract():
    """A role in data/counts.yaml outside the model's CountRole would fail documents at run time."""
    from typing import get_args

    from kroniek.events.counts import count_rules
    from kroniek.model import CountRole

    rules = count_rules()
    entries = [form.entry for lang in ("nl", "en") for forms in lexicon_for(lang).by_form.values() for form in forms]
    victims = {entry.victims for entry in entries if entry.victims}
    given = {*rules.categories.values(), *rules.modes.values(), rules.default, *victims}
    assert given <= set(get_args(CountRole))


def test_the_people_counted_in_an_event_carry_their_role():
    text = "Bij de aanslag in Kabul kwamen zeker 40 mensen om het leven."
    doc = analyse(text, language="nl", published="2021-08-27", pipeline=Pipeline())
    values = {q.id: q.value for q in doc.quantities}
    counts = {(e.trigger.text, count.role, values[count.quantity]) for e in doc.events for count in e.counts}
    assert {("kwamen", "killed", 40), ("aanslag", "killed", 40)} <= counts  # the attack's fatalities too
