"""The geo stage: toponyms -> gazetteer candidates -> one resolved place each, grouped per document.

Besides plain toponyms it resolves three kinds of phrase the data file of the language describes:
a district of a place ("de Oude Stad van Mosul"), a named landmark inside a place ("de al-Nuri-moskee",
placed in the nearest city named before it), and the border region between two countries
("het grensgebied tussen Syrië en Irak", at the midpoint of their shared border). Demonyms
("Iraakse", "Russians") are country affiliations, not places: see country_affiliations().
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from kroniek.geo.gazetteer import Candidate, Gazetteer
from kroniek.geo.names import normalise_name
from kroniek.geo.ranking import choose
from kroniek.geo.rules import LanguageRules, language_rules, may_occur, pattern_regex
from kroniek.geo.toponyms import find_toponyms, is_strong
from kroniek.model import Document, Place, PlaceKind, PlacePrecision
from kroniek.registry import stage
from kroniek.settings import Settings

# Upper-case Latin letters, for the landmark name pattern (re has no \p{Lu}).
_UPPER = "".join(ch for ch in map(chr, range(0x250)) if ch.isupper())


@dataclass
class Resolved:
    """A place being assembled for the document: key groups the mentions of one place."""

    key: tuple[object, ...]
    name: str
    lat: float | None
    lon: float | None
    country: str | None
    source_id: str | None
    mentions: list[tuple[int, int]] = field(default_factory=list)
    feature_code: str = ""
    admin1: str | None = None  # GeoNames admin1 code of the region it lies in


@dataclass(frozen=True)
class Reading:
    start: int
    end: int
    text: str
    candidate: Candidate


def country_affiliations(doc: Document) -> list[tuple[int, int, str, str]]:
    """(start, end, text, ISO country code) for each demonym or country adjective ("Iraakse", "Russians")."""
    rules = language_rules(doc.language)
    found: list[tuple[int, int, str, str]] = []
    for sentence in doc.sentences:
        tokens = sentence.tokens
        i = 0
        while i < len(tokens):
            pair = doc.text[tokens[i].start:tokens[i + 1].end] if i + 1 < len(tokens) else ""
            if pair in rules.demonyms:  # "South Korean"
                found.append((tokens[i].start, tokens[i + 1].end, pair, rules.demonyms[pair]))
                i += 2
                continue
            if tokens[i].text in rules.demonyms:
                found.append((tokens[i].start, tokens[i].end, tokens[i].text, rules.demonyms[tokens[i].text]))
            i += 1
    return found


class GeoResolver:
    def __init__(self, gazetteer: Gazetteer | None = None, path: Path | None = None) -> None:
        self.gazetteer = gazetteer or Gazetteer(path)

    def __call__(self, doc: Document) -> Document:
        rules = language_rules(doc.language)
        toponyms = find_toponyms(doc, rules, self.gazetteer)
        affiliations = Counter(code for *_, code in country_affiliations(doc))
        choices = choose(toponyms, affiliations, doc.text)
        readings = [Reading(t.start, t.end, t.text, c) for t, c in zip(toponyms, choices, strict=True) if c]
        doc.places = self.places(doc, rules, readings)
        return doc

    def places(self, doc: Document, rules: LanguageRules, readings: list[Reading]) -> list[Place]:
        landmarks = find_landmarks(doc.text, rules, readings)
        districts = find_districts(doc.text, rules, readings)
        # A district word ("Oude Stad", "Old City") names a part of the city around it, never a town of that
        # name elsewhere (Staré Město); only unmistakable places inside such phrases stand on their own.
        generic = {normalise_name(d) for d in rules.districts}
        district_spans = [(start, end) for start, end, _ in districts]
        readings = [
            r for r in readings
            if is_strong(r.candidate)
            or not (_inside_any(r, landmarks) or _within_span(r, district_spans) or normalise_name(r.text) in generic)
        ]
        resolved: dict[tuple[object, ...], Resolved] = {}
        for reading in readings:
            _add(resolved, _plain(reading), reading.start, reading.end)
        for start, end, place in [*districts,
                                  *find_borders(doc.text, rules, readings, self.gazetteer),
                                  *_landmark_places(landmarks, readings)]:
            _add(resolved, place, start, end)
        ordered = sorted(resolved.values(), key=lambda r: min(r.mentions))
        return [
            Place(id=f"P{n}", name=r.name, lat=r.lat, lon=r.lon, country=r.country, source_id=r.source_id,
                  mentions=[doc.mention(s, e) for s, e in sorted(r.mentions)], kind=_kind(r), within=_within(r),
                  admin1=self.gazetteer.region_name(r.admin1), admin1_code=r.admin1, precision=_precision(r))
            for n, r in enumerate(ordered, start=1)
        ]


_KIND_BY_FEATURE: tuple[tuple[str, PlaceKind], ...] = (("PCL", "country"), ("ADM", "region"), ("PPL", "city"))
_PRECISION_BY_KIND: dict[str, PlacePrecision] = {
    "country": "country", "region": "region", "border": "region", "city": "city", "district": "district",
    "landmark": "landmark",
}


def _precision(place: Resolved) -> PlacePrecision | None:
    """What the point stands for: a landmark or district sits at its city's point but is more precise."""
    if place.feature_code == "CONT":
        return "continent"
    return _PRECISION_BY_KIND.get(_kind(place))


