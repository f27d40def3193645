"""Name normalisation shared by the gazetteer build and the resolver, so both index the same key."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

# Hyphens, apostrophes, dots and commas separate parts of a name but carry no identity:
# "'s-Gravenhage", "s Gravenhage" and "S-Gravenhage" are one key.
_SEPARATORS = re.compile(r"[\s\-\u2010-\u2015'\u2018\u2019`\u00b4.,]+")


@lru_cache(maxsize=65536)
def normalise_name(name: str) -> str:
    """Casefolded, accents stripped, separators collapsed to one space: the gazetteer's lookup key."""
    decomposed = unicodedata.normalize("NFKD", name.casefold())
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return _SEPARATORS.sub(" ", stripped).strip()


def is_latin(name: str) -> bool:
    """True when every letter is Latin script: the only names Dutch or English text can contain."""
    return all(not ch.isalpha() or unicodedata.name(ch, "").startswith("LATIN") for ch in name)
