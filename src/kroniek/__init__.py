"""kroniek: news articles to a structured, geocoded, time-anchored record of events."""

from kroniek.analyse import analyse
from kroniek.errors import IngestError, InputError, KroniekError, PipelineError, StoreError
from kroniek.model import (
    Claim,
    Document,
    DocumentInfo,
    Entity,
    Event,
    Mention,
    Place,
    Quantity,
    Sentence,
    TimeExpression,
    Token,
)
from kroniek.pipeline import DEFAULT_STAGES, Pipeline
from kroniek.settings import Settings

__version__ = "0.1.0"

__all__ = [
    "DEFAULT_STAGES",
    "Claim",
    "Document",
    "DocumentInfo",
    "Entity",
    "Event",
    "IngestError",
    "InputError",
    "KroniekError",
    "Mention",
    "Pipeline",
    "PipelineError",
    "Place",
    "Quantity",
    "Sentence",
    "Settings",
    "StoreError",
    "TimeExpression",
    "Token",
    "__version__",
    "analyse",
]
