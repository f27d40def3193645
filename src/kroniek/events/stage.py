"""The events stage: triggers from the language's lexicon, typed in PLOVER (OTHER outside it), with
roles, negation, modality, time, place and the casualty and size counts of their sentence (counts.py);
one 5W1H summary line per event."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from kroniek.events.counts import attach_counts, how_many
from kroniek.events.lexicon import PACKAGE, Lexicon, lexicon_for
from kroniek.events.roles import RoleWords, entity_ids, find_place, find_roles, find_time, mentions
from kroniek.events.sentence import Clues, SentenceView, sentence_views
from kroniek.events.triggers import Trigger, find_triggers
from kroniek.model import Document, Event
from kroniek.registry import stage
from kroniek.resources import language_data
from kroniek.settings import Settings


@dataclass(frozen=True)
class Rules:
    lexicon: Lexicon
    clues: Clues
    roles: RoleWords
    negation: frozenset[str]
    negation_exceptions: tuple[tuple[str, ...], ...]
    modality: dict[str, str]


@cache
def rules_for(code: str | None) -> Rules:
    data = language_data(PACKAGE, code)

    def words(key: str) -> frozenset[str]:
        return frozenset(str(w).lower() for w in data.get(key, []))

    return Rules(
        lexicon=lexicon_for(code),
        clues=Clues.from_data(data),
        roles=RoleWords.from_data(data),
        negation=words("negation"),
        negation_exceptions=tuple(tuple(str(w).lower() for w in seq) for seq in data.get("negation_exceptions", [])),
        modality={str(k).lower(): str(v) for k, v in (data.get("modality") or {}).items()},
    )


class EventFinder:
    def __call__(self, doc: Document) -> Document:
        rules = rules_for(doc.language)
        if not rules.lexicon.by_form:
            doc.warnings.append(f"events: no event lexicon for language '{doc.language}'")
            return doc
        for view in sentence_views(doc, rules.clues):
            found = [
                (trigger, build_event(view, trigger, rules, f"V{len(doc.events) + n + 1}"))
                for n, trigger in enumerate(find_triggers(view, rules.lexicon))
            ]
            attach_counts(view, found)
            doc.events.extend(event for _, event in found)
        for event in doc.events:
            event.summary = summary_line(event, doc)
        return doc


def build_event(view: SentenceView, trigger: Trigger, rules: Rules, event_id: str) -> Event:
    i, entry = trigger.index, trigger.entry
    roles = find_roles(view, trigger, rules.roles)
    return Event(
        id=event_id,
        type=entry.type,
        mode=entry.mode,
        trigger=view.mention(i, i + 1),
        actors=entity_ids(view, roles.actors),
        targets=entity_ids(view, roles.targets),
        actor_mentions=mentions(view, roles.actors),
        target_mentions=mentions(view, roles.targets),
        place=find_place(view, trigger, rules.roles),
        time=find_time(view, trigger),
        negated=_negated(view, trigger, rules),
        modality=entry.modality or _modality(view, trigger, rules),
    )


def _negated(view: SentenceView, trigger: Trigger, rules: Rules) -> bool:
    if view.parsed:
        near = [c for c in view.children(trigger.index) if view.dep(c) in ("advmod", "det", "neg")]
        return any(view.lower[c] in rules.negation for c in near)
    return any(
        view.lower[j] in rules.negation and not _approximator(view, j, rules) for j in view.clause_tokens(trigger.index)
    )


def _approximator(view: SentenceView, j: int, rules: Rules) -> bool:
    """ "niet meer dan 300" is an approximator of a number, not a negation."""
    if j in view.quantity_at:
        return True
    return any(tuple(view.lower[j : j + len(seq)]) == seq for seq in rules.negation_exceptions)


def _modality(view: SentenceView, trigger: Trigger, rules: Rules) -> str | None:
    scope = view.clause_tokens(trigger.index)
    if view.parsed:  # the modal governs the trigger: an aux child or a verb it is the xcomp of
        scope = [*view.children(trigger.index), view.head(trigger.index)]
    for j in sorted(scope):
        if j != trigger.index and view.lower[j] in rules.modality:
            return rules.modality[view.lower[j]]
    return None


def five_w(event: Event, doc: Document) -> dict[str, str]:
    """who, what, whom, where, when, how many and modality of an event, each empty when the text does
    not say (the why is not extracted: a stated cause is at best another event of the sentence)."""
    names = {e.id: e.name for e in doc.entities}
    places = {p.id: p.name for p in doc.places}
    kind = f"{event.type}{':' + event.mode if event.mode else ''}"
    return {
        "who": ", ".join(names.get(a, a) for a in event.actors) or ", ".join(m.text for m in event.actor_mentions),
        "what": f"{'not ' if event.negated else ''}{event.trigger.text} ({kind})",
        "whom": ", ".join(names.get(t, t) for t in event.targets) or ", ".join(m.text for m in event.target_mentions),
        "where": places.get(event.place, event.place) or "" if event.place else "",
        "when": event.time or "",
        "how many": how_many(event, doc),
        "modality": event.modality or "",
    }


def summary_line(event: Event, doc: Document) -> str:
    """who | did what | to whom | where | when | how many, from what the event holds."""
    parts = five_w(event, doc)
    parts["who"] = parts["who"] or "?"
    return "; ".join(f"{name}: {value}" for name, value in parts.items() if value)


@stage(
    "events",
    requires=("sentences",),
    assigns=("events",),
)
def make_event_finder(settings: Settings) -> EventFinder:
    """Find events: trigger, PLOVER type and mode, actor, target, place, time, counts, modality."""
    for code in settings.languages:
        rules_for(code)
    return EventFinder()
