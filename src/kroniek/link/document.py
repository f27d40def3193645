"""In-document entity linking: mentions of one entity become one Entity with a canonical name.

Evidence, strongest first:
- an acronym defined in the text, "Islamitische Staat (IS)": the acronym and its expansion are one
  organisation, named by the expansion, even where the recogniser found only part of it;
- the same name up to case, hyphen variants and a leading article ("Al-Baghdadi" = "al-Baghdadi");
- a person named in full earlier or later: "al-Baghdadi" = "Abu Bakr al-Baghdadi" when only one
  person in the text carries that surname;
- a known name as the first part of a hyphenated compound ("IS-leider", "IS-leden") is a mention of
  it; the compound itself is not a name.
The type of a cluster is its defining mention's (full person name, acronym expansion), else LOC when
the geo stage resolved every mention as a country, region or city (the recogniser may call "Irak" a
person), else the most frequent type among its mentions.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

from kroniek.model import Document, Entity, Mention
from kroniek.registry import stage
from kroniek.resources import language_data
from kroniek.settings import Settings

_ACRONYM_DEFINITION = re.compile(r"\(\s*([A-Z][A-Za-z]{0,2}(?:[A-Z][A-Za-z]?){1,5})\s*\)")
_CAPITALISED_WORD = re.compile(r"[A-ZÀ-Ý][\w'\u2019.-]*")
_HYPHENS = str.maketrans({"\u2010": "-", "\u2011": "-", "\u2013": "-", "\u00ad": ""})


@dataclass
class Cluster:
    mentions: list[Mention] = field(default_factory=list)
    types: list[str] = field(default_factory=list)
    defining_name: str | None = None
    defining_type: str | None = None

    def add(self, mention: Mention, type_: str) -> None:
        if all((m.start, m.end) != (mention.start, mention.end) for m in self.mentions):
            self.mentions.append(mention)
            self.types.append(type_)

    @property
    def first(self) -> int:
        return min(m.start for m in self.mentions)

    def type(self) -> str:
        return self.defining_type or Counter(self.types).most_common(1)[0][0]

    def name(self) -> str:
        if self.defining_name:
            return self.defining_name
        words = Counter(m.text for m in self.mentions)
        return max(words, key=lambda text: (len(text.split()), words[text], text[:1].isupper()))


class DocumentLinker:
    def __call__(self, doc: Document) -> Document:
        articles = tuple(language_data("kroniek.link", doc.language).get("leading_articles", []))
        clusters: dict[str, Cluster] = {}
        compounds: list[Mention] = []
        for entity in doc.entities:
            for mention in entity.mentions:
                if _compound_head(mention.text):
                    compounds.append(mention)
                    continue
                clusters.setdefault(name_key(mention.text, articles), Cluster()).add(mention, entity.type)
        _link_acronyms(doc, clusters, articles)
        _link_surnames(clusters)
        _link_compounds(doc, clusters, compounds)
        _type_places(doc, clusters)
        doc.entities = _entities(clusters.values())
        return doc


def name_key(text: str, articles: tuple[str, ...] = ()) -> str:
    """One key for spelling variants of a name: case, hyphen forms, a leading article."""
    words = text.translate(_HYPHENS).casefold().split()
    if len(words) > 1 and words[0] in articles:
        words = words[1:]
    return " ".join(words)


def _compound_head(text: str) -> str | None:
    """'IS' for 'IS-leider': a name glued to a lower-case noun by a hyphen."""
    head, _, tail = text.translate(_HYPHENS).partition("-")
    return head if tail[:1].islower() and head[:1].isupper() and head.isupper() else None


def _link_acronyms(doc: Document, clusters: dict[str, Cluster], articles: tuple[str, ...]) -> None:
    for match in _ACRONYM_DEFINITION.finditer(doc.text):
        acronym = match.group(1)
        expansion = _expansion(doc.text, match.start(), acronym)
        if expansion is None:
            continue
        cluster = clusters.setdefault(name_key(acronym), Cluster())
        cluster.add(doc.mention(match.start(1), match.end(1)), "ORG")
        cluster.defining_name, cluster.defining_type = expansion.text, cluster.defining_type or "ORG"
        expansion_key = name_key(expansion.text, articles)
        for key in [k for k in clusters if clusters[k] is not cluster]:
            other = clusters[key]
            if key == expansion_key:  # the expansion recognised elsewhere in the text
                for mention, type_ in zip(other.mentions, other.types, strict=True):
                    cluster.add(mention, type_)
                del clusters[key]
                continue
            kept = [(m, t) for m, t in zip(other.mentions, other.types, strict=True) if not _inside(m, expansion)]
            if not kept:  # only partial recognitions of the expansion ("Islamitische")
                del clusters[key]
            else:
                other.mentions, other.types = [m for m, _ in kept], [t for _, t in kept]
        cluster.add(expansion, "ORG")


def _expansion(text: str, paren: int, acronym: str) -> Mention | None:
    """The capitalised words just before '(' whose initials spell the acronym."""
    letters = [c for c in acronym if c.isupper()]
    words = list(_CAPITALISED_WORD.finditer(text[:paren]))
    if len(words) < len(letters):
        return None
    chosen = words[len(words) - len(letters) :]
    if "".join(w.group(0)[0] for w in chosen) != "".join(letters):
        return None
    between = text[chosen[0].start() : paren]
    if len(between.split()) != len(letters):  # the words must be adjacent
        return None
    start, end = chosen[0].start(), chosen[-1].end()
    return Mention(start=start, end=end, text=text[start:end])


def _inside(inner: Mention, outer: Mention) -> bool:
    return outer.start <= inner.start and inner.end <= outer.end


def _link_surnames(clusters: dict[str, Cluster]) -> None:
    """Fold a one-word mention into the one person whose full name ends with it."""
    people = {key: c for key, c in clusters.items() if c.type() == "PER" and len(key.split()) > 1}
    for key in [k for k in clusters if len(k.split()) == 1]:
        owners = [p for p_key, p in people.items() if p_key.split()[-1] == key]
        if len(owners) == 1 and clusters[key] is not owners[0]:
            owner = owners[0]
            for mention in clusters.pop(key).mentions:
                owner.add(mention, "PER")
            owner.defining_type = "PER"


def _link_compounds(doc: Document, clusters: dict[str, Cluster], compounds: list[Mention]) -> None:
    """The name inside a hyphenated compound is a mention of it; the compound is a common noun."""
    for compound in compounds:
        head = _compound_head(compound.text) or ""
        clusters.setdefault(name_key(head), Cluster()).add(
            doc.mention(compound.start, compound.start + len(head)), "MISC"
        )
    for key, cluster in clusters.items():
        if not (key.isalpha() and len(key) <= 6):
            continue
        for match in re.finditer(rf"(?<![\w-])({re.escape(key)})-(?=[a-z])", doc.text, flags=re.IGNORECASE):
            if match.group(1).isupper():  # "IS-leden", not "is-" inside a word
                cluster.add(doc.mention(match.start(1), match.end(1)), cluster.type())


def _type_places(doc: Document, clusters: dict[str, Cluster]) -> None:
    """Names the geo stage resolved as a country, region or city are locations, whatever the recogniser said
    (it may call "Irak" a person), and a place mention it missed joins its name's cluster."""
    taken = [(m.start, m.end) for c in clusters.values() for m in c.mentions]
    place_spans: set[tuple[int, int]] = set()
    for place in doc.places:
        if place.kind not in ("country", "region", "city", "district"):
            continue
        for mention in place.mentions:
            place_spans.add((mention.start, mention.end))
            if not any(mention.start < end and start < mention.end for start, end in taken):
                clusters.setdefault(name_key(mention.text), Cluster()).add(mention, "LOC")
    for cluster in clusters.values():
        if cluster.defining_name is None and all((m.start, m.end) in place_spans for m in cluster.mentions):
            cluster.defining_type = "LOC"


def _entities(clusters: Iterable[Cluster]) -> list[Entity]:
    ordered = sorted((c for c in clusters if c.mentions), key=lambda c: c.first)
    return [
        Entity(id=f"E{i}", type=c.type(), name=c.name(), mentions=sorted(c.mentions, key=lambda m: m.start))
        for i, c in enumerate(ordered, start=1)
    ]


@stage("link", requires=("entities",), assigns=("entities",))
def make_document_linker(settings: Settings) -> DocumentLinker:
    """Merge mentions of the same entity within a document and name it canonically."""
    return DocumentLinker()
