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

# The event filters of `kroniek events` and `kroniek export`.
SinceOption = Annotated[str | None, typer.Option(help="from this date (YYYY, YYYY-MM or YYYY-MM-DD)")]
UntilOption = Annotated[str | None, typer.Option(help="up to this date, inclusive")]
PlaceOption = Annotated[str | None, typer.Option(help="place name (part of it) or country code")]
ActorOption = Annotated[str | None, typer.Option(help="actor name (part of it)")]
TypeOption = Annotated[str | None, typer.Option("--type", help="event type or its prefix")]
