"""TIMEX3 values as calendar ranges, so that '2017-W24', '2016-10' and '2017-06-21TAF' compare as dates."""

from __future__ import annotations

import calendar
import datetime as dt
import re

_QUARTERS = {"Q1": (1, 3), "Q2": (4, 6), "Q3": (7, 9), "Q4": (10, 12), "H1": (1, 6), "H2": (7, 12)}
# Northern-hemisphere meteorological seasons; winter runs into the next year.
_SEASONS = {"SP": (3, 5), "SU": (6, 8), "FA": (9, 11), "WI": (12, 14)}

_DAY = re.compile(r"^(\d{4})-(\d\d)-(\d\d)(T.*)?$")
_MONTH = re.compile(r"^(\d{4})-(\d\d)$")
_WEEK = re.compile(r"^(\d{4})-W(\d\d)(-WE)?$")
_PART = re.compile(r"^(\d{4})-(Q[1-4]|H[12]|SP|SU|FA|WI)$")
_YEAR = re.compile(r"^(\d{4})$")
_DECADE = re.compile(r"^(\d{3})X?$")


def timex_range(value: str | None) -> tuple[dt.date, dt.date] | None:
    """First and last day a TIMEX3 date value covers; None for durations, sets and unknown forms."""
    if not value:
        return None
    try:
        return _range(value.strip())
    except ValueError:  # e.g. 2017-02-31 or week 54
        return None


def _range(value: str) -> tuple[dt.date, dt.date] | None:
    if m := _DAY.match(value):
        day = dt.date(int(m[1]), int(m[2]), int(m[3]))
        return day, day
    if m := _MONTH.match(value):
        return _months(int(m[1]), int(m[2]), int(m[2]))
    if m := _WEEK.match(value):
        monday = dt.date.fromisocalendar(int(m[1]), int(m[2]), 1)
        return (
            (monday + dt.timedelta(days=5), monday + dt.timedelta(days=6))
            if m[3]
            else (monday, monday + dt.timedelta(days=6))
        )
    if m := _PART.match(value):
        first, last = (_QUARTERS | _SEASONS)[m[2]]
        return _months(int(m[1]), first, last)
    if m := _YEAR.match(value):
        return dt.date(int(m[1]), 1, 1), dt.date(int(m[1]), 12, 31)
    if m := _DECADE.match(value):
        return dt.date(int(m[1]) * 10, 1, 1), dt.date(int(m[1]) * 10 + 9, 12, 31)
    return None


def _months(year: int, first: int, last: int) -> tuple[dt.date, dt.date]:
    end_year, end_month = year + (last - 1) // 12, (last - 1) % 12 + 1
    return dt.date(year, first, 1), dt.date(end_year, end_month, calendar.monthrange(end_year, end_month)[1])
