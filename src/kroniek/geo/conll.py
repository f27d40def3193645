"""Gold text from the CoNLL NER corpora, read where they lie (never copied: their licences forbid it).

The gold sets in tests/data/geo/ keep only a pointer (corpus, file, article number) and the annotation
of each toponym; the article's text is rebuilt here the same way every time: tokens joined by a space,
one sentence per line. CoNLL-2002 Dutch tags are IOB2, CoNLL-2003 English tags IOB1; both read alike
below, as an entity starts at a B- tag or at an I- tag whose type differs from the previous token's.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from functools import cache
from pathlib import Path

CORPORA = Path(os.environ.get("KRONIEK_CORPORA", "/work/shared/corpora"))
DOCSTART = "-DOCSTART-"


@dataclass(frozen=True)
class Article:
    number: int  # 0-based, in file order
    text: str
    locations: tuple[tuple[int, int], ...]  # character spans of the LOC entities


def _articles_of(lines: list[str]) -> list[list[list[tuple[str, str]]]]:
    """File -> articles -> sentences -> (token, NE tag)."""
    articles: list[list[list[tuple[str, str]]]] = [[]]
    sentence: list[tuple[str, str]] = []
    for line in [*lines, ""]:
        if line.startswith(DOCSTART):
            if sentence:
                articles[-1].append(sentence)
                sentence = []
            if articles[-1]:
                articles.append([])
            continue
        if not line.strip():
            if sentence:
                articles[-1].append(sentence)
                sentence = []
            continue
        columns = line.split()
        sentence.append((columns[0], columns[-1]))
    return [a for a in articles if a]


def _article(number: int, sentences: list[list[tuple[str, str]]]) -> Article:
    parts: list[str] = []
    spans: list[tuple[int, int]] = []
    offset = 0
    for sentence in sentences:
        previous = "O"
        for i, (token, tag) in enumerate(sentence):
            start = offset + (1 if i else 0)
            kind = tag[2:] if tag != "O" else ""
            continues = tag.startswith("I-") and previous != "O" and previous[2:] == kind
            if kind == "LOC" and continues:
                spans[-1] = (spans[-1][0], start + len(token))
            elif kind == "LOC":
                spans.append((start, start + len(token)))
            parts.append((" " if i else "") + token)
            offset = start + len(token)
            previous = tag
        parts.append("\n")
        offset += 1
    return Article(number, "".join(parts).rstrip("\n"), tuple(spans))


@cache
def conll_articles(corpus: str, file: str, root: Path = CORPORA) -> tuple[Article, ...]:
    """Every article of one CoNLL file, numbered in file order."""
    lines = (root / corpus / file).read_text(encoding="utf-8").splitlines()
    return tuple(_article(n, sentences) for n, sentences in enumerate(_articles_of(lines)))


def article_text(source: dict[str, object], root: Path = CORPORA) -> str | None:
    """The text a gold record points at ({"corpus", "file", "article"}); None when the corpus is absent."""
    path = root / str(source["corpus"]) / str(source["file"])
    if not path.is_file():
        return None
    number = source["article"]
    assert isinstance(number, int)
    return conll_articles(str(source["corpus"]), str(source["file"]), root)[number].text
