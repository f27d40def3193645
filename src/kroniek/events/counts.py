"""Casualty and size counts of events: which quantities of a sentence measure which event, and as what.

A quantity attaches to an event when the parse links the noun it counts to the trigger: the first
trigger on the noun's path to the root of its clause (its subject, object or other argument: "zeker
40 mensen kwamen om het leven", "killed 260 people"; a few steps, as parses of headlines go astray),
a trigger that is the complement of that verb ("civilians are believed to be trapped"), or the verb
of a relative clause on the noun ("guards who fight", "students who started demonstrating").
Coordinated nouns count with their first conjunct. Without a parse, a quantity attaches to the
nearest trigger of its clause. A killed or injured count also measures the attack or disaster that
the dying event is linked to in the parse ("bombings that killed 260 people"), as ACLED counts an
attack's fatalities, and that role wins over the participants the attack's own reading would give.

The role (killed, injured, arrested, displaced, abducted, participants) comes from data/counts.yaml:
from the category the quantities stage gives the counted noun ("doden": killed), or, for a count of
people, from the event (its lexicon entry's ``victims``, else its mode: an arrest makes the people
arrested), else participants. The roles fill ``fatalities`` and PLOVER's ``size``.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

import yaml

from kroniek.events.lexicon import lexicon_for
from kroniek.events.sentence import SentenceView
from kroniek.events.triggers import Trigger
from kroniek.model import Count, Document, Event, Quantity
from kroniek.quantities.engine import quantity_category

RELATIVE_RELATIONS = frozenset({"acl:relcl", "acl"})
CAUSE_RELATIONS = frozenset({"obl", "nmod", "advcl", "acl:relcl", "acl", "conj", "nsubj"})
# Steps from the counted noun up to its event: nominal ones only ("down from nearly 6,000" is no subject).
CLIMB_RELATIONS = frozenset(
    {
        "nsubj",
        "nsubj:pass",
        "obj",
        "iobj",
        "obl",
        "obl:agent",
        "nmod",
        "amod",
        "nummod",
        "appos",
        "compound",
        "flat",
        "expl",
        "det",
        "conj",
        "xcomp",
        "obl:arg",
    }
)
HARM = frozenset({"killed", "injured"})
MAX_NOUN_DISTANCE = 5  # tokens between the number and its counted noun: "300 Islamic State fighters"
MAX_CLIMB = 3  # heads climbed from the counted noun to its event: "Duizenden (nsubj) betogers (nmod)"
CAUSE_DEPTH = 2  # "killed when a jet (advcl) ... crashed (acl)"


@dataclass(frozen=True)
class CountRules:
    categories: dict[str, str]
    from_event: frozenset[str]
    modes: dict[str, str]
    default: str
    fields: dict[str, str]
    cause_types: frozenset[str]
    cause_modes: frozenset[str]


@cache
def count_rules() -> CountRules:
    text = (resources.files("kroniek.events") / "data" / "counts.yaml").read_text(encoding="utf-8")
    data: dict[str, Any] = yaml.safe_load(text)
    causes = data.get("causes", {})
    return CountRules(
        categories={str(k): str(v) for k, v in data["categories"].items()},
        from_event=frozenset(data["from_event"]),
        modes={str(k): str(v) for k, v in data["modes"].items()},
        default=str(data["default"]),
        fields={str(k): str(v) for k, v in data["fields"].items()},
        cause_types=frozenset(causes.get("types", [])),
        cause_modes=frozenset(causes.get("modes", [])),
    )


# -- role ------------------------------------------------------------------------------------------
def quantity_role(quantity: Quantity, language: str | None, mode: str | None, victims: str | None) -> str | None:
    """What the quantity measures in an event of this mode, or None when it counts no people."""
    if quantity.unit is not None or not language:
        return None
    rules = count_rules()
    category = quantity_category(quantity, language)
    if category in rules.categories:
        return rules.categories[category]
    if category not in rules.from_event:
        return None
    return victims or rules.modes.get(mode or "") or rules.default


def event_roles(event: Event, doc: Document) -> list[tuple[Quantity, str]]:
    """The event's attached quantities with their roles, recomputed from the document alone: a cause
    (attack, disaster) takes the killed or injured role its count has on another event holding it."""
    by_id = {q.id: q for q in doc.quantities}
    if event.counts:  # recorded by the stage
        return [(by_id[c.quantity], c.role) for c in event.counts if c.quantity in by_id]
    found = []
    for quantity_id in event.quantities:
        quantity = by_id.get(quantity_id)
        if quantity is None:
            continue
        role = _own_role(event, quantity, doc.language)
        if _is_cause(event):
            holders = [e for e in doc.events if e is not event and quantity_id in e.quantities]
            harm = [r for e in holders if (r := _own_role(e, quantity, doc.language)) in HARM]
            role = harm[0] if harm else role
        if role is not None:
            found.append((quantity, role))
    return found


def _own_role(event: Event, quantity: Quantity, language: str | None) -> str | None:
    return quantity_role(quantity, language, event.mode, _entry_victims(event, language))


def _is_cause(event: Event) -> bool:
    rules = count_rules()
    return event.type in rules.cause_types or (event.mode or "") in rules.cause_modes


def _entry_victims(event: Event, language: str | None) -> str | None:
    lexicon = lexicon_for(language)
    forms = lexicon.forms_of(event.trigger.text.lower())
    return next((f.entry.victims for f in forms if (f.entry.type, f.entry.mode) == (event.type, event.mode)), None)


# -- attachment ------------------------------------------------------------------------------------
def attach_counts(view: SentenceView, found: list[tuple[Trigger, Event]]) -> None:
    """Attach the sentence's people counts to its events and fill ``fatalities`` and ``size``."""
    at = {trigger.index: (trigger, event) for trigger, event in found}
    direct: list[tuple[int, Quantity, str]] = []
    seen: set[str] = set()
    for j, quantity in sorted(view.quantity_at.items()):
        if quantity.id in seen or quantity.value is None:
            continue
        seen.add(quantity.id)
        for i in _measured_triggers(view, j, quantity, at):
            trigger, event = at[i]
            role = quantity_role(quantity, view.doc.language, event.mode, trigger.entry.victims)
            if role is not None:
                direct.append((i, quantity, role))
    roles = {(at[i][1].id, q.id): (at[i][1], q, role) for i, q, role in direct}
    for i, quantity, role in direct:  # the attack's count of the dead, over its own reading
        if role in HARM:
            roles.update({(cause.id, quantity.id): (cause, quantity, role) for cause in _causes(view, i, at)})
    for event, quantity, role in roles.values():
        _attach(event, quantity, role)


