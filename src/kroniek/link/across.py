"""Linking a stored document across documents: entities, then its story, then its events.

`link_document(store, doc)` is called right after `store.add(doc, vector)`. It uses the vector stored with the
document (computed where the document was analysed: batch workers, `kroniek ingest`), else computes it. It runs
in its own transaction and is idempotent (a document already linked is left as it is). `link_pending(store)`
links every stored document that is not linked yet, e.g. after a crash between storing and linking.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from kroniek.errors import StoreError
from kroniek.link.embed import Embedder, shared_embedder
from kroniek.link.entities import EntityLinker
from kroniek.link.events import EventLinker
from kroniek.link.stories import StoryLinker, StoryParams
from kroniek.model import Document
from kroniek.store import Store
from kroniek.store.connection import LINK_LOCK
from kroniek.store.registry import Registry


@dataclass
class LinkResult:
    doc_id: str
    story_id: str | None
    entities: dict[str, str] = field(default_factory=dict)  # local id -> registry id
    events: dict[str, str] = field(default_factory=dict)  # local id -> cross-document event id
    already_linked: bool = False


def link_document(
    store: Store, doc: Document, embedder: Embedder | None = None, params: StoryParams | None = None
) -> LinkResult:
    """Link one stored document into the registry, its story and the cross-document events."""
    registry = Registry(store.conn)
    if registry.is_linked(doc.id):
        return _existing(registry, doc.id)
    if not store.has(doc.id):
        raise StoreError("E032", doc_id=doc.id, path=store.path)
    vector = store.vector(doc.id)  # computed where the document was analysed (batch workers, ingest) ...
    if vector is None:  # ... else here, before the transaction: it is the slow part
        vector = (embedder or shared_embedder()).document(doc)
    with store.conn.transaction(lock=LINK_LOCK):
        if registry.is_linked(doc.id):  # another process linked it meanwhile
            return _existing(registry, doc.id)
        entities = EntityLinker(registry).link(doc)
        registry_ids = {linked.entity_id for linked in entities.values()}
        story = StoryLinker(registry, params).assign(doc, vector, registry_ids)
        events = EventLinker(registry).link(doc, entities, story.story_id)
        registry.mark_linked(doc.id)
    return LinkResult(doc.id, story.story_id, {k: v.entity_id for k, v in entities.items()}, events)


def link_pending(store: Store, embedder: Embedder | None = None) -> int:
    """Link the stored documents not linked yet, oldest publication first; returns how many."""
    pending = Registry(store.conn).unlinked_documents()
    for doc_id in pending:
        link_document(store, store.get(doc_id), embedder)
    return len(pending)


def _existing(registry: Registry, doc_id: str) -> LinkResult:
    rows = registry.conn.execute("SELECT local_id, entity_id FROM registry_links WHERE doc_id = ?", (doc_id,))
    events = registry.conn.execute("SELECT local_id, event_id FROM cross_event_reports WHERE doc_id = ?", (doc_id,))
    return LinkResult(
        doc_id,
        registry.story_of(doc_id),
        {row[0]: registry.canonical(row[1]) for row in rows},
        {row[0]: row[1] for row in events},
        already_linked=True,
    )
