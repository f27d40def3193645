import json

import jsonschema

from kroniek import Document, analyse
from kroniek.model import content_id, json_schema
from tests.conftest import ROOT

CONTRACT_KEYS = {"document", "entities", "places", "times", "quantities", "events", "claims"}


def test_id_is_the_same_for_the_same_text_whatever_the_line_endings_or_bom():
    unix = Document.new("Regel een.\nRegel twee.\n")
    windows = Document.new("\ufeffRegel een.\r\nRegel twee.\r\n")
    assert unix.id == windows.id == content_id("Regel een.\nRegel twee.")
    assert Document.new("Regel een.").id != unix.id


def test_contract_has_every_required_key(sample_text):
    contract = analyse(sample_text, published="2017-06-21").to_contract()
    assert contract.keys() >= CONTRACT_KEYS
    assert {"id", "language", "published", "title", "text"} <= contract["document"].keys()
    assert contract["document"]["published"] == "2017-06-21"


def test_output_validates_against_the_published_schema(sample_text):
    schema = json.loads((ROOT / "docs" / "document.schema.json").read_text(encoding="utf-8"))
    contract = analyse(sample_text, published="2017-06-21").to_contract()
    jsonschema.validate(contract, schema)


def test_published_schema_is_generated_from_the_model():
    committed = json.loads((ROOT / "docs" / "document.schema.json").read_text(encoding="utf-8"))
    assert committed == json_schema(), "docs/document.schema.json drifted: regenerate it with `kroniek schema`"


def test_round_trip_through_json_keeps_everything(sample_text):
    doc = analyse(sample_text, published="2017-06-21")
    assert Document.model_validate_json(doc.to_json()) == doc
