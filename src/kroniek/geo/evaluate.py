"""Score the geo stage on annotated toponyms.

    python -m kroniek.geo.evaluate [--split test|dev|all] [--lgl PATH] [--gwn PATH]

Gold sets:
- tests/data/geo/<lang>.<split>.jsonl: sentences written for kroniek, each toponym with its GeoNames
  id, country and point. Tune on dev, report on test.
- optional public English sets, never shipped: LGL (Lieberman et al. 2010) and GeoWebNews (Gritta et al.
  2019) as XML (see src/kroniek/geo/README.md for where they come from).

Printed per set:
- toponym P/R/F1: the stage finding toponyms on its own (exact spans; landmarks, districts and
  border regions are not counted, as the gold sets do not mark them);
- resolution given gold spans (they are handed to the stage as LOC entities, as the NER stage will):
  accuracy of the exact GeoNames id, of the country, and of the point within 161 km (100 miles);
- the baseline on the same spans: the most populous gazetteer entry whose name matches exactly.
"""

from __future__ import annotations

import argparse
import json
import xml.etree.ElementTree as ET
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from kroniek.geo.gazetteer import Candidate, Gazetteer, distance_km
from kroniek.geo.resolve import GeoResolver
from kroniek.model import Document, Entity, Mention
from kroniek.pipeline import Pipeline

GOLD_DIR = Path(__file__).resolve().parents[3] / "tests" / "data" / "geo"
DEFAULT_LGL = Path("/work/gold/lgl.xml")
DEFAULT_GWN = Path("/work/gold/GWN.xml")
MILES_100_KM = 161.0


@dataclass(frozen=True)
class GoldToponym:
    start: int
    end: int
    text: str
    geonameid: int | None
    country: str | None
    lat: float
    lon: float


@dataclass
class GoldDocument:
    text: str
    language: str
    toponyms: list[GoldToponym]


@dataclass
class Tally:
    n: int = 0
    exact: int = 0
    country: int = 0
    country_n: int = 0
    near: int = 0
    errors: list[str] = field(default_factory=list)

    def add(self, gold: GoldToponym, geonameid: int | None, country: str | None,
            point: tuple[float, float] | None) -> None:
        self.n += 1
        self.exact += geonameid is not None and geonameid == gold.geonameid
        if gold.country:
            self.country_n += 1
            self.country += country == gold.country
        self.near += point is not None and distance_km(gold.lat, gold.lon, *point) <= MILES_100_KM
        if geonameid != gold.geonameid:
            self.errors.append(f"{gold.text} ({gold.geonameid}, {gold.country}) -> {geonameid}, {country}")

    def row(self, label: str) -> str:
        return (f"  {label:<28} n={self.n:<5} exact id {_pct(self.exact, self.n)}  "
                f"country {_pct(self.country, self.country_n)}  <=161 km {_pct(self.near, self.n)}")


@dataclass
class Detection:
    true_positive: int = 0
    predicted: int = 0
    gold: int = 0
    misses: list[str] = field(default_factory=list)
    spurious: list[str] = field(default_factory=list)

    def row(self) -> str:
        p = self.true_positive / self.predicted if self.predicted else 0.0
        r = self.true_positive / self.gold if self.gold else 0.0
        f1 = 2 * p * r / (p + r) if p + r else 0.0
        return f"  {'toponyms found (own rules)':<28} P={p:.3f} R={r:.3f} F1={f1:.3f}  (gold {self.gold})"


def _pct(part: int, whole: int) -> str:
    return f"{part / whole:6.1%}" if whole else "   n/a"


def load_jsonl(paths: Iterable[Path]) -> list[GoldDocument]:
    docs = []
    for path in paths:
        for line in path.read_text(encoding="utf-8").splitlines():
            record = json.loads(line)
            toponyms = [GoldToponym(p["start"], p["end"], p["text"], p["geonameid"], p["country"], p["lat"], p["lon"])
                        for p in record["places"]]
            docs.append(GoldDocument(record["text"], record["language"], toponyms))
    return docs


def load_lgl(path: Path, countries: dict[int, str]) -> list[GoldDocument]:
    docs = []
    for article in ET.parse(path).getroot().iter("article"):
        text = article.findtext("text") or ""
        toponyms = []
        for toponym in article.iter("toponym"):
            gaztag = toponym.find("gaztag")
            if gaztag is None or gaztag.findtext("lat") is None:
                continue
            country = gaztag.find("country")
            code = countries.get(int(country.get("geonameid") or 0)) if country is not None else None
            toponyms.append(GoldToponym(int(toponym.findtext("start") or 0), int(toponym.findtext("end") or 0),
                                        toponym.findtext("phrase") or "", int(gaztag.get("geonameid") or 0),
                                        code, float(gaztag.findtext("lat") or 0), float(gaztag.findtext("lon") or 0)))
        docs.append(GoldDocument(text, "en", _aligned(text, toponyms)))
    return docs


def load_gwn(path: Path, gazetteer: Gazetteer) -> list[GoldDocument]:
    """GeoWebNews toponyms that carry a GeoNames id; the country comes from the gazetteer when it has the id."""
    docs = []
    for article in ET.parse(path).getroot().iter("article"):
        text = article.findtext("text") or ""
        toponyms = []
        for toponym in article.iter("toponym"):
            geonameid = (toponym.findtext("geonamesID") or "").strip()
            if not geonameid.isdigit() or toponym.findtext("nonLocational") == "Yes":
                continue
            toponyms.append(GoldToponym(int(toponym.findtext("start") or 0), int(toponym.findtext("end") or 0),
                                        toponym.findtext("extractedName") or "", int(geonameid),
                                        gazetteer.country_of(int(geonameid)),
                                        float(toponym.findtext("latitude") or 0),
                                        float(toponym.findtext("longitude") or 0)))
        docs.append(GoldDocument(text, "en", _aligned(text, toponyms)))
    return docs


