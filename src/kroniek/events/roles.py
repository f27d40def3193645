"""Roles of a trigger: actor and target from the dependency parse (passives, relative clauses,
control and coordination handled) or, without a parse, from the entities around the trigger; the
event's time and place from the findings of the time and geo stages."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from kroniek.events.sentence import SentenceView
from kroniek.events.triggers import Trigger
from kroniek.model import Mention

USABLE_TIME = re.compile(r"^\d{4}")  # a calendar value, not PRESENT_REF or a duration


@dataclass(frozen=True)
class RoleWords:
    passive_auxiliaries: frozenset[str]
    agent_markers: frozenset[str]
    target_markers: frozenset[str]
    oblique_markers: frozenset[str]
    locative_markers: frozenset[str]
    relative_pronouns: frozenset[str]

    @classmethod
    def from_data(cls, data: dict[str, Any]) -> RoleWords:
        def words(key: str) -> frozenset[str]:
            return frozenset(str(w).lower() for w in data.get(key, []))

        return cls(
            *(
                words(k)
                for k in (
                    "passive_auxiliaries",
                    "agent_markers",
                    "target_markers",
                    "oblique_markers",
                    "locative_markers",
                    "relative_pronouns",
                )
            )
        )


@dataclass
class Roles:
    actors: list[tuple[int, int]] = field(default_factory=list)  # token ranges
    targets: list[tuple[int, int]] = field(default_factory=list)


# -- actor and target ----------------------------------------------------------------------------
def find_roles(view: SentenceView, trigger: Trigger, words: RoleWords) -> Roles:
    if view.parsed:
        return _parse_roles(view, trigger, words)
    return _surface_roles(view, trigger, words)


def _case(view: SentenceView, i: int) -> str | None:
    marker = next((c for c in view.children(i) if view.dep(c) == "case"), None)
    return view.lower[marker] if marker is not None else None


def _parse_roles(view: SentenceView, trigger: Trigger, words: RoleWords) -> Roles:
    i = trigger.index
    kids = view.children(i)
    passive = trigger.participle and any(view.dep(c) in ("nsubj:pass", "aux:pass") for c in kids)
    actors: list[int] = []
    targets: list[int] = []
    for c in kids:
        relation, case = view.dep(c), _case(view, c)
        if relation in ("nsubj", "csubj") or relation == "obl:agent" or (case in words.agent_markers and passive):
            actors.append(c)
        elif relation in ("nsubj:pass", "obj", "iobj") or (
            relation in ("nmod", "obl") and trigger.entry.kind == "noun" and case in words.target_markers
        ):
            targets.append(c)
        elif relation in ("nmod:poss", "amod") and trigger.entry.kind == "noun" and c in view.entity_at:
            actors.append(c)
    actors = _resolve_relative(view, i, actors, words) or _inherited_subject(view, i)
    targets = _resolve_relative(view, i, targets, words)
    return Roles(
        [view.phrase(a) for a in _with_conjuncts(view, actors)],
        [view.phrase(t) for t in _with_conjuncts(view, targets)],
    )


def _resolve_relative(view: SentenceView, i: int, args: list[int], words: RoleWords) -> list[int]:
    """In "de troepen die oprukken" the relative pronoun stands for the noun the clause modifies."""
    if view.dep(i) not in ("acl:relcl", "acl"):
        return args
    return [view.head(i) if view.lower[a] in words.relative_pronouns else a for a in args]


def _inherited_subject(view: SentenceView, i: int) -> list[int]:
    """Control and coordination: "hoopten de moskee te krijgen", "trokken op en namen ... in"."""
    relation = view.dep(i)
    if relation == "acl" and view.head(i) != i:
        return [view.head(i)]  # "de oprukkende troepen": the participle's noun acts
    if relation in ("xcomp", "conj") and view.head(i) != i:
        head = view.head(i)
        return [c for c in view.children(head) if view.dep(c) == "nsubj"]
    if relation in ("obj", "nsubj:pass") and view.head(i) != i:  # "pleegden een aanslag"
        return [c for c in view.children(view.head(i)) if view.dep(c) == "nsubj"]
    return []


def _with_conjuncts(view: SentenceView, args: list[int]) -> list[int]:
    found = []
    for a in args:
        found.append(a)
        found.extend(c for c in view.children(a) if view.dep(c) == "conj" and not view.is_verb(c))
    return found


def _surface_roles(view: SentenceView, trigger: Trigger, words: RoleWords) -> Roles:
    i = trigger.index
    clause = set(view.clause_tokens(i))
    spans = _entity_spans(view, clause)
    core = [s for s in spans if not _oblique(view, s[0], words)]
    agent = [s for s in spans if s[0] > 0 and view.lower[s[0] - 1] in words.agent_markers]
    if trigger.entry.kind == "noun":
        marked = [s for s in spans if s[0] > i and view.lower[s[0] - 1] in words.target_markers]
        return Roles(agent, marked[:1])
    before = [s for s in core if s[1] <= i]
    after = [s for s in core if s[0] > i]
    passive = trigger.participle and any(view.lower[j] in words.passive_auxiliaries for j in clause)
    if passive:
        return Roles(agent, (before[-1:] or after[:1]))
    if before:
        return Roles(before[-1:], after[:1])
    return Roles(after[:1], after[1:2])  # verb-second: "In 2014 riep al-Baghdadi ... uit"


def _entity_spans(view: SentenceView, clause: set[int]) -> list[tuple[int, int]]:
    spans: list[tuple[int, int]] = []
    j = 0
    while j < len(view):
        if j in clause and j in view.entity_at:
            first, last = view.phrase(j)
            spans.append((first, last))
            j = max(last, j + 1)
        else:
            j += 1
    return spans


def _oblique(view: SentenceView, first: int, words: RoleWords) -> bool:
    """Is the phrase inside a prepositional phrase ("in Mosul", "van de stad")?"""
    j = first - 1
    while j >= 0 and view.lower[j] in view.clues.stop_words:
        j -= 1
    return j >= 0 and view.lower[j] in words.oblique_markers | words.agent_markers


# -- time and place -----------------------------------------------------------------------
def find_time(view: SentenceView, trigger: Trigger) -> str | None:
    own = view.clause(trigger.index)
    candidates = []
    for j, time in view.time_at.items():
        if time.value and USABLE_TIME.match(time.value) and time.type in ("DATE", "TIME"):
            candidates.append((j, time.value))
    same = [(abs(j - trigger.index), v) for j, v in candidates if view.clause(j) == own]
    if same:
        return min(same)[1]
    fronted = [v for j, v in candidates if j <= 1]  # "Dinsdag werd ...", "In 2014, nadat ..., riep ..."
    return fronted[0] if fronted else None


def find_place(view: SentenceView, trigger: Trigger, words: RoleWords) -> str | None:
    own = view.clause(trigger.index)
    best: tuple[int, int, str] | None = None
    for j, place in view.place_at.items():
        if view.clause(j) != own:
            continue
        marked = 0 if j > 0 and view.lower[j - 1] in words.locative_markers else 1
        key = (marked, abs(j - trigger.index), place.id)
        best = key if best is None or key < best else best
    return best[2] if best else None


def mentions(view: SentenceView, spans: list[tuple[int, int]]) -> list[Mention]:
    return [view.mention(first, last) for first, last in spans]


def entity_ids(view: SentenceView, spans: list[tuple[int, int]]) -> list[str]:
    ids: list[str] = []
    for first, last in spans:
        for entity in view.entities_in(first, last)[:1]:
            if entity.id not in ids:
                ids.append(entity.id)
    return ids
