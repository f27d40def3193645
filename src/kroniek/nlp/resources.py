"""Per-language data files under nlp/data/: adding a language means adding a file."""

from __future__ import annotations

from functools import cache
from importlib import resources
from typing import Any

import yaml

DEFAULT_SENTENCE_END = (".", "!", "?", "…")


@cache
def language_data(code: str) -> dict[str, Any]:
    """The data file for a language, or an empty dict for a language without one."""
    path = resources.files("kroniek.nlp") / "data" / f"{code}.yaml"
    if not path.is_file():
        return {}
    loaded = yaml.safe_load(path.read_text(encoding="utf-8"))
    return loaded if isinstance(loaded, dict) else {}
