"""The stage registry: each stage registers a factory under a name with what it requires and assigns.

A factory is called once per pipeline with the settings and returns the stage: a callable that
takes a Document and returns it with its findings added. Loading data or models happens in the
factory, so a batch pays for it once.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from kroniek.model import Document
from kroniek.settings import Settings

Stage = Callable[[Document], Document]
StageFactory = Callable[[Settings], Stage]


@dataclass(frozen=True)
class StageSpec:
    name: str
    factory: StageFactory
    requires: tuple[str, ...]
    assigns: tuple[str, ...]
    help: str


_STAGES: dict[str, StageSpec] = {}


def stage(
    name: str, *, requires: tuple[str, ...] = (), assigns: tuple[str, ...] = (), help: str = ""
) -> Callable[[StageFactory], StageFactory]:
    def register(factory: StageFactory) -> StageFactory:
        _STAGES[name] = StageSpec(name, factory, requires, assigns, help or (factory.__doc__ or "").strip())
        return factory

    return register


def registered() -> dict[str, StageSpec]:
    return dict(_STAGES)
