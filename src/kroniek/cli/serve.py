"""`kroniek serve`: the web UI and the HTTP API over one database, in one process."""

from __future__ import annotations

import ipaddress
from typing import Annotated

import typer
from rich.console import Console

from kroniek.cli.options import DbOption
from kroniek.settings import Settings
from kroniek.store.connection import redact

err = Console(stderr=True, highlight=False)

HostOption = Annotated[str, typer.Option("--host", help="address to listen on; the default serves this machine only")]
PortOption = Annotated[int, typer.Option("--port", min=1, max=65535, help="port to listen on")]


def serve(db: DbOption = None, host: HostOption = "127.0.0.1", port: PortOption = 8000) -> None:
    """Serve the web UI (map, timeline, articles) and the HTTP API (/openapi.json) over the database."""
    # Imported here: the server stack is not needed by the other commands.
    from kroniek.api import create_app
    from kroniek.api.server import serve as run_server

    settings = Settings.from_env(db=db)
    if not _is_loopback(host):
        err.print(
            f"[yellow]warning:[/yellow] listening on {host}: the API has no authentication and anyone who can "
            "reach this address can read and add articles.",
            soft_wrap=True,
        )
    app = create_app(settings.db, settings=settings)
    shown = f"[{host}]" if ":" in host else host
    where = redact(str(settings.db))
    err.print(f"kroniek: serving {where} at http://{shown}:{port}/ (API description at /openapi.json)")
    run_server(app, host, port)


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False
