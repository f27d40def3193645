"""Score the geo stage on annotated toponyms.

    kroniek eval geo [--split test|dev|all] [--gold PATH ...] [--format table|json] [-v]

Gold sets (tune on dev, report on test):
- tests/data/geo/conll/<lang>.<split>.jsonl: every LOC entity of randomly drawn articles of CoNLL-2002
  Dutch (De Morgen, 2000) and CoNLL-2003 English (Reuters, 1996), resolved by hand to a GeoNames id, or
  marked as no GeoNames place (id null; country and point where one can be given). The records point at
  the article in /work/shared/corpora (see conll.py); the text itself is not redistributed.
- tests/data/geo/<lang>.<split>.jsonl: sentences written for kroniek, each toponym with its GeoNames id.
- optional public English sets, never shipped: LGL (Lieberman et al. 2010) and GeoWebNews (Gritta et al.
  2019) as XML (see src/kroniek/geo/README.md for where they come from).

Per set: resolution given the gold spans (handed to the stage as LOC entities, as the NER stage will) of
the toponyms whose GeoNames id the shipped gazetteer holds: accuracy of the exact id, of the country, and
of the point within 161 km (100 miles), beside the baseline (the most populous gazetteer entry whose name
matches exactly). For the others: how many the stage leaves unresolved, and its country and point where
the gold gives one. Toponym detection with the stage's own rules (P/R/F1, exact spans) and the cost of
resolution per mention complete the picture.
"""

from __future__ import annotations

import argparse
import json
import time
import xml.etree.ElementTree as ET
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kroniek.geo.conll import article_text
from kroniek.geo.gazetteer import Candidate, Gazetteer, distance_km
from kroniek.geo.resolve import GeoResolver
from kroniek.model import Document, Entity, Mention, Place
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
    geonameid: int | None  # None: no GeoNames place (a street, a sea, a landmark, a former country)
    country: str | None
    lat: float | None
    lon: float | None


@dataclass
class GoldDocument:
    text: str
    language: str
    toponyms: list[GoldToponym]


@dataclass(frozen=True)
class Answer:
    geonameid: int | None
    country: str | None
    point: tuple[float, float] | None


NO_ANSWER = Answer(None, None, None)


@dataclass
class Tally:
    """Accuracy over toponyms whose gold id the gazetteer holds."""

    n: int = 0
    exact: int = 0
    country: int = 0
    near: int = 0
    errors: list[str] = field(default_factory=list)

    def add(self, gold: GoldToponym, answer: Answer) -> None:
        self.n += 1
        self.exact += answer.geonameid == gold.geonameid
        self.country += answer.country == gold.country
        self.near += _near(gold, answer)
        if answer.geonameid != gold.geonameid:
            self.errors.append(f"{gold.text} ({gold.geonameid}, {gold.country}) -> "
                               f"{answer.geonameid}, {answer.country}")

    def figures(self) -> dict[str, float | int]:
        return {"n": self.n, "exact": _ratio(self.exact, self.n), "country": _ratio(self.country, self.n),
                "within_161km": _ratio(self.near, self.n)}


@dataclass
class Outside:
    """Toponyms with no GeoNames id in the gazetteer: left unresolved, or placed in the right country/near."""

    n: int = 0
    unresolved: int = 0
    country_n: int = 0
    country: int = 0
    point_n: int = 0
    near: int = 0

    def add(self, gold: GoldToponym, answer: Answer) -> None:
        self.n += 1
        self.unresolved += answer == NO_ANSWER
        if gold.country:
            self.country_n += 1
            self.country += answer.country == gold.country
        if gold.lat is not None:
            self.point_n += 1
            self.near += _near(gold, answer)

    def figures(self) -> dict[str, float | int]:
        return {"n": self.n, "unresolved": _ratio(self.unresolved, self.n),
                "country": _ratio(self.country, self.country_n), "country_n": self.country_n,
                "within_161km": _ratio(self.near, self.point_n), "point_n": self.point_n}


@dataclass
class Detection:
    true_positive: int = 0
    predicted: int = 0
    gold: int = 0
    misses: list[str] = field(default_factory=list)
    spurious: list[str] = field(default_factory=list)

    def figures(self) -> dict[str, float | int]:
        p = self.true_positive / self.predicted if self.predicted else 0.0
        r = self.true_positive / self.gold if self.gold else 0.0
        f1 = 2 * p * r / (p + r) if p + r else 0.0
        return {"precision": round(p, 4), "recall": round(r, 4), "f1": round(f1, 4), "gold": self.gold}


