"""Calendar reasoning: shifting dates by units, formatting TIMEX3 values at a granularity, holidays,
and choosing which occurrence of an underspecified expression is meant."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from dateutil.easter import easter
from dateutil.relativedelta import relativedelta
from hijridate import Gregorian, Hijri

Interval = tuple[dt.date, dt.date]

# Units that move a date; clock units move it by whole days at most.
_SHIFTS: dict[str, Callable[[int], relativedelta]] = {
    "Y": lambda n: relativedelta(years=n),
    "M": lambda n: relativedelta(months=n),
    "W": lambda n: relativedelta(weeks=n),
    "WE": lambda n: relativedelta(weeks=n),
    "D": lambda n: relativedelta(days=n),
    "Q": lambda n: relativedelta(months=3 * n),
    "H": lambda n: relativedelta(hours=n),
    "MI": lambda n: relativedelta(minutes=n),
    "S": lambda n: relativedelta(seconds=n),
    "DE": lambda n: relativedelta(years=10 * n),
    "CE": lambda n: relativedelta(years=100 * n),
}
SEASON_MONTHS = {"SP": 3, "SU": 6, "FA": 9, "WI": 12}
TIME_UNITS = {"H", "MI", "S"}


def shift(day: dt.date, n: int, unit: str) -> dt.date:
    moved: dt.datetime = dt.datetime.combine(day, dt.time(12)) + _SHIFTS[unit](n)
    return moved.date()


def format_at(day: dt.date, unit: str) -> str:
    """The TIMEX3 value of the period of granularity ``unit`` that contains ``day``."""
    iso = day.isocalendar()
    formats: dict[str, Callable[[], str]] = {
        "Y": lambda: f"{day.year:04d}",
        "M": lambda: f"{day.year:04d}-{day.month:02d}",
        "W": lambda: f"{iso.year:04d}-W{iso.week:02d}",
        "WE": lambda: f"{iso.year:04d}-W{iso.week:02d}-WE",
        "Q": lambda: f"{day.year:04d}-Q{(day.month - 1) // 3 + 1}",
        "H": lambda: f"{day.year:04d}-H{(day.month - 1) // 6 + 1}",
        "DE": lambda: f"{day.year // 10:03d}",
        "CE": lambda: f"{day.year // 100:02d}",
    }
    return formats.get(unit, day.isoformat)()


def month_interval(year: int, month: int) -> Interval:
    first = dt.date(year, month, 1)
    return first, shift(first, 1, "M") - dt.timedelta(days=1)


def season_interval(year: int, season: str) -> Interval:
    first = dt.date(year, SEASON_MONTHS[season], 1)
    return first, shift(first, 3, "M") - dt.timedelta(days=1)


def choose(candidates: list[Interval], anchor: dt.date, direction: str | None) -> Interval | None:
    """Past: the latest that started by the anchor; future: the first that has not ended before it;
    otherwise the nearest (the past one on a tie, as news mostly reports what happened)."""
    candidates = sorted(candidates)
    if direction == "past":
        started = [c for c in candidates if c[0] <= anchor]
        return started[-1] if started else None
    if direction == "future":
        pending = [c for c in candidates if c[1] >= anchor]
        return pending[0] if pending else None
    return min(candidates, key=lambda c: (_distance(c, anchor), c[0] > anchor), default=None)


def _distance(interval: Interval, anchor: dt.date) -> int:
    if interval[0] <= anchor <= interval[1]:
        return 0
    return min(abs((interval[0] - anchor).days), abs((interval[1] - anchor).days))


def weekday_near(anchor: dt.date, weekday: int, direction: str | None, strict: bool = False) -> dt.date:
    """The day with ISO weekday ``weekday`` around ``anchor``; strict leaves the anchor itself out."""
    back = (anchor.isoweekday() - weekday) % 7 or (7 if strict else 0)
    ahead = (weekday - anchor.isoweekday()) % 7 or (7 if strict else 0)
    past, future = anchor - dt.timedelta(days=back), anchor + dt.timedelta(days=ahead)
    if direction == "past":
        return past
    if direction == "future":
        return future
    return past if back <= ahead else future


def holiday_interval(spec: dict[str, Any], year: int) -> Interval | None:
    """When a holiday falls in a Gregorian year (for Islamic ones: the occurrence starting in it)."""
    if "date" in spec:
        month, day = (int(p) for p in str(spec["date"]).split("-"))
        first = dt.date(year, month, day)
    elif "easter" in spec:
        first = easter(year) + dt.timedelta(days=int(spec["easter"]))
    elif "nth_weekday" in spec:
        first = nth_weekday(year, *spec["nth_weekday"])
    elif "hijri" in spec:
        found = _hijri_in_year(year, *spec["hijri"])
        if found is None:
            return None
        first, length = found
        if spec.get("days") == "month":
            return first, first + dt.timedelta(days=length - 1)
    else:
        return None
    days = int(spec.get("days", 1))
    return first, first + dt.timedelta(days=days - 1)


def nth_weekday(year: int, month: int, weekday: int, n: int) -> dt.date:
    """The nth ISO weekday of a month; n = -1 for the last."""
    if n > 0:
        first = dt.date(year, month, 1)
        return first + dt.timedelta(days=(weekday - first.isoweekday()) % 7 + 7 * (n - 1))
    last = month_interval(year, month)[1]
    return last - dt.timedelta(days=(last.isoweekday() - weekday) % 7)


def _hijri_in_year(year: int, month: int, day: int) -> tuple[dt.date, int] | None:
    """The Gregorian date of an Islamic month-day that falls in ``year``, and that month's length."""
    try:
        hijri_year = Gregorian(year, 1, 1).to_hijri().year
        for candidate in (hijri_year, hijri_year + 1):
            date = Hijri(candidate, month, day).to_gregorian()
            if date.year == year:
                return dt.date(date.year, date.month, date.day), Hijri(candidate, month, 1).month_length()
    except (OverflowError, ValueError):  # outside the Umm al-Qura table (1924-2077)
        return None
    return None


def safe_date(year: int, month: int, day: int) -> dt.date | None:
    """None for dates that do not exist, such as 31 February."""
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None
