"""The time stage: find time expressions sentence by sentence and normalise them against the
publication date, reading each language's grammar from its data file."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from functools import cache

from kroniek.model import Document, Sentence, TimeExpression
from kroniek.registry import stage
from kroniek.settings import Settings
from kroniek.time.grammar import Grammar, Match, grammar_for, language_data
from kroniek.time.normalise import Context, Reading, read, since_reading
from kroniek.time.tense import TenseCues, clause_tense, plain_tokens

DAY_VALUE = re.compile(r"^\d{4}-\d\d-\d\d")
DIRECTIONS = {"past": "past", "future": "future"}  # present and unknown: the nearest occurrence


@dataclass
class Found:
    start: int
    end: int
    reading: Reading
    action: str


@cache
def tense_cues(code: str) -> TenseCues:
    return TenseCues.from_data((language_data(code) or {}).get("tense", {}))


class TimeTagger:
    """Adds ``doc.times``. Grammars are compiled once per language and kept."""

    def __init__(self, languages: tuple[str, ...] = ()) -> None:
        for code in languages:  # compile up front what a batch will need
            grammar_for(code)

    def __call__(self, doc: Document) -> Document:
        grammar = grammar_for(doc.language) if doc.language else None
        if grammar is None:
            return doc
        cues = tense_cues(doc.language or "")
        sentences = doc.sentences or [Sentence(start=0, end=len(doc.text))]
        found = [f for s in sentences for f in self._sentence(doc, s, grammar, cues)]
        first_id = len(doc.times) + 1
        doc.times.extend(
            TimeExpression(
                id=f"T{first_id + i}",
                text=doc.text[f.start : f.end],
                start=f.start,
                end=f.end,
                type=f.reading.type,
                value=f.reading.value,
                mod=f.reading.mod,
                anchor=f.reading.anchor,
            )
            for i, f in enumerate(found)
        )
        return doc

    def _sentence(self, doc: Document, sentence: Sentence, grammar: Grammar, cues: TenseCues) -> list[Found]:
        text = doc.text[sentence.start : sentence.end]
        tokens = sentence.tokens or plain_tokens(text, sentence.start)
        found: list[Found] = []
        for match in grammar.find(text):
            offset = sentence.start
            tense = clause_tense(tokens, offset + match.start, offset + match.end, cues)
            direction = DIRECTIONS.get(tense or "") if tense else grammar.default_direction
            since = grammar.preceded_by_since(text, match.start)
            if since is not None:  # "sinds dinsdag": the last Tuesday, whatever the tense
                direction = "past"
            ctx = Context(doc.document.published, direction)
            if match.rule.action == "range":
                found += [Found(offset + s, offset + e, r, "date") for s, e, r in _range(match, ctx)]
                continue
            reading = read(match.rule.action, match.fields, ctx, match.rule.options)
            if reading is None:
                continue
            start = match.start
            if since is not None and reading.type in {"DATE", "TIME"} and reading.value != "PRESENT_REF":
                start, reading = since, since_reading(reading, doc.document.published)
            found.append(Found(offset + start, offset + match.end, reading, match.rule.action))
        return _date_clock_times(found, doc.text, grammar)


def _range(match: Match, ctx: Context) -> list[tuple[int, int, Reading]]:
    """ "van 3 tot 5 juni": two dates, the first taking its month and year from the second."""
    shared = {k: v for k, v in match.fields.items() if k not in {"day", "day2", "r1", "r2"}}
    out = []
    for group, day in (("r1", "day"), ("r2", "day2")):
        fields = {**shared, "day": match.fields[day]}
        reading = read("date", fields, ctx, match.rule.options)
        if reading is not None:
            out.append((*match.spans[group], reading))
    return out


def _date_clock_times(found: list[Found], text: str, grammar: Grammar) -> list[Found]:
    """ "woensdag om 14.30 uur": the clock time takes its day from the date right beside it; with
    nothing but a space or comma between ("3/9/2005 11:16 PM") the two are one expression."""
    out: list[Found | None] = list(found)
    for i, item in enumerate(found):
        if item.action != "clock" or item.reading.value is None:
            continue
        for j in (i - 1, i + 1):
            if not 0 <= j < len(found) or not DAY_VALUE.match(found[j].reading.value or ""):
                continue
            left, right = sorted((found[j], item), key=lambda f: f.start)
            glue = text[left.end : right.start]
            if grammar.date_time_glue.match(glue):
                clock = item.reading.value[item.reading.value.index("T") :]
                day = (found[j].reading.value or "")[:10]
                reading = replace(item.reading, value=day + clock)
                if j == i - 1 and not glue.strip(" ,"):
                    out[i], out[j] = replace(item, start=left.start, reading=reading), None
                else:
                    out[i] = replace(item, reading=reading)
                break
    return [f for f in out if f is not None]


@stage("time", requires=("sentences",), assigns=("times",))
def make_time_tagger(settings: Settings) -> TimeTagger:
    """Find time expressions (TIMEX3) and normalise them against the publication date."""
    return TimeTagger(settings.languages)
