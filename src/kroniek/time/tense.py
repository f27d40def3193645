"""The tense of the clause around a time expression, which says whether "woensdag" or "in oktober"
lies before or after the publication date.

No tagger fills Token.tag yet, so word lists and suffix patterns from the data file stand in for it;
when a token carries a tag, the language's tag patterns decide for that token instead.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from kroniek.model import Token

WORD = re.compile(r"\w+(?:['\u2019]\w+)?|[^\w\s]")


@dataclass(frozen=True)
class TenseCues:
    past_words: frozenset[str]
    future_words: frozenset[str]
    not_past: frozenset[str]
    determiners: frozenset[str]
    perfect_auxiliaries: frozenset[str]
    stative_auxiliaries: frozenset[str]
    clause_breaks: frozenset[str]
    past_pattern: re.Pattern[str] | None
    not_after: re.Pattern[str] | None
    participle: re.Pattern[str] | None
    past_tags: re.Pattern[str] | None
    present_tags: re.Pattern[str] | None

    @classmethod
    def from_data(cls, data: dict[str, Any]) -> TenseCues:
        def words(key: str) -> frozenset[str]:
            return frozenset(str(w).lower() for w in data.get(key, []))

        def pattern(key: str) -> re.Pattern[str] | None:
            value = data.get(key)
            if isinstance(value, list):
                value = "|".join(f"(?:{v})" for v in value) if value else None
            return re.compile(value) if value else None

        return cls(
            past_words=words("past_words"),
            future_words=words("future_words"),
            not_past=words("not_past"),
            determiners=words("determiners"),
            perfect_auxiliaries=words("perfect_auxiliaries"),
            stative_auxiliaries=words("stative_auxiliaries"),
            clause_breaks=words("clause_breaks"),
            past_pattern=pattern("past_pattern"),
            not_after=pattern("not_after_pattern"),
            participle=pattern("participle_pattern"),
            past_tags=pattern("past_tags"),
            present_tags=pattern("present_tags"),
        )


def plain_tokens(text: str, offset: int = 0) -> list[Token]:
    """Tokens for a text that has not been segmented: words and punctuation."""
    return [Token(start=offset + m.start(), end=offset + m.end(), text=m.group()) for m in WORD.finditer(text)]


def clause_tense(tokens: list[Token], start: int, end: int, cues: TenseCues) -> str | None:
    """'past', 'future', 'present' or None for the expression at [start, end) among ``tokens``:
    the nearest tense cue in its clause, else the nearest in the sentence."""
    inside = [i for i, t in enumerate(tokens) if t.start < end and t.end > start]
    if not inside:
        return None
    first, last = inside[0], inside[-1]
    lo, hi = _clause(tokens, first, last, cues)
    tense = _nearest_cue(tokens, first, last, lo, hi, cues)
    if tense is None and (lo, hi) != (0, len(tokens)):
        tense = _nearest_cue(tokens, first, last, 0, len(tokens), cues)
    return tense


def _clause(tokens: list[Token], first: int, last: int, cues: TenseCues) -> tuple[int, int]:
    lo = first
    while lo > 0 and tokens[lo - 1].text.lower() not in cues.clause_breaks:
        lo -= 1
    hi = last + 1
    while hi < len(tokens) and tokens[hi].text.lower() not in cues.clause_breaks:
        hi += 1
    return lo, hi


def _nearest_cue(tokens: list[Token], first: int, last: int, lo: int, hi: int, cues: TenseCues) -> str | None:
    order = sorted(
        (i for i in range(lo, hi) if not first <= i <= last),
        key=lambda i: first - i if i < first else i - last,
    )
    for i in order:
        tense = _token_tense(tokens, i, lo, hi, cues)
        if tense:
            return tense
    return None


def _token_tense(tokens: list[Token], i: int, lo: int, hi: int, cues: TenseCues) -> str | None:
    token = tokens[i]
    if token.tag:
        if cues.past_tags and cues.past_tags.search(token.tag):
            return "past"
        if cues.present_tags and cues.present_tags.search(token.tag):
            return "future" if _has_future_word(tokens, lo, hi, cues) else "present"
    word = token.text.lower()
    if word in cues.future_words:
        return "future"
    if word in cues.past_words:
        return "past"
    if word in cues.perfect_auxiliaries and _has_participle(tokens, lo, hi, i, cues):
        return "past"
    if word in cues.stative_auxiliaries and _has_participle(tokens, lo, hi, i, cues):
        return "present"
    if _looks_past(tokens, i, cues):
        return "past"
    return None


def _looks_past(tokens: list[Token], i: int, cues: TenseCues) -> bool:
    word = tokens[i].text
    if cues.past_pattern is None or not word.islower() or word in cues.not_past:
        return False
    if i > 0:
        previous = tokens[i - 1].text
        if previous.lower() in cues.determiners or (cues.not_after and cues.not_after.match(previous)):
            return False
    return bool(cues.past_pattern.match(word))


def _has_participle(tokens: list[Token], lo: int, hi: int, aux: int, cues: TenseCues) -> bool:
    if cues.participle is None:
        return False
    return any(cues.participle.match(tokens[j].text.lower()) for j in range(lo, hi) if j != aux)


def _has_future_word(tokens: list[Token], lo: int, hi: int, cues: TenseCues) -> bool:
    return any(tokens[j].text.lower() in cues.future_words for j in range(lo, hi))
