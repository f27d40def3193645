"""Source phrases: the noun phrase that names who says so, from the parse when there is one and
otherwise from its shape (determiner, adjectives, a head, names), with entity mentions taken whole."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from kroniek.events.sentence import PUNCT_BOUNDARIES, SentenceView

Span = tuple[int, int]  # token range [first, last) in a sentence
SHARED_PREFIX = 4  # "Russen" and "Russische regering" name the same speaker


@dataclass(frozen=True)
class Phrases:
    determiners: frozenset[str]
    adjective_endings: tuple[str, ...]
    noun_endings: tuple[str, ...]
    np_links: frozenset[str]
    source_nouns: frozenset[str]
    source_links: frozenset[str]

    @classmethod
    def from_data(cls, data: dict[str, Any]) -> Phrases:
        def words(key: str) -> frozenset[str]:
            return frozenset(str(w).lower() for w in data.get(key, []))

        return cls(
            words("determiners"),
            tuple(data.get("adjective_endings", [])),
            tuple(data.get("noun_endings", [])),
            words("np_links"),
            words("source_nouns"),
            words("source_links"),
        )

    # -- forward: "volgens X", "aldus X", "tegen persbureau Reuters" -------------------------------
    def source_after(self, view: SentenceView, start: int) -> Span | None:
        span = self.noun_phrase(view, start)
        if span is None:
            return None
        head_word = view.lower[span[1] - 1]
        if head_word in self.source_nouns and span[1] < len(view) and view.lower[span[1]] in self.source_links:
            inner = self.noun_phrase(view, span[1] + 1)  # "schattingen van het Iraakse leger": the army
            return inner or span
        return span

    def via_after(self, view: SentenceView, end: int, markers: frozenset[str]) -> Span | None:
        if end < len(view) and view.lower[end] in markers:
            return self.noun_phrase(view, end + 1)
        return None

    def noun_phrase(self, view: SentenceView, start: int) -> Span | None:
        if start >= len(view) or view.lower[start] in PUNCT_BOUNDARIES:
            return None
        if view.parsed:
            first, last = view.core_phrase(self._parsed_head(view, start))
            return first, self._names_after(view, last)
        entity = view.entity_at.get(start)
        if entity is not None:
            return view.phrase(start)
        j = start + (view.lower[start] in self.determiners)
        while j + 1 < len(view) and self._adjective(view, j) and view.lower[j + 1] not in PUNCT_BOUNDARIES:
            j += 1
        if j >= len(view) or view.lower[j] in PUNCT_BOUNDARIES:
            return None
        return start, self._names_after(view, j + 1)

    @staticmethod
    def _names_after(view: SentenceView, j: int) -> int:
        """Names after a title belong to the phrase: "persbureau Reuters"."""
        while j < len(view) and (view.tokens[j].text[:1].isupper() or j in view.entity_at):
            j += 1
        return j

    def _adjective(self, view: SentenceView, j: int) -> bool:
        word = view.lower[j]
        if self.noun_endings and word.endswith(self.noun_endings):  # "politie" is a noun, "Rode" is not
            return False
        return word.endswith(self.adjective_endings) and len(word) > 3 and word not in self.determiners

    @staticmethod
    def _parsed_head(view: SentenceView, start: int) -> int:
        """The token of the phrase starting at ``start`` whose head lies outside it."""
        j = start
        while (
            view.head(j) != j
            and view.head(j) > start
            and view.dep(j) in ("det", "amod", "compound", "flat", "nmod:poss")
        ):
            j = view.head(j)
        return j

    # -- backward: the subject before a speech verb, or after it in verb-second order ---------------
    def subject_of(self, view: SentenceView, verb: int, fronted: frozenset[str]) -> Span | None:
        before = [j for j in range(verb) if view.lower[j] not in PUNCT_BOUNDARIES]
        inverted = not before or all(view.lower[j] in fronted or j in view.time_at for j in before)
        if view.lower[verb - 1 : verb] == [","] or inverted:  # "Eerder verklaarden Iraakse officieren", ", said X"
            return self.noun_phrase(view, verb + 1)
        first = verb - 1
        entity = view.entity_at.get(first)
        if entity is not None:
            return view.phrase(first)
        while (
            first > 0
            and view.lower[first - 1] not in PUNCT_BOUNDARIES
            and (
                self._adjective(view, first - 1)
                or view.lower[first - 1] in self.determiners
                or view.tokens[first - 1].text[:1].isupper()
            )
        ):
            first -= 1
        return first, verb

    # -- matching a later sentence's speaker to an earlier claim -----------------------------------
    @staticmethod
    def words_before(view: SentenceView, at: int) -> list[str]:
        return [w for w in view.lower[:at] if len(w) >= SHARED_PREFIX]

    @staticmethod
    def same_source(words: list[str], source_text: str | None) -> bool:
        if not source_text:
            return False
        stems = {w[:SHARED_PREFIX] for w in source_text.lower().split() if len(w) >= SHARED_PREFIX}
        return any(w[:SHARED_PREFIX] in stems for w in words)
