"""The claims stage: who says so, about which stretch of text, and how certain it is.

Cues come from the language's data file: "volgens X", "S, aldus X", "X zegt dat S", "Dat meldt X",
"according to X", "X said"; a source phrase followed by a via marker names an intermediary
("regeringsbronnen tegen persbureau Reuters"). Certainty starts as reported and is hedged, denied or
unconfirmed by words in the claim; later sentences ("die claim is nooit bevestigd", "niet te kunnen
bevestigen") change the certainty of the claim they refer back to, recorded in certainty_history.
Events whose trigger lies inside a claim's span get its id.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache
from typing import Any

from kroniek.claims.phrases import Phrases, Span
from kroniek.events.sentence import Clues, SentenceView, sentence_views
from kroniek.model import Certainty, Claim, Document
from kroniek.registry import stage
from kroniek.resources import language_data
from kroniek.settings import Settings

PACKAGE = "kroniek.claims"
LOOKBACK_SENTENCES = 3  # how far back "die claim" may point


def _sequences(raw: Any) -> list[tuple[str, ...]]:
    return [
        tuple(str(w).lower() for w in (item if isinstance(item, list) else str(item).split())) for item in raw or []
    ]


@dataclass(frozen=True)
class CueWords:
    according_to: list[tuple[str, ...]]
    trailing: list[tuple[str, ...]]
    speech_verbs: frozenset[str]
    denials: frozenset[str]
    complementisers: frozenset[str]
    anaphors: frozenset[str]
    fronted_adverbs: frozenset[str]
    via_markers: frozenset[str]
    via_verbs: frozenset[str]
    reportative: dict[tuple[str, ...], str]
    sourceless_hedges: frozenset[str]
    hedges: list[tuple[str, ...]]
    unconfirmed: list[tuple[str, ...]]
    retracted: list[tuple[str, ...]]
    back_references: frozenset[str]

    @classmethod
    def from_data(cls, data: dict[str, Any]) -> CueWords:
        def words(key: str) -> frozenset[str]:
            return frozenset(str(w).lower() for w in data.get(key, []))

        reportative = {tuple(str(k).lower().split()): str(v) for k, v in (data.get("reportative") or {}).items()}
        return cls(
            according_to=_sequences(data.get("according_to")),
            trailing=_sequences(data.get("trailing")),
            speech_verbs=words("speech_verbs"),
            denials=words("denials"),
            complementisers=words("complementisers"),
            anaphors=words("anaphors"),
            fronted_adverbs=words("fronted_adverbs"),
            via_markers=words("via_markers"),
            via_verbs=words("via_verbs"),
            reportative=reportative,
            sourceless_hedges=words("sourceless_hedges"),
            hedges=_sequences(data.get("hedges")),
            unconfirmed=_sequences(data.get("unconfirmed")),
            retracted=_sequences(data.get("retracted")),
            back_references=words("back_references"),
        )


@dataclass
class Found:
    """A claim before it becomes a Claim: token positions within one sentence."""

    cue: Span
    span: Span
    source: Span | None = None
    via: Span | None = None
    certainty: Certainty = "reported"
    span_sentence: SentenceView | None = None  # "Dat meldt X": the claim is the previous sentence
    history: list[Certainty] = field(default_factory=list)


@cache
def cue_words(code: str | None) -> tuple[CueWords, Clues, Phrases]:
    data = language_data(PACKAGE, code)
    return CueWords.from_data(data), Clues.from_data(data), Phrases.from_data(data)


def find_sequence(words: list[str], sequence: tuple[str, ...], start: int = 0) -> int | None:
    n = len(sequence)
    for i in range(start, len(words) - n + 1):
        if tuple(words[i : i + n]) == sequence:
            return i
    return None


class ClaimFinder:
    def __call__(self, doc: Document) -> Document:
        cues, clues, phrases = cue_words(doc.language)
        if not cues.speech_verbs:
            doc.warnings.append(f"claims: no attribution cues for language '{doc.language}'")
            return doc
        previous: SentenceView | None = None
        recent: list[tuple[int, Claim]] = []  # (sentence number, claim)
        for number, view in enumerate(sentence_views(doc, clues)):
            update = _status_update(view, cues)
            found = [] if update and update[0] == "retracted" else find_claims(view, cues, phrases, previous)
            if update is not None:
                own = [
                    f for f in found if f.cue[0] < update[1]
                ]  # "X verklaarde ..., maar die claim is nooit bevestigd"
                if not own and _apply_update(view, update, recent, number, phrases, cues):
                    found = []
                else:
                    for pending in found:
                        pending.certainty = update[0]
                        pending.span = (pending.span[0], min(pending.span[1], _clause_start(view, update[1])))
            for item in found:
                claim = to_claim(doc, view, item, len(doc.claims) + 1)
                doc.claims.append(claim)
                recent.append((number, claim))
            if update is not None and found and any(f.cue[0] < update[1] for f in found):
                _record_history(doc.claims[-1], "reported", update[0])
            previous = view
        attach_events(doc)
        return doc


def _status_update(view: SentenceView, cues: CueWords) -> tuple[Certainty, int] | None:
    for certainty, sequences in (("retracted", cues.retracted), ("unconfirmed", cues.unconfirmed)):
        for sequence in sequences:
            at = find_sequence(view.lower, sequence)
            if at is not None:
                return certainty, at  # type: ignore[return-value]
    return None


def _clause_start(view: SentenceView, at: int) -> int:
    return next((j for j in range(at - 1, 0, -1) if view.lower[j] == ","), at)


def _record_history(claim: Claim, before: Certainty, after: Certainty) -> None:
    claim.certainty_history = [before, after]


def _apply_update(
    view: SentenceView,
    update: tuple[Certainty, int],
    recent: list[tuple[int, Claim]],
    number: int,
    phrases: Phrases,
    cues: CueWords,
) -> bool:
    """Change an earlier claim's certainty when this sentence is about it; False when it is not."""
    certainty, at = update
    refers_back = any(view.lower[j] in cues.back_references for j in range(at))
    if certainty == "unconfirmed" and not refers_back:
        return False
    candidates = [c for n, c in recent if number - n <= LOOKBACK_SENTENCES]
    if not candidates:
        return False
    speaker = phrases.words_before(view, at)
    target = next((c for c in reversed(candidates) if phrases.same_source(speaker, c.source_text)), candidates[-1])
    if not target.certainty_history:
        target.certainty_history.append(target.certainty)
    target.certainty_history.append(certainty)
    target.certainty = certainty
    return True


