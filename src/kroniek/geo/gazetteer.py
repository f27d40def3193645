"""Read access to the shipped gazetteer (gazetteer.sqlite, built by scripts/build_gazetteer.py).

One read-only SQLite connection per Gazetteer; lookups are cached, so a batch of thousands of
articles asks the database once per distinct name.
"""

from __future__ import annotations

import math
import sqlite3
from dataclasses import dataclass, replace
from functools import lru_cache
from importlib import resources
from pathlib import Path

from kroniek.errors import PipelineError
from kroniek.geo.names import normalise_name

COUNTRY_CODES = frozenset({"PCLI"})
# Names written in capitals ("EU", "WA", "BC") are abbreviations: only declared ones (curated, CLDR,
# ISO) count, not a town that happens to be called "Eu" or "Wa". A four-letter city in a capitalised
# dateline or headline ("RIGA", "OSLO", "BONN") is no abbreviation when it is a big city's own name.
ABBREVIATION_MAX_LETTERS = 4
CAPITALISED_CITY_LETTERS = 4
CAPITALISED_CITY_MIN_POPULATION = 100_000
DECLARED_KINDS = frozenset({"curated", "cldr", "iso"})
# How authoritative a name is: the primary name and hand-kept or CLDR names beat GeoNames' alternates.
NAME_KINDS = ("name", "curated", "cldr", "iso", "alt")


@dataclass(frozen=True)
class Candidate:
    """One gazetteer entry a name may refer to, with how the name matched it."""

    geonameid: int
    name: str
    lat: float
    lon: float
    country: str | None
    admin1: str | None
    feature_class: str
    feature_code: str
    population: int
    lang: str  # language of the matching name, '' for any
    kind: str  # one of NAME_KINDS

    @property
    def is_country(self) -> bool:
        return self.feature_code in COUNTRY_CODES

    @property
    def is_region(self) -> bool:
        return self.feature_code == "ADM1"

    @property
    def is_populated_place(self) -> bool:
        return self.feature_class == "P"

    @property
    def source_id(self) -> str:
        return f"geonames:{self.geonameid}"


def default_path() -> Path:
    return Path(str(resources.files("kroniek.geo") / "gazetteer.sqlite"))


class Gazetteer:
    def __init__(self, path: Path | None = None) -> None:
        self.path = path or default_path()
        if not self.path.is_file():
            # the lead may give this a numbered code in kroniek.errors (outside this stage's files)
            raise PipelineError("E040", what="gazetteer", path=self.path, command="scripts/build_gazetteer.py")
        # immutable: no locks, no journal, safe to share the file between processes
        uri = f"file:{self.path}?mode=ro&immutable=1"
        self._db = sqlite3.connect(uri, uri=True, check_same_thread=False)
        self.lookup = lru_cache(maxsize=200_000)(self._lookup)
        self.border = lru_cache(maxsize=4096)(self._border)
        self._regions: dict[str, str] | None = None

    def close(self) -> None:
        self._db.close()

    def meta(self) -> dict[str, str]:
        return dict(self._db.execute("SELECT key, value FROM meta").fetchall())

    def _lookup(self, name: str, lang: str = "") -> tuple[Candidate, ...]:
        """Every place the name may refer to, one row each, with the best matching name kind.

        A name tied to another language than `lang` still counts (news borrows names) but ranks as
        an alternate.
        """
        rows = self._db.execute(
            "SELECT p.geonameid, p.name, p.lat, p.lon, p.country, p.admin1, p.feature_class, p.feature_code,"
            " p.population, n.lang, n.kind FROM names n JOIN places p USING (geonameid) WHERE n.norm = ?",
            (normalise_name(name),),
        ).fetchall()
        best: dict[int, Candidate] = {}
        for row in rows:
            candidate = Candidate(*row)
            if candidate.lang not in ("", lang):
                candidate = replace(candidate, kind="alt")
            current = best.get(candidate.geonameid)
            if current is None or NAME_KINDS.index(candidate.kind) < NAME_KINDS.index(current.kind):
                best[candidate.geonameid] = candidate
        found = sorted(best.values(), key=lambda c: -c.population)
        letters = len(name.replace(".", ""))
        if name.isupper() and letters <= ABBREVIATION_MAX_LETTERS:
            found = [c for c in found if c.kind in DECLARED_KINDS or _capitalised_city(c, letters)]
        return tuple(found)

    def country(self, code: str) -> Candidate | None:
        return self._one_place("country = ? AND feature_code = 'PCLI'", code)

    def region_name(self, admin1: str | None) -> str | None:
        """The name of the first-level region with this GeoNames admin1 code ("IQ.07" -> "Baghdād")."""
        if self._regions is None:  # 3,000 rows: read once, on first use
            rows = self._db.execute("SELECT admin1, name FROM places WHERE feature_code = 'ADM1'").fetchall()
            self._regions = dict(rows)
        return self._regions.get(admin1) if admin1 else None

    def place(self, geonameid: int) -> Candidate | None:
        """The gazetteer entry with this GeoNames id, if the gazetteer holds it."""
        return self._one_place("geonameid = ?", geonameid)

    def _one_place(self, where: str, value: object) -> Candidate | None:
        row = self._db.execute(
            "SELECT geonameid, name, lat, lon, country, admin1, feature_class, feature_code, population, '', 'name'"
            f" FROM places WHERE {where}",
            (value,),
        ).fetchone()
        return Candidate(*row) if row else None

    def country_of(self, geonameid: int) -> str | None:
        row = self._db.execute("SELECT country FROM places WHERE geonameid = ?", (geonameid,)).fetchone()
        return row[0] if row else None

    def country_ids(self) -> dict[int, str]:
        """GeoNames id of each country -> its ISO code."""
        return dict(self._db.execute("SELECT geonameid, country FROM places WHERE feature_code = 'PCLI'"))

    def _border(self, a: str, b: str) -> tuple[float, float] | None:
        """The midpoint of the border two countries share; None for countries that share none."""
        first, second = sorted((a, b))
        row = self._db.execute("SELECT lat, lon FROM borders WHERE a = ? AND b = ?", (first, second)).fetchone()
        return (float(row[0]), float(row[1])) if row else None


def _capitalised_city(candidate: Candidate, letters: int) -> bool:
    return (letters == CAPITALISED_CITY_LETTERS and candidate.kind == "name"
            and candidate.population >= CAPITALISED_CITY_MIN_POPULATION)


def distance_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance (haversine)."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 6371.0 * 2 * math.asin(min(1.0, math.sqrt(a)))
