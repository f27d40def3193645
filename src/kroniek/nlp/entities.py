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
from kroniek.model import Document, Entity, Token
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
        return self.batch([doc])[0]

    def batch(self, docs: Sequence[Document]) -> list[Document]:
        """All documents of one language through the model in one call: its batches fill up across
        articles. Nothing is written to any document until every language's tagging has succeeded."""
        by_language: dict[str | None, list[Document]] = {}
        for doc in docs:
            by_language.setdefault(doc.language, []).append(doc)
        tagged: list[tuple[Document, list[list[Token]], list[list[str]]] | Document] = []
        for language, group in by_language.items():
            tagger = load_tagger(language, self.kind) if language else None
            if tagger is None:
                tagged += group  # no model: a warning, no entities
                continue
            sentences = [[s.tokens for s in doc.sentences if s.tokens] for doc in group]
            words = [[t.text for t in tokens] for doc_sentences in sentences for tokens in doc_sentences]
            labels = iter(tagger.tag(words))
            for doc, doc_sentences in zip(group, sentences, strict=True):
                tagged.append((doc, doc_sentences, [next(labels) for _ in doc_sentences]))
        for item in tagged:
            if isinstance(item, Document):
                item.warnings.append(f"entities: no entity model for language '{item.language}'")
            else:
                _write_entities(*item)
        return list(docs)


def _write_entities(doc: Document, sentences: list[list[Token]], labels: list[list[str]]) -> None:
    """One Entity per recognised span; ids go on from the document's last."""
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


@stage("entities", requires=("sentences",), assigns=("entities",))
def make_entity_recogniser(settings: Settings) -> EntityRecogniser:
    """Find names of people, organisations, places and other named things."""
    return EntityRecogniser(settings.ner)
