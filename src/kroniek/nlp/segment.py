"""Tokens and sentences: spaCy's rule-based tokenizer per language, plus sentence rules from data.

Line breaks always end a sentence (headlines and intertitles carry no full stop); otherwise a
sentence ends at a sentence-final token (after its closing quotes or brackets) when the next word
does not start in lower case.
"""

from __future__ import annotations

from typing import Any

import spacy
from spacy.language import Language as SpacyLanguage
from spacy.tokens import Doc as SpacyDoc
from spacy.util import get_lang_class

from kroniek.model import Document, Sentence, Token
from kroniek.registry import stage
from kroniek.resources import language_data
from kroniek.settings import Settings

CLOSING = frozenset({'"', "'", "''", "\u201d", "\u2019", "\u00bb", ")", "]", "}"})  # straight and curly quotes
FALLBACK_LANGUAGE = "xx"  # spaCy's multi-language tokenizer
DEFAULT_SENTENCE_END = (".", "!", "?", "\u2026")


def blank_tokenizer(code: str | None) -> SpacyLanguage:
    """spaCy's blank pipeline for a language, with the extra abbreviations of its data file."""
    try:
        get_lang_class(code or FALLBACK_LANGUAGE)
        nlp = spacy.blank(code or FALLBACK_LANGUAGE)
    except ImportError:
        nlp = spacy.blank(FALLBACK_LANGUAGE)
    nlp.max_length = 100_000_000  # only the tokenizer runs here, so spaCy's 1M-character guard does not apply
    tokenizer: Any = nlp.tokenizer
    for abbreviation in language_data("kroniek.nlp", nlp.lang).get("abbreviations", []):
        tokenizer.add_special_case(abbreviation, [{"ORTH": abbreviation}])
    return nlp


def sentence_spans(sdoc: SpacyDoc, sentence_end: frozenset[str]) -> list[tuple[int, int]]:
    """Token index ranges [first, last) of the sentences, whitespace tokens left out."""
    spans: list[tuple[int, int]] = []
    first: int | None = None
    i = 0
    n = len(sdoc)
    while i < n:
        token = sdoc[i]
        if token.is_space:
            if first is not None and "\n" in token.text:
                spans.append((first, i))
                first = None
            i += 1
            continue
        if first is None:
            first = i
        if _ends_sentence(token.text, sentence_end):
            last = i + 1  # take along repeated marks ("?!", "!!!") and closing quotes or brackets
            while last < n and (sdoc[last].text in CLOSING or _ends_sentence(sdoc[last].text, sentence_end)):
                last += 1
            if _starts_sentence(sdoc, last):
                spans.append((first, last))
                first = None
                i = last
                continue
        i += 1
    if first is not None:
        spans.append((first, _trim_space(sdoc, first, n)))
    return spans


# Later stages cost more than linear time in a sentence's length (parsing, clause walks): a "sentence" of
# thousands of tokens (a table, a list without full stops, hostile input) is cut into pieces of at most
# this many tokens, at a comma, semicolon or colon in the second half of the piece where there is one.
MAX_SENTENCE_TOKENS = 200
SOFT_BREAKS = frozenset({",", ";", ":", "\u2014", "\u2013"})  # and em and en dashes


def capped(spans: list[tuple[int, int]], sdoc: SpacyDoc, limit: int = MAX_SENTENCE_TOKENS) -> list[tuple[int, int]]:
    """The spans, with each longer than `limit` tokens cut into pieces no longer than `limit`."""
    pieces: list[tuple[int, int]] = []
    for first, last in spans:
        while last - first > limit:
            cut = next(
                (i + 1 for i in range(first + limit - 1, first + limit // 2, -1) if sdoc[i].text in SOFT_BREAKS),
                first + limit,
            )
            pieces.append((first, _trim_space(sdoc, first, cut)))
            first = cut
            while first < last and sdoc[first].is_space:
                first += 1
        if first < last:
            pieces.append((first, last))
    return pieces


def _ends_sentence(text: str, sentence_end: frozenset[str]) -> bool:
    return text in sentence_end or (len(text) > 1 and text[-1] in "!?" and not text[0].isalnum())


def _starts_sentence(sdoc: SpacyDoc, i: int) -> bool:
    while i < len(sdoc) and sdoc[i].is_space:
        i += 1
    return i >= len(sdoc) or not sdoc[i].text[:1].islower()


def _trim_space(sdoc: SpacyDoc, first: int, last: int) -> int:
    while last > first and sdoc[last - 1].is_space:
        last -= 1
    return last


class Segmenter:
    def __init__(self) -> None:
        self._tokenizers: dict[str | None, SpacyLanguage] = {}

    def tokenizer(self, code: str | None) -> SpacyLanguage:
        if code not in self._tokenizers:
            self._tokenizers[code] = blank_tokenizer(code)
        return self._tokenizers[code]

    def __call__(self, doc: Document) -> Document:
        nlp = self.tokenizer(doc.language)
        sdoc = nlp.make_doc(doc.text)
        ends = frozenset(language_data("kroniek.nlp", nlp.lang).get("sentence_end", DEFAULT_SENTENCE_END))
        spans = sentence_spans(sdoc, ends)
        pieces = capped(spans, sdoc)
        if len(pieces) > len(spans):
            doc.warnings.append(
                f"segment: {len(pieces) - len(spans)} cuts in sentences longer than {MAX_SENTENCE_TOKENS} tokens"
            )
        doc.sentences = [self._sentence(sdoc, first, last) for first, last in pieces]
        return doc

    @staticmethod
    def _sentence(sdoc: SpacyDoc, first: int, last: int) -> Sentence:
        tokens = [Token(start=t.idx, end=t.idx + len(t.text), text=t.text) for t in sdoc[first:last] if not t.is_space]
        return Sentence(start=tokens[0].start, end=tokens[-1].end, tokens=tokens)


@stage("segment", requires=("document.language",), assigns=("sentences",))
def make_segmenter(settings: Settings) -> Segmenter:
    """Split the text into sentences and tokens."""
    return Segmenter()
