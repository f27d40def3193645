"""`kroniek serve`: the web UI and the HTTP API over one database, in one process."""

from __future__ import annotations

from dataclasses import replace
from typing import Annotated

import typer
from rich.console import Console

from kroniek.cli.options import DbOption
from kroniek.settings import Settings
from kroniek.store.connection import redact

err = Console(stderr=True, highlight=False)

HostOption = Annotated[str, typer.Option("--host", help="address to listen on; the default serves this machine only")]
PortOption = Annotated[int, typer.Option("--port", min=1, max=65535, help="port to listen on")]


TokenOption = Annotated[
    str | None,
    typer.Option(
        "--token",
        help="token that writes and analyses must send (Authorization: Bearer) [env KRONIEK_TOKEN; default: none"
        " on loopback, a random one printed at start on any other address]",
        show_default=False,
    ),
]


def serve(
    db: DbOption = None, host: HostOption = "127.0.0.1", port: PortOption = 8000, token: TokenOption = None
) -> None:
    """Serve the web UI (map, timeline, articles) and the HTTP API (/openapi.json) over the database.

    Reads are open to anyone who can reach the address; writes and analyses need the token when there is one.
    """
    # Imported here: the server stack is not needed by the other commands.
    from kroniek.api import create_app
    from kroniek.api.security import write_token
    from kroniek.api.server import serve as run_server

    settings = Settings.from_env(db=db, token=token)
    required, generated = write_token(host, settings.token)
    settings = replace(settings, token=required)
    app = create_app(settings.db, settings=settings)
    shown = f"[{host}]" if ":" in host else host
    where = redact(str(settings.db))
    err.print(f"kroniek: serving {where} at http://{shown}:{port}/ (API description at /openapi.json)")
    if generated:
        # Shown once, here only: it is not stored anywhere. Pass --token or KRONIEK_TOKEN to keep one.
        err.print(f"kroniek: writes and analyses need the header 'Authorization: Bearer {required}'", soft_wrap=True)
    elif required is None:
        err.print("kroniek: no token: anyone on this machine can add articles (pass --token to require one)")
    run_server(app, host, port)
