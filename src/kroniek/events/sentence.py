"""A sentence seen by the event and claim rules: tokens, their parse when there is one, and what the
earlier stages found in it (entities, places, times, quantities) indexed by token.

Every question the rules ask ("which clause is this token in?", "which entity covers it?") is
answered from the dependency parse when the parse stage ran and from surface cues otherwise, so the
rules work on bare tokens and get better with a parse.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from kroniek.model import Document, Entity, Place, Quantity, Sentence, TimeExpression, Token

# Relations that open a clause of their own: a token's clause is the nearest ancestor reached by one.
CLAUSE_RELATIONS = frozenset({"root", "ccomp", "advcl", "acl:relcl", "acl", "parataxis", "csubj", "conj"})
# Relations inside a bare noun phrase (no prepositional or clausal modifiers).
CORE_RELATIONS = frozenset({"det", "amod", "compound", "flat", "flat:name", "nummod", "nmod:poss", "fixed", "det:poss"})
# Function words at a phrase's edge that belong to the clause, not the phrase.
EDGE_RELATIONS = frozenset({"case", "mark", "cc", "punct", "cop", "aux", "aux:pass"})
PUNCT_BOUNDARIES = frozenset({",", ";", ":", "(", ")", "\u2013", "-", '"', "\u201c", "\u201d"})


@dataclass(frozen=True)
class Clues:
    """Language words the surface fallback needs; read from a stage's data file."""

    clause_openers: frozenset[str] = frozenset()
    stop_words: frozenset[str] = frozenset()

    @classmethod
    def from_data(cls, data: dict[str, Any]) -> Clues:
        return cls(
            clause_openers=frozenset(w.lower() for w in data.get("clause_openers", [])),
            stop_words=frozenset(w.lower() for w in data.get("stop_words", [])),
        )


