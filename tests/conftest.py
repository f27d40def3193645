"""Shared fixtures. ../shared is beside the project in CI: a missing sample is a failure, not a skip."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
SAMPLE = SHARED / "seed" / "mosul-2017-06-21.nl.txt"
EXAMPLES = ROOT / "examples"


@pytest.fixture(scope="session")
def sample_path() -> Path:
    assert SAMPLE.is_file(), f"the sample article must be at {SAMPLE} (../shared beside the project)"
    return SAMPLE


@pytest.fixture(scope="session")
def sample_text(sample_path: Path) -> str:
    return sample_path.read_text(encoding="utf-8")


@pytest.fixture(scope="session")
def pipeline():
    from kroniek import Pipeline

    return Pipeline()
