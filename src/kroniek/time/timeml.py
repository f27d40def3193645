"""Reading TimeML gold data: the text inside <TEXT>, its TIMEX3 spans, and the creation time (DCT).

One file may hold one <TimeML> document (TempEval-3) or several in a row (kroniek's own Dutch sets).
Offsets are into the text as ``Document.new`` normalises it, so gold and system spans compare directly.
"""

from __future__ import annotations

import datetime as dt
import html
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

DOCUMENT = re.compile(r"<TimeML\b([^>]*)>(.*?)</TimeML>", re.DOTALL)
TEXT = re.compile(r"<TEXT>(.*?)</TEXT>", re.DOTALL)
DCT = re.compile(r"<TIMEX3\b[^>]*functionInDocument=\"CREATION_TIME\"[^>]*>", re.DOTALL)
PIECE = re.compile(r"<[^>]*>|[^<]+")
ATTRIBUTE = re.compile(r"(\w+(?::\w+)?)=\"([^\"]*)\"")


@dataclass(frozen=True)
class GoldTimex:
    start: int
    end: int
    text: str
    type: str
    value: str | None
    mod: str | None = None


@dataclass
class GoldDocument:
    name: str
    text: str
    published: dt.date | None
    language: str | None
    timexes: list[GoldTimex] = field(default_factory=list)


def read_gold(path: Path) -> list[GoldDocument]:
    """All documents in a .tml file, or in the .tml files of a folder (sorted by name)."""
    files = sorted(p for p in path.rglob("*.tml")) if path.is_dir() else [path]
    return [doc for file in files for doc in read_file(file)]


def read_file(path: Path) -> list[GoldDocument]:
    raw = path.read_text(encoding="utf-8")
    documents = DOCUMENT.findall(raw) or [("", raw)]
    return [
        parse_document(f"{path.name}#{i}" if len(documents) > 1 else path.name, attrs, body)
        for i, (attrs, body) in enumerate(documents, start=1)
    ]


def parse_document(name: str, root_attributes: str, body: str) -> GoldDocument:
    language = dict(ATTRIBUTE.findall(root_attributes)).get("xml:lang")
    dct = DCT.search(body)
    published = _date(dict(ATTRIBUTE.findall(dct.group()))["value"]) if dct else None
    text_match = TEXT.search(body)
    text, timexes = _strip_tags(text_match.group(1) if text_match else "")
    return GoldDocument(name, text, published, language, timexes)


def _strip_tags(marked: str) -> tuple[str, list[GoldTimex]]:
    """The plain text and the TIMEX3 spans in it, with whitespace normalised as Document.new does."""
    parts: list[str] = []
    length = 0
    timexes: list[GoldTimex] = []
    open_timex: tuple[int, dict[str, str]] | None = None
    for piece in PIECE.findall(marked.replace("\r\n", "\n")):
        if piece.startswith("<TIMEX3"):
            open_timex = (length, dict(ATTRIBUTE.findall(piece)))
        elif piece.startswith("</TIMEX3") and open_timex:
            start, attributes = open_timex
            timexes.append(_timex(start, length, attributes))
            open_timex = None
        elif not piece.startswith("<"):
            chunk = unicodedata.normalize("NFC", html.unescape(piece))
            parts.append(chunk)
            length += len(chunk)
    text = "".join(parts)
    lead = len(text) - len(text.lstrip())
    text = text.strip()
    return text, [
        GoldTimex(t.start - lead, t.end - lead, text[t.start - lead : t.end - lead], t.type, t.value, t.mod)
        for t in timexes
    ]


def _timex(start: int, end: int, attributes: dict[str, str]) -> GoldTimex:
    return GoldTimex(
        start, end, "", attributes.get("type", "DATE"), attributes.get("value") or None, attributes.get("mod") or None
    )


def _date(value: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value[:10])
    except ValueError:
        return None
