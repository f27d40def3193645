"""Hand-annotated event and claim gold: passages that point into ../shared, rebuilt at run time.

No corpus text is stored in the repository. A gold line names its source (an EventDNA document, a
CoNLL-2003 sentence, a file of ours) and gives character offsets into the passage text this module
rebuilds from that source, plus the first 16 hex digits of the text's sha256, so a changed corpus
copy or a changed detokeniser is caught instead of silently shifting every span.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from kroniek.model import normalise_text

ROOT = Path(__file__).resolve().parents[3]
SHARED = ROOT / ".." / "shared"
EVENTDNA_DOCS = SHARED / "corpora" / "eventdna" / "docs"
CONLL = SHARED / "corpora" / "conll2003_english"
GOLD_DIR = ROOT / "tests" / "data" / "events"
HASH_DIGITS = 16

Span = tuple[int, int]

# Detokenisation of corpus tokens: no space before closing punctuation and clitics, none after openers.
NO_SPACE_BEFORE = frozenset({".", ",", ":", ";", "!", "?", ")", "]", "%", "'s", "n't", "'re", "'ve", "'ll", "'d", "'m"})
NO_SPACE_AFTER = frozenset({"(", "[", "$"})
QUOTES = frozenset({'"', "``", "''", "'"})
CLOSERS = frozenset({",", ".", "?", "!"})  # a quote right after these closes a quotation
PLAIN_QUOTE = {"``": '"', "''": '"'}
DATELINE = re.compile(r"\b(\d{4}-\d{2}-\d{2})\b")


class GoldDrift(ValueError):
    """The passage rebuilt from ../shared is not the text the gold was annotated on."""


@dataclass
class Passage:
    id: str
    split: str
    language: str
    source: dict[str, Any]
    text: str
    published: str | None
    events: list[dict[str, Any]] = field(default_factory=list)
    claims: list[dict[str, Any]] = field(default_factory=list)
    scope: str = "all"  # "counts": only the events that carry counts are annotated (no claims)


def detokenise(words: list[str]) -> str:
    """Corpus tokens as running text: "Trumps gewezen campagneleider , werd" -> "..., werd"."""
    out: list[str] = []
    open_quote = False
    glue_next = False
    for word in words:
        is_quote = word in QUOTES
        closing = is_quote and (open_quote or (bool(out) and out[-1] in CLOSERS))
        glue = glue_next or word in NO_SPACE_BEFORE or closing
        if out and not glue:
            out.append(" ")
        out.append(PLAIN_QUOTE.get(word, word))
        glue_next = word in NO_SPACE_AFTER or (is_quote and not closing)
        if is_quote:
            open_quote = not closing
    return "".join(out)


def text_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:HASH_DIGITS]


# -- sources ----------------------------------------------------------------------------------------
def eventdna_sentences(doc_id: str) -> list[list[str]]:
    data = json.loads((EVENTDNA_DOCS / doc_id / "dnaf.json").read_text(encoding="utf-8"))["doc"]
    words = data["token_string"].split(" ")
    order = sorted(data["sentences"].items(), key=lambda kv: int(kv[0].split("_")[1]))
    return [[words[t] for t in s["token_ids"]] for _, s in order if s["token_ids"]]


def eventdna_text(doc_id: str) -> str:
    """Title and lead, one sentence a line."""
    return "\n".join(detokenise(s) for s in eventdna_sentences(doc_id))


@cache
def conll_articles(name: str) -> tuple[tuple[tuple[str, ...], ...], ...]:
    """The articles of a CoNLL-2003 file, each a tuple of sentences (DOCSTART lines split articles)."""
    articles: list[list[tuple[str, ...]]] = [[]]
    sentence: list[str] = []
    for line in (CONLL / name).read_text(encoding="utf-8").split("\n"):
        word = line.split(" ")[0]
        if word == "-DOCSTART-" or not line.strip():
            if sentence:
                articles[-1].append(tuple(sentence))
                sentence = []
            if word == "-DOCSTART-" and articles[-1]:
                articles.append([])
            continue
        sentence.append(word)
    if sentence:
        articles[-1].append(tuple(sentence))
    return tuple(tuple(a) for a in articles if a)


def conll_dateline(article: tuple[tuple[str, ...], ...]) -> str | None:
    for sentence in article[:3]:
        found = DATELINE.search(" ".join(sentence))
        if found:
            return found.group(1)
    return None


def example_article(path: str, line: int | None) -> dict[str, Any]:
    file = ROOT / path if path.startswith("examples/") else SHARED / path
    raw = file.read_text(encoding="utf-8")
    if line is None:
        return {"text": raw}
    loaded: dict[str, Any] = json.loads(raw.splitlines()[line - 1])
    return loaded


def source_text(source: dict[str, Any]) -> tuple[str, str | None]:
    """(passage text, publication date) for a gold line's source."""
    corpus = source["corpus"]
    if corpus == "eventdna":
        return normalise_text(eventdna_text(source["doc"])), None
    if corpus == "conll2003":
        article = conll_articles(source["file"])[source["article"]]
        return normalise_text(detokenise(list(article[source["sentence"]]))), conll_dateline(article)
    if corpus == "file":
        item = example_article(source["file"], source.get("line"))
        return normalise_text(item["text"]), item.get("published")
    raise ValueError(f"unknown gold source corpus: {corpus}")


# -- gold files -------------------------------------------------------------------------------------
def gold_files(paths: list[Path] | None) -> list[Path]:
    if paths:
        return [p for path in paths for p in (sorted(path.glob("*.jsonl")) if path.is_dir() else [path])]
    return sorted(GOLD_DIR.glob("*.jsonl"))


def load_passages(paths: list[Path] | None, split: str | None) -> list[Passage]:
    passages = []
    for path in gold_files(paths):
        for line in path.read_text(encoding="utf-8").splitlines():
            if not line.strip():
                continue
            item = json.loads(line)
            if split is not None and item["split"] != split:
                continue
            passages.append(_passage(item))
    return passages


def _passage(item: dict[str, Any]) -> Passage:
    text, published = source_text(item["source"])
    if text_hash(text) != item["sha256"]:
        raise GoldDrift(f"{item['id']}: the rebuilt passage does not match its hash; re-check the corpus copy")
    return Passage(
        id=item["id"],
        split=item["split"],
        language=item["language"],
        source=item["source"],
        text=text,
        published=item.get("published", published),
        events=item.get("events", []),
        claims=item.get("claims", []),
        scope=item.get("scope", "all"),
    )


def overlaps(a: Span | list[int] | None, b: Span | list[int] | None) -> bool:
    return a is not None and b is not None and a[0] < b[1] and b[0] < a[1]


# -- running the pipeline on a passage -----------------------------------------------------------------
def analyse_passage(passage: Passage, pipeline: Any) -> Any:
    from kroniek.analyse import analyse

    return analyse(passage.text, published=passage.published, language=passage.language, pipeline=pipeline)
