"""Trigger finding: which tokens of a sentence name an event, and which lexicon entry types it."""

from __future__ import annotations

from dataclasses import dataclass

from kroniek.events.lexicon import Entry, Form, Lexicon
from kroniek.events.sentence import SentenceView

# Parts of speech that never carry an event (once a tagger has said so).
NEVER_TRIGGERS = frozenset({"DET", "ADP", "PRON", "PUNCT", "CCONJ", "SCONJ", "NUM", "SYM"})
# A verb entry on a token with one of these dependents heads a noun phrase: "de dood", "drie doden",
# "op verschillende plaatsen".
NOUN_DEPENDENTS = frozenset({"det", "nummod", "case"})
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
        if i in taken or _excluded(view, i) or view.lower[i] in lexicon.not_forms:
            continue
        candidates = _from_lemma(view, i, lexicon) + _from_forms(view, i, lexicon)
        candidates = [c for c in candidates if _fits_clause(view, c) and _fits_tag(view, c)]
        if candidates:
            best = max(candidates, key=lambda c: c.specificity)
            found.append(best)
            if best.particle is not None:
                taken.add(best.particle)
    companions = {j for t in found if t.entry.absorb for j in _companion_tokens(view, t)}
    found = [t for t in found if t.index not in companions]  # "er vielen doden": one event, on "vielen"
    nouns = {t.index for t in found if t.entry.kind == "noun"}
    return [t for t in found if not (t.entry.light and _takes_noun_trigger(view, t.index, nouns))]


def _takes_noun_trigger(view: SentenceView, i: int, nouns: set[int]) -> bool:
    """ "kondigde zijn ontslag aan": the light verb's object is the event (with a parse: its object or
    passive subject; without: a noun trigger after it in its clause)."""
    if view.parsed:
        return any(c in nouns and view.dep(c) in ("obj", "nsubj:pass") for c in view.children(i))
    return any(j in nouns for j in view.clause_tokens(i) if j > i)


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


def _clause_words(view: SentenceView, i: int) -> set[str]:
    clause = view.clause_tokens(i)
    return {view.lower[j] for j in clause} | {view.lemma(j) for j in clause}


def _fits_clause(view: SentenceView, trigger: Trigger) -> bool:
    """One of the entry's companion words is in the clause, and none of the words it must not meet is
    in the sentence (a parse may put "voor" of "kiezen ervoor om ..." in the clause it introduces)."""
    entry = trigger.entry
    if entry.companions and not any(word in _clause_words(view, trigger.index) for word in entry.companions):
        return False
    return not any(word in view.lower for word in entry.without)


def _fits_tag(view: SentenceView, trigger: Trigger) -> bool:
    """The parse overrules the word form: a verb entry is no verb where the word is a counted noun or
    heads a noun phrase ("5 miljoen stemmen", "de dood") or modifies a noun as an adjective that is no participle ("free
    trade"; "de gearresteerde man" stays). Relations, not tags: the Dutch tagger is the weaker guide."""
    i = trigger.index
    if trigger.entry.kind != "verb":
        return True
    if any(view.lower[i] == (q.counts or "").lower() for j, q in view.quantity_at.items() if i - 3 <= j < i):
        return False  # the noun a number counts: "5,8 miljoen stemmen"
    if not view.parsed:
        return True
    if any(view.dep(c) in NOUN_DEPENDENTS for c in view.children(i)):
        return False
    return not (view.dep(i) == "amod" and view.tokens[i].pos == "ADJ" and not trigger.participle)


def _companion_tokens(view: SentenceView, trigger: Trigger) -> list[int]:
    companions = trigger.entry.companions
    if not companions:
        return []
    return [
        j
        for j in view.clause_tokens(trigger.index)
        if j != trigger.index and (view.lower[j] in companions or view.lemma(j) in companions)
    ]
