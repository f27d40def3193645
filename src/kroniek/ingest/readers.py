"""Sources to articles: text files, HTML pages, JSON Lines, and folders of these.

Readers yield an Article or an IngestError per article, so one bad file in a folder is reported
and the good ones go on.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import trafilatura

from kroniek.errors import IngestError, InputError
from kroniek.ingest.dates import date_in_name, parse_date
from kroniek.ingest.decode import decode, read_bytes
from kroniek.model import Document

TEXT_SUFFIXES = frozenset({".txt", ".text"})
HTML_SUFFIXES = frozenset({".html", ".htm", ".xhtml"})
JSONL_SUFFIXES = frozenset({".jsonl", ".ndjson"})
SUPPORTED = TEXT_SUFFIXES | HTML_SUFFIXES | JSONL_SUFFIXES
_SURROGATE = re.compile("[\ud800-\udfff]")


@dataclass
class Article:
    """One article as read, before analysis."""

    text: str
    origin: str
    title: str | None = None
    published: dt.date | None = None
    published_from: str | None = None  # "option", "metadata" or "file name"
    url: str | None = None
    source: str | None = None
    language: str | None = None

    def to_document(self) -> Document:
        return Document.new(
            self.text,
            published=self.published,
            language=self.language,
            title=self.title,
            url=self.url,
            source=self.source,
        )


ReadResult = Article | IngestError


def read_paths(
    paths: Iterable[Path],
    *,
    published: dt.date | None = None,
    language: str | None = None,
    max_size_mb: float = 10.0,
) -> Iterator[ReadResult]:
    """Every article in the given files and folders, in order; folders are walked recursively."""
    for path in paths:
        if not path.exists():
            raise InputError("E005", path=path)
        files = _walk(path) if path.is_dir() else [path]
        if path.is_file() and path.suffix.lower() not in SUPPORTED:
            yield IngestError("E006", path=path, suffix=path.suffix)
            continue
        for file in files:
            for result in _read_file(file, max_size_mb):
                if isinstance(result, Article):
                    _apply_overrides(result, published, language, file)
                yield result


def count_articles(paths: Iterable[Path]) -> int:
    """How many articles read_paths will yield (results and errors), for a progress bar."""
    total = 0
    for path in paths:
        files = _walk(path) if path.is_dir() else [path] if path.exists() else []
        for file in files:
            if file.suffix.lower() in JSONL_SUFFIXES:
                total += _count_lines(file)
            else:
                total += 1
    return total


def _count_lines(file: Path) -> int:
    try:
        with file.open("rb") as handle:
            return sum(1 for line in handle if line.strip()) or 1
    except OSError:  # unreadable: read_paths reports it as one failed article
        return 1


def _walk(folder: Path) -> list[Path]:
    return sorted(
        p
        for p in folder.rglob("*")
        if p.is_file()
        and p.suffix.lower() in SUPPORTED
        and not any(part.startswith(".") for part in p.relative_to(folder).parts)
    )


def _apply_overrides(article: Article, published: dt.date | None, language: str | None, file: Path) -> None:
    if published is not None:
        article.published, article.published_from = published, "option"
    elif article.published is None and (from_name := date_in_name(file.name)) is not None:
        article.published, article.published_from = from_name, "file name"
    if language is not None:
        article.language = language


def _read_file(path: Path, max_size_mb: float) -> Iterator[ReadResult]:
    suffix = path.suffix.lower()
    try:
        if suffix in JSONL_SUFFIXES:  # streamed: the size limit holds per article, not per file
            yield from _read_jsonl(path, max_size_mb)
            return
        data = read_bytes(path, max_size_mb)
        if suffix in HTML_SUFFIXES:
            yield _read_html(data, path)
        else:
            yield Article(text=_require_text(decode(data, path), path), origin=str(path), source=str(path))
    except IngestError as error:
        yield error
    except OSError as error:
        yield IngestError("E003", path=path, reason=error.strerror or str(error))


def _require_text(text: str, origin: str | Path) -> str:
    if not text.strip():
        raise IngestError("E001", path=origin)
    return text


def _read_html(data: bytes, path: Path) -> Article:
    html = decode(data, path)
    extracted = trafilatura.bare_extraction(html, with_metadata=True, include_comments=False)
    text = getattr(extracted, "text", None) if extracted is not None else None
    if not text or not text.strip():
        raise IngestError("E008", path=path)
    published = parse_date(getattr(extracted, "date", None))
    return Article(
        text=text,
        origin=str(path),
        title=getattr(extracted, "title", None),
        published=published,
        published_from="metadata" if published else None,
        url=getattr(extracted, "url", None),
        source=getattr(extracted, "sitename", None) or str(path),
    )


def _read_jsonl(path: Path, max_size_mb: float) -> Iterator[ReadResult]:
    """One article per line; JSON Lines is UTF-8 by definition, so a line that is not is an error."""
    limit = int(max_size_mb * 1_000_000)
    empty = True
    with path.open("rb") as lines:
        for number, raw in enumerate(lines, start=1):
            if not raw.strip():
                continue
            empty = False
            if len(raw) > limit:
                reason = f"line is {len(raw) / 1_000_000:.1f} MB, over the limit of {max_size_mb:.1f} MB"
                yield IngestError("E007", path=path, line=number, reason=reason)
                continue
            try:
                yield _article_from_record(json.loads(raw.decode("utf-8-sig")), f"{path}:{number}")
            except UnicodeDecodeError:
                yield IngestError("E007", path=path, line=number, reason="not UTF-8")
            except json.JSONDecodeError as error:
                yield IngestError("E007", path=path, line=number, reason=f"not JSON ({error.msg})")
            except RecursionError:
                yield IngestError("E007", path=path, line=number, reason="JSON nested too deeply")
            except ValueError as error:
                yield IngestError("E007", path=path, line=number, reason=str(error))
    if empty:
        yield IngestError("E001", path=path)


def _article_from_record(record: Any, origin: str) -> Article:
    if not isinstance(record, dict):
        raise ValueError("each line must be a JSON object")
    text = record.get("text")
    if not isinstance(text, str) or not text.strip():
        raise ValueError("'text' is missing or empty")
    text = _valid_unicode(text)
    published = None
    if record.get("published") not in (None, ""):
        published = parse_date(str(record["published"]))
        if published is None:
            raise ValueError(f"'published' is not a valid date: {record['published']!r}")
    return Article(
        text=text,
        origin=origin,
        title=_optional_str(record, "title"),
        published=published,
        published_from="metadata" if published else None,
        url=_optional_str(record, "url"),
        source=_optional_str(record, "source"),
        language=(_optional_str(record, "language") or "").strip().lower() or None,
    )


def _optional_str(record: dict[str, Any], key: str) -> str | None:
    value = record.get(key)
    if value is None:
        return None
    if not isinstance(value, str):
        raise ValueError(f"'{key}' must be a string")
    return _valid_unicode(value) or None


def _valid_unicode(value: str) -> str:
    """JSON may escape lone surrogates that no UTF-8 text can hold: replace them with U+FFFD, as a decoder would."""
    return _SURROGATE.sub("\ufffd", value)