def find_claims(view: SentenceView, cues: CueWords, phrases: Phrases, previous: SentenceView | None) -> list[Found]:
    found = _according_to(view, cues, phrases) + _trailing(view, cues, phrases)
    if not found:
        found = _speech_verbs(view, cues, phrases, previous)
    if not found:
        found = _reportative(view, cues)
    for claim in found:
        if claim.certainty == "reported" and _hedged(view, claim, cues):
            claim.certainty = "hedged"
        if view.lower[claim.cue[0]] in cues.denials:
            claim.certainty = "denied"
    return found


def _according_to(view: SentenceView, cues: CueWords, phrases: Phrases) -> list[Found]:
    found = []
    for sequence in cues.according_to:
        at = find_sequence(view.lower, sequence)
        if at is None:
            continue
        cue = (at, at + len(sequence))
        source = phrases.source_after(view, cue[1])
        if source is None:
            continue
        via = phrases.via_after(view, source[1], cues.via_markers)
        span = (
            (0, len(view)) if at > 0 and view.lower[at - 1] != "," else (_after_comma(view, via or source), len(view))
        )
        if at > 0 and view.lower[at - 1] == ",":
            span = (0, at - 1)
        found.append(Found(cue, span, source, via))
    return found


def _after_comma(view: SentenceView, span: Span) -> int:
    end = span[1]
    return end + 1 if end < len(view) and view.lower[end] == "," else end


def _trailing(view: SentenceView, cues: CueWords, phrases: Phrases) -> list[Found]:
    found = []
    for sequence in cues.trailing:
        at = find_sequence(view.lower, sequence)
        if at is None or at == 0:
            continue
        cue = (at, at + len(sequence))
        source = phrases.source_after(view, cue[1])
        via = phrases.via_after(view, source[1], cues.via_markers) if source else None
        found.append(Found(cue, (0, at - 1 if view.lower[at - 1] == "," else at), source, via))
    return found


