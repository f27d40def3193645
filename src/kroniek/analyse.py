"""The Python API in one call: text in, analysed Document out."""

from __future__ import annotations

import datetime as dt
from functools import cache

from kroniek.errors import InputError
from kroniek.ingest.dates import parse_date
from kroniek.model import Document
from kroniek.pipeline import Pipeline


@cache
def default_pipeline() -> Pipeline:
    return Pipeline()


def analyse(
    text: str,
    *,
    published: dt.date | str | None = None,
    language: str | None = None,
    title: str | None = None,
    pipeline: Pipeline | None = None,
) -> Document:
    """Analyse one article. ``published`` anchors relative times ("woensdag", "vorige week")."""
    date = parse_date(published)
    if published is not None and date is None:
        raise InputError("E010", value=published)
    doc = Document.new(text, published=date, language=language, title=title)
    return (pipeline or default_pipeline())(doc)
