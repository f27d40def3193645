"""schemathesis against the OpenAPI document of a real server over the ingested examples: no answer is a
500, and every answer conforms to the document (status, content type, body schema, headers).

Examples per operation are limited to keep the run near a minute; `benchmarks/api_load.py` is the long run.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import httpx
import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis.errors import Unsatisfiable
from hypothesis.strategies import SearchStrategy
from schemathesis import Case, GenerationMode
from schemathesis.checks import positive_data_acceptance
from schemathesis.core.result import Ok
from schemathesis.schemas import BaseSchema

from kroniek import Pipeline
from kroniek.api import create_app
from kroniek.api.server import running
from kroniek.link.across import link_pending
from kroniek.settings import Settings
from kroniek.store import Store
from tests.test_api import example_articles, store_annotated

# Per operation and kind of request; raise them for a long run (the figures in docs/reliability.md).
READ_EXAMPLES = int(os.environ.get("KRONIEK_SCHEMA_EXAMPLES", "60"))
WRITE_EXAMPLES = max(1, READ_EXAMPLES // 5)  # each one is an analysis


@pytest.fixture(scope="module")
def base_url(tmp_path_factory: pytest.TempPathFactory, pipeline: Pipeline) -> Iterator[str]:
    """A real server over the hand-annotated reports and the examples, ingested through the API and linked."""
    path: Path = tmp_path_factory.mktemp("schema") / "kroniek.db"
    store_annotated(path)
    # No rate limit: schemathesis sends requests as fast as it can, and 429 is not what this tests.
    app = create_app(path, settings=replace(Settings(db=path), rate_limit=0, write_rate_limit=0), pipeline=pipeline)
    with running(app) as base:
        ingested = httpx.post(f"{base}/documents", json=example_articles(), timeout=300)
        assert ingested.status_code == 201, ingested.text
        with Store(path) as store:
            link_pending(store)  # stories, for /stories/{story_id}
        yield base
    app.state.backend.close()


@pytest.fixture(scope="module")
def known_ids(base_url: str) -> dict[str, str]:
    """A stored document's id and a story's, for the operations that fetch one."""
    documents = httpx.get(f"{base_url}/documents", params={"limit": 1}).json()["items"]
    stories = httpx.get(f"{base_url}/stories", params={"limit": 1}).json()["items"]
    return {"doc_id": documents[0]["id"], **({"story_id": stories[0]["id"]} if stories else {})}


@pytest.fixture(scope="module")
def api_schema(base_url: str) -> BaseSchema:
    return schemathesis.openapi.from_url(f"{base_url}/openapi.json")


# One test per kind of operation, each walking every operation itself: schemathesis' pytest plugin (4.32.5)
# does not run under pytest 9 (it reads Function._nodeid, which pytest 9 removed).
# Not checked: that every schema-valid request is accepted. The API checks more than JSON Schema can say
# (bbox ranges, dates, cursors) and refuses the rest with a documented 422; everything else is checked.
FUZZ = settings(deadline=None, suppress_health_check=list(HealthCheck), derandomize=True, database=None)


def checker(strategy: SearchStrategy[Case[Any]], examples: int, timeout: float, sent: list[str]) -> Callable[[], None]:
    """A hypothesis test sending `examples` requests drawn from `strategy`, each checked by schemathesis and
    noted in `sent`."""

    @given(case=strategy)
    @settings(FUZZ, max_examples=examples)
    def check(case: Case[Any]) -> None:
        sent.append(case.operation.path)
        case.call_and_validate(timeout=timeout, excluded_checks=[positive_data_acceptance])

    return check


def fuzz(schema: BaseSchema, known: dict[str, str], *, reads: bool, examples: int, timeout: float) -> list[str]:
    """Valid and invalid requests to each operation, and valid ones naming stored ids (`known`, by path
    parameter); what schemathesis found, one entry per operation and kind of request."""
    found: list[str] = []
    walked: set[str] = set()
    sent: list[str] = []
    for result in schema.get_all_operations():
        assert isinstance(result, Ok), result  # an operation the schema describes wrongly
        operation = result.ok()
        if (operation.method.upper() == "GET") != reads:
            continue
        walked.add(operation.path)
        names = [parameter.name for parameter in operation.path_parameters]
        passes: list[tuple[GenerationMode, dict[str, str] | None]] = [
            (GenerationMode.POSITIVE, None),
            (GenerationMode.NEGATIVE, None),
        ]
        if names and all(name in known for name in names):
            passes.append((GenerationMode.POSITIVE, {name: known[name] for name in names}))
        for mode, path_parameters in passes:
            strategy = operation.as_strategy(generation_mode=mode, path_parameters=path_parameters)
            check = checker(strategy, examples, timeout, sent)
            try:
                check()
            except Unsatisfiable:  # nothing to make invalid (e.g. a path parameter that takes any string)
                continue
            except (Exception, BaseExceptionGroup) as error:  # schemathesis' FailureGroup is a BaseExceptionGroup
                found.append(f"{operation.method.upper()} {operation.path} ({mode}, {path_parameters}): {error}")
    expected = {"/events", "/documents", "/places", "/entities"} if reads else {"/analyse", "/documents"}
    assert expected <= walked, walked
    print(f"schemathesis: {len(sent)} requests to {len(walked)} operations, {len(found)} failing")
    return found


def test_reads_conform_to_the_openapi_document(api_schema: BaseSchema, known_ids: dict[str, str]) -> None:
    found = fuzz(api_schema, known_ids, reads=True, examples=READ_EXAMPLES, timeout=30)
    assert not found, "\n\n".join(found)


def test_writes_conform_to_the_openapi_document(api_schema: BaseSchema) -> None:
    found = fuzz(api_schema, {}, reads=False, examples=WRITE_EXAMPLES, timeout=120)
    assert not found, "\n\n".join(found)
