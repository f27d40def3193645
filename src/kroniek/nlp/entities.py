"""Named entities from the trained recognisers of the document's language.

Two kinds ship per language where trained: `accurate` (a fine-tuned multilingual transformer run with
onnxruntime, nlp/models/ner-accurate-<lang>) and `fast` (a spaCy CNN, nlp/models/ner-<lang>). The
setting `ner` (KRONIEK_NER) picks one; `accurate` falls back to `fast` for a language without it.
Each recognised mention becomes its own Entity here; the link stage merges mentions of one entity.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache
from typing import Protocol

from spacy.language import Language as SpacyLanguage
from spacy.tokens import Doc as SpacyDoc

from kroniek.errors import InputError
from kroniek.model import Document, Entity
from kroniek.nlp.models import load_model, model_path, run_components
from kroniek.nlp.transformer import TransformerTagger, bio_spans
from kroniek.registry import stage
from kroniek.settings import Settings

KINDS = ("accurate", "fast")


class Tagger(Protocol):
    def tag(self, sentences: Sequence[Sequence[str]]) -> list[list[str]]: ...


class SpacyTagger:
    """The spaCy recogniser over given words; all sentences in one Doc, so it sees their context."""

    def __init__(self, nlp: SpacyLanguage) -> None:
        self.nlp = nlp

    def tag(self, sentences: Sequence[Sequence[str]]) -> list[list[str]]:
        words = [word for sentence in sentences for word in sentence]
        starts: list[bool | int | None] = [i == 0 for sentence in sentences for i in range(len(sentence))]
        sdoc = run_components(self.nlp, SpacyDoc(self.nlp.vocab, words=words, sent_starts=starts))
        labels = [f"{t.ent_iob_}-{t.ent_type_}" if t.ent_type_ else "O" for t in sdoc]
        tagged, i = [], 0
        for sentence in sentences:
            tagged.append(labels[i : i + len(sentence)])
            i += len(sentence)
        return tagged


@cache
def load_tagger(language: str, kind: str = "accurate") -> Tagger | None:
    """The recogniser of the kind asked for, else the other one; None when the language has neither."""
    accurate = model_path("ner-accurate", language)
    if kind == "accurate" and accurate is not None:
        return TransformerTagger(accurate)
    fast = load_model("ner", language)
    if fast is not None:
        return SpacyTagger(fast)
    return TransformerTagger(accurate) if accurate is not None else None


class EntityRecogniser:
    def __init__(self, kind: str) -> None:
        if kind not in KINDS:
            raise InputError("E013", value=kind, choices=", ".join(KINDS))
        self.kind = kind

    def __call__(self, doc: Document) -> Document:
        tagger = load_tagger(doc.language, self.kind) if doc.language else None
        if tagger is None:
            doc.warnings.append(f"entities: no entity model for language '{doc.language}'")
            return doc
        sentences = [s.tokens for s in doc.sentences if s.tokens]
        labels = tagger.tag([[t.text for t in tokens] for tokens in sentences])
        for tokens, sentence_labels in zip(sentences, labels, strict=True):
            for first, end, kind in bio_spans(sentence_labels):
                start, stop = tokens[first].start, tokens[end - 1].end
                doc.entities.append(
                    Entity(
                        id=f"E{len(doc.entities) + 1}",
                        type=kind,
                        name=doc.text[start:stop],
                        mentions=[doc.mention(start, stop)],
                    )
                )
        return doc


@stage("entities", requires=("sentences",), assigns=("entities",))
def make_entity_recogniser(settings: Settings) -> EntityRecogniser:
    """Find names of people, organisations, places and other named things."""
    return EntityRecogniser(settings.ner)
