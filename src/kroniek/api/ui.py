"""The web UI: built assets shipped in kroniek.web/static, served by the same app as the API."""

from __future__ import annotations

from fastapi import FastAPI
from fastapi.responses import FileResponse
from fastapi.staticfiles import StaticFiles

from kroniek.api.errors import ApiError
from kroniek.web import static_dir

# Defence in depth: the UI writes data with textContent only; the policy also forbids inline and foreign script,
# and inline style (the UI and Leaflet set styles through the DOM, which the policy allows).
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:;"
    " connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'"
)


def mount(app: FastAPI) -> None:
    static = static_dir()

    @app.get("/", include_in_schema=False)
    async def index() -> FileResponse:
        page = static / "index.html"
        if not page.is_file():
            raise ApiError(503, "the web UI is not built: run src/kroniek/web/build.sh", code="ui_not_built")
        return FileResponse(page, headers={"Content-Security-Policy": CONTENT_SECURITY_POLICY})

    app.mount("/static", StaticFiles(directory=static, check_dir=False), name="static")
