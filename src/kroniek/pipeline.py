"""The pipeline: named stages in the order of the data flow, built once, run per document."""

from __future__ import annotations

import importlib
import time
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence

from kroniek.errors import PipelineError
from kroniek.model import Document
from kroniek.registry import Stage, StageSpec, registered
from kroniek.settings import Settings

# The one place that says which stages exist and in which order they run.
# Each module registers its stages on import; a stage that is not built yet is simply absent.
STAGE_MODULES = (
    "kroniek.nlp.language",
    "kroniek.nlp.segment",
    "kroniek.nlp.parse",
    "kroniek.nlp.entities",
    "kroniek.time",
    "kroniek.geo",
    "kroniek.link.document",
    "kroniek.quantities",
    "kroniek.events",
    "kroniek.claims",
)
DEFAULT_STAGES = ("language", "segment", "parse", "entities", "time", "geo", "link", "quantities", "events", "claims")


def stage_specs() -> dict[str, StageSpec]:
    """Every registered stage, after importing the modules that register them."""
    for module in STAGE_MODULES:
        importlib.import_module(module)
    return registered()


class Pipeline:
    """Runs the enabled stages over documents. Stages (and their models) are built on first use."""

    def __init__(
        self,
        settings: Settings | None = None,
        stages: Sequence[str] = DEFAULT_STAGES,
        disable: Iterable[str] = (),
    ) -> None:
        known = stage_specs()
        disabled = set(disable)
        for name in [*stages, *disabled]:
            if name not in known:
                raise PipelineError("E020", name=name, known=", ".join(sorted(known)))
        self.settings = settings or Settings.from_env()
        self.stage_names = tuple(name for name in stages if name not in disabled)
        self._specs = known
        self._built: dict[str, Stage] = {}
        self.seconds: defaultdict[str, float] = defaultdict(float)  # time spent per stage, for benchmarks

    def _stage(self, name: str) -> Stage:
        if name not in self._built:
            self._built[name] = self._specs[name].factory(self.settings)
        return self._built[name]

    def __call__(self, doc: Document) -> Document:
        for name in self.stage_names:
            stage = self._stage(name)
            started = time.perf_counter()
            result = stage(doc)
            self.seconds[name] += time.perf_counter() - started
            if not isinstance(result, Document):
                raise PipelineError("E021", name=name, got=type(result).__name__)
            check_spans(result, name)
            result.stages.append(name)
            doc = result
        return doc

    def pipe(self, docs: Iterable[Document]) -> Iterator[Document]:
        for doc in docs:
            yield self(doc)


def check_spans(doc: Document, stage_name: str) -> None:
    """Every span a stage writes must point at its own text; catch the broken offset where it is made."""
    text = doc.text
    spans: list[tuple[str, int, int, str]] = []
    for entity in doc.entities:
        spans += [("entity", m.start, m.end, m.text) for m in entity.mentions]
    for place in doc.places:
        spans += [("place", m.start, m.end, m.text) for m in place.mentions]
    spans += [("time", t.start, t.end, t.text) for t in doc.times]
    spans += [("quantity", q.start, q.end, q.text) for q in doc.quantities]
    spans += [("event trigger", e.trigger.start, e.trigger.end, e.trigger.text) for e in doc.events]
    for sentence in doc.sentences:
        spans += [("token", t.start, t.end, t.text) for t in sentence.tokens]
    for kind, start, end, span_text in spans:
        if not (0 <= start <= end <= len(text)) or text[start:end] != span_text:
            raise PipelineError("E022", name=stage_name, kind=kind, start=start, end=end)
