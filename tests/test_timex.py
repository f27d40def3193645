import datetime as dt

import pytest

from kroniek.timex import timex_range

D = dt.date


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2017-06-21", (D(2017, 6, 21), D(2017, 6, 21))),
        ("2017-06-21TAF", (D(2017, 6, 21), D(2017, 6, 21))),
        ("2017-06-21T14:30", (D(2017, 6, 21), D(2017, 6, 21))),
        ("2016-10", (D(2016, 10, 1), D(2016, 10, 31))),
        ("2016-02", (D(2016, 2, 1), D(2016, 2, 29))),
        ("2017-W24", (D(2017, 6, 12), D(2017, 6, 18))),
        ("2017-W24-WE", (D(2017, 6, 17), D(2017, 6, 18))),
        ("2014", (D(2014, 1, 1), D(2014, 12, 31))),
        ("2017-Q2", (D(2017, 4, 1), D(2017, 6, 30))),
        ("2017-WI", (D(2017, 12, 1), D(2018, 2, 28))),
        ("201X", (D(2010, 1, 1), D(2019, 12, 31))),
    ],
)
def test_date_values_become_ranges(value, expected):
    assert timex_range(value) == expected


@pytest.mark.parametrize("value", [None, "", "P3W", "XXXX-WXX-1", "PRESENT_REF", "2017-02-31", "2017-W54", "later"])
def test_other_values_have_no_range(value):
    assert timex_range(value) is None