def _speech_verbs(
    view: SentenceView,
    cues: CueWords,
    phrases: Phrases,
    previous: SentenceView | None,
) -> list[Found]:
    for i, word in enumerate(view.lower):
        if word not in cues.speech_verbs:
            continue
        source, span, span_sentence = _speaker_and_span(view, i, cues, phrases, previous)
        if source is None:
            continue
        via = phrases.via_after(view, source[1], cues.via_markers)
        if word in cues.via_verbs and source[1] <= i:  # "a spokeswoman told Reuters"
            via = phrases.noun_phrase(view, i + 1)
        return [Found((i, i + 1), span, source, via, span_sentence=span_sentence)]
    return []


def _speaker_and_span(
    view: SentenceView,
    i: int,
    cues: CueWords,
    phrases: Phrases,
    previous: SentenceView | None,
) -> tuple[Span | None, Span, SentenceView | None]:
    n = len(view)
    source = None
    if view.parsed:
        subject = next((c for c in view.children(i) if view.dep(c) == "nsubj"), None)
        source = view.phrase(subject) if subject is not None else None
    if source is None:  # no parse, or a parse that missed the subject ("S, a spokeswoman told Reuters")
        source = phrases.subject_of(view, i, cues.fronted_adverbs | cues.anaphors)
    complement = next((j for j in range(i + 1, n) if view.lower[j] in cues.complementisers), None)
    if i <= 1 and view.lower[0] in cues.anaphors and previous is not None:
        return source, (0, len(previous)), previous  # "Dat meldt The Washington Post."
    if complement is not None:
        return source, (complement + 1, n), None
    comma = next((j for j in range(i - 1, -1, -1) if view.lower[j] == ","), None)
    if comma is not None and source is not None and source[0] > comma:  # "S, X said." / "S, said X."
        return source, (0, comma), None
    return source, (0, n), None


def _reportative(view: SentenceView, cues: CueWords) -> list[Found]:
    for sequence, certainty in cues.reportative.items():
        at = find_sequence(view.lower, sequence)
        if at is not None:
            return [Found((at, at + len(sequence)), (0, len(view)), certainty=certainty)]  # type: ignore[arg-type]
    for j, word in enumerate(view.lower):
        if word in cues.sourceless_hedges:
            return [Found((j, j + 1), (0, len(view)), certainty="hedged")]
    return []


def _hedged(view: SentenceView, claim: Found, cues: CueWords) -> bool:
    words = view.lower[claim.span[0] : claim.span[1]]
    if claim.source is not None:
        words = words + view.lower[claim.source[0] : claim.source[1]]
    return any(find_sequence(words, hedge) is not None for hedge in cues.hedges)


def to_claim(doc: Document, view: SentenceView, found: Found, number: int) -> Claim:
    span_view = found.span_sentence or view
    first, last = found.span
    last = max(last, first + 1)
    source_id, source_text = _linked(view, found.source)
    via_id, _ = _linked(view, found.via)
    cue = view.mention(*found.cue)
    return Claim(
        id=f"C{number}",
        source=source_id,
        source_text=source_text,
        via=via_id,
        cue=cue.text,
        cue_mention=cue,
        certainty=found.certainty,
        start=span_view.tokens[first].start,
        end=span_view.tokens[min(last, len(span_view)) - 1].end,
    )


def _linked(view: SentenceView, span: Span | None) -> tuple[str | None, str | None]:
    """(entity id or the phrase's text, the phrase's text)."""
    if span is None:
        return None, None
    text = view.mention(*span).text
    entities = view.entities_in(*span)
    return (entities[-1].id if entities else text), text


def attach_events(doc: Document) -> None:
    """Each event belongs to the narrowest claim whose span holds its trigger."""
    for event in doc.events:
        holding = [c for c in doc.claims if c.start <= event.trigger.start and event.trigger.end <= c.end]
        if holding:
            event.claim = min(holding, key=lambda c: c.end - c.start).id


@stage("claims", requires=("sentences",), assigns=("claims", "events.claim"))
def make_claim_finder(settings: Settings) -> ClaimFinder:
    """Find attributed claims: source (entity or text), intermediary, cue, governed span, certainty."""
    for code in settings.languages:
        cue_words(code)
    return ClaimFinder()
