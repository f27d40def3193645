"""Property-based tests: whatever the input, ingest and the pipeline give an article or a clear error.

Kept small for CI (modest max_examples, a deadline); benchmarks/fuzz_ingest.py runs the long versions.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import time
from functools import cache
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kroniek import Pipeline, PipelineError, analyse
from kroniek.errors import IngestError
from kroniek.ingest import Article, read_paths
from kroniek.ingest.dates import parse_date
from kroniek.model import Document, content_id, normalise_text

# benchmarks/fuzz_ingest.py raises these through the environment for the long runs.
EXAMPLES = int(os.environ.get("KRONIEK_FUZZ_EXAMPLES", "60"))
PIPELINE_EXAMPLES = int(os.environ.get("KRONIEK_FUZZ_PIPELINE_EXAMPLES", "25"))
FAST = settings(max_examples=EXAMPLES, deadline=dt.timedelta(seconds=10), suppress_health_check=[HealthCheck.too_slow])
PIPELINE = settings(
    max_examples=PIPELINE_EXAMPLES, deadline=dt.timedelta(seconds=30), suppress_health_check=[HealthCheck.too_slow]
)

# Characters that break naive text handling: zero-width, bidirectional controls, BOM, combining marks,
# line and paragraph separators, NUL, and letters of right-to-left scripts.
TRICKY = "\u200b\u200c\u200d\u2060\ufeff\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
TRICKY += "\u0301\u0308\u2028\u2029\x00\x85\u05e9\u05dc\u05d5\u05dd\u0645\u0631\u062d\u0628\u0627\U0001f600"
SENTENCES = [
    "Het Iraakse leger rukte woensdag op naar de al-Nuri-moskee in Mosul.",
    "Volgens Reuters zouden meer dan 100.000 burgers in de Oude Stad zitten.",
    "The Red Cross said on Tuesday that 300 people had fled the city.",
    "Vorige week verklaarde de Russische regering Abu Bakr al-Baghdadi dood.",
]

# Text without lone surrogates: Python strings can hold them, UTF-8 cannot (see docs/reliability.md).
any_text = st.text(st.characters(exclude_categories=("Cs",)), max_size=400)
tricky_text = st.lists(st.sampled_from([*SENTENCES, *TRICKY, " ", "\n", "300", "dinsdag"]), max_size=60).map("".join)
FIELDS = st.sampled_from(["text", "published", "title", "language", "url"])
json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | any_text,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(any_text, inner, max_size=3),
    max_leaves=8,
)


def read_all(path: Path) -> list[Article | IngestError]:
    """Read a file the way `kroniek ingest` does; every result must be an article or an error."""
    results = list(read_paths([path], max_size_mb=1.0))
    assert results, "a file gives at least one result"
    for result in results:
        assert isinstance(result, Article | IngestError)
        if isinstance(result, Article):
            assert result.text.strip()
            doc = result.to_document()  # the id and the JSON must work for anything a reader lets through
            assert doc.id == content_id(doc.text)
            Document.model_validate_json(doc.to_json())
        else:
            assert str(result).startswith("[E0")
    return results


@FAST
@given(data=st.binary(max_size=3000), suffix=st.sampled_from([".txt", ".html", ".jsonl"]))
def test_random_bytes_give_an_article_or_a_clear_error(tmp_path_factory, data, suffix):
    path = tmp_path_factory.mktemp("fuzz") / f"input{suffix}"
    path.write_bytes(data)
    read_all(path)


@FAST
@given(text=tricky_text | any_text, encoding=st.sampled_from(["utf-8", "utf-16", "cp1252", "latin-1", "cp1256"]))
def test_text_in_any_encoding_is_read_or_refused(tmp_path_factory, text, encoding):
    path = tmp_path_factory.mktemp("fuzz") / "article.txt"
    path.write_bytes(text.encode(encoding, errors="replace"))
    read_all(path)


@FAST
@given(depth=st.integers(1, 3000), body=tricky_text, closed=st.booleans(), tag=st.sampled_from(["div", "p", "b"]))
def test_deeply_nested_or_broken_html_is_read_or_refused(tmp_path_factory, depth, body, closed, tag):
    html = f"<html><head><title>t</title></head><body>{f'<{tag}>' * depth}{body}"
    html += f"{f'</{tag}>' * depth}</body></html>" if closed else "<p <<b>></i"
    path = tmp_path_factory.mktemp("fuzz") / "page.html"
    path.write_text(html, encoding="utf-8")
    read_all(path)


@FAST
@given(records=st.lists(st.dictionaries(FIELDS, json_values)))
def test_jsonl_with_missing_or_wrong_fields_gives_one_result_per_line(tmp_path_factory, records):
    lines = [json.dumps(record) for record in records] or ["{}"]
    path = tmp_path_factory.mktemp("fuzz") / "articles.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert len(read_all(path)) == len(lines)


@FAST
@given(value=st.dates(dt.date(1, 1, 1), dt.date(9999, 12, 31)) | any_text)
def test_any_publication_date_is_accepted_only_when_plausible(value):
    date = parse_date(value)
    assert date is None or dt.date(1800, 1, 1) <= date <= dt.date.today() + dt.timedelta(days=366)


@PIPELINE
@given(text=tricky_text | any_text, published=st.none() | st.sampled_from(["1800-01-01", "2017-06-21"]))
def test_pipeline_gives_a_valid_analysis_for_any_text(pipeline, text, published):
    doc = analyse(text, published=published, pipeline=pipeline)
    assert doc.id == content_id(normalise_text(text))
    assert doc.stages == list(pipeline.stage_names)  # every stage ran; spans were checked after each
    assert Document.model_validate_json(doc.to_json()) == doc


# The alarm may land in hypothesis's own gc callback, where Python prints and ignores the exception;
# the pipeline re-arms it, so the stage is still stopped (that is what this test proves).
@pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")
@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(piece=st.text(st.sampled_from("ab1 .,\u200b"), min_size=1, max_size=40), times=st.integers(500, 5000))
def test_very_long_lines_give_an_analysis_or_a_time_budget_error(piece, times):
    """One line of up to 200,000 characters, or one word that long. Some stages are quadratic in sentence
    length (docs/reliability.md): the budget must stop them with E023 instead of hanging."""
    pipeline = _budgeted_pipeline()
    started = time.monotonic()
    try:
        doc = analyse(piece * times, language="nl", pipeline=pipeline)
    except PipelineError as error:
        assert error.code == "E023", error
    else:
        assert doc.stages == list(pipeline.stage_names)
    assert time.monotonic() - started < pipeline.time_budget + 10


@cache
def _budgeted_pipeline() -> Pipeline:
    return Pipeline(time_budget=3.0)
