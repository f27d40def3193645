"""From a rule match to a TIMEX3 reading: type, value, mod and anchor, reasoned against the
publication date and the direction (tense) of the clause.

Each rule action of the data files names one function in ``ACTIONS``. A value that cannot be known
(no publication date for a relative expression, a date that does not exist) is None, never a guess.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any

from kroniek.time import calendar as cal
from kroniek.time.grammar import Unit


@dataclass(frozen=True)
class Reading:
    type: str
    value: str | None
    mod: str | None = None
    anchor: str | None = None


@dataclass(frozen=True)
class Context:
    published: dt.date | None
    direction: str | None  # "past", "future" or None (nearest)


Fields = dict[str, Any]
Action = Callable[[Fields, Context, dict[str, Any]], Reading | None]

# Fractions of a unit written in the next smaller one: "anderhalf jaar" = P18M.
SMALLER = {"Y": ("M", 12), "M": ("D", 30), "W": ("D", 7), "D": ("H", 24), "H": ("MI", 60), "DE": ("Y", 10)}


def duration_value(n: float | None, unit: str) -> str:
    """P3D, PT2H, PXW, P10Y for a decade, P18M for one and a half years."""
    if n is not None and n != int(n) and unit in SMALLER:
        smaller, factor = SMALLER[unit]
        return duration_value(round(n * factor), smaller)
    amount = "X" if n is None else str(int(n))
    if unit == "DE" and n is not None:
        return f"P{int(n) * 10}Y"
    if unit == "CE" and n is not None:
        return f"P{int(n) * 100}Y"
    if unit == "Q":
        return f"P{int(n) * 3}M" if n is not None else "PXQ"
    if unit == "WE":
        return f"P{amount}WE"
    if unit in cal.TIME_UNITS:
        return f"PT{amount}{'M' if unit == 'MI' else unit}"
    return f"P{amount}{unit}"


def date_action(fields: Fields, ctx: Context, options: dict[str, Any]) -> Reading | None:
    """Dates built from whatever parts matched: year, month, day, weekday, part of day, season,
    holiday, quarter; missing parts come from the publication date and the direction. A rule may fix
    the part of day: "de nacht van zaterdag op zondag" is Saturday night."""
    if "daypart" in options:
        fields = {**fields, "daypart": options["daypart"]}
    if "holiday" in fields:
        return _holiday(fields, ctx)
    if "day" in fields or "month" in fields or "month_num" in fields or "month_name" in fields:
        return _calendar_date(fields, ctx)
    if "season" in fields:
        return _season(fields, ctx)
    if "ordinal" in fields and options.get("unit") in {"Q", "H"}:
        return _part_of_year(fields, ctx, options["unit"])
    if "weekday" in fields:
        return _weekday(fields, ctx)
    if "year" in fields:
        return Reading("DATE", f"{fields['year']:04d}")
    return None


def _month(fields: Fields) -> int | None:
    for key in ("month", "month_num", "month_name"):
        if fields.get(key) is not None:
            return int(fields[key])
    return None


def _calendar_date(fields: Fields, ctx: Context) -> Reading | None:
    month, day, year = _month(fields), fields.get("day"), fields.get("year")
    if month is None:
        return None
    if year is None:
        year = _infer_year(month, day, ctx, fields.get("rel"), fields.get("weekday"))
        if year is None:
            return Reading("DATE", None)
    if day is None:
        return Reading("DATE", f"{year:04d}-{month:02d}")
    date = cal.safe_date(year, month, day)
    return Reading("DATE", date.isoformat() if date else None)


def _infer_year(month: int, day: int | None, ctx: Context, rel: int | None, weekday: int | None) -> int | None:
    """The year of "21 juni" or "oktober": the one where "maandag 18 januari" is a Monday, else per
    the clause's tense or the relative word before it."""
    if ctx.published is None:
        return None
    pub = ctx.published
    direction = {-1: "past", 1: "future"}.get(rel, ctx.direction) if rel is not None else ctx.direction
    candidates = []
    for year in (pub.year - 1, pub.year, pub.year + 1):
        if day is None:
            candidates.append(cal.month_interval(year, month))
        elif (date := cal.safe_date(year, month, day)) is not None:
            candidates.append((date, date))
    if weekday is not None and day is not None:
        fitting = [c for c in candidates if c[0].isoweekday() == weekday]
        if len(fitting) == 1:
            return fitting[0][0].year
    if rel in (-1, 1):  # "last October" is a previous one, not this month
        this_month = cal.month_interval(pub.year, pub.month)
        candidates = [c for c in candidates if not (c[0] <= pub <= c[1]) and c != this_month]
    if rel == 0:
        return pub.year
    chosen = cal.choose(candidates, pub, direction)
    return chosen[0].year if chosen else None


