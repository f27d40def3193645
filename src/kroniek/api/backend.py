"""What the endpoints share: the database, one connection per worker thread, and one pipeline."""

from __future__ import annotations

import datetime as dt
import threading
from pathlib import Path

from kroniek.analyse import analyse
from kroniek.errors import InputError
from kroniek.model import Document
from kroniek.pipeline import Pipeline
from kroniek.settings import Settings
from kroniek.store import Store


class Backend:
    def __init__(self, db_path: Path | str, settings: Settings, pipeline: Pipeline | None = None) -> None:
        self.db_path = db_path
        self.settings = settings
        Store(db_path).close()  # migrate now, and fail at start rather than on the first request
        self._local = threading.local()
        self._opened: list[Store] = []
        self._guard = threading.Lock()
        self._pipeline = pipeline
        # Stages keep state (spaCy pipelines, caches): one article at a time through them.
        self._analysing = threading.Lock()

    def store(self) -> Store:
        """This thread's connection: a connection must not be shared by threads at the same time."""
        store: Store | None = getattr(self._local, "store", None)
        if store is None:
            store = Store(self.db_path)
            self._local.store = store
            with self._guard:
                self._opened.append(store)
        return store

    def analyse(
        self, text: str, *, published: dt.date | None, language: str | None, title: str | None = None
    ) -> Document:
        if language is not None and language not in self.settings.languages:
            raise InputError("E011", value=language, choices=", ".join(self.settings.languages))
        with self._analysing:
            if self._pipeline is None:
                self._pipeline = Pipeline(self.settings)
            return analyse(text, published=published, language=language, title=title, pipeline=self._pipeline)

    def close(self) -> None:
        with self._guard:
            for store in self._opened:
                store.close()
            self._opened.clear()
