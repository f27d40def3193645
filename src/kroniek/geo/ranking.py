"""Choosing one gazetteer entry per toponym: prior importance plus what the rest of the document says.

Score = feature prior (country > capital > region > city) + 1.5 log10(population) + how the name matched
(primary or a name of the document's language beats a stray alternate) + context: the countries the
document talks about (its other places and its demonyms: "Mosul" in a text about Iraq), a region it
names, a container right after a comma ("Alexandria, Louisiana") and nearness to its other places.
Two passes: the first without context from places, the second with the first pass's choices.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from kroniek.geo.gazetteer import Candidate, distance_km
from kroniek.geo.toponyms import Toponym, is_strong

FEATURE_PRIOR = {"CONT": 5.0, "PCLI": 5.0, "PPLC": 2.5, "ADM1": 2.0}
# Each tenfold of inhabitants is worth 1.5 points: context (country 3, region 2, nearby 1) may then lift a town
# over a namesake a hundred times its size, but a village not over a city of millions (Toronto, Ohio).
POPULATION_WEIGHT = 1.5
NAME_BONUS = {"name": 1.0, "curated": 2.0, "cldr": 1.5, "iso": 1.0, "alt": -0.5}
COUNTRY_CONTEXT = 3.0
REGION_CONTEXT = 2.0
CONTAINER_BONUS = 4.0
NEARBY_BONUS = 1.0
NEARBY_KM = 200.0
KM_PER_DEGREE_LATITUDE = 111.0
NAMESAKE_SHARE = 0.3


@dataclass(frozen=True)
class Context:
    countries: Counter[str]
    regions: frozenset[str]
    points: tuple[tuple[str, float, float], ...]  # (mention text, lat, lon) of chosen non-country places

    def country_share(self, code: str | None) -> float:
        if not code or not self.countries:
            return 0.0
        return self.countries[code] / max(self.countries.values())


def features(candidate: Candidate, toponym: Toponym, context: Context,
             container: Sequence[Candidate]) -> dict[str, float]:
    """The parts of a candidate's score, by name: the score is their sum (and the debug view shows them)."""
    return {
        "feature": _feature_prior(candidate),
        "population": POPULATION_WEIGHT * math.log10(candidate.population + 1),
        "name": NAME_BONUS[candidate.kind],
        "country": COUNTRY_CONTEXT * context.country_share(candidate.country),
        "region": REGION_CONTEXT if candidate.admin1 in context.regions and not candidate.is_region else 0.0,
        "container": CONTAINER_BONUS if any(_contains(c, candidate) for c in container) else 0.0,
        "nearby": NEARBY_BONUS if not candidate.is_country and _near_any(candidate, toponym, context) else 0.0,
    }


def _near_any(candidate: Candidate, toponym: Toponym, context: Context) -> bool:
    """Within NEARBY_KM of another place of the document; a degree of latitude is 111 km, so most
    points are ruled out before the great-circle distance is worked out."""
    return any(
        text != toponym.text and abs(candidate.lat - lat) * KM_PER_DEGREE_LATITUDE <= NEARBY_KM
        and distance_km(candidate.lat, candidate.lon, lat, lon) <= NEARBY_KM
        for text, lat, lon in context.points
    )


def _feature_prior(candidate: Candidate) -> float:
    """A capital is known by its own name: an old alternate ("Philadelphia" for Amman) earns it no capital prior."""
    if candidate.feature_code == "PPLC" and candidate.kind == "alt":
        return 0.0
    return FEATURE_PRIOR.get(candidate.feature_code, 0.0)


def score(candidate: Candidate, toponym: Toponym, context: Context, container: Sequence[Candidate]) -> float:
    return sum(features(candidate, toponym, context, container).values())


def _namesake_city(city: Candidate, region: Candidate) -> bool:
    """A city in the region with its name, or the capital of its country (Washington); one known by that
    name only as an alternate ("Oklahoma" for Oklahoma City) counts only when it holds much of the region's
    people (Chittagong). A capital abroad (Victoria, Seychelles) is no namesake of Victoria, Australia."""
    national_capital = city.feature_code == "PPLC" and city.country == region.country
    if not city.is_populated_place or not (city.admin1 == region.admin1 or national_capital):
        return False
    return city.kind != "alt" or city.population >= NAMESAKE_SHARE * region.population


def _contains(outer: Candidate, inner: Candidate) -> bool:
    if outer.is_country:
        return inner.country == outer.country and not inner.is_country
    return outer.is_region and inner.admin1 == outer.admin1 and not inner.is_region


def choose(toponyms: list[Toponym], affiliations: Counter[str], text: str) -> list[Candidate | None]:
    """One candidate (or None: not a place after all) per toponym, in order."""
    return [best(t, context, container) for t, (context, container) in
            zip(toponyms, contexts(toponyms, affiliations, text), strict=True)]


def contexts(toponyms: list[Toponym], affiliations: Counter[str],
             text: str) -> list[tuple[Context, Sequence[Candidate]]]:
    """What the final pass sees for each toponym: the document context (from a first pass without places)
    and the candidates of a container named right after it."""
    containers = [_container(toponyms, i, text) for i in range(len(toponyms))]
    empty = Context(affiliations, frozenset(), ())
    first = [best(t, empty, containers[i]) for i, t in enumerate(toponyms)]
    return [(_context(toponyms, first, affiliations, exclude=t.text), containers[i]) for i, t in enumerate(toponyms)]


def best(toponym: Toponym, context: Context, container: Sequence[Candidate]) -> Candidate | None:
    ranked = sorted(toponym.candidates, key=lambda c: -score(c, toponym, context, container))
    best = _namesake(ranked, toponym.region_cue)
    if toponym.strong_only and not is_strong(best):
        return None
    return best


def _namesake(ranked: list[Candidate], region_cue: bool) -> Candidate:
    """Between a region and the city in it that bears its name (Aleppo, Valencia, Groningen), or a
    capital of that name (Washington), news means the city unless a cue word says region
    ("de provincie Groningen")."""
    best = ranked[0]
    if best.is_region and not region_cue:
        return next((c for c in ranked if _namesake_city(c, best)), best)
    if best.is_populated_place and region_cue and best.kind != "alt":
        return next((c for c in ranked if c.is_region and c.admin1 == best.admin1), best)
    return best


def _container(toponyms: list[Toponym], i: int, text: str) -> Sequence[Candidate]:
    """The candidates of a toponym right after this one and a comma: "Paris, Texas"."""
    if i + 1 < len(toponyms) and text[toponyms[i].end:toponyms[i + 1].start].strip() == ",":
        return [c for c in toponyms[i + 1].candidates if c.is_country or c.is_region]
    return ()


def _context(toponyms: list[Toponym], chosen: list[Candidate | None], affiliations: Counter[str],
             exclude: str) -> Context:
    countries: Counter[str] = Counter(affiliations)
    regions: set[str] = set()
    points: list[tuple[str, float, float]] = []
    for toponym, candidate in zip(toponyms, chosen, strict=True):
        if candidate is None or toponym.text == exclude or not candidate.country:
            continue
        countries[candidate.country] += 2 if candidate.is_country else 1
        if candidate.is_region and candidate.admin1:
            regions.add(candidate.admin1)
        if not candidate.is_country:
            points.append((toponym.text, candidate.lat, candidate.lon))
    return Context(countries, frozenset(regions), tuple(points))
