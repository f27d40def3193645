"""Publication dates: strict parsing of what users and metadata give."""

from __future__ import annotations

import datetime as dt
import re

# Dates outside this window are typos, not news.
EARLIEST = dt.date(1800, 1, 1)
LATEST_YEARS_AHEAD = 1

_DATE_IN_NAME = re.compile(r"(?<!\d)((?:18|19|20)\d\d)-(\d\d)-(\d\d)(?!\d)")


def parse_date(value: str | dt.date | None) -> dt.date | None:
    """A date from YYYY-MM-DD or an ISO 8601 timestamp; None when it is not a plausible date."""
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return _plausible(value.date())
    if isinstance(value, dt.date):
        return _plausible(value)
    text = str(value).strip()
    try:
        if len(text) > 10:
            return _plausible(dt.datetime.fromisoformat(text.replace("Z", "+00:00")).date())
        return _plausible(dt.date.fromisoformat(text))
    except ValueError:
        return None


def date_in_name(name: str) -> dt.date | None:
    """A YYYY-MM-DD date in a file name, as archives often name their files."""
    match = _DATE_IN_NAME.search(name)
    return parse_date(match.group(0)) if match else None


def _plausible(date: dt.date, today: dt.date | None = None) -> dt.date | None:
    today = today or dt.date.today()
    # Days, not replace(year=...): that raises on 29 February and would reject every date that day.
    latest = today + dt.timedelta(days=366 * LATEST_YEARS_AHEAD)
    return date if EARLIEST <= date <= latest else None
