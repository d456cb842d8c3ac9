"""Calendar months and whole working days (flowc.workcal, additions for issue
8): `add_months` keeps the day of the month and the local clock time, clamped
to the month's last day (docs/language.md#durations); `working_date`,
`nearest_working_date` and `opening` give whole working days before or after
a `date` field (docs/language.md#date-fields).  Expectations by hand."""
from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, strategies as st

from flowc.workcal import NoWorkingTime, add_months, add_months_to_date, localize, to_local
from workcal_support import cal

LIS, NY = "Europe/Lisbon", "America/New_York"
D = dt.date.fromisoformat


@pytest.mark.parametrize("start,n,want", [
    ("2026-01-31", 1, "2026-02-28"),      # clamped to February's last day
    ("2028-01-31", 1, "2028-02-29"),      # a leap year
    ("2028-02-29", 12, "2029-02-28"),     # a year after a leap day
    ("2026-03-31", -1, "2026-02-28"),     # counting back clamps too
    ("2026-01-31", 2, "2026-03-31"),      # two months at once is not twice one month
    ("2026-01-15", -13, "2024-12-15"),    # across years, backwards
    ("2026-12-15", 1, "2027-01-15"),
    ("2026-05-31", 6, "2026-11-30"),
])
def test_add_months_to_date(start, n, want):
    assert add_months_to_date(D(start), n) == D(want)


def test_add_months_out_of_range():
    with pytest.raises(OverflowError):
        add_months_to_date(D("9999-12-01"), 1)
    with pytest.raises(OverflowError):
        add_months_to_date(D("0001-01-31"), -1)


def test_add_months_keeps_the_local_clock_time_across_dst():
    # Lisbon: winter (+00:00) on 31 January, summer (+01:00) on 31 July
    start = localize(dt.datetime(2026, 1, 31, 10, 0), LIS)
    got = add_months(start, 6, LIS)
    assert to_local(got, LIS) == dt.datetime(2026, 7, 31, 10, 0)
    assert got - start != dt.timedelta(days=181)  # 181 days and 23 hours: not a whole number of days


def test_add_months_into_a_dst_gap_moves_to_its_end():
    # New York springs forward on 2026-03-08 at 02:00: 02:30 does not exist
    start = localize(dt.datetime(2026, 2, 8, 2, 30), NY)
    assert to_local(add_months(start, 1, NY), NY) == dt.datetime(2026, 3, 8, 3, 0)


@given(st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2200, 12, 31)),
       st.integers(min_value=-240, max_value=240))
def test_months_land_in_the_right_month_on_the_nearest_day(d, n):
    got = add_months_to_date(d, n)
    assert (got.year * 12 + got.month) - (d.year * 12 + d.month) == n
    assert got.day == d.day or (got.day < d.day and (got + dt.timedelta(days=1)).day == 1)


OFFICE = cal(LIS, "mon-fri 09:00-13:00, 14:00-18:00", holidays=["PT"], closed=["2026-04-06"])


@pytest.mark.parametrize("date,n,want", [
    ("2026-03-12", -1, "2026-03-11"),   # Thursday -> Wednesday
    ("2026-03-16", -1, "2026-03-13"),   # Monday -> Friday: the weekend has no working day
    ("2026-03-16", -2, "2026-03-12"),
    ("2026-03-14", 1, "2026-03-16"),    # from a Saturday: the date itself never counts
    ("2026-03-14", -1, "2026-03-13"),
    ("2026-04-03", -1, "2026-04-02"),   # Good Friday (a holiday) -> Thursday
    ("2026-04-03", 1, "2026-04-07"),    # ... -> Tuesday (Monday 6 is closed)
    ("2026-04-08", -3, "2026-04-01"),   # Tue 7, Thu 2, Wed 1
    ("2026-03-12", -7, "2026-03-03"),   # a week is 7 working days
    ("2026-03-12", 0, "2026-03-12"),
    ("2026-03-14", 0, "2026-03-16"),
])
def test_working_date(date, n, want):
    assert OFFICE.working_date(D(date), n) == D(want)


def test_nearest_working_date_and_opening():
    assert OFFICE.nearest_working_date(D("2026-02-28"), -1) == D("2026-02-27")  # Saturday -> Friday
    assert OFFICE.nearest_working_date(D("2026-02-28"), 1) == D("2026-03-02")   # ... -> Monday
    assert OFFICE.nearest_working_date(D("2026-03-02"), -1) == D("2026-03-02")
    assert to_local(OFFICE.opening(D("2026-03-02")), LIS) == dt.datetime(2026, 3, 2, 9, 0)
    with pytest.raises(NoWorkingTime):
        OFFICE.opening(D("2026-02-28"))


def test_working_date_without_working_time():
    nothing = cal(LIS)
    with pytest.raises(NoWorkingTime):
        nothing.working_date(D("2026-03-12"), -1)