def _kind(place: Resolved) -> PlaceKind:
    """'district', 'landmark' or 'border' from the source id's suffix, else from the GeoNames feature code."""
    suffix = (place.source_id or "").partition("#")[2]
    if suffix in ("district", "landmark", "border"):
        return suffix  # type: ignore[return-value]
    return next((kind for prefix, kind in _KIND_BY_FEATURE if place.feature_code.startswith(prefix)), "place")


def _within(place: Resolved) -> list[str]:
    """The containing places named in a derived source id: "geonames:99237+163843#border" -> both countries."""
    base, _, suffix = (place.source_id or "").partition("#")
    if not suffix:
        return []
    scheme, _, ids = base.partition(":")
    return [f"{scheme}:{part}" for part in ids.split("+")]


def _add(resolved: dict[tuple[object, ...], Resolved], place: Resolved, start: int, end: int) -> None:
    current = resolved.setdefault(place.key, place)
    if (start, end) not in current.mentions:
        current.mentions.append((start, end))


def _plain(reading: Reading) -> Resolved:
    c = reading.candidate
    return Resolved(("geonames", c.geonameid), c.name, c.lat, c.lon, c.country, c.source_id,
                    feature_code=c.feature_code, admin1=_admin1(c))


def _admin1(candidate: Candidate) -> str | None:
    """A country's admin1 column is empty; every other place's names the region it lies in (or is)."""
    return None if candidate.is_country else candidate.admin1


def _toponym_slot(readings: list[Reading]) -> str:
    texts = sorted({re.escape(r.text) for r in readings}, key=len, reverse=True)
    return "|".join(texts) or r"(?!x)x"


def _reading_at(readings: list[Reading], start: int, end: int) -> Reading | None:
    return next((r for r in readings if r.start == start and r.end == end), None)


def find_districts(text: str, rules: LanguageRules, readings: list[Reading]) -> list[tuple[int, int, Resolved]]:
    """"de Oude Stad van Mosul": a district at its city's point, source_id "geonames:<city>#district"."""
    lowered = text.lower()
    if not readings or not any(d.lower() in lowered for d in rules.districts):
        return []
    districts = "|".join(re.escape(d) for d in sorted(rules.districts, key=len, reverse=True))
    found = []
    for pattern in filter(lambda p: may_occur(p, text), rules.district_patterns):
        regex = pattern_regex(pattern, {"district": districts, "place": _toponym_slot(readings)})
        for match in regex.finditer(text):
            reading = _reading_at(readings, match.start("place"), match.end("place"))
            if reading is None or reading.candidate.is_country:
                continue
            c = reading.candidate
            key = ("district", normalise_name(match.group("district")), c.geonameid)
            found.append((match.start(), match.end(), Resolved(
                key, match.group(0), c.lat, c.lon, c.country, f"{c.source_id}#district", admin1=_admin1(c))))
    return found


def find_borders(text: str, rules: LanguageRules, readings: list[Reading],
                 gazetteer: Gazetteer) -> list[tuple[int, int, Resolved]]:
    """"het grensgebied tussen Syrië en Irak": the midpoint of the shared border, country null.

    It lies in both countries, so naming either would be wrong half of the time; source_id names
    both ("geonames:<a>+<b>#border", in ISO-code order) for a consumer that needs them.
    """
    countries = [r for r in readings if r.candidate.is_country]
    if len(countries) < 2:
        return []
    found = []
    for pattern in filter(lambda p: may_occur(p, text), rules.border_patterns):
        slot = _toponym_slot(countries)
        for match in pattern_regex(pattern, {"a": slot, "b": slot}).finditer(text):
            a = _reading_at(countries, match.start("a"), match.end("a"))
            b = _reading_at(countries, match.start("b"), match.end("b"))
            if a is None or b is None or a.candidate.country == b.candidate.country:
                continue
            first, second = sorted((a.candidate, b.candidate), key=lambda c: c.country or "")
            point = gazetteer.border(first.country or "", second.country or "") or (
                (first.lat + second.lat) / 2, (first.lon + second.lon) / 2)
            key = ("border", first.country, second.country)
            found.append((match.start(), match.end(), Resolved(
                key, match.group(0), point[0], point[1], None,
                f"geonames:{first.geonameid}+{second.geonameid}#border")))
    return found


