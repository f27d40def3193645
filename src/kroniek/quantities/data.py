"""Per-language quantity knowledge, read once from ``data/<code>.yaml`` and compiled for matching."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

import yaml
from spacy.util import get_lang_class

from kroniek.model import Approximation
from kroniek.quantities.words import PhraseTable, normalise

UNITS_FILE = "units.yaml"
# Compounds shorter than this before a listed noun are not read as compounds ("man" in "roman").
MIN_COMPOUND_MODIFIER = 3
MIN_COMPOUND_HEAD = 4


@dataclass(frozen=True)
class Vague:
    value: float
    approximation: Approximation


@dataclass(frozen=True)
class CountedNouns:
    """Nouns that say what is counted, their categories, and how to spot a plural noun."""

    categories: dict[str, str]
    compound_heads: bool
    plural_suffixes: tuple[str, ...]
    plural_words: frozenset[str]
    linkers: frozenset[str]
    not_counted: frozenset[str]
    stop_words: frozenset[str]

    def category(self, noun: str) -> str | None:
        low = normalise(noun)
        if low in self.categories:
            return self.categories[low]
        head = low.rsplit("-", 1)[-1]
        if head in self.categories:
            return self.categories[head]
        if self.compound_heads:
            for known, category in self.categories.items():
                long_enough = len(known) >= MIN_COMPOUND_HEAD and len(low) - len(known) >= MIN_COMPOUND_MODIFIER
                if long_enough and low.endswith(known):
                    return category
        return None

    def looks_plural(self, noun: str) -> bool:
        return noun.casefold() in self.plural_words or noun.endswith(self.plural_suffixes)


@dataclass(frozen=True)
class LanguageData:
    code: str
    number_pattern: re.Pattern[str]
    decimal_separator: str
    thousands_separator: str
    words_language: str | None
    extra_words: dict[str, float]
    weak: frozenset[str]
    needs_noun: frozenset[str]
    joiners: frozenset[str]
    halves: PhraseTable[bool]
    negative: PhraseTable[bool]
    scales: PhraseTable[float]
    glued_scales: dict[str, float]
    year_range: tuple[int, int]
    vague: PhraseTable[Vague]
    vague_of: frozenset[str]
    vague_scales: dict[str, float]
    vague_prefixes: PhraseTable[bool]
    denominators: dict[str, float]
    fraction_phrases: PhraseTable[float]
    fraction_followers: frozenset[str]
    approximators_before: PhraseTable[Approximation]
    approximators_after: PhraseTable[Approximation]
    units_before: PhraseTable[str]
    units_after: PhraseTable[str]
    time_units: PhraseTable[bool]
    clock_before: PhraseTable[bool]
    months: frozenset[str]
    labels: PhraseTable[bool]
    counted: CountedNouns

    def parse_digits(self, text: str) -> float | None:
        """The value of a number written in digits with this language's separators, or None."""
        if not self.number_pattern.fullmatch(text):
            return None
        plain = text.replace(self.thousands_separator, "").replace(self.decimal_separator, ".")
        return float(plain)

    def is_month(self, word: str) -> bool:
        """Months listed in lower case match in any case; capitalised ones ("May") only as written."""
        return word in self.months or (word.lower() in self.months and word.lower() != word)


def number_pattern(decimal: str, thousands: str) -> re.Pattern[str]:
    d, t = re.escape(decimal), re.escape(thousands)
    return re.compile(rf"\d{{1,3}}(?:{t}\d{{3}})+(?:{d}\d+)?|\d+(?:{d}\d+)?")


def _words(values: list[str] | None) -> frozenset[str]:
    return frozenset(normalise(v) for v in values or [])


def _counted(raw: dict[str, Any], code: str) -> CountedNouns:
    categories = {normalise(noun): category for category, nouns in raw.get("nouns", {}).items() for noun in nouns}
    try:
        stop_words = frozenset(get_lang_class(code).Defaults.stop_words)
    except ImportError:
        stop_words = frozenset()
    return CountedNouns(
        categories=categories,
        compound_heads=bool(raw.get("compound_heads", False)),
        plural_suffixes=tuple(raw.get("plural_suffixes", [])),
        plural_words=_words(raw.get("plural_words")),
        linkers=_words(raw.get("linkers")),
        not_counted=_words(raw.get("not_counted")),
        stop_words=stop_words,
    )


def compile_language(code: str, raw: dict[str, Any]) -> LanguageData:
    numbers = raw.get("numbers", {})
    fractions = raw.get("fractions", {})
    approximators = raw.get("approximators", {})
    units = raw.get("units", {})
    decimal, thousands = numbers.get("decimal_separator", "."), numbers.get("thousands_separator", ",")
    years = numbers.get("years", {})
    return LanguageData(
        code=code,
        number_pattern=number_pattern(decimal, thousands),
        decimal_separator=decimal,
        thousands_separator=thousands,
        words_language=numbers.get("words_language"),
        extra_words={normalise(k): float(v) for k, v in numbers.get("words", {}).items()},
        weak=_words(numbers.get("weak")),
        needs_noun=_words(numbers.get("needs_noun")),
        joiners=_words(numbers.get("joiners")),
        halves=PhraseTable(numbers.get("halves", [])),
        negative=PhraseTable(numbers.get("negative", [])),
        scales=PhraseTable({k: float(v) for k, v in numbers.get("scales", {}).items()}),
        glued_scales={normalise(k): float(v) for k, v in numbers.get("glued_scales", {}).items()},
        year_range=(int(years.get("min", 1800)), int(years.get("max", 2099))),
        vague=PhraseTable({k: Vague(float(v["value"]), v["approximation"]) for k, v in raw.get("vague", {}).items()}),
        vague_of=_words(raw.get("vague_of")),
        vague_scales={normalise(k): float(v) for k, v in raw.get("vague_scales", {}).items()},
        vague_prefixes=PhraseTable(raw.get("vague_prefixes", [])),
        denominators={normalise(k): float(v) for k, v in fractions.get("denominators", {}).items()},
        fraction_phrases=PhraseTable({k: float(v) for k, v in fractions.get("phrases", {}).items()}),
        fraction_followers=_words(fractions.get("followers")),
        approximators_before=PhraseTable(approximators.get("before", {})),
        approximators_after=PhraseTable(approximators.get("after", {})),
        units_before=PhraseTable(units.get("before", {})),
        units_after=PhraseTable(units.get("after", {})),
        time_units=PhraseTable(raw.get("time_units", [])),
        clock_before=PhraseTable(raw.get("clock_before", [])),
        months=frozenset(raw.get("months", [])),
        labels=PhraseTable(raw.get("labels", [])),
        counted=_counted(raw.get("counted", {}), code),
    )


def _data_dir() -> Any:
    return resources.files("kroniek.quantities") / "data"


def available_languages() -> tuple[str, ...]:
    names = (p.name for p in _data_dir().iterdir())
    return tuple(sorted(name.removesuffix(".yaml") for name in names if name.endswith(".yaml") and name != UNITS_FILE))


@cache
def language_data(code: str) -> LanguageData | None:
    """The compiled data for a language, or None for a language without a data file."""
    path = _data_dir() / f"{code}.yaml"
    if not path.is_file():
        return None
    return compile_language(code, yaml.safe_load(path.read_text(encoding="utf-8")) or {})


@cache
def unit_categories() -> dict[str, str]:
    loaded = yaml.safe_load((_data_dir() / UNITS_FILE).read_text(encoding="utf-8"))
    return dict(loaded or {})
