"""Trigger finding: which tokens of a sentence name an event, and which lexicon entry types it."""

from __future__ import annotations

from dataclasses import dataclass

from kroniek.events.lexicon import Entry, Form, Lexicon
from kroniek.events.sentence import SentenceView

# Parts of speech that never carry an event (once a tagger has said so).
NEVER_TRIGGERS = frozenset({"DET", "ADP", "PRON", "PUNCT", "CCONJ", "SCONJ", "NUM", "SYM"})
PARTICLE_RELATIONS = frozenset({"compound:prt", "svp"})


@dataclass(frozen=True)
class Trigger:
    index: int
    entry: Entry
    particle: int | None = None  # the separated particle token ("uit" in "riep ... uit")
    participle: bool = False

    @property
    def specificity(self) -> int:
        return 2 * (self.particle is not None) + len(self.entry.companions)


def find_triggers(view: SentenceView, lexicon: Lexicon) -> list[Trigger]:
    found: list[Trigger] = []
    taken: set[int] = set()
    for i in range(len(view)):
        if i in taken or _excluded(view, i):
            continue
        candidates = _from_lemma(view, i, lexicon) + _from_forms(view, i, lexicon)
        candidates = [c for c in candidates if _companions_present(view, c)]
        if candidates:
            best = max(candidates, key=lambda c: c.specificity)
            found.append(best)
            if best.particle is not None:
                taken.add(best.particle)
    return found


def _excluded(view: SentenceView, i: int) -> bool:
    entity = view.entity_at.get(i)
    if entity is not None and entity.type in ("PER", "ORG", "LOC"):
        return True
    return (view.tokens[i].pos or "") in NEVER_TRIGGERS or not view.tokens[i].text[:1].isalpha()


def _from_lemma(view: SentenceView, i: int, lexicon: Lexicon) -> list[Trigger]:
    if view.tokens[i].lemma is None:
        return []
    lemma = view.lemma(i).replace("_", "")
    particle = next((c for c in view.children(i) if view.dep(c) in PARTICLE_RELATIONS), None)
    found = []
    if particle is not None:
        joined = view.lemma(particle) + lemma
        found += [Trigger(i, e, particle) for e in lexicon.by_lemma.get(joined, []) if e.particle]
    found += [Trigger(i, e) for e in lexicon.by_lemma.get(lemma, []) if not e.particle or lemma == e.lemma]
    return found


def _from_forms(view: SentenceView, i: int, lexicon: Lexicon) -> list[Trigger]:
    found = []
    for form in lexicon.forms_of(view.lower[i]):
        if not form.needs_particle:
            found.append(Trigger(i, form.entry, participle=form.participle))
            continue
        particle = _particle_after(view, i, form)
        if particle is not None:
            found.append(Trigger(i, form.entry, particle, participle=form.participle))
    return found


def _particle_after(view: SentenceView, i: int, form: Form) -> int | None:
    """The separated particle: later in the verb's clause (Dutch puts it at the clause's end)."""
    particle = form.entry.particle
    child = next((c for c in view.children(i) if view.lower[c] == particle), None)
    if child is not None:
        return child
    verb_final = i + 1 == len(view) or not view.lower[i + 1][:1].isalnum()
    if i > 0 and view.lower[i - 1] == particle and verb_final:  # "... over zijn", "vast zitten."
        return i - 1
    clause = view.clause(i)
    for j in range(i + 1, len(view)):
        if view.lower[j] == particle and view.clause(j) == clause and view.lower[j - 1] not in view.clues.stop_words:
            return j  # "de dood" is a noun phrase, not the particle of "verklaarde ... dood"
    return None


def _companions_present(view: SentenceView, trigger: Trigger) -> bool:
    if not trigger.entry.companions:
        return True
    words = {view.lower[j] for j in view.clause_tokens(trigger.index)}
    words |= {view.lemma(j) for j in view.clause_tokens(trigger.index)}
    return all(word in words for word in trigger.entry.companions)
