"""Lemmas, parts of speech, morphology and dependencies from the trained syntax pipeline of the language."""

from __future__ import annotations

from kroniek.model import Document
from kroniek.nlp.models import load_model, run_components, to_spacy
from kroniek.registry import stage
from kroniek.settings import Settings


class Parser:
    def __call__(self, doc: Document) -> Document:
        nlp = load_model("syntax", doc.language) if doc.language else None
        if nlp is None:
            doc.warnings.append(f"parse: no syntax model for language '{doc.language}'")
            return doc
        sdoc = run_components(nlp, to_spacy(doc, nlp))
        i = 0
        for sentence in doc.sentences:
            first = i
            for token in sentence.tokens:
                analysed = sdoc[i]
                token.lemma = analysed.lemma_ or None
                token.pos = analysed.pos_ or None
                token.tag = analysed.tag_ or None
                token.morph = str(analysed.morph) or None
                token.dep = analysed.dep_.lower() if analysed.dep_ else None
                token.head = _head_in_sentence(analysed.head.i, first, len(sentence.tokens), i)
                i += 1
        return doc


def _head_in_sentence(head: int, first: int, length: int, own: int) -> int:
    """The head's index within the sentence; a head outside it (never, with preset boundaries) is the root."""
    return head - first if first <= head < first + length else own - first


@stage("parse", requires=("sentences",), assigns=("sentences.tokens",))
def make_parser(settings: Settings) -> Parser:
    """Tag, lemmatise and parse each sentence."""
    return Parser()
