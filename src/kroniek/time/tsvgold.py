"""Reading kroniek's own TSV gold for time expressions: one row per expression, tab-separated.

    sentence <TAB> published <TAB> expression <TAB> type <TAB> value [<TAB> mod] [<TAB> source]

The first line that is not a ``#`` comment names the columns; ``sentence``, ``published``, ``expression``
and ``value`` are required, ``type`` (default DATE), ``mod`` and ``source`` are optional. Consecutive rows
with the same sentence and publication date form one document. The rows of a sentence list its
expressions in text order: each is looked up after the end of the one before, so a word that occurs
twice is two rows. A sentence with no expression is one row with an empty expression (it still counts
for precision). An empty value means the expression has no value that can be known. The language is
the ``language`` column if there is one, else the file name before its first ``-`` (``nl-ud-test.tsv``).
"""

from __future__ import annotations

import csv
import datetime as dt
import unicodedata
from collections.abc import Iterator
from pathlib import Path

from kroniek.errors import InputError
from kroniek.time.timeml import GoldDocument, GoldTimex

REQUIRED = ("sentence", "published", "expression", "value")


def read_tsv(path: Path) -> list[GoldDocument]:
    rows = list(_rows(path))
    documents: list[GoldDocument] = []
    ends: list[int] = []  # where the last expression of each document ended
    for line, row in rows:
        text = unicodedata.normalize("NFC", row["sentence"].strip())
        published = _date(row["published"], path, line)
        language = row.get("language") or _language_from_name(path)
        if not documents or (documents[-1].text, documents[-1].published) != (text, published):
            name = row.get("source") or f"{path.name}:{line}"
            documents.append(GoldDocument(name, text, published, language))
            ends.append(0)
        expression = unicodedata.normalize("NFC", row["expression"].strip())
        if expression:
            start = text.find(expression, ends[-1])
            if start < 0:
                reason = f"expression {expression!r} is not in its sentence after the row before"
                raise InputError("E007", path=path, line=line, reason=reason)
            ends[-1] = start + len(expression)
            documents[-1].timexes.append(_timex(row, start, expression))
    return documents


def _timex(row: dict[str, str], start: int, expression: str) -> GoldTimex:
    return GoldTimex(
        start=start,
        end=start + len(expression),
        text=expression,
        type=row.get("type", "").strip() or "DATE",
        value=row["value"].strip() or None,
        mod=row.get("mod", "").strip() or None,
    )


def _rows(path: Path) -> Iterator[tuple[int, dict[str, str]]]:
    with path.open(encoding="utf-8", newline="") as handle:
        lines = [(n, text) for n, text in enumerate(handle, start=1) if text.strip() and not text.startswith("#")]
    if not lines:
        return
    header = [name.strip().lower() for name in lines[0][1].rstrip("\r\n").split("\t")]
    missing = [name for name in REQUIRED if name not in header]
    if missing:
        raise InputError("E007", path=path, line=lines[0][0], reason=f"header lacks column(s) {', '.join(missing)}")
    reader = csv.reader((text for _, text in lines[1:]), delimiter="\t", quoting=csv.QUOTE_NONE)
    for (number, _), cells in zip(lines[1:], reader, strict=True):
        yield number, dict(zip(header, cells + [""] * (len(header) - len(cells)), strict=True))


def _language_from_name(path: Path) -> str | None:
    prefix = path.name.split("-")[0]
    return prefix if 2 <= len(prefix) <= 3 and prefix.isalpha() else None


def _date(text: str, path: Path, line: int) -> dt.date | None:
    if not text.strip():
        return None
    try:
        return dt.date.fromisoformat(text.strip())
    except ValueError as error:
        raise InputError("E007", path=path, line=line, reason=f"publication date {text!r} is not YYYY-MM-DD") from error
