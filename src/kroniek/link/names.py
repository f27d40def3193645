"""Keys under which a name is looked up across documents, and the curated aliases.

Three keys, from strict to loose:
- `alias_key`: the name up to case, hyphen forms and a leading article; an acronym ("IS", "VN") keeps its
  case, so the Dutch verb "is" never matches the organisation;
- `skeleton`: the transliteration skeleton (data/transliteration.yaml): "al-Bagdadi" = "Baghdadi";
- `surname_key`: the skeleton of a person's last name, for "Baghdadi" = "Abu Bakr al-Baghdadi".
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

import yaml

from kroniek.link.document import name_key

_ACRONYM = re.compile(r"^[A-Z][A-Z0-9]{0,4}$")
_LOWER_TAIL = re.compile(r"^(.*?[A-ZÀ-Ý][\w'\u2019.-]*)((?:\s+[a-zà-ÿ]+)+)$")


@cache
def link_data(name: str) -> Any:
    """A language-neutral data file of the link package (aliases.yaml, transliteration.yaml, events.yaml)."""
    path = resources.files("kroniek.link") / "data" / name
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def alias_key(text: str, articles: tuple[str, ...] = ()) -> str:
    """The exact-match key: acronyms case-sensitive, other names up to case, hyphens and a leading article."""
    stripped = text.strip()
    if _ACRONYM.match(stripped):
        return stripped
    return name_key(stripped, articles)


def skeleton(text: str) -> str | None:
    """The transliteration skeleton, or None for names too short to compare loosely."""
    rules = link_data("transliteration.yaml")
    folded = _strip_accents(text).casefold().strip()
    words = [w for w in folded.split() if w not in rules["article_words"]]
    for prefix in rules["article_prefixes"]:
        words = [w[len(prefix) :] if w.startswith(prefix) and len(w) > len(prefix) else w for w in words]
    folded = " ".join(words)
    for old, new in rules["replacements"]:
        folded = folded.replace(old, new)
    if rules.get("collapse_doubles"):
        folded = re.sub(r"(\w)\1+", r"\1", folded)
    folded = " ".join(folded.split())
    return folded if len(folded.replace(" ", "")) >= rules["min_length"] else None


def surname_key(text: str) -> str | None:
    """The skeleton of the last word of a name of two or more words ("Abu Bakr al-Baghdadi" -> "bagdadi")."""
    words = text.split()
    if len(words) < 2:
        return None
    return skeleton(words[-1])


def repaired_span(text: str) -> str | None:
    """A name the recogniser ran into the words after it: 'Islamic State fighters' -> 'Islamic State'."""
    match = _LOWER_TAIL.match(text.strip())
    return match.group(1) if match else None


def _strip_accents(text: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))


@dataclass(frozen=True)
class CuratedEntity:
    id: str
    type: str
    name: str


@dataclass(frozen=True)
class CuratedAlias:
    entity: CuratedEntity
    alias: str
    language: str


@cache
def curated_aliases() -> dict[str, list[CuratedAlias]]:
    """alias key -> the curated entities that go by that name (in any language)."""
    table: dict[str, list[CuratedAlias]] = {}
    for entry in link_data("aliases.yaml"):
        entity = CuratedEntity(entry["id"], entry["type"], entry["name"])
        for language, names in entry["names"].items():
            for alias in [entry["name"], *names]:
                found = table.setdefault(alias_key(alias), [])
                if all(a.entity != entity for a in found):
                    found.append(CuratedAlias(entity, alias, language))
    return table


def curated_entity(entity_id: str) -> CuratedEntity | None:
    for aliases in curated_aliases().values():
        for alias in aliases:
            if alias.entity.id == entity_id:
                return alias.entity
    return None
