"""Every setting declared once: name, help, environment variable, parser. Defaults live on Settings."""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import platformdirs


def _database(raw: str) -> Path | str:
    """A URL (sqlite:///..., postgresql://...) as it is, else a file path."""
    return raw if "://" in raw else Path(raw).expanduser()


def default_db_path() -> Path:
    return Path(platformdirs.user_data_dir("kroniek")) / "kroniek.db"


def _codes(raw: str) -> tuple[str, ...]:
    return tuple(code.strip().lower() for code in raw.split(",") if code.strip())


@dataclass(frozen=True)
class Settings:
    db: Path | str = field(default_factory=default_db_path)  # a file path or a database URL
    languages: tuple[str, ...] = ("nl", "en", "de", "fr", "es", "it")
    max_size_mb: float = 10.0
    ner: str = "accurate"
    time_budget_s: float = 60.0
    token: str | None = None  # for writes and analyses over HTTP; see kroniek.api.security
    rate_limit: float = 20.0
    rate_burst: float = 100.0
    write_rate_limit: float = 60.0

    @classmethod
    def from_env(cls, **overrides: object) -> Settings:
        """Defaults, then the environment variables of SETTINGS, then explicit overrides (not None)."""
        values: dict[str, object] = {}
        for setting in SETTINGS:
            raw = os.environ.get(setting.env)
            if raw:
                values[setting.name] = setting.parse(raw)
        values.update({k: v for k, v in overrides.items() if v is not None})
        if isinstance(values.get("db"), str):
            values["db"] = _database(str(values["db"]))
        return cls(**values)  # type: ignore[arg-type]


@dataclass(frozen=True)
class Setting:
    name: str
    env: str
    parse: Callable[[str], object]
    help: str


SETTINGS = (
    Setting(
        "db",
        "KRONIEK_DB",
        _database,
        "database: a file path, sqlite:///PATH or postgresql://USER@HOST:PORT/NAME; default kroniek.db in the"
        " user data directory",
    ),
    Setting(
        "languages",
        "KRONIEK_LANGUAGES",
        _codes,
        "candidate languages for identification, comma-separated ISO 639-1 codes",
    ),
    Setting("max_size_mb", "KRONIEK_MAX_SIZE_MB", float, "largest input file accepted, in MB"),
    Setting("time_budget_s", "KRONIEK_TIME_BUDGET", float,
            "seconds per document before a stage is stopped (0: no limit)"),
    Setting("ner", "KRONIEK_NER", str.lower, "entity recogniser: accurate (transformer) or fast (CNN)"),
    Setting("token", "KRONIEK_TOKEN", str.strip,
            "token the HTTP API asks of writes and analyses (Authorization: Bearer); generated when serving"
            " on a non-loopback address without one"),
    Setting("rate_limit", "KRONIEK_RATE_LIMIT", float, "HTTP requests per second per client address (0: no limit)"),
    Setting("rate_burst", "KRONIEK_RATE_BURST", float, "HTTP requests a client may send at once above the rate"),
    Setting("write_rate_limit", "KRONIEK_WRITE_RATE_LIMIT", float,
            "HTTP writes and analyses per minute per client address (0: no limit)"),
)