def _aligned(text: str, toponyms: list[GoldToponym]) -> list[GoldToponym]:
    """Gold offsets must point at their phrase in the text as the model normalises it."""
    return [t for t in toponyms if text[t.start:t.end] == t.text and t.text.strip() == t.text]


class Scorer:
    def __init__(self) -> None:
        self.pipeline = Pipeline(stages=("language", "segment"))
        self.gazetteer = Gazetteer()
        self.resolver = GeoResolver(self.gazetteer)

    def prepared(self, gold: GoldDocument) -> Document | None:
        doc = Document.new(gold.text, language=gold.language)
        if doc.text != gold.text:  # normalisation moved the offsets: leave the document out
            return None
        return self.pipeline(doc)

    def score(self, docs: list[GoldDocument], detect: bool) -> tuple[Tally, Tally, Detection]:
        system, baseline, detection = Tally(), Tally(), Detection()
        for gold in docs:
            doc = self.prepared(gold)
            if doc is None:
                continue
            if detect:
                self._detect(doc.model_copy(deep=True), gold, detection)
            self._resolve(doc, gold, system, baseline)
        return system, baseline, detection

    def _detect(self, doc: Document, gold: GoldDocument, detection: Detection) -> None:
        predicted = {(m.start, m.end) for p in self.resolver(doc).places
                     if p.source_id and "#" not in p.source_id for m in p.mentions}
        wanted = {(t.start, t.end) for t in gold.toponyms}
        detection.true_positive += len(predicted & wanted)
        detection.predicted += len(predicted)
        detection.gold += len(wanted)
        detection.misses += [doc.text[s:e] for s, e in sorted(wanted - predicted)]
        detection.spurious += [doc.text[s:e] for s, e in sorted(predicted - wanted)]

    def _resolve(self, doc: Document, gold: GoldDocument, system: Tally, baseline: Tally) -> None:
        doc.entities = [Entity(id=f"G{i}", type="LOC", name=t.text,
                               mentions=[Mention(start=t.start, end=t.end, text=t.text)])
                        for i, t in enumerate(gold.toponyms)]
        answers = {(m.start, m.end): p for p in self.resolver(doc).places for m in p.mentions
                   if p.source_id and "#" not in p.source_id}
        for toponym in gold.toponyms:
            place = answers.get((toponym.start, toponym.end))
            if place is None:
                system.add(toponym, None, None, None)
            else:
                geonameid = int((place.source_id or "geonames:0").split(":")[1])
                point = (place.lat, place.lon) if place.lat is not None and place.lon is not None else None
                system.add(toponym, geonameid, place.country, point)
            top = self._most_populous(toponym.text, gold.language)
            baseline.add(toponym, top.geonameid if top else None, top.country if top else None,
                         (top.lat, top.lon) if top else None)

    def _most_populous(self, name: str, lang: str) -> Candidate | None:
        candidates = self.gazetteer.lookup(name, lang)
        return max(candidates, key=lambda c: c.population) if candidates else None


def report(title: str, scorer: Scorer, docs: list[GoldDocument], detect: bool, verbose: bool) -> None:
    system, baseline, detection = scorer.score(docs, detect)
    print(f"{title}: {len(docs)} documents, {system.n} gold toponyms")
    if detect:
        print(detection.row())
        if verbose:
            print("    missed:  ", ", ".join(detection.misses) or "-")
            print("    spurious:", ", ".join(detection.spurious) or "-")
    print(system.row("kroniek geo (gold spans)"))
    if verbose:
        print("    wrong:   ", "; ".join(system.errors) or "-")
    print(baseline.row("baseline: most populous"))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--split", choices=("dev", "test", "all"), default="test")
    parser.add_argument("--gold-dir", type=Path, default=GOLD_DIR)
    parser.add_argument("--lgl", type=Path, default=DEFAULT_LGL, help="LGL XML (skipped when absent)")
    parser.add_argument("--gwn", type=Path, default=DEFAULT_GWN, help="GeoWebNews XML (skipped when absent)")
    parser.add_argument("--no-public", action="store_true", help="score only the shipped gold sets")
    parser.add_argument("--verbose", "-v", action="store_true", help="list missed and spurious toponyms")
    args = parser.parse_args(argv)
    scorer = Scorer()
    splits = ("dev", "test") if args.split == "all" else (args.split,)
    for lang in ("nl", "en"):
        paths = [args.gold_dir / f"{lang}.{split}.jsonl" for split in splits]
        report(f"{lang} ({'+'.join(splits)})", scorer, load_jsonl(p for p in paths if p.is_file()), True, args.verbose)
    if not args.no_public and args.lgl.is_file():
        report("LGL (en, local news)", scorer, load_lgl(args.lgl, scorer.gazetteer.country_ids()), False, False)
    if not args.no_public and args.gwn.is_file():
        report("GeoWebNews (en)", scorer, load_gwn(args.gwn, scorer.gazetteer), False, False)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
