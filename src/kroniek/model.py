"""The document model: the one contract every stage reads and adds to.

Serialised with ``Document.to_contract()`` exactly as the output contract in
docs/architecture.md: a ``document`` object plus one list per kind of finding.
Offsets are character offsets into ``document.text``, end exclusive.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import unicodedata
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

CONTRACT_VERSION = "1"

EntityType = Literal["PER", "ORG", "LOC", "MISC"]
TimeType = Literal["DATE", "TIME", "DURATION", "SET"]
Approximation = Literal["exact", "about", "more_than", "at_least", "less_than", "at_most"]
PlaceKind = Literal["country", "region", "city", "district", "landmark", "border", "place"]
PlacePrecision = Literal["continent", "country", "region", "city", "district", "landmark"]
Certainty = Literal["asserted", "reported", "hedged", "denied", "unconfirmed", "retracted"]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", validate_assignment=False)


class Mention(_Model):
    """A stretch of the text: ``text == document.text[start:end]``."""

    start: int = Field(ge=0)
    end: int = Field(ge=0)
    text: str


class Token(_Model):
    start: int = Field(ge=0)
    end: int = Field(ge=0)
    text: str
    lemma: str | None = None
    pos: str | None = Field(None, description="universal part of speech (UPOS)")
    tag: str | None = Field(None, description="language-specific part of speech (XPOS)")
    morph: str | None = Field(None, description="UD features, e.g. Tense=Past|VerbForm=Fin")
    head: int | None = Field(None, description="index of the head token in the sentence; the root points to itself")
    dep: str | None = Field(None, description="UD dependency relation; 'root' for the root")


class Sentence(_Model):
    start: int = Field(ge=0)
    end: int = Field(ge=0)
    tokens: list[Token] = Field(default_factory=list)


class Entity(_Model):
    id: str
    type: str = Field(description="PER, ORG, LOC, MISC or a finer type")
    name: str = Field(description="canonical name")
    mentions: list[Mention] = Field(default_factory=list)


class Place(_Model):
    id: str
    name: str
    lat: float | None
    lon: float | None
    country: str | None = Field(description="ISO 3166-1 alpha-2")
    source_id: str | None = Field(description="gazetteer id")
    mentions: list[Mention] = Field(default_factory=list)
    kind: PlaceKind | None = Field(None, description="country, region, city, district, landmark, border or place")
    within: list[str] = Field(
        default_factory=list,
        description="gazetteer ids of the places it lies in: a landmark's city, a border's countries",
    )
    admin1: str | None = Field(None, description="name of the first-level region (province, state) it lies in")
    admin1_code: str | None = Field(None, description="GeoNames admin1 code of that region, e.g. IQ.07")
    precision: PlacePrecision | None = Field(
        None, description="what the point stands for: continent, country, region, city, district or landmark"
    )


class TimeExpression(_Model):
    id: str
    text: str
    start: int = Field(ge=0)
    end: int = Field(ge=0)
    type: TimeType
    value: str | None = Field(description="TIMEX3 value; null when it cannot be normalised")
    mod: str | None = None
    anchor: str | None = None


class Quantity(_Model):
    id: str
    text: str
    start: int = Field(ge=0)
    end: int = Field(ge=0)
    value: float | None
    approximation: Approximation = "exact"
    unit: str | None = None
    counts: str | None = Field(None, description="what is counted")


CountRole = Literal["killed", "injured", "arrested", "displaced", "abducted", "participants"]


class Count(_Model):
    """A quantity attached to an event, and what it counts there."""

    quantity: str = Field(description="quantity id")
    role: CountRole


class Event(_Model):
    id: str
    type: str
    trigger: Mention
    actors: list[str] = Field(default_factory=list, description="entity ids")
    targets: list[str] = Field(default_factory=list, description="entity ids")
    place: str | None = Field(None, description="place id")
    time: str | None = Field(None, description="normalised TIMEX3 value")
    claim: str | None = Field(None, description="claim id")
    mode: str | None = Field(None, description="PLOVER mode of the type (ASSAULT: aerial); for OTHER a finer class")
    negated: bool = Field(False, description="the text says the event did not (or will not) happen")
    modality: str | None = Field(None, description="null when asserted as fact, else conditional, possible, intended")
    actor_mentions: list[Mention] = Field(default_factory=list, description="the actor phrases, named or not")
    target_mentions: list[Mention] = Field(default_factory=list, description="the target phrases, named or not")
    instruments: list[Mention] = Field(default_factory=list, description="weapons or means")
    quantities: list[str] = Field(default_factory=list, description="quantity ids attached to the event")
    counts: list[Count] = Field(
        default_factory=list, description="the attached quantities that count people, with their role"
    )
    fatalities: float | None = Field(None, description="people killed (ACLED-like), from an attached quantity")
    size: float | None = Field(None, description="people involved (PLOVER size), from an attached quantity")
    summary: str | None = Field(None, description="a 5W1H line: who did what to whom, where, when, how many")


class Claim(_Model):
    id: str
    source: str | None = Field(description="entity id or source text")
    cue: str
    certainty: Certainty
    start: int = Field(ge=0)
    end: int = Field(ge=0)
    source_text: str | None = Field(None, description='the source as written ("regeringsbronnen")')
    via: str | None = Field(None, description="intermediary source (entity id or text), e.g. a news agency")
    cue_mention: Mention | None = Field(None, description="where the attribution cue is")
    certainty_history: list[Certainty] = Field(
        default_factory=list, description="certainties in text order, when later sentences change it"
    )


class DocumentInfo(_Model):
    id: str = Field(description="sha256 of the normalised text")
    language: str | None = Field(description="ISO 639-1 code, null before identification")
    published: dt.date | None
    title: str | None = None
    text: str
    url: str | None = None
    source: str | None = Field(None, description="outlet or file the article came from")


class Document(_Model):
    """One article and everything the stages found in it."""

    document: DocumentInfo
    sentences: list[Sentence] = Field(default_factory=list)
    entities: list[Entity] = Field(default_factory=list)
    places: list[Place] = Field(default_factory=list)
    times: list[TimeExpression] = Field(default_factory=list)
    quantities: list[Quantity] = Field(default_factory=list)
    events: list[Event] = Field(default_factory=list)
    claims: list[Claim] = Field(default_factory=list)
    warnings: list[str] = Field(default_factory=list)
    stages: list[str] = Field(default_factory=list, description="stages that ran, in order")

    @classmethod
    def new(
        cls,
        text: str,
        *,
        published: dt.date | None = None,
        language: str | None = None,
        title: str | None = None,
        url: str | None = None,
        source: str | None = None,
    ) -> Document:
        text = normalise_text(text)
        info = DocumentInfo(
            id=content_id(text),
            language=language,
            published=published,
            title=title,
            text=text,
            url=url,
            source=source,
        )
        return cls(document=info)

    @property
    def id(self) -> str:
        return self.document.id

    @property
    def text(self) -> str:
        return self.document.text

    @property
    def language(self) -> str | None:
        return self.document.language

    def name_of(self, ref: str | None) -> str | None:
        """The canonical name for an entity id; other text (a source written out) as it is."""
        return next((e.name for e in self.entities if e.id == ref), ref)

    def mention(self, start: int, end: int) -> Mention:
        return Mention(start=start, end=end, text=self.text[start:end])

    def to_contract(self) -> dict[str, Any]:
        return self.model_dump(mode="json")

    def to_json(self, indent: int | None = None) -> str:
        return self.model_dump_json(indent=indent)


_LONE_SURROGATE = re.compile("[\ud800-\udfff]")


def normalise_text(text: str) -> str:
    """NFC, Unix newlines, no BOM, no trailing whitespace: so one article has one id."""
    text = _LONE_SURROGATE.sub("\ufffd", text)  # unencodable; would break hashing and storage
    text = unicodedata.normalize("NFC", text.replace("\r\n", "\n").replace("\r", "\n"))
    return text.lstrip("\ufeff").strip()


def content_id(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def json_schema() -> dict[str, Any]:
    schema = Document.model_json_schema(mode="serialization")
    schema["title"] = f"kroniek document analysis, contract v{CONTRACT_VERSION}"
    return schema