def _attach(event: Event, quantity: Quantity, role: str) -> None:
    event.quantities.append(quantity.id)
    event.counts.append(Count(quantity=quantity.id, role=role))  # roles come from data/counts.yaml
    field = count_rules().fields.get(role)
    if field == "fatalities" and event.fatalities is None:
        event.fatalities = quantity.value
    elif field == "size" and event.size is None:
        event.size = quantity.value


def _measured_triggers(view: SentenceView, j: int, quantity: Quantity, at: dict[int, Any]) -> list[int]:
    noun = counted_noun(view, j, quantity)
    if not view.parsed:
        return _nearest_in_clause(view, noun, at)
    while view.dep(noun) == "conj" and view.head(noun) != noun:  # "drie doden en twintig gewonden"
        noun = view.head(noun)
    if noun in at:
        return [noun]  # the counted noun is the event: "more than 1,400 deaths"
    found = _relative_triggers(view, noun, at)
    head = _first_trigger_above(view, noun, at)
    if head is not None:
        found.append(head)
    # A parse that loses the noun's path (a subject read as "More ... civilians", advmod) says nothing:
    # then, as without a parse, the nearest trigger of the clause.
    return list(dict.fromkeys(found)) or _nearest_in_clause(view, noun, at)


def _nearest_in_clause(view: SentenceView, noun: int, at: dict[int, Any]) -> list[int]:
    clause = view.clause(noun)
    near = sorted((abs(i - noun), i) for i in at if view.clause(i) == clause)
    return [near[0][1]] if near else []


def _relative_triggers(view: SentenceView, noun: int, at: dict[int, Any]) -> list[int]:
    """Triggers of a relative clause on the noun, or their complements ("who started demonstrating")."""
    verbs = [c for c in view.children(noun) if view.dep(c) in RELATIVE_RELATIONS]
    verbs += [x for v in verbs for x in view.children(v) if view.dep(x) == "xcomp"]
    return [v for v in verbs if v in at]


def _first_trigger_above(view: SentenceView, noun: int, at: dict[int, Any]) -> int | None:
    """The first trigger up the noun's nominal path, or a trigger complementing a verb on it
    ("civilians are believed to be trapped")."""
    j = noun
    for _ in range(MAX_CLIMB):
        parent = view.head(j)
        if parent == j or view.dep(j) not in CLIMB_RELATIONS:
            return None
        if parent in at:
            return parent
        complement = next((c for c in view.children(parent) if c in at and view.dep(c) == "xcomp"), None)
        if complement is not None:
            return complement
        j = parent
    return None


def counted_noun(view: SentenceView, j: int, quantity: Quantity) -> int:
    """The token of the noun a quantity counts: its written noun after the number, else the noun the
    number modifies, else the number itself ("bijna 6.000 waren")."""
    span = view.token_range(quantity.start, quantity.end)
    last = span[-1] if len(span) else j
    if quantity.counts:
        word = quantity.counts.lower()
        for k in range(last + 1, min(len(view), last + 1 + MAX_NOUN_DISTANCE)):
            if view.lower[k] == word:
                return k
    if view.parsed and view.dep(last) == "nummod":
        return view.head(last)
    return last


def _causes(view: SentenceView, i: int, at: dict[int, tuple[Trigger, Event]]) -> list[Event]:
    """Attack or disaster events the parse links to the dying at token i (as its head or dependent)."""
    if not view.parsed:
        return []
    linked = [view.head(i)] if view.dep(i) in CAUSE_RELATIONS else []
    frontier = [i]
    for _ in range(CAUSE_DEPTH):
        frontier = [c for k in frontier for c in view.children(k) if view.dep(c) in CAUSE_RELATIONS]
        linked += frontier
    return [at[k][1] for k in dict.fromkeys(linked) if k != i and k in at and _is_cause(at[k][1])]


def how_many(event: Event, doc: Document) -> str:
    """The event's counts as a phrase: "more_than 100000 participants, 20 injured"."""
    parts = []
    for quantity, role in event_roles(event, doc):
        value = f"{quantity.value:g}" if quantity.value is not None else quantity.text
        approximation = "" if quantity.approximation == "exact" else f"{quantity.approximation.replace('_', ' ')} "
        parts.append(f"{approximation}{value} {role}")
    return ", ".join(parts)
