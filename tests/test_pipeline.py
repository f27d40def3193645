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


def _articles(sample_text: str) -> list[Document]:
    from kroniek.ingest import read_paths
    from tests.conftest import EXAMPLES

    docs = [Document.new(sample_text), Document.new("Der Angriff auf die Stadt begann am Dienstag.")]
    return docs + [article.to_document() for article in read_paths([EXAMPLES])]


def test_batches_give_what_one_document_at_a_time_gives(sample_text):
    """The entity recogniser sees a whole batch at once; the result must not depend on it."""
    stages = ("language", "segment", "entities")
    one_by_one = [Pipeline(stages=stages)(doc) for doc in _articles(sample_text)]
    batched = list(Pipeline(stages=stages).pipe(_articles(sample_text), batch_size=4))
    assert [d.to_contract() for d in batched] == [d.to_contract() for d in one_by_one]
    assert sum(len(d.entities) for d in one_by_one) > 40
    assert all(d.stages == list(stages) for d in batched)


def test_one_failing_document_in_a_batch_costs_only_itself(sample_text):
    @stage("test-fails-on-german")
    def make_picky(settings):
        def picky(doc: Document) -> Document:
            if doc.language == "de":
                raise ValueError("no German today")
            return doc

        return picky

    stages = ("language", "segment", "entities", "test-fails-on-german")
    results = list(Pipeline(stages=stages).pipe(_articles(sample_text), batch_size=8))
    failed = [r for r in results if isinstance(r, PipelineError)]
    assert len(failed) == 1 and "stage 'test-fails-on-german' failed" in str(failed[0])
    assert isinstance(results[1], PipelineError)  # in input order
    assert all(isinstance(r, Document) and r.stages == list(stages) for i, r in enumerate(results) if i != 1)


def test_a_budget_that_runs_out_at_once_leaves_no_alarm_behind():
    """With a budget of a microsecond the alarm fires while it is being set up or taken down; a re-armed
    alarm that outlived its handler would kill the process (SIGALRM's default) after the batch."""
    import time

    pipeline = Pipeline(stages=("language", "segment"), time_budget=0.000001)
    results = []
    for _ in range(50):
        results += pipeline.pipe([Document.new("Het leger rukte op naar Mosul. " * 20) for _ in range(3)], batch_size=3)
        results.append(pipeline_error_or_doc(pipeline, Document.new("Rutte sprak.")))
    time.sleep(0.3)  # a stray alarm would fire here
    assert len(results) == 200
    assert all(isinstance(r, (Document, PipelineError)) for r in results)


def pipeline_error_or_doc(pipeline: Pipeline, doc: Document) -> Document | PipelineError:
    try:
        return pipeline(doc)
    except PipelineError as error:
        return error
