"""The pipeline: named stages in the order of the data flow, built once, run per document."""

from __future__ import annotations

import importlib
import itertools
import signal
import threading
import time
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from types import FrameType

from kroniek.errors import KroniekError, PipelineError
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
# Seconds one document may take through all stages: a 10,000-word article takes about 8 s on one idle core,
# so this leaves room for a loaded machine and stops only the pathological (docs/reliability.md).


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
        time_budget: float | None = None,
    ) -> None:
        """``time_budget``: seconds per document (0 for none); default the `time_budget_s` setting."""
        known = stage_specs()
        disabled = set(disable)
        for name in [*stages, *disabled]:
            if name not in known:
                raise PipelineError("E020", name=name, known=", ".join(sorted(known)))
        self.settings = settings or Settings.from_env()
        self.time_budget = self.settings.time_budget_s if time_budget is None else time_budget
        self.stage_names = tuple(name for name in stages if name not in disabled)
        self._specs = known
        self._built: dict[str, Stage] = {}
        self.seconds: defaultdict[str, float] = defaultdict(float)  # time spent per stage, for benchmarks

    def _stage(self, name: str) -> Stage:
        if name not in self._built:
            self._built[name] = self._specs[name].factory(self.settings)
        return self._built[name]

    def load(self) -> None:
        """Build every stage now: a missing model fails here, before the first document."""
        for name in self.stage_names:
            self._stage(name)

    def __call__(self, doc: Document) -> Document:
        """The analysed document; PipelineError naming the stage when one fails or runs over the time budget."""
        self.load()  # models load once, outside any document's budget
        budget = _Budget(self.time_budget)
        try:
            with _interrupt_after(self.time_budget):
                for name in self.stage_names:
                    budget.stage = name
                    doc = self._run_stage(name, doc)
                    budget.check()
        except _OverBudget:
            raise PipelineError("E023", name=budget.stage, seconds=self.time_budget) from None
        return doc

    def _run_stage(self, name: str, doc: Document) -> Document:
        started = time.perf_counter()
        try:
            result = self._built[name](doc)
        except (KroniekError, _OverBudget):
            raise
        except Exception as error:  # a bug in a stage costs this document, not the batch
            raise PipelineError("E024", name=name, error=f"{type(error).__name__}: {error}") from error
        finally:
            self.seconds[name] += time.perf_counter() - started
        return _finish_stage(name, result)

    def pipe(self, docs: Iterable[Document], batch_size: int = 16) -> Iterator[Document | PipelineError]:
        """Each analysed document, or the PipelineError that stopped it, in input order.

        Documents go through the stages `batch_size` at a time: a stage with a `batch(docs)` method
        (the entity recogniser) sees the whole batch at once, which fills the model's batches far
        better than one article does; every other stage runs per document as in `__call__`. Each
        document keeps its own time budget, and one failing document never costs the others.
        """
        pending = iter(docs)
        while batch := list(itertools.islice(pending, max(1, batch_size))):
            self.load()  # models load on the first batch, outside any document's budget
            yield from self._run_batch(batch)

    def _run_batch(self, docs: list[Document]) -> list[Document | PipelineError]:
        results: list[Document | PipelineError] = list(docs)
        spent = [0.0] * len(docs)  # seconds each document has used of its budget
        for name in self.stage_names:
            live = [i for i, result in enumerate(results) if isinstance(result, Document)]
            if len(live) > 1 and self._run_batch_stage(name, live, results, spent):
                continue
            for i in live:
                results[i] = self._run_stage_within(name, results[i], spent, i)  # type: ignore[arg-type]
        return results

    def _run_batch_stage(
        self, name: str, live: list[int], results: list[Document | PipelineError], spent: list[float]
    ) -> bool:
        """Run a batchable stage over the live documents at once. False when the stage cannot batch or
        the batch raises (a batch changes no document unless it succeeds for all, so each document can
        then be tried on its own); a document whose result breaks the contract fails alone."""
        batch = getattr(self._built[name], "batch", None)
        if batch is None:
            return False
        started = time.perf_counter()
        seconds = sum(max(self.time_budget - spent[i], 0.001) for i in live) if self.time_budget > 0 else 0
        try:
            with _interrupt_after(seconds):
                analysed = batch([results[i] for i in live])
        except (Exception, _OverBudget):
            return False
        finally:
            self.seconds[name] += time.perf_counter() - started
        share = (time.perf_counter() - started) / len(live)
        for i, doc in zip(live, analysed, strict=True):
            spent[i] += share
            try:
                results[i] = _finish_stage(name, doc)
            except PipelineError as error:
                results[i] = error
        return True

    def _run_stage_within(self, name: str, doc: Document, spent: list[float], i: int) -> Document | PipelineError:
        """One stage on one document, within what is left of the document's time budget."""
        left = self.time_budget - spent[i]
        if self.time_budget > 0 and left <= 0:
            return PipelineError("E023", name=name, seconds=self.time_budget)
        started = time.perf_counter()
        try:
            with _interrupt_after(left if self.time_budget > 0 else 0):
                return self._run_stage(name, doc)
        except _OverBudget:
            return PipelineError("E023", name=name, seconds=self.time_budget)
        except PipelineError as error:
            return error
        finally:
            spent[i] += time.perf_counter() - started


def _finish_stage(name: str, result: object) -> Document:
    """Check what a stage returned and record that it ran."""
    if not isinstance(result, Document):
        raise PipelineError("E021", name=name, got=type(result).__name__)
    check_spans(result, name)
    result.stages.append(name)
    return result


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


class _OverBudget(BaseException):
    """Raised inside a running stage when the time is up. A BaseException, so that a stage's own
    ``except Exception`` cannot swallow it."""


class _Budget:
    """The clock of one document: which stage runs, and a check between stages."""

    def __init__(self, seconds: float) -> None:
        self.deadline = time.monotonic() + seconds if seconds > 0 else None
        self.stage = ""

    def check(self) -> None:
        if self.deadline is not None and time.monotonic() > self.deadline:
            raise _OverBudget


@contextmanager
def _interrupt_after(seconds: float) -> Iterator[None]:
    """Interrupt the running stage with SIGALRM after ``seconds``: Python code (regular expressions
    included) stops at the next bytecode. Only the main thread receives signals, so elsewhere (the
    HTTP API's worker threads), or when someone else's timer is running, the check between stages
    is the only guard."""
    usable = (
        seconds > 0
        and hasattr(signal, "setitimer")
        and threading.current_thread() is threading.main_thread()
        and signal.getitimer(signal.ITIMER_REAL)[0] == 0
    )
    if not usable:
        yield
        return

    active = [True]

    def on_alarm(signum: int, frame: FrameType | None) -> None:
        if not active[0]:  # the stage is over: nothing to interrupt, and no alarm to set again
            return
        # Again soon, in case this lands where Python ignores exceptions (a __del__, a gc callback).
        signal.setitimer(signal.ITIMER_REAL, 0.1)
        raise _OverBudget

    previous = signal.signal(signal.SIGALRM, on_alarm)
    try:
        signal.setitimer(signal.ITIMER_REAL, seconds)  # inside the try: a tiny budget fires at once
        yield
    finally:
        # An alarm may land anywhere in here, before `active` is cleared: start over until the timer is off
        # and the previous handler is back, so no re-armed alarm outlives this block (it would kill the
        # process once the default handler is back).
        while True:
            try:
                active[0] = False
                signal.setitimer(signal.ITIMER_REAL, 0)
                signal.signal(signal.SIGALRM, previous)
                break
            except _OverBudget:
                continue
