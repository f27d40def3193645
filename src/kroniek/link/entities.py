"""Entities across documents: each entity of a document joins one registry entity with a stable id.

Evidence, strongest first (the rule is stored with each link, so `kroniek entity ID` can say why):
1. `gazetteer`: a name the geo stage resolved is its place (gazetteer id): "Irak" = "Iraq";
2. `country affiliation`: a demonym ("Iraakse", "Iraqi") stands for its country's side (geo demonyms);
3. `curated alias`: a name in data/aliases.yaml: "Islamitische Staat" = "Islamic State" = "IS";
4. `alias`: a name the registry learned from an earlier document (its canonical name, an acronym defined
   there, an apposition "X, ook bekend als Y", another mention in the same in-document cluster);
5. `span repair`: a name the recogniser ran into lower-case words ("Islamic State fighters");
6. `transliteration`: the same skeleton ("al-Bagdadi" = "Baghdadi", "Poetin" = "Putin");
7. `surname`: a one-word name that is the surname of exactly one known person.
When one document entity matches two registry entities by rules 3-5 (its in-document cluster says they
are one), they are merged, and the merge is recorded with its rule.
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from dataclasses import dataclass

from kroniek.geo.resolve import country_affiliations
from kroniek.link.document import name_key
from kroniek.link.names import alias_key, curated_aliases, repaired_span, skeleton, surname_key
from kroniek.model import Document, Entity
from kroniek.resources import language_data
from kroniek.store.registry import Registry

_PLACE_KINDS = ("country", "region", "city", "district", "landmark")
_LOOSE_TYPES = ("MISC",)  # the recogniser's least reliable label matches any type


@dataclass
class Match:
    entity_id: str
    rule: str
    evidence: str
    strong: bool  # exact evidence, enough to merge two registry entities


@dataclass
class LinkedEntity:
    local_id: str
    entity_id: str
    rule: str
    evidence: str


class EntityLinker:
    def __init__(self, registry: Registry) -> None:
        self.registry = registry

    def link(self, doc: Document) -> dict[str, LinkedEntity]:
        """local entity id -> its registry entity, creating and merging registry entities as needed."""
        articles = tuple(language_data("kroniek.link", doc.language).get("leading_articles", []))
        affiliations = _affiliations(doc)
        places = _place_spans(doc)
        appositions = _appositions(doc)
        linked: dict[str, LinkedEntity] = {}
        for entity in doc.entities:
            names = _names(entity, appositions.get(entity.id, []))
            matches = self._matches(entity, names, places, affiliations, articles)
            entity_id, rule, evidence = self._choose(doc, entity, matches, places, affiliations)
            self._learn(doc, entity, entity_id, names, articles)
            self.registry.add_link(doc.id, entity.id, entity_id, entity.name, rule, evidence)
            linked[entity.id] = LinkedEntity(entity.id, entity_id, rule, evidence)
        return linked

    # -- finding candidates ------------------------------------------------------------------

    def _matches(
        self,
        entity: Entity,
        names: list[tuple[str, str]],
        places: dict[tuple[int, int], tuple[str, str | None]],
        affiliations: dict[tuple[int, int], str],
        articles: tuple[str, ...],
    ) -> list[Match]:
        spans = [(m.start, m.end) for m in entity.mentions]
        place = _place_of(spans, places)
        if place is not None:
            return [Match(_place_id(place[0]), "gazetteer", f"resolved as {place[0]}", strong=True)]
        if spans and all(s in affiliations for s in spans):
            country = Counter(affiliations[s] for s in spans).most_common(1)[0][0]
            return [Match(f"country-{country}", "country affiliation", f"demonym of {country}", strong=True)]
        matches: list[Match] = []
        for name, _ in names:
            matches += self._by_name(entity, name, articles, "")
        if not matches:
            for name, _ in names:
                repaired = repaired_span(name)
                if repaired:
                    matches += self._by_name(entity, repaired, articles, f"'{name}' read as '{repaired}'; ")
            for m in matches:
                m.rule, m.strong = "span repair", False
        if not matches:
            matches = self._loose(entity, [n for n, _ in names])
        return matches

    def _by_name(self, entity: Entity, name: str, articles: tuple[str, ...], note: str) -> list[Match]:
        key = alias_key(name, articles)
        matches = [
            Match(a.entity.id, "curated alias", f"{note}'{name}' is '{a.alias}' in aliases.yaml", strong=True)
            for a in curated_aliases().get(key, [])
            if _compatible(entity.type, a.entity.type)
        ]
        for entity_id, alias, rule in self.registry.entities_by_alias("name", key):
            known = self.registry.entity(entity_id)
            if known and _compatible(entity.type, known["type"]):
                matches.append(Match(entity_id, "alias", f"{note}'{name}' = '{alias}' ({rule})", strong=True))
        return matches

    def _loose(self, entity: Entity, names: list[str]) -> list[Match]:
        matches: list[Match] = []
        if entity.type in ("LOC",):  # places are matched by gazetteer id, not by sound
            return matches
        for name in names:
            key = skeleton(name)
            if key is None:
                continue
            for entity_id, alias, _ in self.registry.entities_by_alias("skeleton", key):
                known = self.registry.entity(entity_id)
                if known and _compatible(entity.type, known["type"]):
                    matches.append(Match(entity_id, "transliteration", f"'{name}' ~ '{alias}' ({key})", False))
            if not matches:
                matches += self._by_surname(name, key)
        return matches

    def _by_surname(self, name: str, key: str) -> list[Match]:
        """'Haftar' is 'Khalifa Haftar' when one known person has that surname; 'Chalifa Haftar' is
        'Generaal Khalifa Haftar' when one skeleton ends the other (a title the recogniser took along)."""
        surname = surname_key(name) or key
        owners = self.registry.entities_by_alias("surname", surname)
        if len(owners) != 1:
            return []
        entity_id, alias, _ = owners[0]
        if len(name.split()) == 1:
            return [Match(entity_id, "surname", f"'{name}' is the surname of '{alias}', the only one so named", False)]
        known = skeleton(alias) or ""
        if known.endswith(" " + key) or key.endswith(" " + known):
            return [Match(entity_id, "transliteration", f"'{name}' ~ '{alias}' ({key} / {known})", False)]
        return []

    # -- deciding -----------------------------------------------------------------------------

    def _choose(
        self,
        doc: Document,
        entity: Entity,
        matches: list[Match],
        places: dict[tuple[int, int], tuple[str, str | None]],
        affiliations: dict[tuple[int, int], str],
    ) -> tuple[str, str, str]:
        if not matches:
            entity_id = self.registry.canonical(_new_id(entity))
            self.registry.create_entity(entity_id, entity.type, entity.name, None)
            return entity_id, "new", f"first seen as '{entity.name}'"
        first = matches[0]
        if first.rule in ("gazetteer", "country affiliation"):
            place = _place_of([(m.start, m.end) for m in entity.mentions], places)
            type_ = "LOC" if first.rule == "gazetteer" else "MISC"
            country = place[1] if place else first.entity_id.removeprefix("country-")
            self.registry.create_entity(first.entity_id, type_, place[0] if place else entity.name, country)
            return first.entity_id, first.rule, first.evidence
        curated = next((m for m in matches if m.rule in ("curated alias", "span repair") and self._curated(m)), None)
        kept = curated or first
        if kept.rule in ("curated alias", "span repair") and self._curated(kept):
            self._create_curated(kept.entity_id)
        for other in matches:
            if other.strong and kept.strong and other.entity_id != kept.entity_id:
                self._merge(kept.entity_id, other.entity_id, doc, entity)
        self._rename(kept.entity_id, entity)
        return kept.entity_id, kept.rule, kept.evidence

    def _curated(self, match: Match) -> bool:
        return any(a.entity.id == match.entity_id for aliases in curated_aliases().values() for a in aliases)

    def _create_curated(self, entity_id: str) -> None:
        entry = next(a.entity for aliases in curated_aliases().values() for a in aliases if a.entity.id == entity_id)
        self.registry.create_entity(entry.id, entry.type, entry.name, None)

    def _merge(self, kept: str, other: str, doc: Document, entity: Entity) -> None:
        if self.registry.canonical(other) == self.registry.canonical(kept):
            return
        self.registry.create_entity(other, entity.type, entity.name, None)
        rule = f"one in-document cluster in {doc.id[:12]}: {', '.join(sorted({m.text for m in entity.mentions}))}"
        self.registry.merge_entities(self.registry.canonical(kept), self.registry.canonical(other), rule, doc.id)

    def _rename(self, entity_id: str, entity: Entity) -> None:
        """A registry entity keeps the fullest name it has been called, unless it is curated."""
        known = self.registry.entity(entity_id)
        if known is None or any(a.entity.id == entity_id for v in curated_aliases().values() for a in v):
            return
        if len(entity.name.split()) > len(known["name"].split()) and entity.type == known["type"]:
            self.registry.update_entity(entity_id, name=entity.name)

    # -- learning -----------------------------------------------------------------------------

    def _learn(
        self, doc: Document, entity: Entity, entity_id: str, names: list[tuple[str, str]], articles: tuple[str, ...]
    ) -> None:
        if entity_id.startswith(("place-", "country-")):
            rule = "gazetteer" if entity_id.startswith("place-") else "country affiliation"
            for name, _ in names:
                self.registry.add_alias("name", alias_key(name, articles), entity_id, name, rule, doc.id)
            return
        for name, how in names:
            self.registry.add_alias("name", alias_key(name, articles), entity_id, name, how, doc.id)
            key = skeleton(name)
            if key and entity.type != "LOC":
                self.registry.add_alias("skeleton", key, entity_id, name, how, doc.id)
        known = self.registry.entity(entity_id)
        if entity.type == "PER" or (known and known["type"] == "PER"):
            key = surname_key(entity.name)
            if key:
                self.registry.add_alias("surname", key, entity_id, entity.name, "full name", doc.id)


def _names(entity: Entity, apposed: list[str]) -> list[tuple[str, str]]:
    """The entity's distinct names, canonical first, each with how the document taught it."""
    names = {entity.name: "canonical name"}
    initials = "".join(w[0] for w in re.findall(r"[A-ZÀ-Ý][\w'-]*", entity.name))
    for mention in entity.mentions:
        text = mention.text
        if text in names or not text.strip():
            continue
        if text.isupper() and text == initials:
            names[text] = f"acronym defined as '{entity.name}'"
        elif entity.name.endswith(" " + text) or (entity.name.endswith(text) and len(text) < len(entity.name)):
            names[text] = f"short form of '{entity.name}'"
        elif name_key(text) == name_key(entity.name):
            names[text] = "spelling variant"
        else:
            names[text] = f"same entity as '{entity.name}' in one document"
    for alias in apposed:
        names.setdefault(alias, f"apposition: '{entity.name}' also called '{alias}'")
    return list(names.items())