def _weekday(fields: Fields, ctx: Context) -> Reading:
    part = fields.get("daypart")
    kind = "TIME" if part else "DATE"
    if ctx.published is None:
        return Reading(kind, None)
    rel = fields.get("rel")
    if rel == 0:  # "deze woensdag": in the current week
        date = ctx.published + dt.timedelta(days=fields["weekday"] - ctx.published.isoweekday())
    elif rel in (-1, 1):
        date = cal.weekday_near(ctx.published, fields["weekday"], "past" if rel < 0 else "future", strict=True)
    else:
        date = cal.weekday_near(ctx.published, fields["weekday"], ctx.direction)
    return Reading(kind, date.isoformat() + (f"T{part}" if part else ""))


def _season(fields: Fields, ctx: Context) -> Reading:
    season = fields["season"]
    if "year" in fields:
        return Reading("DATE", f"{fields['year']:04d}-{season}")
    if ctx.published is None:
        return Reading("DATE", None)
    pub, rel = ctx.published, fields.get("rel")
    candidates = [cal.season_interval(y, season) for y in (pub.year - 2, pub.year - 1, pub.year, pub.year + 1)]
    if rel == 0:
        chosen = cal.choose(candidates, pub, None)
    elif rel in (-1, 1):
        others = [c for c in candidates if not c[0] <= pub <= c[1]]
        chosen = cal.choose(others, pub, "past" if rel < 0 else "future")
    else:
        chosen = cal.choose(candidates, pub, ctx.direction)
    return Reading("DATE", f"{chosen[0].year:04d}-{season}" if chosen else None)


def _part_of_year(fields: Fields, ctx: Context, unit: str) -> Reading:
    ordinal = fields["ordinal"]
    count = 4 if unit == "Q" else 2
    if ordinal == -1:
        ordinal = count
    if not 1 <= ordinal <= count:
        return Reading("DATE", None)
    year = fields.get("year") or (ctx.published.year if ctx.published else None)
    return Reading("DATE", f"{year:04d}-{unit}{ordinal}" if year else None)


def _holiday(fields: Fields, ctx: Context) -> Reading:
    spec: dict[str, Any] = fields["holiday"]
    period = "days" in spec
    kind = "DURATION" if period else ("TIME" if spec.get("part") else "DATE")
    if "year" in fields:
        interval = cal.holiday_interval(spec, fields["year"])
    elif ctx.published is not None:
        years = (ctx.published.year - 1, ctx.published.year, ctx.published.year + 1)
        candidates = [c for y in years if (c := cal.holiday_interval(spec, y))]
        interval = cal.choose(candidates, ctx.published, ctx.direction)
    else:
        interval = None
    if interval is None:
        return Reading(kind, None)
    first, last = interval
    point = {"START": first, "MID": first + (last - first) / 2, "END": last}.get(fields.get("mod") or "")
    if period and point is not None:  # "het einde van de ramadan": a day, not the month
        return Reading("DATE", point.isoformat())
    if period:
        return Reading(kind, f"P{(last - first).days + 1}D", anchor=first.isoformat())
    return Reading(kind, first.isoformat() + (f"T{spec['part']}" if spec.get("part") else ""))


