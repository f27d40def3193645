"""Quantities: numbers with their approximator, unit and what they count, read sentence by sentence.

At each word the reader tries, in this order: an approximator ("meer dan", "at least"), a unit written
before the number ("€", "magnitude"), the number (a vague plural such as "honderden", a fraction such as
"een derde", digits with the language's separators, or number words), scale words ("miljoen", "bn"),
a unit ("meter", "%", "keer zoveel"), a trailing approximator ("of meer"), and, when there is no unit,
the counted noun ("burgers"). A number that belongs to a date, a clock time, a duration, a code or a
name is no quantity (``_rejected``). Every word list comes from ``data/<language>.yaml``.

Choices the data model cannot express (it has no range): a vague plural gets the lower bound it
implies with ``at_least`` (honderden = at least 200, dozens = at least 24); a fraction gets its value
with unit ``fraction`` (een derde = 0.333); "twee keer zoveel" gets 2 with unit ``times``.
``counts`` is the counted noun as written ("IS-strijders"); ``quantity_category`` maps it to a category.
A quantity without unit or noun takes the noun of the quantity before it in the same sentence
("niet meer dan 300 terroristen ... bijna 6.000 waren": both count terroristen).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from functools import lru_cache

from text_to_num import text2num

from kroniek.model import Approximation, Document, Quantity
from kroniek.quantities.data import LanguageData, available_languages, language_data, unit_categories
from kroniek.quantities.words import Word, glued, scan
from kroniek.registry import stage
from kroniek.settings import Settings

# Words whose value multiplies what comes before them ("twee miljoen", "a hundred").
BARE_SCALES = frozenset({100.0, 1e3, 1e6, 1e9, 1e12})
MAX_NUMBER_WORDS = 8
MAX_COUNT_RUN = 4  # words looked at for the counted noun: "300 Islamic State fighters"
TIMES_UNIT = "times"
FRACTION_UNIT = "fraction"


@dataclass(slots=True)
class Number:
    value: float
    end: int  # index of the word after the number
    approximation: Approximation | None = None
    unit: str | None = None
    scaled: bool = False
    weak: bool = False
    needs_noun: bool = False
    year_like: bool = False


@dataclass(frozen=True, slots=True)
class Found:
    start: int  # character offsets into the document
    end: int
    value: float
    approximation: Approximation
    unit: str | None
    counts: str | None


@lru_cache(maxsize=1 << 16)
def spelled_value(word: str, language: str) -> float | None:
    """The value of one number word ("vijfentwintig", "twenty-five") by text2num, or None."""
    try:
        return float(text2num(word, language))
    except ValueError:
        return None


def compose(parts: Sequence[tuple[float, bool]]) -> float:
    """Add and multiply number-word values: (2, no scale), (100, scale), (50, no scale) -> 250."""
    total = current = largest = 0.0
    for value, is_scale in parts:
        if not is_scale:
            current += value
        elif value < 1000:  # "twee honderd", "a dozen"
            current = (current or 1) * value
        elif value > largest:  # a larger scale multiplies all before it: "duizend miljard"
            total, current, largest = (total + current or 1) * value, 0.0, value
        else:  # "two million five hundred thousand"
            total, current = total + (current or 1) * value, 0.0
    return total + current


class QuantityReader:
    """Finds quantities in the words of one sentence, with one language's data."""

    def __init__(self, data: LanguageData) -> None:
        self.data = data

    def read(self, words: Sequence[Word]) -> list[Found]:
        found: list[Found] = []
        i = 0
        while i < len(words):
            match = self._match_at(words, i)
            if match is None:
                i += 1
                continue
            item, i = match
            found.append(self._with_elided_noun(item, found))
        return found

    @staticmethod
    def _with_elided_noun(item: Found, before: list[Found]) -> Found:
        """ "300 terroristen ... bijna 6.000 waren": the second count reuses the first one's noun."""
        if item.counts or item.unit or not before:
            return item
        previous = before[-1]
        if previous.counts and not previous.unit:
            return replace(item, counts=previous.counts)
        return item

    def _match_at(self, words: Sequence[Word], i: int) -> tuple[Found, int] | None:
        approximator = self.data.approximators_before.match(words, i)
        if approximator is not None:
            found = self._read_from(words, i, approximator[1], approximator[0])
            if found is not None:
                return found
        return self._read_from(words, i, i, None)

    def _read_from(
        self, words: Sequence[Word], start: int, i: int, approximation: Approximation | None
    ) -> tuple[Found, int] | None:
        prefix = self.data.units_before.match(words, i)
        prefix_unit, i = prefix if prefix is not None else (None, i)
        negative = self.data.negative.match(words, i)
        number = self.number(words, negative[1] if negative else i, after_currency=prefix_unit is not None)
        if number is None:
            return None
        if negative is not None:
            number.value = -number.value
        unit, end = number.unit or prefix_unit, number.end
        if unit is None and (after := self._unit_after(words, end)) is not None:
            unit, end = after
        tail_free = end > number.end or not self._glued_tail(words, number.end)
        trailing = self.data.approximators_after.match(words, end)
        if trailing is not None:
            approximation = approximation or trailing[0]
            end = trailing[1]
        counts = None if unit else self._counts(words, end, number.value)
        context = _Context(start, i, number, approximation, prefix_unit, unit, counts)
        if not tail_free or self._rejected(words, context):
            return None
        found = Found(
            start=words[start].start,
            end=words[end - 1].end,
            value=number.value,
            approximation=approximation or number.approximation or "exact",
            unit=unit,
            counts=counts,
        )
        return found, end

    # --- the number itself -------------------------------------------------------------------

    def number(self, words: Sequence[Word], i: int, *, after_currency: bool = False) -> Number | None:
        if i >= len(words):
            return None
        plain = self._plus_half(words, self._digits(words, i, after_currency) or self._spelled(words, i))
        return (
            self._vague(words, i)
            or self._fraction_phrase(words, i)
            or self._as_fraction(words, plain)
            or self._hyphenated_fraction(words, i)
        )

    def _digits(self, words: Sequence[Word], i: int, after_currency: bool) -> Number | None:
        word = words[i]
        if not word.is_digit:
            return None
        value = self.data.parse_digits(word.text)
        if value is None:
            return None
        low, high = self.data.year_range
        year_like = word.text.isdigit() and len(word.text) == 4 and low <= value <= high
        end = i + 1
        scaled = False
        if after_currency and end < len(words) and glued(word, words[end]):
            factor = self.data.glued_scales.get(words[end].low)
            if factor is not None:  # "$1.5bn", "£3m"
                value, end, scaled = value * factor, end + 1, True
        value, after = self._scale(words, end, value)
        return Number(value, after, scaled=scaled or after > end, year_like=year_like)

    def _plus_half(self, words: Sequence[Word], number: Number | None) -> Number | None:
        """ "twee en een half miljoen", "one and a half million"."""
        half = self.data.halves.match(words, number.end) if number is not None and not number.scaled else None
        if number is None or half is None:
            return number
        value, end = self._scale(words, half[1], number.value + 0.5)
        return Number(value, end, scaled=end > half[1])

    def _scale(self, words: Sequence[Word], i: int, value: float) -> tuple[float, int]:
        while i < len(words):
            listed = self.data.scales.match(words, i)
            if listed is not None:
                value, i = value * listed[0], listed[1]
                continue
            spelled = self.word_value(words[i])
            if spelled not in BARE_SCALES or spelled is None:
                break
            value, i = value * spelled, i + 1
        return value, i

    def word_value(self, word: Word) -> float | None:
        if not word.is_alpha:
            return None
        for table in (self.data.extra_words.get(word.low), self.data.scales.get(word.low)):
            if table is not None:
                return table
        language = self.data.words_language
        return spelled_value(word.low, language) if language else None

    def _is_scale(self, word: Word, value: float) -> bool:
        return word.low in self.data.scales or value in BARE_SCALES

    def _spelled(self, words: Sequence[Word], i: int) -> Number | None:
        parts: list[tuple[float, bool]] = []
        j = i
        while j < len(words) and len(parts) < MAX_NUMBER_WORDS:
            word = words[j]
            value = self.word_value(word)
            if value is None or (parts and word.low in self.data.weak):
                if parts and word.low in self.data.joiners and self._continues(words, j + 1):
                    j += 1
                    continue
                break
            parts.append((value, self._is_scale(word, value)))
            j += 1
        if not parts:
            return None
        single = words[i].low if len(parts) == 1 else ""
        return Number(
            compose(parts),
            j,
            scaled=len(parts) > 1 and any(is_scale for _, is_scale in parts),
            weak=single in self.data.weak,
            needs_noun=single in self.data.needs_noun,
        )

    def _continues(self, words: Sequence[Word], j: int) -> bool:
        return j < len(words) and words[j].low not in self.data.weak and self.word_value(words[j]) is not None

    def _vague(self, words: Sequence[Word], i: int) -> Number | None:
        """ "honderden", "tens of thousands", "enkele honderden", "several hundred"."""
        prefix = self.data.vague_prefixes.match(words, i)
        j = prefix[1] if prefix is not None else i
        match = self.data.vague.match(words, j)
        if match is not None:
            vague, end = match
            value = vague.value
            scale_at = end + 1 if end < len(words) and words[end].low in self.data.vague_of else end
            if scale_at < len(words) and words[scale_at].low in self.data.vague_scales:
                value, end = value * self.data.vague_scales[words[scale_at].low], scale_at + 1
            return Number(value, end, approximation=vague.approximation)
        if prefix is not None and j < len(words):
            scale = self.word_value(words[j])
            if scale in BARE_SCALES and scale is not None:
                return Number(2 * scale, j + 1, approximation="at_least", scaled=True)
        return None

    def _fraction_phrase(self, words: Sequence[Word], i: int) -> Number | None:
        match = self.data.fraction_phrases.match(words, i)
        if match is None or not self._fraction_follows(words, match[1]):
            return None
        return Number(match[0], match[1], unit=FRACTION_UNIT)

    def _as_fraction(self, words: Sequence[Word], number: Number | None) -> Number | None:
        """ "een derde", "twee derde", "a quarter": a number followed by a denominator."""
        if number is None or number.scaled or number.end >= len(words):
            return number
        denominator = self.data.denominators.get(words[number.end].low)
        if denominator is None or not self._fraction_follows(words, number.end + 1):
            return number
        return Number(number.value / denominator, number.end + 1, unit=FRACTION_UNIT)

    def _hyphenated_fraction(self, words: Sequence[Word], i: int) -> Number | None:
        """ "two-thirds"."""
        numerator, _, denominator = words[i].low.partition("-")
        if not denominator or denominator not in self.data.denominators:
            return None
        value = self.word_value(scan(numerator)[0]) if numerator else None
        if value is None or not self._fraction_follows(words, i + 1):
            return None
        return Number(value / self.data.denominators[denominator], i + 1, unit=FRACTION_UNIT)

    def _fraction_follows(self, words: Sequence[Word], i: int) -> bool:
        """A fraction stands before "van"/"of" or a punctuation mark; "een derde keer" is an ordinal."""
        return i >= len(words) or words[i].low in self.data.fraction_followers or not words[i].text[0].isalnum()

    # --- what follows the number ----------------------------------------------------------------

    def _unit_after(self, words: Sequence[Word], i: int) -> tuple[str, int] | None:
        match = self.data.units_after.match(words, i)
        if match is not None:
            return match
        hyphen = i + 1 < len(words) and words[i].text == "-" and glued(words[i - 1], words[i])
        if hyphen and glued(words[i], words[i + 1]):  # "7.8-magnitude"
            return self.data.units_after.match(words, i + 1)
        return None

    @staticmethod
    def _glued_tail(words: Sequence[Word], i: int) -> bool:
        """Something glued to the number that is not a unit: "3e", "1990s", "3-1", "21-06-2017", "14:30"."""
        if i >= len(words) or not glued(words[i - 1], words[i]):
            return False
        after = words[i]
        if after.text[0].isalnum():
            return True
        following = words[i + 1] if i + 1 < len(words) else None
        return (
            after.text in "-/:.," and following is not None and glued(after, following) and following.text[0].isalnum()
        )

    def _counts(self, words: Sequence[Word], i: int, value: float) -> str | None:
        """The counted noun: a listed noun within the next few words, else the first plural-looking word."""
        counted = self.data.counted
        if i < len(words) and words[i].low in counted.linkers:
            i += 1
        run: list[Word] = []
        while i < len(words) and len(run) < MAX_COUNT_RUN:
            word = words[i]
            if not word.is_alpha or word.low in counted.stop_words or word.low in counted.not_counted:
                break
            run.append(word)
            i += 1
        for k, word in enumerate(run):
            if counted.category(word.text) is not None:
                # "injured people", "police officers": the last of adjacent listed nouns is the head
                while k + 1 < len(run) and counted.category(run[k + 1].text) is not None:
                    k += 1
                return run[k].text
        return next((w.text for w in run if value <= 1 or counted.looks_plural(w.text)), None)

    # --- what makes a number no quantity ---------------------------------------------------------

    def _rejected(self, words: Sequence[Word], c: _Context) -> bool:
        number = c.number
        bare = c.approximation is None and c.prefix_unit is None
        checks = (
            c.prefix_unit is None and self._glued_head(words, c.number_start),
            c.unit is None and self._parenthesised(words, c.number_start, number.end),
            bare and self._named(words, c.start, measured=bool(c.unit) or self._listed(c.counts)),
            bare and c.start > 0 and self.data.is_month(words[c.start - 1].text),
            c.unit is None and number.end < len(words) and self.data.is_month(words[number.end].text),
            c.unit is None and self.data.time_units.match(words, number.end) is not None,
            number.year_like and bare and not (c.unit or number.scaled or self._listed(c.counts)),
            number.weak and not (number.scaled or number.unit == FRACTION_UNIT or c.unit == TIMES_UNIT),
            number.needs_noun and not (number.scaled or c.unit or c.counts),
        )
        return any(checks)

    def _named(self, words: Sequence[Word], start: int, *, measured: bool) -> bool:
        """ "artikel 5", "kwart over negen", "World War Two": a label, or a capitalised word before a number
        that has no unit and no listed noun ("VRT 325 euro" and "Mosul 300 burgers" are quantities)."""
        if self.data.labels.ends_at(words, start) or self.data.clock_before.ends_at(words, start):
            return True
        if start < 2 or measured:  # a capitalised first word is only the sentence's start
            return False
        before = words[start - 1]
        return before.is_alpha and before.text[0].isupper()

    @staticmethod
    def _glued_head(words: Sequence[Word], i: int) -> bool:
        """Something glued before the number: "A12", "F-16", the "06" of "21-06-2017"."""
        if i == 0 or not glued(words[i - 1], words[i]):
            return False
        before = words[i - 1]
        if before.text[0].isalnum():
            return True
        return before.text in "-/:.," and i >= 2 and glued(words[i - 2], before) and words[i - 2].text[0].isalnum()

    @staticmethod
    def _parenthesised(words: Sequence[Word], i: int, end: int) -> bool:
        """An age after a name: "Frida (12)"."""
        return i > 0 and end < len(words) and words[i - 1].text == "(" and words[end].text == ")"

    def _listed(self, noun: str | None) -> bool:
        return noun is not None and self.data.counted.category(noun) is not None


