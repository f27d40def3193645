"""The web UI's sources (ui/), its build (build.sh) and the built assets that ship in the package (static/)."""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path


def static_dir() -> Path:
    return Path(str(files("kroniek.web") / "static"))
