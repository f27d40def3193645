"""Finding toponym candidates: named-entity spans when the NER stage ran, capitalised token runs otherwise."""

from __future__ import annotations

from dataclasses import dataclass

from kroniek.geo.gazetteer import Candidate, Gazetteer
from kroniek.geo.rules import LanguageRules
from kroniek.model import Document, Token

MAX_NAME_TOKENS = 4
PLACE_ENTITY_TYPES = frozenset({"LOC", "GPE"})
MAYBE_PLACE_ENTITY_TYPES = frozenset({"ORG", "MISC", "NORP", "FAC"})
# A name inside a longer proper name ("Abu" in "Abu Bakr al-Baghdadi") must be this big to count.
STRONG_POPULATION = 100_000


@dataclass
class Toponym:
    start: int
    end: int
    text: str
    candidates: tuple[Candidate, ...]
    strong_only: bool = False  # keep only if the best reading is a strong place (see is_strong)
    region_cue: bool = False  # "provincie Groningen", "Sindh province": the region, not its namesake city


def is_strong(candidate: Candidate) -> bool:
    """A country, region, capital or big city: safe to read as a place even in doubtful company."""
    return (candidate.is_country or candidate.is_region or candidate.feature_code == "PPLC"
            or candidate.population >= STRONG_POPULATION)


def find_toponyms(doc: Document, rules: LanguageRules, gazetteer: Gazetteer) -> list[Toponym]:
    found = entity_toponyms(doc, rules, gazetteer)
    recognised = any(e.type.split("-")[0].upper() in PLACE_ENTITY_TYPES for e in doc.entities)
    taken = [(t.start, t.end) for t in found]
    for sentence in doc.sentences:  # names the recogniser missed or mistyped ("Irak" as a person)
        for toponym in token_toponyms(doc, sentence.tokens, rules, gazetteer):
            if any(toponym.start < end and start < toponym.end for start, end in taken):
                continue
            toponym.strong_only |= recognised  # with a recogniser, only unmistakable places get through
            found.append(toponym)
    found.sort(key=lambda t: t.start)
    before, after = rules.region_cue_before, rules.region_cue_after
    for toponym in found:
        toponym.region_cue = bool((before and before.search(doc.text, max(0, toponym.start - 40), toponym.start))
                                  or (after and after.match(doc.text, toponym.end)))
    return found


def entity_toponyms(doc: Document, rules: LanguageRules, gazetteer: Gazetteer) -> list[Toponym]:
    """LOC/GPE mentions that match the gazetteer (or hold a name that does); ORG/MISC ones only when strong."""
    found: list[Toponym] = []
    for entity in doc.entities:
        kind = entity.type.split("-")[0].upper()
        if kind not in PLACE_ENTITY_TYPES | MAYBE_PLACE_ENTITY_TYPES:
            continue
        for mention in entity.mentions:
            if mention.text in rules.demonyms:
                continue
            candidates = gazetteer.lookup(mention.text, rules.lang)
            if candidates:
                found.append(Toponym(mention.start, mention.end, mention.text, candidates,
                                     strong_only=kind not in PLACE_ENTITY_TYPES))
            elif kind in PLACE_ENTITY_TYPES:
                found += token_toponyms(doc, _tokens_within(doc, mention.start, mention.end), rules, gazetteer)
    return sorted(found, key=lambda t: t.start)


def _tokens_within(doc: Document, start: int, end: int) -> list[Token]:
    return [t for s in doc.sentences if s.start < end and s.end > start
            for t in s.tokens if t.start >= start and t.end <= end]


def token_toponyms(doc: Document, tokens: list[Token], rules: LanguageRules, gazetteer: Gazetteer) -> list[Toponym]:
    """Longest gazetteer matches inside runs of capitalised tokens (particles allowed inside a name)."""
    found: list[Toponym] = []
    i = 0
    while i < len(tokens):
        if not rules.starts_name(tokens[i].text):
            i += 1
            continue
        end = _run_end(tokens, i, rules)
        found += _matches_in_run(doc, tokens, i, end, rules, gazetteer)
        i = end
    return found


def _run_end(tokens: list[Token], i: int, rules: LanguageRules) -> int:
    j = i + 1
    while j < len(tokens):
        text = tokens[j].text
        if rules.starts_name(text):
            j += 1
        elif text in rules.particles and j + 1 < len(tokens) and rules.starts_name(tokens[j + 1].text):
            j += 2
        else:
            break
    return j


def _matches_in_run(doc: Document, tokens: list[Token], first: int, end: int, rules: LanguageRules,
                    gazetteer: Gazetteer) -> list[Toponym]:
    found: list[Toponym] = []
    a = first
    while a < end:
        match = _longest_match(doc, tokens, a, end, rules, gazetteer)
        if match is None:
            a += 1
            continue
        b, candidates = match
        start, stop = tokens[a].start, tokens[b - 1].end
        found.append(Toponym(start, stop, doc.text[start:stop], candidates,
                             strong_only=_segment_length(tokens, a, first, end, rules) > b - a))
        a = b
    return found


def _longest_match(doc: Document, tokens: list[Token], a: int, end: int, rules: LanguageRules,
                   gazetteer: Gazetteer) -> tuple[int, tuple[Candidate, ...]] | None:
    if tokens[a].text in rules.particles or not rules.starts_name(tokens[a].text):
        return None
    for b in range(min(end, a + MAX_NAME_TOKENS), a, -1):
        if tokens[b - 1].text in rules.particles:
            continue
        if b - a == 1 and tokens[a].text in rules.demonyms:
            return None
        if all(rules.is_stop_word(t.text) or t.text in rules.particles for t in tokens[a:b]):
            continue  # "Oude Stad", "Dinsdag": common words that some place is also called
        candidates = gazetteer.lookup(doc.text[tokens[a].start:tokens[b - 1].end], rules.lang)
        if candidates:
            return b, candidates
    return None


def _segment_length(tokens: list[Token], a: int, first: int, end: int, rules: LanguageRules) -> int:
    """Tokens of the particle-free stretch of the run around token a, leading stop words left out."""
    left = a
    while left > first and tokens[left - 1].text not in rules.particles and not rules.is_stop_word(
            tokens[left - 1].text):
        left -= 1
    right = a + 1
    while right < end and tokens[right].text not in rules.particles:
        right += 1
    return right - left
