"""Per-language data files: `<package>/data/<language>.yaml`. Adding a language means adding files."""

from __future__ import annotations

from functools import cache
from importlib import resources
from typing import Any

import yaml


@cache
def language_data(package: str, code: str | None) -> dict[str, Any]:
    """The data file of a stage package for a language, or {} when the language has none."""
    if not code:
        return {}
    path = resources.files(package) / "data" / f"{code}.yaml"
    if not path.is_file():
        return {}
    loaded = yaml.safe_load(path.read_text(encoding="utf-8"))
    return loaded if isinstance(loaded, dict) else {}
