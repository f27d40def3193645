"""Named entities from the trained NER pipeline of the document's language (nlp/models/ner-<lang>).

Each recognised mention becomes its own Entity here; the link stage merges mentions of the same
entity within the document and picks the canonical name.
"""

from __future__ import annotations

from kroniek.model import Document, Entity
from kroniek.nlp.models import load_model, run_components, to_spacy
from kroniek.registry import stage
from kroniek.settings import Settings


class EntityRecogniser:
    def __call__(self, doc: Document) -> Document:
        nlp = load_model("ner", doc.language) if doc.language else None
        if nlp is None:
            doc.warnings.append(f"entities: no entity model for language '{doc.language}'")
            return doc
        sdoc = run_components(nlp, to_spacy(doc, nlp))
        offsets = [(t.start, t.end) for s in doc.sentences for t in s.tokens]
        for span in sdoc.ents:
            start, end = offsets[span.start][0], offsets[span.end - 1][1]
            doc.entities.append(
                Entity(
                    id=f"E{len(doc.entities) + 1}",
                    type=span.label_,
                    name=doc.text[start:end],
                    mentions=[doc.mention(start, end)],
                )
            )
        return doc


@stage("entities", requires=("sentences",), assigns=("entities",))
def make_entity_recogniser(settings: Settings) -> EntityRecogniser:
    """Find names of people, organisations, places and other named things."""
    return EntityRecogniser()
