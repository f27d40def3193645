"""The HTTP API and web UI: `create_app(db_path)` gives an ASGI app; `kroniek serve` runs it."""

from kroniek.api.app import create_app

__all__ = ["create_app"]