@dataclass
class SentenceView:
    doc: Document
    sentence: Sentence
    clues: Clues
    tokens: list[Token] = field(init=False)
    lower: list[str] = field(init=False)
    parsed: bool = field(init=False)
    entity_at: dict[int, Entity] = field(init=False, default_factory=dict)
    place_at: dict[int, Place] = field(init=False, default_factory=dict)
    time_at: dict[int, TimeExpression] = field(init=False, default_factory=dict)
    quantity_at: dict[int, Quantity] = field(init=False, default_factory=dict)
    _clause: list[int] = field(init=False, default_factory=list)
    _children: list[list[int]] = field(init=False, default_factory=list)

    def __post_init__(self) -> None:
        self.tokens = self.sentence.tokens
        self.lower = [t.text.lower() for t in self.tokens]
        self.parsed = bool(self.tokens) and all(t.dep is not None and t.head is not None for t in self.tokens)
        self._index_findings()
        self._children = [[] for _ in self.tokens]
        if self.parsed:
            for i, token in enumerate(self.tokens):
                if token.head != i and token.head is not None:
                    self._children[token.head].append(i)
        self._clause = self._parse_clauses() if self.parsed else self._surface_clauses()

    # -- findings of earlier stages -------------------------------------------------------------
    def _index_findings(self) -> None:
        for entity in self.doc.entities:
            for m in entity.mentions:
                for i in self.token_range(m.start, m.end):
                    self.entity_at.setdefault(i, entity)
        for place in self.doc.places:
            for m in place.mentions:
                for i in self.token_range(m.start, m.end):
                    self.place_at.setdefault(i, place)
        for time in self.doc.times:
            for i in self.token_range(time.start, time.end):
                self.time_at.setdefault(i, time)
        for quantity in self.doc.quantities:
            for i in self.token_range(quantity.start, quantity.end):
                self.quantity_at.setdefault(i, quantity)

    def token_range(self, start: int, end: int) -> range:
        """Indices of the tokens that overlap [start, end); empty when the span is elsewhere."""
        if end <= self.sentence.start or start >= self.sentence.end:
            return range(0)
        first = next((i for i, t in enumerate(self.tokens) if t.end > start), len(self.tokens))
        last = first
        while last < len(self.tokens) and self.tokens[last].start < end:
            last += 1
        return range(first, last)

    # -- lemma and syntax -----------------------------------------------------------------------
    def lemma(self, i: int) -> str:
        lemma = self.tokens[i].lemma
        return lemma.lower() if lemma else self.lower[i]

    def dep(self, i: int) -> str:
        return (self.tokens[i].dep or "").lower()

    def head(self, i: int) -> int:
        head = self.tokens[i].head
        return i if head is None else head

    def children(self, i: int) -> list[int]:
        return self._children[i] if self.parsed else []

    def subtree(self, i: int) -> list[int]:
        found, todo = [], [i]
        while todo:
            j = todo.pop()
            found.append(j)
            todo.extend(self.children(j))
        return sorted(found)

    def clause(self, i: int) -> int:
        """An id of the clause the token belongs to (a token index)."""
        return self._clause[i]

    def clause_tokens(self, i: int) -> list[int]:
        own = self._clause[i]
        return [j for j, c in enumerate(self._clause) if c == own]

    def _parse_clauses(self) -> list[int]:
        result = []
        for i in range(len(self.tokens)):
            j, seen = i, set()
            while j not in seen and not self._opens_clause(j):
                seen.add(j)
                j = self.head(j)
            result.append(j)
        return result

    def _opens_clause(self, i: int) -> bool:
        relation = self.dep(i)
        if relation == "conj":  # only coordinated verbs open a clause; coordinated nouns do not
            return (self.tokens[i].pos or "") in ("VERB", "AUX")
        return relation in CLAUSE_RELATIONS or self.head(i) == i

    def _surface_clauses(self) -> list[int]:
        result, current = [], 0
        for i, word in enumerate(self.lower):
            if word in PUNCT_BOUNDARIES or (word in self.clues.clause_openers and i > 0):
                current = i
            result.append(current)
        return result

    def is_verb(self, i: int) -> bool:
        pos = self.tokens[i].pos
        return pos in ("VERB", "AUX") if pos else True

    # -- phrases ----------------------------------------------------------------------------------
    def phrase(self, i: int) -> tuple[int, int]:
        """Token range [first, last) of the noun phrase headed by (or containing) token i."""
        if self.parsed:
            keep = [j for j in self.subtree(i) if self._clause[j] == self._clause[i] or j == i]
            keep = sorted(self._cut_relative(i, keep))
            while len(keep) > 1 and keep[0] != i and self.dep(keep[0]) in EDGE_RELATIONS:
                keep.pop(0)  # "volgens de politie": the phrase is "de politie"
            while len(keep) > 1 and keep[-1] != i and self.dep(keep[-1]) in EDGE_RELATIONS:
                keep.pop()
            return keep[0], keep[-1] + 1
        entity = self.entity_at.get(i)
        if entity is not None:
            return self._entity_span(i, entity)
        first = i
        while first > 0 and self._np_word(first - 1):
            first -= 1
        return first, i + 1

    def core_phrase(self, i: int) -> tuple[int, int]:
        """The noun phrase of token i without its prepositional and clausal modifiers: "het Rode Kruis"
        of "verklaringen van het Rode Kruis" is a phrase of its own."""
        if not self.parsed:
            return self.phrase(i)
        keep, todo = [i], [i]
        while todo:
            j = todo.pop()
            kids = [c for c in self.children(j) if self.dep(c) in CORE_RELATIONS or self._title_name(j, c)]
            keep += kids
            todo += kids
        keep = sorted(self._cut_relative(i, keep))
        return keep[0], keep[-1] + 1

    def _title_name(self, head: int, child: int) -> bool:
        """ "persbureau Reuters": a name in apposition right after its title belongs to the phrase."""
        return self.dep(child) == "appos" and child == head + 1 and self.tokens[child].text[:1].isupper()

    def _cut_relative(self, i: int, keep: list[int]) -> list[int]:
        contiguous = [i]
        for j in range(i + 1, max(keep) + 1):
            if j not in keep or self.lower[j] in PUNCT_BOUNDARIES:
                break
            contiguous.append(j)
        for j in range(i - 1, min(keep) - 1, -1):
            if j not in keep or self.lower[j] in PUNCT_BOUNDARIES:
                break
            contiguous.append(j)
        return contiguous

    def _entity_span(self, i: int, entity: Entity) -> tuple[int, int]:
        first = last = i
        while first > 0 and self.entity_at.get(first - 1) is entity:
            first -= 1
        while last + 1 < len(self.tokens) and self.entity_at.get(last + 1) is entity:
            last += 1
        return first, last + 1

    def _np_word(self, i: int) -> bool:
        word = self.lower[i]
        return word not in PUNCT_BOUNDARIES and (word in self.clues.stop_words or self.tokens[i].text[:1].isupper())

    def entities_in(self, first: int, last: int) -> list[Entity]:
        seen: list[Entity] = []
        for j in range(first, last):
            entity = self.entity_at.get(j)
            if entity is not None and entity not in seen:
                seen.append(entity)
        return seen

    def mention(self, first: int, last: int) -> Any:
        return self.doc.mention(self.tokens[first].start, self.tokens[last - 1].end)

    def __len__(self) -> int:
        return len(self.tokens)


def sentence_views(doc: Document, clues: Clues) -> Iterator[SentenceView]:
    for sentence in doc.sentences:
        if sentence.tokens:
            yield SentenceView(doc, sentence, clues)
