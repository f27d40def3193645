"""One grammar per language, built from its data file: word lists become named regex groups, rules
become compiled patterns, and a match becomes the parsed fields the normaliser reasons with.

A rule pattern is a regular expression with placeholders: ``{month}`` becomes ``(?P<month>januari|...)``
and ``{day:day2}`` the same pattern for ``day`` under the group name ``day2``. The placeholders are
the keys of ``WORD_LISTS`` (filled from the data file) and of ``DIGIT_PATTERNS``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from typing import Any

import yaml

from kroniek.time.gate import PLACEHOLDER, kind_prefixes, offered, required_kinds

APOSTROPHE = "\u2019"  # typographic apostrophe, read as '

DIGIT_PATTERNS = {
    "day": r"0?[1-9]|[12]\d|3[01]",
    "month_num": r"0?[1-9]|1[0-2]",
    "year": r"(?:1[5-9]|20)\d\d",
    "hour": r"[01]?\d|2[0-3]",
    "minute": r"[0-5]\d",
    "second": r"[0-5]\d",
}


@dataclass(frozen=True)
class Unit:
    code: str
    plural: bool


@dataclass
class Lexicon:
    """Word lists of one language: each maps a normalised word to what it means."""

    words: dict[str, dict[str, Any]]
    ordinal_suffix: str
    decimal_mark: str = "."

    def lookup(self, kind: str, text: str) -> Any:
        return self.words[kind].get(normalise_word(text))


@dataclass(frozen=True)
class Rule:
    index: int
    action: str
    regex: re.Pattern[str]
    groups: dict[str, str]  # group name -> placeholder kind
    options: dict[str, Any]
    needs: frozenset[str] = frozenset()  # kinds every match contains (see gate.py)


@dataclass
class Match:
    """One rule's match in a text: the expression's span and its parsed fields."""

    start: int
    end: int
    rule: Rule
    fields: dict[str, Any]
    spans: dict[str, tuple[int, int]] = field(default_factory=dict)


def normalise_word(text: str) -> str:
    return " ".join(text.lower().replace(APOSTROPHE, "'").split())


def word_alternation(words: list[str]) -> str:
    """Longest first, so that 'woensdagmiddag' is not cut at 'woensdag'."""
    parts = []
    for word in sorted(set(words), key=len, reverse=True):
        escaped = re.escape(word).replace("'", f"['{APOSTROPHE}]")
        parts.append(r"\s+".join(escaped.split(r"\ ")))
    return "|".join(parts) or r"(?!x)x"


def build_lexicon(data: dict[str, Any]) -> Lexicon:
    words: dict[str, dict[str, Any]] = {}
    months = {**_lower(data.get("months", {})), **_lower(data.get("month_abbreviations", {}))}
    ambiguous = {normalise_word(w) for w in data.get("ambiguous_months", [])}
    words["month"] = months
    words["month_name"] = {w: m for w, m in _lower(data.get("months", {})).items() if w not in ambiguous}
    for kind, key in [
        ("weekday", "weekdays"),
        ("daypart", "dayparts"),
        ("season", "seasons"),
        ("holiday", "holidays"),
        ("rel", "relative"),
        ("span", "span_relative"),
        ("mod", "mods"),
        ("deictic", "deictic"),
        ("fixed", "fixed"),
        ("ordinal", "ordinals"),
        ("decade", "decades"),
        ("ampm", "ampm"),
    ]:
        words[kind] = _lower(data.get(key, {}))
    vague = {normalise_word(w): None for w in data.get("vague_numbers", [])}  # None: an unknown number
    words["num"] = {**_lower(data.get("numbers", {})), **vague}
    words["every"] = {normalise_word(w): True for w in data.get("every", [])}
    words["unit"] = _units(data.get("units", {}))
    words["unit_plural"] = {w: u for w, u in words["unit"].items() if u.plural}
    return Lexicon(
        words=words, ordinal_suffix=data.get("ordinal_suffix", r"(?!x)x"), decimal_mark=data.get("decimal_mark", ".")
    )


def _lower(mapping: dict[str, Any]) -> dict[str, Any]:
    return {normalise_word(str(k)): v for k, v in mapping.items()}


def _units(data: dict[str, dict[str, list[str]]]) -> dict[str, Unit]:
    units: dict[str, Unit] = {}
    for code, forms in data.items():
        for word in forms.get("singular", []):
            units.setdefault(normalise_word(word), Unit(code, plural=False))
        for word in forms.get("plural", []):
            units.setdefault(normalise_word(word), Unit(code, plural=True))
    return units


def placeholder_pattern(kind: str, lexicon: Lexicon) -> str:
    if kind in DIGIT_PATTERNS:
        pattern = DIGIT_PATTERNS[kind]
        return rf"(?:{pattern})(?:{lexicon.ordinal_suffix})?" if kind == "day" else pattern
    if kind == "num":
        return rf"\d+(?:{re.escape(lexicon.decimal_mark)}\d+)?|{word_alternation(list(lexicon.words['num']))}"
    if kind == "ordinal_num":
        return rf"\d{{1,2}}(?:{lexicon.ordinal_suffix})"
    if kind in lexicon.words:
        return word_alternation(list(lexicon.words[kind]))
    raise ValueError(f"unknown placeholder {{{kind}}}")


def compile_pattern(pattern: str, lexicon: Lexicon) -> tuple[str, dict[str, str]]:
    groups: dict[str, str] = {}

    def expand(m: re.Match[str]) -> str:
        kind, name = m[1], m[2] or m[1]
        groups[name] = kind
        return f"(?P<{name}>{placeholder_pattern(kind, lexicon)})"

    return PLACEHOLDER.sub(expand, pattern), groups


def compile_rule(index: int, spec: dict[str, Any], lexicon: Lexicon, mod_prefix: str) -> Rule:
    body, groups = compile_pattern(spec["pattern"], lexicon)
    mods = spec.get("mods", "(?P<pre>" not in body and spec["action"] not in {"fixed", "range", "clock"})
    if mods and mod_prefix:
        prefix, prefix_groups = compile_pattern(mod_prefix, lexicon)
        body = f"(?:{prefix})?(?:{body})"
        groups.update(prefix_groups)
    # Not inside a hyphenated compound: "Goede Vrijdag-akkoord" is an agreement, "1946-1996" two years.
    regex = re.compile(rf"(?<!\w)(?:{body})(?!\w|-[^\W\d])", re.IGNORECASE)
    options = {k: v for k, v in spec.items() if k not in {"pattern", "action", "mods"}}
    return Rule(index, spec["action"], regex, groups, options, required_kinds(spec["pattern"]))


class Grammar:
    """The compiled rules of one language and the lexicon to read their matches."""

    def __init__(self, data: dict[str, Any]) -> None:
        self.data = data
        self.lexicon = build_lexicon(data)
        self.prefixes = kind_prefixes(self.lexicon.words)
        self.rules = [
            compile_rule(i, spec, self.lexicon, data.get("mod_prefix", ""))
            for i, spec in enumerate(data.get("rules", []))
        ]
        # Look-alikes that are not time expressions: ages ("84 jaar geworden"), names ("Euro 2000").
        self.ignore = [
            re.compile(rf"(?<!\w)(?:{compile_pattern(p, self.lexicon)[0]})(?!\w)", re.IGNORECASE)
            for p in data.get("ignore", [])
        ]
        self.since = _preceding_word_pattern(data.get("since", []))
        self.date_time_glue = re.compile(data.get("date_time_glue", r"^\s*$"), re.IGNORECASE)
        # Direction for a clause without tense cues: where a language's present tense mostly
        # announces what is to come (Dutch news), "future"; else the nearest occurrence.
        self.default_direction: str | None = data.get("tense", {}).get("default_direction")

    def find(self, text: str) -> list[Match]:
        """The longest leftmost matches that do not overlap; earlier rules win ties."""
        kinds = offered(text, self.prefixes)
        candidates = [
            m
            for rule in self.rules
            if rule.needs <= kinds
            for found in rule.regex.finditer(text)
            if (m := self._read(rule, found))
        ]
        ignored = [found.span() for pattern in self.ignore for found in pattern.finditer(text)] if candidates else []
        if ignored:
            candidates = [m for m in candidates if not any(m.start < e and s < m.end for s, e in ignored)]
        candidates.sort(key=lambda m: (m.start, -(m.end - m.start), m.rule.index))
        chosen: list[Match] = []
        for candidate in candidates:
            if not chosen or candidate.start >= chosen[-1].end:
                chosen.append(candidate)
        return chosen

    def _read(self, rule: Rule, found: re.Match[str]) -> Match | None:
        start = found.end("pre") if "pre" in found.re.groupindex and found["pre"] else found.start()
        end = found.end()
        while start < end and found.string[start].isspace():
            start += 1
        while end > start and found.string[end - 1].isspace():
            end -= 1
        if end <= start:
            return None
        fields: dict[str, Any] = {}
        spans: dict[str, tuple[int, int]] = {}
        for name, kind in rule.groups.items():
            if found[name] is not None:
                fields[name] = self._parse(kind, found[name])
                spans[name] = found.span(name)
        for name in ("r1", "r2", "decade_digits", "decade_year"):
            if name in found.re.groupindex and found[name] is not None:
                spans[name] = found.span(name)
                fields[name] = found[name]
        return Match(start, end, rule, fields, spans)

    def _parse(self, kind: str, text: str) -> Any:
        if kind in {"day", "month_num", "year", "hour", "minute", "second", "ordinal_num"}:
            return int(re.match(r"\d+", text)[0])  # type: ignore[index]
        if kind == "num" and text[0].isdigit():
            mark = self.lexicon.decimal_mark
            return float(text.replace(mark, ".")) if mark in text else int(text)
        return self.lexicon.lookup(kind, text)

    def preceded_by_since(self, text: str, start: int) -> int | None:
        """Where a 'since' word before ``start`` begins, if there is one."""
        if self.since is None:
            return None
        m = self.since.search(text, max(0, start - 20), start)
        return m.start() if m else None


def _preceding_word_pattern(words: list[str]) -> re.Pattern[str] | None:
    if not words:
        return None
    return re.compile(rf"(?<!\w)(?:{word_alternation(words)})\s+$", re.IGNORECASE)


@cache
def language_data(code: str) -> dict[str, Any] | None:
    """The time data file of a language, or None when the language has none."""
    path = resources.files("kroniek.time") / "data" / f"{code}.yaml"
    if not path.is_file():
        return None
    loaded = yaml.safe_load(path.read_text(encoding="utf-8"))
    return loaded if isinstance(loaded, dict) else None


@cache
def grammar_for(code: str) -> Grammar | None:
    data = language_data(code)
    return Grammar(data) if data is not None else None