def _appositions(doc: Document) -> dict[str, list[str]]:
    """local entity id -> names introduced by an alias cue right after one of its mentions."""
    cues = language_data("kroniek.link", doc.language).get("alias_cues", [])
    if not cues:
        return {}
    pattern = re.compile(
        r"^\s*,?\s*\(?(?:"
        + "|".join(re.escape(c) for c in cues)
        + r")\s+['\"\u2018\u201c]?([A-ZÀ-Ý][\w'-]*(?:\s+[A-ZÀ-Ý][\w'-]*)*)"
    )
    found: dict[str, list[str]] = {}
    for entity in doc.entities:
        for mention in entity.mentions:
            match = pattern.match(doc.text[mention.end : mention.end + 80])
            if match:
                found.setdefault(entity.id, []).append(match.group(1))
    return found


def _place_spans(doc: Document) -> dict[tuple[int, int], tuple[str, str | None]]:
    """(start, end) of each mention of a resolved place -> (gazetteer id, country)."""
    spans: dict[tuple[int, int], tuple[str, str | None]] = {}
    for place in doc.places:
        if place.kind in _PLACE_KINDS and place.source_id:
            for mention in place.mentions:
                spans[(mention.start, mention.end)] = (place.source_id, place.country)
    return spans


def _place_of(
    spans: list[tuple[int, int]], places: dict[tuple[int, int], tuple[str, str | None]]
) -> tuple[str, str | None] | None:
    """The place whose mention holds one of the spans ("al-Nuri" inside "al-Nuri mosque")."""
    for start, end in spans:
        for (place_start, place_end), place in places.items():
            if place_start <= start and end <= place_end:
                return place
    return None


def _affiliations(doc: Document) -> dict[tuple[int, int], str]:
    try:
        return {(start, end): code for start, end, _, code in country_affiliations(doc)}
    except (KeyError, AttributeError):  # a language without geo rules
        return {}


def _place_id(source_id: str) -> str:
    return "place-" + re.sub(r"[^\w#+-]", "-", source_id)


def _new_id(entity: Entity) -> str:
    digest = hashlib.sha1(f"{entity.type}|{name_key(entity.name)}".encode()).hexdigest()[:10]
    return f"e-{digest}"


def _compatible(type_a: str, type_b: str) -> bool:
    return type_a == type_b or type_a in _LOOSE_TYPES or type_b in _LOOSE_TYPES
