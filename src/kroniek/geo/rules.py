"""Per-language knowledge of the geo stage, read from geo/data/<lang>.yaml: adding a language is adding a file."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

import yaml
from spacy.util import get_lang_class

SLOT = re.compile(r"\{(\w+)\}")


@dataclass(frozen=True)
class LanguageRules:
    lang: str
    particles: frozenset[str]
    prefixes: tuple[str, ...]
    stop_words: frozenset[str]          # exact capitalised forms
    common_words: frozenset[str]        # spaCy's lower-case stop words
    demonyms: dict[str, str]            # form -> ISO country code
    district_patterns: tuple[str, ...]
    districts: tuple[str, ...]
    border_patterns: tuple[str, ...]
    landmark_words: tuple[str, ...]
    landmark_containment: tuple[str, ...]
    region_cue_before: re.Pattern[str] | None  # a cue word that ends right before a name
    region_cue_after: re.Pattern[str] | None  # one that starts right after it

    def is_stop_word(self, token: str) -> bool:
        """A capitalised function word or listed common word; an acronym (US) never is."""
        if token in self.stop_words:
            return True
        return token[:1].isupper() and token[1:].islower() and token.lower() in self.common_words

    def starts_name(self, token: str) -> bool:
        """An upper-case initial, or a lower-case prefix joined to one (al-Nuri)."""
        if token[:1].isupper():
            return True
        head, dash, rest = token.partition("-")  # every prefix ends in a hyphen
        return bool(dash) and head + dash in self.prefixes and rest[:1].isupper()


def _load(lang: str) -> dict[str, Any]:
    path = resources.files("kroniek.geo") / "data" / f"{lang}.yaml"
    if not path.is_file():
        return {}
    loaded = yaml.safe_load(path.read_text(encoding="utf-8"))
    return loaded if isinstance(loaded, dict) else {}


def _spacy_stop_words(lang: str) -> frozenset[str]:
    try:
        return frozenset(get_lang_class(lang).Defaults.stop_words)
    except ImportError:
        return frozenset()


@cache
def language_rules(lang: str | None) -> LanguageRules:
    """The rules for a language; an unknown language gets empty rules (gazetteer matching only)."""
    code = lang or ""
    data = _load(code) if code else {}
    demonyms = {form: str(cc) for cc, forms in (data.get("demonyms") or {}).items() for form in forms}
    return LanguageRules(
        lang=code,
        particles=frozenset(data.get("name_particles") or ()),
        prefixes=tuple(data.get("name_prefixes") or ()),
        stop_words=frozenset(data.get("stop_words") or ()),
        common_words=_spacy_stop_words(code) if code else frozenset(),
        demonyms=demonyms,
        district_patterns=tuple(data.get("district_patterns") or ()),
        districts=tuple(data.get("districts") or ()),
        border_patterns=tuple(data.get("border_patterns") or ()),
        landmark_words=tuple(data.get("landmark_words") or ()),
        landmark_containment=tuple(data.get("landmark_containment") or ()),
        region_cue_before=_cue_regex(data.get("region_cues"), before=True),
        region_cue_after=_cue_regex(data.get("region_cues"), before=False),
    )


def _cue_regex(cues: list[str] | None, before: bool) -> re.Pattern[str] | None:
    if not cues:
        return None
    words = "|".join(r"\s+".join(map(re.escape, c.split())) for c in sorted(cues, key=len, reverse=True))
    pattern = rf"(?<!\w)(?:{words})\s+\Z" if before else rf"\s+(?:{words})(?!\w)"
    return re.compile(pattern, re.IGNORECASE)


def may_occur(pattern: str, text: str) -> bool:
    """Whether every literal word of a data-file phrase occurs in the text (any case): a cheap test that
    spares compiling a regex per document for phrases most articles never use."""
    lowered = text.lower()
    return all(word.lower() in lowered for word in SLOT.sub(" ", pattern).split())


def pattern_regex(pattern: str, slots: dict[str, str]) -> re.Pattern[str]:
    """A data-file phrase such as "grensgebied tussen {a} en {b}" as a regex with a named group per slot.

    Literal words match case-insensitively with any whitespace between them; each slot takes the
    regex given for it (the alternation of the document's toponyms, or of the district words).
    """
    parts: list[str] = []
    position = 0
    for match in SLOT.finditer(pattern):
        parts.append(_literal(pattern[position:match.start()]))
        parts.append(f"(?P<{match.group(1)}>{slots[match.group(1)]})")
        position = match.end()
    parts.append(_literal(pattern[position:]))
    return re.compile(r"(?<!\w)" + "".join(parts) + r"(?!\w)", re.IGNORECASE)


def _literal(text: str) -> str:
    return r"\s+".join(re.escape(word) for word in text.split(" ")) if text else ""
