import pytest

from kroniek import Document, Pipeline, PipelineError, analyse
from kroniek.model import Entity, Mention
from kroniek.registry import stage


def test_a_stage_can_be_switched_off_by_name(sample_text):
    doc = analyse(sample_text, pipeline=Pipeline(stages=("language", "segment", "entities"), disable=["segment"]))
    assert doc.stages == ["language", "entities"]
    assert doc.sentences == [] and doc.entities == []  # no tokens, so nothing to recognise
    assert doc.language == "nl"


def test_unknown_stage_is_named():
    with pytest.raises(PipelineError, match="unknown stage 'parser'"):
        Pipeline(disable=["parser"])


def test_stage_writing_a_wrong_offset_is_caught_and_named():
    @stage("test-broken-offsets")
    def make_broken(settings):
        def broken(doc: Document) -> Document:
            doc.entities.append(Entity(id="E1", type="PER", name="x", mentions=[Mention(start=0, end=3, text="xyz")]))
            return doc

        return broken

    with pytest.raises(PipelineError, match=r"stage 'test-broken-offsets' wrote entity offsets \[0:3\]"):
        analyse("Rutte sprak.", pipeline=Pipeline(stages=("language", "test-broken-offsets")))


def test_stage_that_returns_nothing_is_named():
    @stage("test-returns-none")
    def make_none(settings):
        return lambda doc: None

    with pytest.raises(PipelineError, match="stage 'test-returns-none' returned NoneType"):
        analyse("Rutte sprak.", pipeline=Pipeline(stages=("test-returns-none",)))


def test_language_without_an_entity_model_says_so():
    doc = analyse("Der Angriff auf die Stadt begann am Dienstag.", language="de")
    assert doc.entities == []
    assert "entities: no entity model for language 'de'" in doc.warnings
