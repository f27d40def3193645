"""Shared fixtures. ../shared is beside the project in CI: a missing sample is a failure, not a skip."""

from __future__ import annotations

import os
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


@pytest.fixture(scope="session")
def postgres_server():
    """One real PostgreSQL server for the session (see tests/postgres.py)."""
    from tests.postgres import running_server

    with running_server() as server:
        if server is None:
            if os.environ.get("CI"):
                pytest.fail("PostgreSQL is not installed: .ci/run installs Debian's postgresql package")
            pytest.skip("PostgreSQL is not installed here (apt-get install postgresql)")
        yield server


BACKENDS = ["sqlite", "postgresql"]


@pytest.fixture(params=BACKENDS)
def database_url(request, tmp_path):
    """A fresh, empty database on each backend: a SQLite file, then a PostgreSQL database."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'k.db'}"
    return request.getfixturevalue("postgres_server").new_database()
