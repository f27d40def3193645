"""The HTTP API and the web UI over one database, in the style of Datasette: `create_app(db_path)`."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI

from kroniek import __version__
from kroniek.api import brief, documents, errors, listings, security, stories, ui
from kroniek.api.backend import Backend
from kroniek.pipeline import Pipeline
from kroniek.settings import Settings

DESCRIPTION = """\
News articles as a structured, geocoded, time-anchored record of events.

Every list answers a page of JSON with a `next` cursor, or CSV or GeoJSON with `?format=csv|geojson`
(the next page then in the `Link` header). Errors are `{"error": {"code", "message"}}`.
"""


def create_app(db_path: Path | str, *, settings: Settings | None = None, pipeline: Pipeline | None = None) -> FastAPI:
    """The API and UI over the database at `db_path`, a path or URL (created and migrated if needed)."""
    settings = settings or Settings.from_env(db=db_path)
    backend = Backend(db_path, settings, pipeline)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        yield
        backend.close()

    # No /docs: Swagger UI loads its script from a CDN, and kroniek works offline. /openapi.json stays.
    app = FastAPI(
        title="kroniek",
        version=__version__,
        description=DESCRIPTION,
        lifespan=lifespan,
        docs_url=None,
        redoc_url=None,
    )
    app.state.backend = backend
    errors.install(app)
    app.add_middleware(errors.BodyLimit, max_bytes=int(settings.max_size_mb * 1_000_000))
    security.install(app, settings)  # around the body limit: token, rate limit, headers
    app.include_router(documents.router)
    app.include_router(listings.router)
    app.include_router(brief.router)
    app.include_router(stories.router)
    ui.mount(app)
    return app
