"""The words a quantity is read from, and tables of (multi-word) phrases matched over them.

The stage re-reads each sentence with its own small scanner instead of the segmenter's tokens:
spaCy splits "5%" in English but not in Dutch, and a quantity has to see what is glued to a number
("F-16", "3e", "21-06-2017", "$1.5bn") to tell a count from a code, an ordinal or a date.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

# A digit run with inner separators ("100.000", "1,5"), a letter run with inner hyphens,
# apostrophes or dots ("IS-strijders", "zo'n", "a.m"), or any other single character.
WORD_PATTERN = re.compile(r"\d+(?:[.,]\d+)*|[^\W\d_]+(?:[-'\u2019.][^\W\d_]+)*|\S")

V = TypeVar("V")


@dataclass(frozen=True, slots=True)
class Word:
    text: str
    start: int
    end: int
    low: str

    @property
    def is_digit(self) -> bool:
        return self.text[0].isdigit()

    @property
    def is_alpha(self) -> bool:
        return self.text[0].isalpha()


def normalise(text: str) -> str:
    return text.casefold().replace("\u2019", "'")  # the typographic apostrophe (U+2019) reads as the plain one


def scan(text: str, offset: int = 0) -> list[Word]:
    """The words of ``text``; offsets are shifted by ``offset`` so they point into the document."""
    return [
        Word(m.group(), m.start() + offset, m.end() + offset, normalise(m.group())) for m in WORD_PATTERN.finditer(text)
    ]


def phrase_key(phrase: str) -> tuple[str, ...]:
    return tuple(word.low for word in scan(phrase))


def glued(left: Word, right: Word) -> bool:
    """No space between two words."""
    return left.end == right.start


class PhraseTable(Generic[V]):
    """Phrases of one or more words with a value each, matched longest first, case-insensitively."""

    def __init__(self, entries: Mapping[str, V] | Iterable[str]) -> None:
        pairs = entries.items() if isinstance(entries, Mapping) else ((phrase, True) for phrase in entries)
        self._entries: dict[tuple[str, ...], V] = {phrase_key(str(k)): v for k, v in pairs}  # type: ignore[misc]
        self._entries.pop((), None)
        self._lengths = sorted({len(key) for key in self._entries}, reverse=True)

    def match(self, words: Sequence[Word], i: int) -> tuple[V, int] | None:
        """The value of the longest phrase starting at word ``i``, and the index after it."""
        for n in self._lengths:
            key = tuple(word.low for word in words[i : i + n])
            if len(key) == n and key in self._entries:
                return self._entries[key], i + n
        return None

    def ends_at(self, words: Sequence[Word], i: int) -> bool:
        """Whether a phrase ends right before word ``i``."""
        return any(i - n >= 0 and tuple(word.low for word in words[i - n : i]) in self._entries for n in self._lengths)

    def get(self, word: str) -> V | None:
        return self._entries.get((word,))

    def __contains__(self, word: str) -> bool:
        return (word,) in self._entries