@dataclass
class SetScore:
    name: str
    documents: int = 0
    system: Tally = field(default_factory=Tally)
    baseline: Tally = field(default_factory=Tally)
    outside: Outside = field(default_factory=Outside)
    detection: Detection = field(default_factory=Detection)
    seconds: float = 0.0  # resolving the gold spans: the stage run per document

    def as_dict(self) -> dict[str, Any]:
        mentions = self.system.n + self.outside.n
        return {"set": self.name, "documents": self.documents, "mentions": mentions,
                "in_gazetteer": self.system.figures(), "baseline": self.baseline.figures(),
                "not_in_gazetteer": self.outside.figures(), "detection": self.detection.figures(),
                "ms_per_mention": round(1000 * self.seconds / mentions, 3) if mentions else None}


def _near(gold: GoldToponym, answer: Answer) -> bool:
    if answer.point is None or gold.lat is None or gold.lon is None:
        return False
    return distance_km(gold.lat, gold.lon, *answer.point) <= MILES_100_KM


def _ratio(part: int, whole: int) -> float:
    return round(part / whole, 4) if whole else 0.0


def load_jsonl(paths: Iterable[Path]) -> list[GoldDocument]:
    """Gold records with their own "text", or a "source" pointing at a corpus article (skipped when absent)."""
    docs = []
    for path in paths:
        for line in path.read_text(encoding="utf-8").splitlines():
            record = json.loads(line)
            text = record.get("text") or article_text(record["source"])
            if text is None:
                continue
            toponyms = [GoldToponym(p["start"], p["end"], p["text"], p["geonameid"], p["country"], p["lat"], p["lon"])
                        for p in record["places"]]
            if any(text[t.start:t.end] != t.text for t in toponyms):
                raise ValueError(f"{path}: {record['id']}: a gold span does not match the text")
            docs.append(GoldDocument(text, record["language"], toponyms))
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


def _answer(place: Place | None) -> Answer:
    """A landmark, district or border region has no gazetteer id of its own, but a country and a point."""
    if place is None or not place.source_id:
        return NO_ANSWER
    point = (place.lat, place.lon) if place.lat is not None and place.lon is not None else None
    derived = "#" in place.source_id
    return Answer(None if derived else int(place.source_id.split(":")[1]), place.country, point)


def _candidate_answer(candidate: Candidate | None) -> Answer:
    if candidate is None:
        return NO_ANSWER
    return Answer(candidate.geonameid, candidate.country, (candidate.lat, candidate.lon))


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

    def score(self, name: str, docs: list[GoldDocument], detect: bool) -> SetScore:
        result = SetScore(name)
        for gold in docs:
            doc = self.prepared(gold)
            if doc is None:
                continue
            result.documents += 1
            if detect:
                self._detect(doc.model_copy(deep=True), gold, result.detection)
            self._resolve(doc, gold, result)
        return result

    def _detect(self, doc: Document, gold: GoldDocument, detection: Detection) -> None:
        predicted = {(m.start, m.end) for p in self.resolver(doc).places
                     if p.source_id and "#" not in p.source_id for m in p.mentions}
        wanted = {(t.start, t.end) for t in gold.toponyms if t.geonameid is not None}
        detection.true_positive += len(predicted & wanted)
        detection.predicted += len(predicted)
        detection.gold += len(wanted)
        detection.misses += [doc.text[s:e] for s, e in sorted(wanted - predicted)]
        detection.spurious += [doc.text[s:e] for s, e in sorted(predicted - wanted)]

    def _resolve(self, doc: Document, gold: GoldDocument, result: SetScore) -> None:
        doc.entities = [Entity(id=f"G{i}", type="LOC", name=t.text,
                               mentions=[Mention(start=t.start, end=t.end, text=t.text)])
                        for i, t in enumerate(gold.toponyms)]
        started = time.perf_counter()
        places = self.resolver(doc).places
        result.seconds += time.perf_counter() - started
        answers = {(m.start, m.end): p for p in places for m in p.mentions}
        for toponym in gold.toponyms:
            answer = _answer(answers.get((toponym.start, toponym.end)))
            if toponym.geonameid is None or self.gazetteer.place(toponym.geonameid) is None:
                result.outside.add(toponym, answer)
                continue
            result.system.add(toponym, answer)
            result.baseline.add(toponym, _candidate_answer(self._most_populous(toponym.text, gold.language)))

    def _most_populous(self, name: str, lang: str) -> Candidate | None:
        candidates = self.gazetteer.lookup(name, lang)
        return max(candidates, key=lambda c: c.population) if candidates else None


