"""The trigger lexicon of a language: entries keyed by lemma, plus every surface form the data's
inflection rules derive from the lemma, so triggers are found with or without a lemmatiser.

An entry may ask for a separable particle ("riep ... uit" = uitroepen), for one of its companion words
in the same clause ("vonden de dood" = die), or for the absence of words ("kiezen voor" is no
election); it may refuse compounds ("uitslag" is no "slag"). All of it comes from the data file.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from kroniek.resources import language_data

PACKAGE = "kroniek.events"
MIN_COMPOUND_HEAD = 4  # "top" must not match "laptop"


@dataclass(frozen=True)
class Entry:
    lemma: str
    kind: str  # "verb" or "noun"
    type: str
    mode: str | None = None
    particle: str | None = None
    companions: tuple[str, ...] = ()  # one of them must be in the clause
    absorb: bool = True  # a companion that is a trigger itself is part of this event ("er vielen doden")
    light: bool = False  # a light verb: a noun trigger it takes as object carries the event ("ontslag aankondigen")
    modality: str | None = None  # a trigger that carries modality itself ("dreigen": threatened)
    without: tuple[str, ...] = ()  # none of them may be in the clause
    compounds: bool = True  # a noun that may end a compound ("zelfmoordaanslag")
    victims: str | None = None  # what a people count in the event's arguments measures ("doden": killed)


@dataclass(frozen=True)
class Form:
    """A surface form of an entry; ``needs_particle`` when the particle stands apart from it."""

    entry: Entry
    needs_particle: bool = False
    participle: bool = False


@dataclass
class Lexicon:
    by_lemma: dict[str, list[Entry]] = field(default_factory=lambda: defaultdict(list))
    by_form: dict[str, list[Form]] = field(default_factory=lambda: defaultdict(list))
    compound_nouns: list[tuple[str, Entry]] = field(default_factory=list)
    min_compound_modifier: int = 3
    not_forms: frozenset[str] = frozenset()  # derived forms that are other words ("did" is no form of "die")

    def forms_of(self, word: str) -> list[Form]:
        if word in self.not_forms:
            return []
        found = self.by_form.get(word, [])
        if found:
            return found
        for head, entry in self.compound_nouns:
            if word.endswith(head) and len(word) - len(head) >= self.min_compound_modifier:
                return [Form(entry)]
        return []


class Inflector:
    """Derives surface forms from a lemma with the suffix rules of the data file."""

    def __init__(self, rules: dict[str, Any]) -> None:
        self.verb_rules = rules.get("verb", {})
        self.noun_rules = rules.get("noun", {})
        self.prefix_joins: dict[str, str] = self.verb_rules.get("participle_prefix_joins", {})

    def verb_stems(self, lemma: str) -> list[str]:
        stems = []
        for ending in self.verb_rules.get("infinitive_endings", [""]):
            if lemma.endswith(ending) and len(lemma) > len(ending) + 1:
                stem = lemma[: len(lemma) - len(ending)] if ending else lemma
                stems.append(stem)
                if self.verb_rules.get("undouble") and len(stem) > 2 and stem[-1] == stem[-2]:
                    stems.append(stem[:-1])
                if self.verb_rules.get("double_final") and stem[-1:] not in "aeiouwy":
                    stems.append(stem + stem[-1])
                if self.verb_rules.get("lengthen"):
                    stems.extend(_lengthened(stem))
        return stems or [lemma]

    def verb_forms(self, lemma: str) -> tuple[set[str], set[str]]:
        """(finite and infinitive forms, participles)."""
        forms, participles = {lemma}, set()
        for stem in self.verb_stems(lemma):
            forms.update(stem + suffix for suffix in self.verb_rules.get("suffixes", [""]))
            for suffix in self.verb_rules.get("participle_suffixes", []):
                participles.add(stem + suffix)
                prefix = self.verb_rules.get("participle_prefix", "")
                if prefix:
                    participles.add(self._prefixed(prefix, stem + suffix))
        return forms, participles

    def _prefixed(self, prefix: str, word: str) -> str:
        """ge + eist = geëist: the data says how a vowel after the prefix is written."""
        first = word[:1]
        return prefix + self.prefix_joins.get(first, first) + word[1:]

    def noun_forms(self, lemma: str) -> set[str]:
        return {lemma} | {lemma + suffix for suffix in self.noun_rules.get("suffixes", [])}


VOWELS = "aeiou"
DEVOICED = {"v": "f", "z": "s"}


def _lengthened(stem: str) -> list[str]:
    """Dutch spelling of a closed syllable: veroordel -> veroordeel, beloov -> beloof, dod -> dood.
    Over-generation is harmless: a form that is no word never occurs in text."""
    variants = []
    if len(stem) >= 3 and stem[-1] not in VOWELS and stem[-2] in VOWELS and stem[-3] not in VOWELS:
        variants.append(stem[:-1] + stem[-2] + stem[-1])
    variants += [v[:-1] + DEVOICED[v[-1]] for v in [stem, *variants] if v[-1:] in DEVOICED]
    return variants


def _entry(raw: dict[str, Any], kind: str) -> Entry:
    return Entry(
        lemma=str(raw["lemma"]).lower(),
        kind=kind,
        type=str(raw["type"]),
        mode=raw.get("mode"),
        particle=raw.get("particle"),
        companions=tuple(str(w).lower() for w in raw.get("with", [])),
        absorb=bool(raw.get("absorb", True)),
        light=bool(raw.get("light", False)),
        modality=raw.get("modality"),
        without=tuple(str(w).lower() for w in raw.get("without", [])),
        compounds=bool(raw.get("compounds", True)),
        victims=raw.get("victims"),
    )


def _add_verb(lexicon: Lexicon, entry: Entry, inflector: Inflector, irregular: dict[str, list[str]]) -> None:
    particle = entry.particle or ""
    base = entry.lemma[len(particle) :] if particle and entry.lemma.startswith(particle) else entry.lemma
    forms, participles = inflector.verb_forms(base)
    forms |= set(irregular.get(base, []))
    participles |= {
        w for w in irregular.get(base, []) if w.startswith(inflector.verb_rules.get("participle_prefix", "-"))
    }
    lexicon.by_lemma[entry.lemma].append(entry)
    if particle:
        lexicon.by_lemma[base].append(entry)  # a lemmatiser may give the bare verb and the particle apart
    for word in forms | participles:
        lexicon.by_form[particle + word].append(Form(entry, participle=word in participles))
        if particle:
            lexicon.by_form[word].append(Form(entry, needs_particle=True, participle=word in participles))


def _add_noun(lexicon: Lexicon, entry: Entry, inflector: Inflector, plurals: list[str], compounds: bool) -> None:
    lexicon.by_lemma[entry.lemma].append(entry)
    forms = inflector.noun_forms(entry.lemma) | set(plurals)
    for word in forms:
        lexicon.by_form[word].append(Form(entry))
    # "presidentsverkiezingen", "zelfmoordaanslagen"
    if compounds and entry.compounds and len(entry.lemma) >= MIN_COMPOUND_HEAD:
        lexicon.compound_nouns.extend((word, entry) for word in sorted(forms))


@cache
def lexicon_for(code: str | None) -> Lexicon:
    data = language_data(PACKAGE, code)
    inflector = Inflector(data.get("inflection", {}))
    irregular = {k: [str(w).lower() for w in v] for k, v in (data.get("irregular") or {}).items()}
    lexicon = Lexicon(not_forms=frozenset(str(w).lower() for w in data.get("not_forms", [])))
    for raw in data.get("verbs", []):
        _add_verb(lexicon, _entry(raw, "verb"), inflector, irregular)
    compounds = bool(inflector.noun_rules.get("compound_heads"))
    for raw in data.get("nouns", []):
        plurals = [str(w).lower() for w in raw.get("plural", [])]
        _add_noun(lexicon, _entry(raw, "noun"), inflector, plurals, compounds)
    lexicon.compound_nouns.sort(key=lambda pair: -len(pair[0]))
    return lexicon
