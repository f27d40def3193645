"""Language identification with lingua, restricted to the candidate languages in the settings."""

from __future__ import annotations

from lingua import IsoCode639_1, Language, LanguageDetectorBuilder

from kroniek.errors import InputError
from kroniek.model import Document
from kroniek.registry import stage
from kroniek.settings import Settings

# Below this confidence the detector's answer is reported as a guess in the warnings.
MIN_CONFIDENCE = 0.5


def to_lingua(code: str) -> Language:
    try:
        return Language.from_iso_code_639_1(getattr(IsoCode639_1, code.upper()))
    except AttributeError:
        raise InputError("E011", value=code, choices="ISO 639-1 codes lingua knows") from None


class LanguageIdentifier:
    def __init__(self, candidates: tuple[str, ...]) -> None:
        languages = [to_lingua(code) for code in candidates]
        if len(languages) < 2:  # lingua needs two; a single candidate needs no detector
            self._only = candidates[0] if candidates else None
            self._detector = None
        else:
            self._only = None
            self._detector = LanguageDetectorBuilder.from_languages(*languages).build()

    def detect(self, text: str) -> tuple[str | None, float]:
        if self._detector is None:
            return self._only, 1.0
        values = self._detector.compute_language_confidence_values(text[:2000])
        if not values:
            return None, 0.0
        best = values[0]
        return best.language.iso_code_639_1.name.lower(), best.value

    def __call__(self, doc: Document) -> Document:
        if doc.document.language:  # given by the user or the article's metadata
            return doc
        code, confidence = self.detect(doc.text)
        doc.document.language = code
        if code is None:
            doc.warnings.append("language: could not identify the language of the text")
        elif confidence < MIN_CONFIDENCE:
            doc.warnings.append(f"language: '{code}' is a guess (confidence {confidence:.2f})")
        return doc


@stage("language", assigns=("document.language",))
def make_language_identifier(settings: Settings) -> LanguageIdentifier:
    """Identify the article's language unless it was given."""
    return LanguageIdentifier(settings.languages)