@dataclass(frozen=True, slots=True)
class _Context:
    start: int  # first word of the quantity (approximator included)
    number_start: int
    number: Number
    approximation: Approximation | None
    prefix_unit: str | None
    unit: str | None
    counts: str | None


class QuantityStage:
    """Adds a Quantity for every quantity in every sentence; numbers inside time expressions are skipped."""

    def __init__(self, readers: dict[str, QuantityReader]) -> None:
        self.readers = readers

    def __call__(self, doc: Document) -> Document:
        reader = self.readers.get(doc.language or "")
        if reader is None:
            doc.warnings.append(f"quantities: no quantity data for language '{doc.language}'")
            return doc
        times = [(t.start, t.end) for t in doc.times]
        for sentence in doc.sentences:
            words = scan(doc.text[sentence.start : sentence.end], sentence.start)
            for item in reader.read(words):
                if not any(start < item.end and item.start < end for start, end in times):
                    doc.quantities.append(self._quantity(doc, item))
        return doc

    @staticmethod
    def _quantity(doc: Document, item: Found) -> Quantity:
        return Quantity(
            id=f"Q{len(doc.quantities) + 1}",
            text=doc.text[item.start : item.end],
            start=item.start,
            end=item.end,
            value=item.value,
            approximation=item.approximation,
            unit=item.unit,
            counts=item.counts,
        )


def reader_for(language: str) -> QuantityReader | None:
    data = language_data(language)
    return QuantityReader(data) if data is not None else None


@stage("quantities", requires=("sentences",), assigns=("quantities",))
def make_quantities(settings: Settings) -> QuantityStage:
    """Find quantities: numbers with their approximator, unit and what they count."""
    readers = {code: reader for code in available_languages() if (reader := reader_for(code)) is not None}
    return QuantityStage(readers)


def quantity_category(q: Quantity, language: str) -> str | None:
    """What a quantity measures: the category of its counted noun ("fatalities", "people"), else of its unit."""
    data = language_data(language)
    if q.counts and data is not None:
        category = data.counted.category(q.counts)
        if category is not None:
            return category
    return unit_categories().get(q.unit) if q.unit else None
