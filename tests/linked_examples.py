"""The examples (examples/) through the real pipeline, stored and linked across documents: the database the
export, timeline and story tests read. Analysed once per session with the fast entity recogniser."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any

import pytest

from kroniek.ingest import read_paths
from kroniek.link.across import link_pending
from kroniek.model import Document
from kroniek.pipeline import Pipeline
from kroniek.settings import Settings
from kroniek.store import Store

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"


@lru_cache(maxsize=1)
def analysed_examples() -> tuple[Document, ...]:
    pipeline = Pipeline(Settings.from_env(ner="fast"))
    return tuple(pipeline(result.to_document()) for result in read_paths([EXAMPLES]))  # type: ignore[union-attr]


def store_examples(target: Path | str) -> Store:
    """A store at `target` (a path or URL) holding the analysed examples, linked across documents."""
    store = Store(target)
    for doc in analysed_examples():
        store.add(doc)
    link_pending(store)
    return store


def linked_database(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> str:
    """For a fixture parametrised by tests.conftest.BACKENDS: the linked examples in a new SQLite file or a new
    PostgreSQL database; returns its path or URL."""
    if request.param == "sqlite":
        target = str(tmp_path_factory.mktemp("linked") / "k.db")
    else:
        target = request.getfixturevalue("postgres_server").new_database()
    store_examples(target).close()
    return target


def mosul_story(stories: list[dict[str, Any]]) -> dict[str, Any]:
    """The story of the three Mosul reports: the largest of the examples' stories (it may also hold the
    al-Baghdadi report of the same days, so its label need not say Mosul)."""
    return max(stories, key=lambda story: len(story["documents"]))