def relative_action(fields: Fields, ctx: Context, options: dict[str, Any]) -> Reading | None:
    """ "vorige week" (a date), "de afgelopen drie dagen" and "de laatste weken" (durations up to now)."""
    unit: Unit = fields["unit"]
    rel = fields.get("rel", -1)
    # "het afgelopen jaar" is the year up to now, "afgelopen weekend" still the last weekend
    span = "span" in fields and unit.code != "WE"
    if "num" in fields or unit.plural or span:
        n = fields.get("num", None if unit.plural else 1)
        anchor = ctx.published.isoformat() if ctx.published else None
        return Reading("DURATION", duration_value(n, unit.code), anchor=anchor)
    if ctx.published is None:
        return Reading("DATE", None)
    if unit.code in cal.TIME_UNITS:
        return Reading("DURATION", duration_value(1, unit.code), anchor=ctx.published.isoformat())
    return Reading("DATE", cal.format_at(cal.shift(ctx.published, rel, unit.code), unit.code))


def ago_action(fields: Fields, ctx: Context, options: dict[str, Any]) -> Reading | None:
    """ "twee jaar geleden": the publication date moved back, at the unit's granularity."""
    unit: Unit = fields["unit"]
    n = fields.get("num", 1 if not unit.plural else None)
    if ctx.published is None:
        return Reading("DATE", None)
    if n is None:
        return Reading("DATE", "PAST_REF")
    if n != int(n) and unit.code in SMALLER:
        unit_code, n = SMALLER[unit.code][0], round(n * SMALLER[unit.code][1])
    else:
        unit_code = unit.code
    granularity = "D" if unit_code in cal.TIME_UNITS else unit_code
    return Reading("DATE", cal.format_at(cal.shift(ctx.published, -int(n), unit_code), granularity))


def duration_action(fields: Fields, ctx: Context, options: dict[str, Any]) -> Reading | None:
    """ "drie weken", "jarenlang"; "7 minuten en 47 seconden" is one duration, PT7M47S."""
    unit: Unit = fields.get("unit") or fields["unit_plural"]
    n = fields.get("num") if "num" in fields else (None if unit.plural else 1)
    value: str | None = duration_value(n, unit.code)
    if value and "unit2" in fields and "num2" in fields:
        value = _join_durations(value, duration_value(fields["num2"], fields["unit2"].code))
    return Reading("DURATION", value)


def _join_durations(first: str, second: str) -> str | None:
    """P1Y + P6M = P1Y6M, PT7M + PT47S = PT7M47S; None when the second is not the smaller unit."""
    order = ["Y", "M", "W", "D", "TH", "TM", "TS"]

    def parts(value: str) -> list[tuple[str, str]]:
        date, _, clock = value[1:].partition("T")
        found = [(m[2], m[1]) for m in re.finditer(r"(\d+|X)([YMWD])", date)]
        return found + [("T" + m[2], m[1]) for m in re.finditer(r"(\d+|X)([HMS])", clock)]

    both = parts(first) + parts(second)
    units = [unit for unit, _ in both]
    if len(both) != 2 or any(u not in order for u in units) or order.index(units[0]) >= order.index(units[1]):
        return None
    date = "".join(n + u for u, n in both if not u.startswith("T"))
    clock = "".join(n + u[1] for u, n in both if u.startswith("T"))
    return "P" + date + ("T" + clock if clock else "")


def set_action(fields: Fields, ctx: Context, options: dict[str, Any]) -> Reading | None:
    """ "elke maandag" = XXXX-WXX-1, "elke ochtend" = XXXX-XX-XXTMO, "elke drie dagen" = P3D, "one day a
    week" = P1W."""
    if "weekday" in fields:
        part = f"T{fields['daypart']}" if fields.get("daypart") else ""
        return Reading("SET", f"XXXX-WXX-{fields['weekday']}{part}")
    if "daypart" in fields:
        return Reading("SET", f"XXXX-XX-XXT{fields['daypart']}")
    if "unit2" in fields:  # "one day a week", "twice a year": the period that repeats
        return Reading("SET", duration_value(1, fields["unit2"].code))
    return Reading("SET", duration_value(fields.get("num"), fields["unit"].code))


