"""Inputs to partitions: the articles read by the ingest readers, N documents at a time.

A partition is named by the content ids of its documents, so the same input read again gives the
same names (a rerun finds the Parquet files it wrote) and different input never reuses a name.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from kroniek.errors import IngestError
from kroniek.ingest import read_paths
from kroniek.model import Document


@dataclass
class Item:
    """One document to analyse and the place it was read from, for error messages."""

    origin: str
    doc: Document


@dataclass
class Partition:
    items: list[Item] = field(default_factory=list)

    @property
    def key(self) -> str:
        ids = "\n".join(item.doc.id for item in self.items)
        return hashlib.sha256(ids.encode("ascii")).hexdigest()[:20]

    def __len__(self) -> int:
        return len(self.items)


@dataclass
class Duplicate:
    """An article whose text was already read earlier in this run: analysed once, not twice."""

    origin: str


def read_partitions(
    paths: Iterable[Path],
    size: int,
    *,
    published: dt.date | None = None,
    language: str | None = None,
    max_size_mb: float = 10.0,
) -> Iterator[Partition | IngestError | Duplicate]:
    """Full partitions as the articles are read, then the last one; unreadable sources as they come."""
    partition = Partition()
    seen: set[str] = set()
    for result in read_paths(paths, published=published, language=language, max_size_mb=max_size_mb):
        if isinstance(result, IngestError):
            yield result
            continue
        doc = result.to_document()
        if doc.id in seen:
            yield Duplicate(result.origin)
            continue
        seen.add(doc.id)
        partition.items.append(Item(result.origin, doc))
        if len(partition) == size:
            yield partition
            partition = Partition()
    if partition.items:
        yield partition
