"""Claims on the sample article and on realistic sentences: source, intermediary, span, certainty."""

from __future__ import annotations

import pytest

import kroniek.claims
import kroniek.events
import kroniek.time.tagger  # noqa: F401
from kroniek.analyse import analyse
from kroniek.claims.evaluate import main as evaluate_main
from kroniek.model import Document
from kroniek.pipeline import Pipeline

STAGES = ("language", "segment", "parse", "entities", "link", "time", "events", "claims")


@pytest.fixture(scope="module")
def sample(sample_text: str) -> Document:
    return analyse(sample_text, published="2017-06-21", pipeline=Pipeline(stages=STAGES))


def claim_by_source(doc: Document, source: str):
    found = [c for c in doc.claims if c.source_text == source]
    assert found, f"no claim from {source!r}: {[c.source_text for c in doc.claims]}"
    return found[0]


def test_chain_government_sources_via_reuters(sample: Document) -> None:
    claim = claim_by_source(sample, "regeringsbronnen")
    assert claim.cue == "aldus" and claim.certainty == "reported"
    assert sample.text[claim.start : claim.end].startswith("Dinsdag werd de Oude Stad")
    assert "Reuters" in (sample.name_of(claim.via) or "")


def test_estimate_of_the_iraqi_army_is_hedged(sample: Document) -> None:
    claim = claim_by_source(sample, "het Iraakse leger")
    assert claim.certainty == "hedged"
    assert "300 terroristen" in sample.text[claim.start : claim.end]


def test_red_cross_statements_are_reported(sample: Document) -> None:
    assert claim_by_source(sample, "het Rode Kruis").certainty == "reported"


def test_unconfirmed_then_retracted(sample: Document) -> None:
    claim = claim_by_source(sample, "de Russische regering")
    assert claim.certainty_history == ["reported", "unconfirmed", "retracted"]
    assert "nooit bevestigd" not in sample.text[claim.start : claim.end]


def test_unattributed_zou_is_a_hedged_claim(sample: Document) -> None:
    assert any(c.source is None and c.cue == "zou" and c.certainty == "hedged" for c in sample.claims)


@pytest.mark.parametrize(
    ("language", "text", "source", "certainty"),
    [
        ("en", "Three soldiers were killed in the attack, the army said.", "the army", "reported"),
        ("en", "The minister denied that troops were deployed.", "The minister", "denied"),
        ("en", "According to the Red Cross, the city would run out of water.", "the Red Cross", "hedged"),
        ("nl", "De burgemeester zegt dat de brug morgen opengaat.", "De burgemeester", "reported"),
        ("nl", "Volgens de politie is de verdachte gevlucht.", "de politie", "reported"),
    ],
)
def test_claims_in_both_languages(language: str, text: str, source: str, certainty: str) -> None:
    doc = analyse(text, language=language, pipeline=Pipeline(stages=STAGES))
    assert claim_by_source(doc, source).certainty == certainty


def test_source_told_via_agency() -> None:
    doc = analyse(
        "The four Britons were shot at from a car, a spokeswoman told Reuters.",
        language="en",
        pipeline=Pipeline(stages=STAGES),
    )
    claim = claim_by_source(doc, "a spokeswoman")
    assert doc.name_of(claim.via) == "Reuters"


def test_evaluation_runs_on_gold(capsys: pytest.CaptureFixture[str]) -> None:
    assert evaluate_main(["--format", "json", "--split", "dev"]) == 0
    out = capsys.readouterr().out
    assert "source_f1" in out and "kroniek claims [nl]" in out and "kroniek claims [en]" in out


def test_claims_beat_the_every_sentence_asserted_baseline_on_dev() -> None:
    from kroniek.claims.evaluate import evaluate

    rows = evaluate(None, "dev")
    for language in ("nl", "en"):
        ours, flat = rows[f"kroniek claims [{language}]"], rows[f"every sentence asserted [{language}]"]
        assert ours["claim_f1"] > flat["claim_f1"] and ours["source_f1"] > 0.6
