"""Convert the UD CoNLL-U files named in data/LANG.yaml into spaCy DocBins.

    python training/syntax/convert.py LANG [--corpora DIR] [--out DIR]

Writes OUT/train.spacy, OUT/dev.spacy and OUT/dev.conllu + OUT/test.conllu (gold
files for kroniek.nlp.evaluate_syntax). Docs are built from the gold words, so
training uses gold tokenisation; empty nodes are dropped, compound lemmas
joined into one word (CompoundLemmas). Held-out dev sentences ("holdout_from" + "every") are removed
from the training data.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

import spacy
import yaml
from spacy.tokens import DocBin

from kroniek.nlp.evaluate_syntax import CompoundLemmas, Sentence, annotated_doc, read_conllu, write_conllu

HERE = Path(__file__).parent
DEFAULT_CORPORA = Path("/work/shared/corpora")


def load_settings(lang: str) -> dict[str, Any]:
    return dict(yaml.safe_load((HERE / "data" / f"{lang}.yaml").read_text(encoding="utf-8")))


def split_sentences(settings: dict[str, Any], corpora: Path) -> tuple[list[Sentence], list[Sentence], list[Sentence]]:
    """Train, dev and test sentences as the language's settings describe them."""
    dev_spec = settings["dev"]
    train: list[Sentence] = []
    dev: list[Sentence] = []
    for name in settings["train"]:
        sentences = read_conllu(corpora / name)
        if name == dev_spec.get("holdout_from"):
            every = int(dev_spec["every"])
            dev += [s for i, s in enumerate(sentences) if i % every == every - 1]
            sentences = [s for i, s in enumerate(sentences) if i % every != every - 1]
        train += sentences
    if "file" in dev_spec:
        dev = read_conllu(corpora / dev_spec["file"])
    test = read_conllu(corpora / settings["test"])
    return train, dev, test


def to_docbin(lang: str, sentences: list[Sentence], per_doc: int, compounds: CompoundLemmas) -> DocBin:
    vocab = spacy.blank(lang).vocab
    docbin = DocBin(store_user_data=False)
    for start in range(0, len(sentences), per_doc):
        docbin.add(annotated_doc(vocab, sentences[start : start + per_doc], compounds))
    return docbin


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("lang")
    parser.add_argument("--corpora", type=Path, default=DEFAULT_CORPORA)
    parser.add_argument("--out", type=Path, default=None)
    args = parser.parse_args()
    settings = load_settings(args.lang)
    out = args.out or HERE / "corpus" / args.lang
    out.mkdir(parents=True, exist_ok=True)
    train, dev, test = split_sentences(settings, args.corpora)
    compounds = CompoundLemmas.from_settings(settings.get("lemma_compounds"))
    per_doc = int(settings["sentences_per_doc"])
    to_docbin(args.lang, train, per_doc, compounds).to_disk(out / "train.spacy")
    to_docbin(args.lang, dev, per_doc, compounds).to_disk(out / "dev.spacy")
    write_conllu(dev, out / "dev.conllu")
    write_conllu(test, out / "test.conllu")
    for name, part in (("train", train), ("dev", dev), ("test", test)):
        print(f"{name}: {len(part)} sentences, {sum(len(s.words) for s in part)} words")


if __name__ == "__main__":
    main()
