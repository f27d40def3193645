"""The quantities stage on the sample article, the examples, and Dutch and English news sentences."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from kroniek import Document, Pipeline, Settings, TimeExpression, analyse
from kroniek.ingest.readers import Article, read_paths
from kroniek.quantities import make_quantities, quantity_category
from kroniek.quantities.evaluate import GOLD_DIR, evaluate, main, read_gold, system_predictor

SEGMENT = Pipeline(stages=("language", "segment"))
QUANTITIES = make_quantities(Settings())
EXAMPLES = Path(__file__).resolve().parents[1] / "examples"
APPROXIMATIONS = {"exact", "about", "more_than", "at_least", "less_than", "at_most"}


def quantities(text: str, language: str | None = None, published: str | None = None) -> Document:
    return QUANTITIES(analyse(text, language=language, published=published, pipeline=SEGMENT))


def summary(doc: Document) -> list[tuple[str, float | None, str, str | None, str | None]]:
    return [(q.text, q.value, q.approximation, q.unit, q.counts) for q in doc.quantities]


def test_sample_article(sample_text):
    doc = quantities(sample_text, published="2017-06-21")
    assert summary(doc) == [
        ("300 meter", 300, "exact", "meter", None),
        ("meer dan 100.000", 100000, "more_than", None, "burgers"),
        ("niet meer dan 300", 300, "at_most", None, "terroristen"),
        # "bijna 6.000 waren": no noun of its own; it takes "terroristen" from earlier in its sentence
        ("bijna 6.000", 6000, "about", None, "terroristen"),
    ]
    assert [q.id for q in doc.quantities] == ["Q1", "Q2", "Q3", "Q4"]
    assert all(doc.text[q.start : q.end] == q.text for q in doc.quantities)
    assert not any("2014" in q.text for q in doc.quantities)  # "In 2014", "Sinds 2014" are years


def test_sample_article_categories(sample_text):
    doc = quantities(sample_text, published="2017-06-21")
    assert [quantity_category(q, "nl") for q in doc.quantities] == ["distance", "people", "combatants", "combatants"]


def test_stage_runs_in_a_pipeline_after_segment(sample_text):
    doc = SEGMENT(Document.new(sample_text))
    doc = QUANTITIES(doc)
    assert len(doc.quantities) == 4


ARTICLES = [json.loads(line) for line in (EXAMPLES / "articles.jsonl").read_text(encoding="utf-8").splitlines()]


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        (
            0,
            [
                ("300 metres", 300, "exact", "meter", None),
                ("More than 100,000", 100000, "more_than", None, "civilians"),
                ("no more than 300", 300, "at_most", None, "fighters"),
                ("nearly 6,000", 6000, "about", None, "fighters"),
            ],
        ),
        (1, []),  # "eind mei", "in 2014": no quantities
        (
            2,
            [
                ("tientallen", 20, "at_least", None, "straten"),
                ("ongeveer 200", 200, "about", None, "bewoners"),
                ("meer dan 100 millimeter", 100, "more_than", "millimeter", None),
                ("zeker 40", 40, "at_least", None, "mensen"),
            ],
        ),
        (
            3,
            [
                ("magnitude 7.8", 7.8, "exact", "magnitude", None),
                ("thousands", 2000, "at_least", None, "buildings"),
                ("at least 2,300", 2300, "at_least", None, "people"),
                ("more than 1,400", 1400, "more_than", None, "deaths"),
                ("magnitude 7.5", 7.5, "exact", "magnitude", None),  # "about nine hours later" is a time
            ],
        ),
    ],
)
def test_example_articles(line, expected):
    record = ARTICLES[line]
    doc = quantities(record["text"], language=record["language"], published=record["published"])
    assert summary(doc) == expected


def test_example_html_page():
    [article] = list(read_paths([EXAMPLES / "html" / "mosul-troepen-naderen-moskee.html"]))
    assert isinstance(article, Article)
    doc = QUANTITIES(SEGMENT(article.to_document()))
    assert summary(doc) == [
        ("enkele honderden meters", 200, "at_least", "meter", None),
        ("ruim 100.000", 100000, "more_than", None, "burgers"),
        ("hooguit 300", 300, "at_most", None, "IS-strijders"),
        ("bijna 6.000", 6000, "about", None, "IS-strijders"),
    ]
    assert quantity_category(doc.quantities[2], "nl") == "combatants"  # "IS-strijders" ends in a listed noun


@pytest.mark.parametrize(
    ("language", "sentence", "text", "value", "approximation", "unit", "counts"),
    [
        ("nl", "Volgens de VN zijn 1,5 miljoen mensen op de vlucht.", "1,5 miljoen", 1.5e6, "exact", None, "mensen"),
        ("nl", "Bij de aanval kwamen zes agenten om.", "zes", 6, "exact", None, "agenten"),
        ("nl", "Honderden demonstranten trokken door de stad.", "Honderden", 200, "at_least", None, "demonstranten"),
        ("nl", "Er raakten tientallen mensen gewond.", "tientallen", 20, "at_least", None, "mensen"),
        ("nl", "Een derde van de inwoners is gevlucht.", "Een derde", 1 / 3, "exact", "fraction", None),
        (
            "nl",
            "Er kwamen twee keer zoveel vluchtelingen als vorig jaar.",
            "twee keer zoveel",
            2,
            "exact",
            "times",
            None,
        ),
        ("nl", "Het leger telde vijfentwintig doden.", "vijfentwintig", 25, "exact", None, "doden"),
        ("nl", "Er zijn drieduizend extra agenten nodig.", "drieduizend", 3000, "exact", None, "agenten"),
        ("nl", "De schade bedraagt circa 400 miljoen euro.", "circa 400 miljoen euro", 4e8, "about", "euro", None),
        ("nl", "Zo'n 2.000 militairen gaan naar de grens.", "Zo'n 2.000", 2000, "about", None, "militairen"),
        ("nl", "Bij de explosie vielen ten minste 18 doden.", "ten minste 18", 18, "at_least", None, "doden"),
        ("nl", "Er werden hooguit 50 betogers opgepakt.", "hooguit 50", 50, "at_most", None, "betogers"),
        ("nl", "De wijk ligt op ca. 3 km van het front.", "ca. 3 km", 3, "about", "kilometer", None),
        ("nl", "Er viel 150 mm regen.", "150 mm", 150, "exact", "millimeter", None),
        ("nl", "De inflatie steeg naar 5,2%.", "5,2%", 5.2, "exact", "percent", None),
        ("nl", "Het kost €20.000 per jaar.", "€20.000", 20000, "exact", "euro", None),
        ("nl", "Het werd 39 graden in Maastricht.", "39 graden", 39, "exact", "degree", None),
        ("nl", "Nog geen 100 mensen kwamen opdagen.", "Nog geen 100", 100, "less_than", None, "mensen"),
        ("nl", "Bij de aanslag vielen 12 gewonde burgers.", "12", 12, "exact", None, "burgers"),
        ("nl", "De politie hield 20 of meer relschoppers aan.", "20 of meer", 20, "at_least", None, "relschoppers"),
        ("nl", "Er vielen vorig jaar 661 verkeersdoden.", "661", 661, "exact", None, "verkeersdoden"),
        ("nl", "Het vroor min 12 graden.", "min 12 graden", -12, "exact", "degree", None),
        ("en", "More than 100,000 civilians remain trapped.", "More than 100,000", 1e5, "more_than", None, "civilians"),
        ("en", "The bill will cost 1.5 million dollars.", "1.5 million dollars", 1.5e6, "exact", "dollar", None),
        ("en", "Dozens of people were injured.", "Dozens", 24, "at_least", None, "people"),
        ("en", "Hundreds of thousands of refugees fled.", "Hundreds of thousands", 2e5, "at_least", None, "refugees"),
        ("en", "Several hundred residents were evacuated.", "Several hundred", 200, "at_least", None, "residents"),
        ("en", "Twenty-five people were treated in hospital.", "Twenty-five", 25, "exact", None, "people"),
        ("en", "Some 2,000 troops are being sent.", "Some 2,000", 2000, "about", None, "troops"),
        ("en", "Police say at least 40 were killed.", "at least 40", 40, "at_least", None, None),
        ("en", "Up to 70 migrants may have drowned.", "Up to 70", 70, "at_most", None, "migrants"),
        ("en", "Fewer than 100 people came.", "Fewer than 100", 100, "less_than", None, "people"),
        ("en", "Two-thirds of voters oppose the plan.", "Two-thirds", 2 / 3, "exact", "fraction", None),
        ("en", "There are twice as many cases as last year.", "twice as many", 2, "exact", "times", None),
        ("en", "The bank was fined $1.5bn.", "$1.5bn", 1.5e9, "exact", "dollar", None),
        ("en", "The crowd was estimated at 15,000 protesters.", "15,000", 15000, "exact", None, "protesters"),
        ("en", "No more than 300 Islamic State fighters remain.", "No more than 300", 300, "at_most", None, "fighters"),
        ("en", "A magnitude 6.4 quake hit the region.", "magnitude 6.4", 6.4, "exact", "magnitude", None),
        ("en", "A 7.8-magnitude quake hit the region.", "7.8-magnitude", 7.8, "exact", "magnitude", None),
        ("en", "Rescue teams pulled a dozen survivors from the rubble.", "a dozen", 12, "exact", None, "survivors"),
        (
            "en",
            "Debt rose by one and a half million pounds.",
            "one and a half million pounds",
            1.5e6,
            "exact",
            "pound",
            None,
        ),
    ],
)
def test_quantity_table(language, sentence, text, value, approximation, unit, counts):
    doc = quantities(sentence, language=language)
    assert len(doc.quantities) == 1, summary(doc)
    [q] = doc.quantities
    assert (q.text, q.approximation, q.unit, q.counts) == (text, approximation, unit, counts)
    assert q.value == pytest.approx(value)


@pytest.mark.parametrize(
    ("language", "sentence"),
    [
        ("nl", "In 2014 riep al-Baghdadi het kalifaat uit."),  # a year
        ("nl", "Sinds 2014 wappert de zwarte vlag boven de moskee."),
        ("nl", "De aanslag was op 21-06-2017 om 14.30 uur."),  # a date and a clock time
        ("nl", "Op 4 mei herdenkt Nederland de doden."),
        ("nl", "De 3e divisie rukte op naar de stad."),  # an ordinal
        ("nl", "De F-16's vlogen boven Irak."),  # a name
        ("nl", "Artikel 5 van het verdrag werd ingeroepen."),
        ("nl", "Het ongeluk gebeurde op de A12."),
        ("nl", "Premier Rutte sprak 45 minuten met de president."),  # a duration
        ("nl", "Hij kreeg 18 maanden cel, de 34-jarige verdachte ging in beroep."),
        ("nl", "In de jaren negentig was het rustig."),
        ("nl", "Het Nederlands elftal won met 3-1."),
        ("nl", "Er was een man in de stad."),  # an article, not a number
        ("nl", "Om kwart over negen viel de stroom uit."),
        ("en", "The treaty was signed in 1992."),
        ("en", "The alarm went off at 2:30 pm on 21/06/2017."),
        ("en", "Since January 1, the border has been closed."),
        ("en", "The 3rd Division advanced on the city."),
        ("en", "World War Two veterans gathered in Normandy."),
        ("en", "In the 1990s the village was quiet."),
        ("en", "The match was halted at 8.45pm."),
        ("en", "One of the mosques was destroyed."),
        ("en", "The suspect faces up to three years in prison."),
        ("en", "A second quake hit about nine hours later."),
    ],
)
def test_not_a_quantity(language, sentence):
    assert summary(quantities(sentence, language=language)) == []


def test_numbers_inside_time_expressions_are_skipped():
    text = "De stad werd rond 300 na Christus gesticht."
    doc = SEGMENT(Document.new(text, language="nl"))
    assert summary(QUANTITIES(doc.model_copy(deep=True))) == [("rond 300", 300, "about", None, None)]
    start = text.index("300")
    end = text.index(" gesticht")
    doc.times = [TimeExpression(id="T1", text=text[start:end], start=start, end=end, type="DATE", value="0300")]
    assert summary(QUANTITIES(doc)) == []


def test_separators_follow_the_language():
    assert summary(quantities("Het gaat om 1.500 euro.", language="nl"))[0][1] == 1500
    assert summary(quantities("It is about 1.500 euros.", language="en"))[0][1] == 1.5
    assert summary(quantities("It costs 1,500 euros.", language="en"))[0][1] == 1500


@pytest.mark.parametrize(
    ("language", "sentence", "category"),
    [
        ("nl", "Er vielen 12 doden.", "fatalities"),
        ("nl", "Er vielen 30 gewonden.", "injuries"),
        ("nl", "Er vielen 661 verkeersdoden.", "fatalities"),
        ("nl", "Er werden 40 betogers opgepakt.", "protesters"),
        ("nl", "Ruim 200 vluchtelingen kwamen aan.", "displaced"),
        ("nl", "Het kost 3 miljoen euro.", "money"),
        ("nl", "Er kwamen 300 toeristen.", None),
        ("en", "At least 40 were killed and 12 wounded.", None),
        ("en", "The quake killed 2,300 people.", "people"),
        ("en", "There were 1,400 deaths.", "fatalities"),
        ("en", "Over 300 fighters remain.", "combatants"),
        ("en", "It rose 3 percent.", "percentage"),
    ],
)
def test_quantity_category(language, sentence, category):
    doc = quantities(sentence, language=language)
    assert quantity_category(doc.quantities[0], language) == category


def test_unknown_language_gets_a_warning_and_no_quantities():
    doc = QUANTITIES(SEGMENT(Document.new("Il y avait 300 personnes.", language="fr")))
    assert doc.quantities == []
    assert any("quantities" in warning for warning in doc.warnings)


@pytest.mark.parametrize("split", ["dev", "test", "blind"])
def test_gold_data_is_consistent(split):
    records = read_gold(split, None)
    languages = {r["language"] for r in records}
    assert languages == {"nl", "en"}
    for record in records:
        for q in record["quantities"]:
            assert record["text"][q["start"] : q["end"]] == q["text"], record["id"]
            assert q["approximation"] in APPROXIMATIONS, record["id"]
    if split != "blind":
        assert all(sum(r["language"] == lang for r in records) >= 30 for lang in languages)


def test_dev_and_test_do_not_share_sentences():
    dev = {r["text"] for r in read_gold("dev", None)}
    test = {r["text"] for r in read_gold("test", None)}
    blind = {r["text"] for r in read_gold("blind", None)}
    assert not dev & test and not dev & blind and not test & blind
    assert GOLD_DIR.is_dir()


@pytest.mark.parametrize(("split", "minimum_f1"), [("dev", 0.95), ("test", 0.9), ("blind", 0.9)])
def test_gold_scores_do_not_regress(split, minimum_f1):
    scores = evaluate(read_gold(split, None), system_predictor())
    assert scores.prf(scores.strict)[2] >= minimum_f1, scores.errors
    assert all(hits / scores.relaxed >= 0.9 for hits in scores.attribute_hits.values()), scores.errors


def test_evaluate_command_prints_scores(capsys):
    assert main(["--split", "dev", "--language", "nl"]) == 0
    out = capsys.readouterr().out
    assert "kroniek" in out and "baseline" in out and "strict P" in out
