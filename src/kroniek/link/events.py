"""Events across documents: reports of the same real event become one cross-document event.

A report joins the best-scoring existing event of a compatible type (data/events.yaml) whose time range
overlaps its own, when the evidence adds up to MERGE_SCORE:
- time: the same explicit value +2, overlapping explicit ranges +1; an event without its own time is placed
  in the days before its article's publication (+0.5 when that is all that matches);
- place: the same gazetteer place +2, within 50 km +1.5, within 300 km +0.5; 300-1,000 km -1, farther -3;
- actors and targets: +1.5 for each shared registry entity (at most +3);
- numbers: a shared reported number (within 5%) +1;
- wording: the same trigger word as another report +1;
- story: the other reports are in the same story +1.
No document reports one event twice: a document's events join different cross-document events.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import math
from dataclasses import dataclass, field
from typing import Any

from kroniek.link.entities import LinkedEntity
from kroniek.link.names import link_data
from kroniek.model import Document, Event, Place
from kroniek.store.registry import CandidateEvidence, Registry
from kroniek.timex import timex_range

MERGE_SCORE = 2.5
_NEVER = ("9999-12-31", "0001-01-01")  # a range that overlaps nothing: events with no time at all


@dataclass
class Report:
    event: Event
    kind: str
    start: str
    end: str
    explicit: bool
    place: dict[str, Any] | None
    entities: set[str]
    numbers: set[float]
    certainty: str
    published: str | None
    reasons: list[str] = field(default_factory=list)


class EventLinker:
    def __init__(self, registry: Registry) -> None:
        self.registry = registry
        config = link_data("events.yaml")
        self.window = dt.timedelta(days=int(config["report_window_days"]))
        self.compatible: dict[str, set[str]] = {}
        for group in config["compatible"]:
            for kind in group:
                self.compatible.setdefault(kind, {kind}).update(group)

    def link(self, doc: Document, entities: dict[str, LinkedEntity], story_id: str | None) -> dict[str, str]:
        """local event id -> cross-document event id."""
        places = {p.id: p for p in doc.places}
        certainty: dict[str, str] = {c.id: c.certainty for c in doc.claims}
        values = {q.id: q.value for q in doc.quantities if q.value is not None}
        linked: dict[str, str] = {}
        for event in doc.events:
            if event.negated:
                continue
            report = self._report(doc, event, places, entities, certainty, values)
            best, best_score = self._best(set(linked.values()), report, story_id)
            score: float | None = best_score
            if best is None:
                event_id = _event_id(doc.id, event.id)
                self.registry.create_event(_new_event(event_id, report))
                score, reason = None, "first report"
            else:
                event_id, reason = best["id"], "; ".join(report.reasons)
                self.registry.narrow_event(
                    event_id, event.time if report.explicit else None, report.start, report.end, report.place
                )
            row = _report_row(doc, report, event_id, score, reason)
            self.registry.add_report(row, report.entities, event.trigger.text.casefold(), story_id)
            linked[event.id] = event_id
        return linked

    def _report(
        self,
        doc: Document,
        event: Event,
        places: dict[str, Place],
        entities: dict[str, LinkedEntity],
        certainty: dict[str, str],
        values: dict[str, float],
    ) -> Report:
        kind = f"OTHER:{event.mode}" if event.type == "OTHER" and event.mode else event.type
        start, end, explicit = self._time_range(event.time, doc.document.published)
        place = places.get(event.place or "")
        numbers = {v for v in (event.fatalities, event.size) if v is not None}
        numbers |= {values[q] for q in event.quantities if q in values}
        return Report(
            event=event,
            kind=kind,
            start=start,
            end=end,
            explicit=explicit,
            place=_place(place) if place else None,
            entities={entities[e].entity_id for e in (*event.actors, *event.targets) if e in entities},
            numbers=numbers,
            certainty=certainty.get(event.claim or "", "asserted"),
            published=doc.document.published.isoformat() if doc.document.published else None,
        )

    def _time_range(self, value: str | None, published: dt.date | None) -> tuple[str, str, bool]:
        bounds = timex_range(value) if value else None
        if bounds:
            return bounds[0].isoformat(), bounds[1].isoformat(), True
        if published:
            return (published - self.window).isoformat(), published.isoformat(), False
        return *_NEVER, False

    def _best(self, taken: set[str], report: Report, story_id: str | None) -> tuple[dict[str, Any] | None, float]:
        """The best event to join, never one that another report of the same document joined (`taken`)."""
        kinds = sorted(self.compatible.get(report.kind, {report.kind}))
        best: tuple[dict[str, Any] | None, float, list[str]] = (None, 0.0, [])
        place = report.place or {}
        evidence = CandidateEvidence(
            entities=sorted(report.entities),
            story_id=story_id,
            place_id=place.get("id"),
            lat=place.get("lat"),
            lon=place.get("lon"),
            trigger=report.event.trigger.text.casefold(),
            numbers=sorted(report.numbers),
        )
        for candidate in self.registry.event_candidates(kinds, report.start, report.end, evidence):
            if candidate["id"] in taken:
                continue
            score, reasons = _score(report, candidate, story_id)
            if score >= MERGE_SCORE and score > best[1]:
                best = (candidate, score, reasons)
        report.reasons = best[2]
        return best[0], best[1]


def _score(report: Report, candidate: dict[str, Any], story_id: str | None) -> tuple[float, list[str]]:
    reasons = [f"type {report.kind} ~ {candidate['type']}"]
    score = _time_score(report, candidate, reasons)
    score += _place_score(report.place, candidate, reasons)
    shared = report.entities & candidate["entities"]
    if shared:
        score += min(3.0, 1.5 * len(shared))
        reasons.append(f"shared actors/targets {', '.join(sorted(shared))}")
    if report.event.trigger.text.casefold() in candidate["triggers"]:
        score += 1.0
        reasons.append(f"same word '{report.event.trigger.text}'")
    if any(_close(a, b) for a in report.numbers for b in candidate["numbers"]):
        score += 1.0
        reasons.append("a shared number")
    if story_id and story_id in candidate["stories"]:
        score += 1.0
        reasons.append("same story")
    return score, reasons


def _time_score(report: Report, candidate: dict[str, Any], reasons: list[str]) -> float:
    if report.explicit and candidate["time_explicit"]:
        same = report.event.time == candidate["time"]
        reasons.append(f"time {report.event.time} {'=' if same else 'overlaps'} {candidate['time']}")
        return 2.0 if same else 1.0
    if report.explicit or candidate["time_explicit"]:
        reasons.append("time within the days before publication")
        return 0.5
    same_day = report.end == candidate["time_end"]
    reasons.append("reported the same day" if same_day else "reported within days")
    return 0.5 if same_day else 0.0


def _place_score(place: dict[str, Any] | None, candidate: dict[str, Any], reasons: list[str]) -> float:
    if place is None or candidate["place"] is None:
        return 0.0
    if _base(place["id"]) == _base(candidate["place"]):
        reasons.append(f"same place {_base(place['id'])}")
        return 2.0
    if None in (place["lat"], place["lon"], candidate["lat"], candidate["lon"]):
        return 0.0
    km = _km(place["lat"], place["lon"], candidate["lat"], candidate["lon"])
    reasons.append(f"places {km:.0f} km apart")
    if km <= 50:
        return 1.5
    if km <= 300:
        return 0.5
    return -1.0 if km <= 1000 else -3.0


def _base(source_id: str) -> str:
    """A landmark or district lies in its city: 'geonames:99072#landmark' -> 'geonames:99072'."""
    return source_id.split("#", 1)[0]


def _km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 6371.0 * 2 * math.asin(math.sqrt(a))


def _close(a: float, b: float) -> bool:
    return abs(a - b) <= 0.05 * max(abs(a), abs(b))


def _place(place: Place) -> dict[str, Any]:
    return {"id": place.source_id or place.name, "lat": place.lat, "lon": place.lon}


def _event_id(doc_id: str, local_id: str) -> str:
    return "ev-" + hashlib.sha1(f"{doc_id}|{local_id}".encode()).hexdigest()[:10]


def _new_event(event_id: str, report: Report) -> dict[str, Any]:
    place = report.place or {"id": None, "lat": None, "lon": None}
    return {
        "id": event_id,
        "type": report.kind,
        "mode": report.event.mode,
        "place": place["id"],
        "lat": place["lat"],
        "lon": place["lon"],
        "time": report.event.time if report.explicit else None,
        "time_start": report.start,
        "time_end": report.end,
        "time_explicit": int(report.explicit),
    }


def _report_row(doc: Document, report: Report, event_id: str, score: float | None, reason: str) -> dict[str, Any]:
    return {
        "doc_id": doc.id,
        "local_id": report.event.id,
        "event_id": event_id,
        "score": score,
        "reason": reason,
        "published": report.published,
        "source": doc.document.source or doc.document.title,
        "certainty": report.certainty,
        "low": min(report.numbers) if report.numbers else None,
        "high": max(report.numbers) if report.numbers else None,
        "time": report.event.time,
    }
