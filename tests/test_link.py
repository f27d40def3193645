"""In-document linking over real sentences, with the mentions a recogniser gives (here written out)."""

import re

from kroniek import Document
from kroniek.link.document import DocumentLinker, name_key
from kroniek.model import Entity

TEXT = (
    "De Iraakse troepen naderen in het offensief op terreurbeweging Islamitische Staat (IS) de moskee. "
    "Het is de plek waar IS-leider Abu Bakr al-Baghdadi het kalifaat uitriep. "
    "Al-Baghdadi zou de stad zijn ontvlucht. Ook de IS-leden vluchtten, zegt Reuters."
)


def with_mentions(text: str, mentions: list[tuple[str, str, int]], language: str = "nl") -> Document:
    """A document whose entities are the given (surface text, type, occurrence) mentions, one entity each."""
    doc = Document.new(text, language=language)
    for surface, type_, occurrence in mentions:
        start = [m.start() for m in re.finditer(re.escape(surface), text)][occurrence]
        doc.entities.append(
            Entity(
                id=f"E{len(doc.entities) + 1}",
                type=type_,
                name=surface,
                mentions=[doc.mention(start, start + len(surface))],
            )
        )
    return doc


def linked(doc: Document) -> dict[str, tuple[str, list[str]]]:
    return {e.name: (e.type, [m.text for m in e.mentions]) for e in DocumentLinker()(doc).entities}


def test_acronym_definition_joins_the_acronym_and_names_it_by_its_expansion():
    doc = with_mentions(TEXT, [("Islamitische", "MISC", 0), ("IS", "LOC", 0), ("IS", "ORG", 2)])
    entities = linked(doc)
    assert entities["Islamitische Staat"][0] == "ORG"
    assert "Islamitische" not in entities  # the partial recognition is folded into the expansion
    assert sorted(entities["Islamitische Staat"][1]) == ["IS", "IS", "IS", "Islamitische Staat"]


def test_surname_and_case_variants_join_the_full_name():
    doc = with_mentions(TEXT, [("Abu Bakr al-Baghdadi", "PER", 0), ("Al-Baghdadi", "MISC", 0)])
    assert linked(doc)["Abu Bakr al-Baghdadi"] == ("PER", ["Abu Bakr al-Baghdadi", "Al-Baghdadi"])
    assert "Al-Baghdadi" not in linked(doc)


def test_surname_shared_by_two_people_stays_apart():
    text = "Mark Rutte en Anna Rutte kwamen. Rutte sprak."
    doc = with_mentions(text, [("Mark Rutte", "PER", 0), ("Anna Rutte", "PER", 0), ("Rutte", "PER", 2)])
    assert set(linked(doc)) == {"Mark Rutte", "Anna Rutte", "Rutte"}


def test_compound_is_a_mention_of_its_head_not_a_name():
    doc = with_mentions(TEXT, [("IS", "ORG", 0), ("IS-leider", "MISC", 0)])
    entities = linked(doc)
    assert "IS-leider" not in entities
    assert [m for m in entities["Islamitische Staat"][1]].count("IS") == 3  # (IS), IS-leider, IS-leden


def test_entities_are_numbered_in_order_of_first_mention():
    doc = with_mentions(TEXT, [("Reuters", "ORG", 0), ("Abu Bakr al-Baghdadi", "PER", 0)])
    assert [(e.id, e.name) for e in DocumentLinker()(doc).entities] == [
        ("E1", "Islamitische Staat"),  # found by its acronym definition even when no recogniser saw it
        ("E2", "Abu Bakr al-Baghdadi"),
        ("E3", "Reuters"),
    ]


def test_name_key_ignores_case_hyphen_forms_and_articles():
    articles = ("de", "het")
    assert name_key("Al\u2011Baghdadi") == name_key("al-Baghdadi")
    assert name_key("de Verenigde Naties", articles) == name_key("Verenigde Naties", articles)
    assert name_key("De", articles) == "de"  # a lone article stays
