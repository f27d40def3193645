"""Options that several commands share, declared once."""

from __future__ import annotations

from typing import Annotated

import typer

DbOption = Annotated[
    str | None,
    typer.Option(
        "--db",
        help="database: a file path, sqlite:///PATH or postgresql://USER@HOST:PORT/NAME"
        " [env KRONIEK_DB; default: kroniek.db in the user data dir]",
        show_default=False,
    ),
]
