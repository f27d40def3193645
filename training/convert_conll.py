#!/usr/bin/env python
"""Convert CoNLL-2002 (Dutch) / CoNLL-2003 (English) NER files to spaCy DocBins.

Handles the quirks documented in /work/shared/corpora/*/README.md:

* ``-DOCSTART-`` lines mark article boundaries and are dropped.  In the Dutch
  files they are *not* followed by a blank line (a naive reader would glue the
  DOCSTART token onto the first sentence); in the English copy the first
  article has no DOCSTART and a dangling one sits at the end of the file.
  Both are handled by "a DOCSTART line closes the current sentence and the
  current article; empty articles are discarded".
* English NE tags are IOB1 -> converted to IOB2 (``--scheme iob1``).
* Sentences are grouped into Docs of at most ``--doc-sents`` sentences that
  never cross an article boundary (context for the tok2vec layer).  Sentence
  starts are stored on the Doc.

The tag column is the last column of each line (Dutch: WORD POS NE,
English: WORD POS CHUNK NE).

Usage (normally called by train_ner.sh):
    python training/convert_conll.py nl            # all three splits
    python training/convert_conll.py en --out training/corpus
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Iterator, List, Tuple

import spacy
from spacy.tokens import Doc, DocBin

CORPORA = Path("/work/shared/corpora")

# language -> (folder, {split: filename}, tag scheme)
DATASETS = {
    "nl": (
        CORPORA / "conll2002_dutch",
        {"train": "ned.train", "dev": "ned.testa", "test": "ned.testb"},
        "iob2",
    ),
    "en": (
        CORPORA / "conll2003_english",
        {"train": "eng.train", "dev": "eng.testa", "test": "eng.testb"},
        "iob1",
    ),
}
LABELS = ("PER", "ORG", "LOC", "MISC")

Sentence = List[Tuple[str, str]]  # [(word, tag)]


def read_articles(path: Path) -> List[List[Sentence]]:
    """Return articles -> sentences -> (word, raw tag). DOCSTART lines removed."""
    articles: List[List[Sentence]] = []
    article: List[Sentence] = []
    sent: Sentence = []

    def close_sentence() -> None:
        nonlocal sent
        if sent:
            article.append(sent)
        sent = []

    def close_article() -> None:
        nonlocal article
        close_sentence()
        if article:
            articles.append(article)
        article = []

    with path.open(encoding="utf-8") as f:
        for lineno, line in enumerate(f, 1):
            line = line.rstrip("\r\n")
            if not line.strip():
                close_sentence()
                continue
            cols = line.split(" ")
            if cols[0] == "-DOCSTART-":
                close_article()
                continue
            if len(cols) < 2:
                raise ValueError(f"{path}:{lineno}: malformed line {line!r}")
            sent.append((cols[0], cols[-1]))
    close_article()
    return articles


def iob1_to_iob2(tags: List[str]) -> List[str]:
    """IOB1 (I- starts an entity unless it continues one of the same type) -> IOB2."""
    out = []
    prev = "O"
    for tag in tags:
        if tag.startswith("I-"):
            typ = tag[2:]
            if prev == "O" or prev[2:] != typ:
                tag = "B-" + typ
        out.append(tag)
        prev = tag
    return out


def check_iob2(tags: List[str]) -> List[str]:
    """Validate IOB2; an orphan I- (should not happen) is repaired to B-."""
    out = []
    prev = "O"
    for tag in tags:
        if tag != "O":
            pre, _, typ = tag.partition("-")
            if pre not in ("B", "I") or typ not in LABELS:
                raise ValueError(f"unexpected tag {tag!r}")
            if pre == "I" and (prev == "O" or prev[2:] != typ):
                print(f"warning: orphan {tag} repaired to B-{typ}", file=sys.stderr)
                tag = "B-" + typ
        out.append(tag)
        prev = tag
    return out


def load_split(lang: str, split: str) -> List[List[Tuple[List[str], List[str]]]]:
    """Articles -> sentences -> (words, IOB2 tags)."""
    folder, files, scheme = DATASETS[lang]
    articles = read_articles(folder / files[split])
    result = []
    for art in articles:
        sents = []
        for sent in art:
            words = [w for w, _ in sent]
            tags = [t for _, t in sent]
            tags = iob1_to_iob2(tags) if scheme == "iob1" else tags
            sents.append((words, check_iob2(tags)))
        result.append(sents)
    return result


def group(sents: list, n: int) -> Iterator[list]:
    for i in range(0, len(sents), n):
        yield sents[i : i + n]


def make_doc(vocab, chunk, with_ents: bool = True) -> Doc:
    words, tags, starts = [], [], []
    for sw, st in chunk:
        words.extend(sw)
        tags.extend(st)
        starts.extend([True] + [False] * (len(sw) - 1))
    return Doc(
        vocab,
        words=words,
        spaces=[True] * len(words),
        sent_starts=starts,
        ents=tags if with_ents else None,
    )


def convert(lang: str, out_dir: Path, doc_sents: int) -> None:
    nlp = spacy.blank(lang)
    out_dir.mkdir(parents=True, exist_ok=True)
    for split in ("train", "dev", "test"):
        articles = load_split(lang, split)
        db = DocBin(store_user_data=False)
        n_docs = n_sents = n_toks = n_ents = 0
        for art in articles:
            for chunk in group(art, doc_sents):
                doc = make_doc(nlp.vocab, chunk)
                db.add(doc)
                n_docs += 1
                n_sents += len(chunk)
                n_toks += len(doc)
                n_ents += len(doc.ents)
        path = out_dir / f"{lang}_{split}.spacy"
        db.to_disk(path)
        print(
            f"{path}: {len(articles)} articles, {n_docs} docs, {n_sents} sentences, "
            f"{n_toks} tokens, {n_ents} entities"
        )


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("lang", choices=sorted(DATASETS))
    ap.add_argument("--out", type=Path, default=Path(__file__).parent / "corpus")
    ap.add_argument("--doc-sents", type=int, default=10, help="sentences per Doc")
    args = ap.parse_args()
    convert(args.lang, args.out, args.doc_sents)


if __name__ == "__main__":
    main()
