"""Trained spaCy pipelines shipped in nlp/models/<kind>-<language>/, loaded once, never downloaded."""

from __future__ import annotations

import itertools
from functools import cache
from importlib import resources
from pathlib import Path

import spacy
from spacy.language import Language as SpacyLanguage
from spacy.tokens import Doc as SpacyDoc

from kroniek.model import Document


def model_path(kind: str, language: str | None) -> Path | None:
    """The folder of a shipped pipeline, or None when there is none for this language."""
    if not language:
        return None
    path = Path(str(resources.files("kroniek.nlp") / "models" / f"{kind}-{language}"))
    shipped = (path / "config.cfg").is_file() or (path / "config.json").is_file()  # spaCy or ONNX artefact
    return path if shipped else None


@cache
def load_model(kind: str, language: str) -> SpacyLanguage | None:
    path = model_path(kind, language)
    return spacy.load(path) if path else None


def to_spacy(doc: Document, nlp: SpacyLanguage) -> SpacyDoc:
    """A spaCy Doc over the document's own tokens and sentences, so offsets map back one to one."""
    tokens = [t for s in doc.sentences for t in s.tokens]
    starts = {s.tokens[0].start for s in doc.sentences if s.tokens}
    words = [t.text for t in tokens]
    spaces = [nxt.start > t.end for t, nxt in itertools.pairwise(tokens)] + [False] * bool(tokens)
    sent_starts: list[bool | int | None] = [t.start in starts for t in tokens]
    return SpacyDoc(nlp.vocab, words=words, spaces=spaces, sent_starts=sent_starts)


def run_components(nlp: SpacyLanguage, sdoc: SpacyDoc) -> SpacyDoc:
    """Every trained component of the pipeline, skipping its tokenizer (our tokens are already set)."""
    for _, component in nlp.pipeline:
        sdoc = component(sdoc)
    return sdoc