@dataclass(frozen=True)
class Landmark:
    start: int
    end: int
    name_end: int  # where the proper-name part ends ("al-Nuri" in "al-Nuri-moskee")
    text: str
    key: str
    containment_place: tuple[int, int] | None  # the span of "in {place}" right after it, if any


def landmark_regex(rules: LanguageRules) -> re.Pattern[str] | None:
    if not rules.landmark_words:
        return None
    prefixes = "|".join(re.escape(p) for p in rules.prefixes)
    token = rf"(?:(?:{prefixes})?[{_UPPER}][\w\u2019']*)" if prefixes else rf"(?:[{_UPPER}][\w\u2019']*)"
    words = "|".join(re.escape(w) for w in sorted(rules.landmark_words, key=len, reverse=True))
    return re.compile(rf"(?<![\w-])(?P<name>{token}(?:[ -]{token}){{0,3}})[- ](?P<word>(?i:{words}))(?!\w)")


def find_landmarks(text: str, rules: LanguageRules, readings: list[Reading]) -> list[Landmark]:
    regex = landmark_regex(rules)
    if regex is None:
        return []
    found = []
    for match in regex.finditer(text):
        if all(rules.is_stop_word(word) for word in re.split(r"[ -]", match.group("name"))):
            continue  # "De moskee" at the start of a sentence names no particular mosque
        if _reading_at(readings, match.start("name"), match.end("name")):
            continue  # "Mosul mosque" is a mosque somewhere in Mosul, not a named landmark
        key = f"{normalise_name(match.group('name'))}|{match.group('word').lower()}"
        found.append(Landmark(match.start(), match.end(), match.end("name"), match.group(0), key,
                              _containment(text, match.end(), rules, readings)))
    return found


def _containment(text: str, end: int, rules: LanguageRules, readings: list[Reading]) -> tuple[int, int] | None:
    for pattern in rules.landmark_containment:
        regex = pattern_regex(pattern, {"place": _toponym_slot(readings)})
        match = re.compile(r"\s*" + regex.pattern, re.IGNORECASE).match(text, end)
        if match and _reading_at(readings, match.start("place"), match.end("place")):
            return match.start("place"), match.end("place")
    return None


def _within_span(reading: Reading, spans: list[tuple[int, int]]) -> bool:
    return any(start <= reading.start and reading.end <= end for start, end in spans)


def _inside_any(reading: Reading, landmarks: list[Landmark]) -> bool:
    return any(m.start <= reading.start and reading.end <= m.name_end for m in landmarks)


def _landmark_places(landmarks: list[Landmark], readings: list[Reading]) -> list[tuple[int, int, Resolved]]:
    """Each landmark lies in: the place after "in"/"van", else the place it is named after, else the
    nearest populated place named before it (or after it, in the same text). The first sighting decides."""
    containers: dict[str, Candidate] = {}
    found = []
    for landmark in landmarks:
        container = containers.get(landmark.key) or _container_of(landmark, readings)
        if container is None:
            continue
        containers[landmark.key] = container
        found.append((landmark.start, landmark.end, Resolved(
            ("landmark", landmark.key), landmark.text, container.lat, container.lon, container.country,
            f"{container.source_id}#landmark", admin1=_admin1(container))))
    return found


def _container_of(landmark: Landmark, readings: list[Reading]) -> Candidate | None:
    if landmark.containment_place:
        reading = _reading_at(readings, *landmark.containment_place)
        if reading:
            return reading.candidate
    inside = [r for r in readings if landmark.start <= r.start and r.end <= landmark.name_end]
    if inside:
        return inside[0].candidate
    towns = [r for r in readings if r.candidate.is_populated_place]
    before = [r for r in towns if r.end <= landmark.start]
    if before:
        return before[-1].candidate
    after = [r for r in towns if r.start >= landmark.end]
    return after[0].candidate if after else None


@stage("geo", requires=("sentences",), assigns=("places",))
def make_geo(settings: Settings) -> GeoResolver:
    """Find toponyms and resolve them to places with coordinates (offline GeoNames gazetteer)."""
    return GeoResolver()
