"""Why the geo stage chose what it chose: every candidate of every toponym with the parts of its score.

The debug view behind `kroniek geo TEXT`; it repeats the stage's own steps (toponyms, country
affiliations, the two ranking passes) on a document the earlier stages have prepared.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Any

from kroniek.geo.gazetteer import Candidate, Gazetteer
from kroniek.geo.ranking import best, contexts, features
from kroniek.geo.resolve import country_affiliations
from kroniek.geo.rules import language_rules
from kroniek.geo.toponyms import find_toponyms
from kroniek.model import Document


@dataclass(frozen=True)
class Scored:
    candidate: Candidate
    features: dict[str, float]

    @property
    def score(self) -> float:
        return sum(self.features.values())


@dataclass(frozen=True)
class Explanation:
    start: int
    end: int
    text: str
    strong_only: bool  # a name the recogniser did not type as a place: kept only if the reading is strong
    region_cue: bool
    candidates: tuple[Scored, ...]  # best score first
    chosen: Candidate | None

    def as_dict(self, gazetteer: Gazetteer, top: int) -> dict[str, Any]:
        return {
            "start": self.start,
            "end": self.end,
            "text": self.text,
            "strong_only": self.strong_only,
            "region_cue": self.region_cue,
            "candidates_total": len(self.candidates),
            "chosen": self.chosen.source_id if self.chosen else None,
            "candidates": [
                {
                    "source_id": s.candidate.source_id,
                    "name": s.candidate.name,
                    "country": s.candidate.country,
                    "admin1": gazetteer.region_name(s.candidate.admin1),
                    "feature_code": s.candidate.feature_code,
                    "population": s.candidate.population,
                    "matched_as": s.candidate.kind,
                    "features": {k: round(v, 3) for k, v in s.features.items()},
                    "score": round(s.score, 3),
                }
                for s in self.candidates[:top]
            ],
        }


def explain(doc: Document, gazetteer: Gazetteer) -> list[Explanation]:
    """One explanation per toponym the stage considers, in text order."""
    toponyms = find_toponyms(doc, language_rules(doc.language), gazetteer)
    affiliations = Counter(code for *_, code in country_affiliations(doc))
    explained = []
    for toponym, (context, container) in zip(toponyms, contexts(toponyms, affiliations, doc.text), strict=True):
        scored = sorted(
            (Scored(c, features(c, toponym, context, container)) for c in toponym.candidates), key=lambda s: -s.score
        )
        explained.append(
            Explanation(
                toponym.start,
                toponym.end,
                toponym.text,
                toponym.strong_only,
                toponym.region_cue,
                tuple(scored),
                best(toponym, context, container),
            )
        )
    return explained
