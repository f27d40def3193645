"""The errors behind the event figures, passage by passage, for studying the dev split (never test).

    python -m kroniek.events.evaluate --split dev --no-eventdna --show-errors

Each line names a passage and one disagreement with the gold: a missed gold trigger, a predicted
trigger the gold lacks, a wrong type, an argument missed or wrongly found, a quantity attached
wrongly; the trigger is shown in its context so a lexicon or rule gap can be read off directly.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from kroniek.events.gold import Passage, overlaps
from kroniek.model import Document, Event

CONTEXT = 40  # characters shown on each side of a trigger
ARGUMENT_ROLES = ("actor", "target", "place", "time")


def context(text: str, start: int, end: int) -> str:
    left = text[max(0, start - CONTEXT) : start].replace("\n", " ")
    right = text[end : end + CONTEXT].replace("\n", " ")
    return f"...{left}[{text[start:end]}]{right}..."


def _kind(type_: str | None, mode: str | None) -> str:
    return f"{type_}:{mode}" if mode else str(type_)


def passage_mistakes(
    passage: Passage,
    doc: Document,
    pairs: list[tuple[Event, dict[str, Any] | None]],
    arguments: dict[str, list[tuple[str, tuple[int, int]]]],
    attachments: dict[str, list[tuple[str, tuple[int, int]]]],
) -> Iterator[str]:
    """``arguments`` and ``attachments``: (role, span) pairs per predicted event id."""
    text = passage.text
    matched = [id(g) for _, g in pairs if g is not None]
    for wanted in passage.events:
        if id(wanted) not in matched:
            start, end = wanted["trigger"]
            yield f"missed  {_kind(wanted['type'], wanted['mode']):<22} {context(text, start, end)}"
    for event, gold in pairs:
        where = context(text, event.trigger.start, event.trigger.end)
        if passage.scope == "counts":  # only the events with counts are annotated
            yield from _attachment_mistakes(text, event, gold, attachments.get(event.id, [])) if gold else iter(())
            continue
        if gold is None:
            yield f"extra   {_kind(event.type, event.mode):<22} {where}"
            continue
        if event.type != gold["type"]:
            yield f"type    {_kind(event.type, event.mode)} for gold {_kind(gold['type'], gold['mode'])}: {where}"
        yield from _argument_mistakes(text, event, gold, arguments.get(event.id, []), ARGUMENT_ROLES)
        yield from _attachment_mistakes(text, event, gold, attachments.get(event.id, []))


def _argument_mistakes(
    text: str, event: Event, gold: dict[str, Any], found: list[tuple[str, tuple[int, int]]], roles: tuple[str, ...]
) -> Iterator[str]:
    trigger = text[event.trigger.start : event.trigger.end]
    for role in roles:
        predicted = [span for r, span in found if r == role]
        for span in predicted:
            if not any(overlaps(span, g) for g in gold[role]):
                yield f"{role:<7} extra  {text[span[0] : span[1]]!r} of {trigger!r}"
        for g in gold[role]:
            if not any(overlaps(span, g) for span in predicted):
                yield f"{role:<7} missed {text[g[0] : g[1]]!r} of {trigger!r}"


def _attachment_mistakes(
    text: str, event: Event, gold: dict[str, Any], found: list[tuple[str, tuple[int, int]]]
) -> Iterator[str]:
    trigger = text[event.trigger.start : event.trigger.end]
    wanted = [(q["role"], tuple(q["span"])) for q in gold.get("quantities", [])]
    for role, span in found:
        if not any(r == role and overlaps(span, s) for r, s in wanted):
            yield f"count   extra  {role} {text[span[0] : span[1]]!r} of {trigger!r}"
    for role, span in wanted:
        if not any(r == role and overlaps(span, s) for r, s in found):
            yield f"count   missed {role} {text[span[0] : span[1]]!r} of {trigger!r}"