def _pct(value: float | int | None) -> str:
    return f"{value:6.1%}" if isinstance(value, float) else "   n/a"


def print_table(score: SetScore, verbose: bool) -> None:
    figures = score.as_dict()
    inside, base, outside = figures["in_gazetteer"], figures["baseline"], figures["not_in_gazetteer"]
    detection = figures["detection"]
    print(f"{score.name}: {score.documents} documents, {figures['mentions']} gold toponyms, "
          f"{inside['n']} in the gazetteer, {figures['ms_per_mention']} ms per mention")
    print(f"  {'toponyms found (own rules)':<28} P={detection['precision']:.3f} R={detection['recall']:.3f} "
          f"F1={detection['f1']:.3f}  (gold {detection['gold']})")
    for label, row in (("kroniek geo (gold spans)", inside), ("baseline: most populous", base)):
        print(f"  {label:<28} n={row['n']:<5} exact id {_pct(row['exact'])}  country {_pct(row['country'])}"
              f"  <=161 km {_pct(row['within_161km'])}")
    if outside["n"]:
        print(f"  {'not in the gazetteer':<28} n={outside['n']:<5} unresolved {_pct(outside['unresolved'])}  "
              f"country {_pct(outside['country'])} (of {outside['country_n']})  "
              f"<=161 km {_pct(outside['within_161km'])} (of {outside['point_n']})")
    if verbose:
        print("    wrong:   ", "; ".join(score.system.errors) or "-")
        print("    missed:  ", ", ".join(score.detection.misses) or "-")
        print("    spurious:", ", ".join(score.detection.spurious) or "-")


def default_sets(gold_dir: Path, splits: tuple[str, ...]) -> list[tuple[str, list[Path]]]:
    sets = []
    for lang in ("nl", "en"):
        for label, folder in (("CoNLL", gold_dir / "conll"), ("written", gold_dir)):
            paths = [folder / f"{lang}.{split}.jsonl" for split in splits]
            sets.append((f"{lang} {label} ({'+'.join(splits)})", [p for p in paths if p.is_file()]))
    return sets


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--split", choices=("dev", "test", "all"), default="test")
    parser.add_argument("--gold", type=Path, action="append", help="score these JSONL files instead (repeatable)")
    parser.add_argument("--gold-dir", type=Path, default=GOLD_DIR)
    parser.add_argument("--format", choices=("table", "json"), default="table")
    parser.add_argument("--lgl", type=Path, default=DEFAULT_LGL, help="LGL XML (skipped when absent)")
    parser.add_argument("--gwn", type=Path, default=DEFAULT_GWN, help="GeoWebNews XML (skipped when absent)")
    parser.add_argument("--no-public", action="store_true", help="score only the shipped gold sets")
    parser.add_argument("--verbose", "-v", action="store_true", help="list wrong, missed and spurious toponyms")
    args = parser.parse_args(argv)
    scorer = Scorer()
    splits = ("dev", "test") if args.split == "all" else (args.split,)
    sets = [(str(p), [p]) for p in args.gold] if args.gold else default_sets(args.gold_dir, splits)
    scores = [scorer.score(name, load_jsonl(paths), detect=True) for name, paths in sets if paths]
    if not args.gold and not args.no_public and args.lgl.is_file():
        scores.append(scorer.score("LGL (en, local news)", load_lgl(args.lgl, scorer.gazetteer.country_ids()), False))
    if not args.gold and not args.no_public and args.gwn.is_file():
        scores.append(scorer.score("GeoWebNews (en)", load_gwn(args.gwn, scorer.gazetteer), False))
    if args.format == "json":
        print(json.dumps([s.as_dict() for s in scores], indent=2))
    else:
        for score in scores:
            print_table(score, args.verbose)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