def deictic_action(fields: Fields, ctx: Context, options: dict[str, Any]) -> Reading | None:
    """ "gisteren", "vanavond": a day counted from the publication date, maybe with a part of day."""
    entry = fields["deictic"]
    if "value" in entry:
        return Reading("DATE", entry["value"])
    kind = "TIME" if entry.get("part") else "DATE"
    if ctx.published is None:
        return Reading(kind, None)
    date = ctx.published + dt.timedelta(days=int(entry.get("days", 0)))
    return Reading(kind, date.isoformat() + (f"T{entry['part']}" if entry.get("part") else ""))


def fixed_action(fields: Fields, ctx: Context, options: dict[str, Any]) -> Reading | None:
    kind, value = fields["fixed"]
    return Reading(kind, value)


def clock_action(fields: Fields, ctx: Context, options: dict[str, Any]) -> Reading | None:
    """ "om 14.30 uur", "2:30 p.m.": on the publication day until a date in the sentence says otherwise."""
    hour, minute = fields.get("hour", fields.get("hour_num")), fields.get("minute", 0)
    if not isinstance(hour, int) or not 0 <= hour <= 24:  # "om anderhalf uur", "om enkele uren"
        return None
    ampm = fields.get("ampm") or fields.get("ampm2")
    if ampm == "pm" and hour < 12:
        hour += 12
    elif ampm == "am" and hour == 12:
        hour = 0
    clock = f"T{hour:02d}:{minute:02d}" + (f":{fields['second']:02d}" if "second" in fields else "")
    return Reading("TIME", ctx.published.isoformat() + clock if ctx.published else None)


def decade_action(fields: Fields, ctx: Context, options: dict[str, Any]) -> Reading | None:
    if "decade" in fields:
        return Reading("DATE", f"{fields['decade']:03d}")
    if "decade_year" in fields:
        return Reading("DATE", str(fields["decade_year"])[:3])
    return Reading("DATE", f"19{str(fields['decade_digits'])[0]}")


def century_action(fields: Fields, ctx: Context, options: dict[str, Any]) -> Reading | None:
    number = fields["ordinal_num"]
    return Reading("DATE", f"{number - 1:02d}" if 1 <= number <= 21 else None)


ACTIONS: dict[str, Action] = {
    "date": date_action,
    "relative": relative_action,
    "ago": ago_action,
    "duration": duration_action,
    "set": set_action,
    "deictic": deictic_action,
    "fixed": fixed_action,
    "clock": clock_action,
    "decade": decade_action,
    "century": century_action,
}


def read(action: str, fields: Fields, ctx: Context, options: dict[str, Any]) -> Reading | None:
    reading = ACTIONS[action](fields, ctx, options)
    if reading is None:
        return None
    mod = fields.get("mod") or options.get("mod")
    return replace(reading, mod=mod) if mod else reading


def since_reading(reading: Reading, published: dt.date | None) -> Reading:
    """ "sinds 2014": a duration from 2014 up to publication, anchored on 2014."""
    from kroniek.timex import timex_range

    anchor = reading.value
    value = None
    span = timex_range(anchor) if anchor else None
    if span and published and span[0] <= published:
        value = _elapsed(anchor or "", span[0], published)
    return Reading("DURATION", value, anchor=anchor)


def _elapsed(anchor: str, start: dt.date, end: dt.date) -> str:
    if len(anchor) == 4:
        return f"P{end.year - start.year}Y"
    if len(anchor) == 7 and anchor[4] == "-" and anchor[5:].isdigit():
        return f"P{(end.year - start.year) * 12 + end.month - start.month}M"
    if "-W" in anchor:
        return f"P{(end - start).days // 7}W"
    return f"P{(end - start).days}D"
