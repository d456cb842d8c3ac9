"""Local time, DST, calendar days and times of day (flowc.workcal rules 1-4).

Comments cite the section of docs/language.md each row pins:
`language.md#time-zones-and-dst` (rules 1, 2, 4) and
`language.md#calendar-days` (rule 3)."""
from __future__ import annotations

import datetime as dt

import pendulum
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from flowc.workcal import add_days, localize, next_time_of_day, to_local
from workcal_support import UTC, at, local, show, utc

H = dt.timedelta(hours=1)
NY, LIS, LHI, SCL, APIA = ("America/New_York", "Europe/Lisbon", "Australia/Lord_Howe",
                           "America/Santiago", "Pacific/Apia")


# ------------------------------------------------------------------ rule 1: local -> instant

@pytest.mark.parametrize("tz, wall, expected_utc", [
    # language.md#time-zones-and-dst: a time that exists maps to its only instant
    (LIS, "2026-07-01 12:00", "2026-07-01 11:00"),
    (NY, "2026-03-08 01:59", "2026-03-08 06:59"),
    # language.md#time-zones-and-dst: a time in a spring-forward gap moves to the gap's end (03:00 EDT, not 03:30)
    (NY, "2026-03-08 02:00", "2026-03-08 07:00"),
    (NY, "2026-03-08 02:30", "2026-03-08 07:00"),
    (NY, "2026-03-08 02:59:59", "2026-03-08 07:00"),
    (NY, "2026-03-08 03:00", "2026-03-08 07:00"),
    (LIS, "2026-03-29 01:30", "2026-03-29 01:00"),        # 01:00-02:00 skipped -> 02:00 WEST
    # language.md#time-zones-and-dst: a 30-minute gap (Lord Howe 02:00-02:30) -> 02:30 +11:00
    (LHI, "2026-10-04 02:00", "2026-10-03 15:30"),
    (LHI, "2026-10-04 02:15", "2026-10-03 15:30"),
    (LHI, "2026-10-04 02:30", "2026-10-03 15:30"),
    # language.md#time-zones-and-dst: Santiago skips 00:00-01:00 -> 01:00 -03:00
    (SCL, "2026-09-06 00:00", "2026-09-06 04:00"),
    (SCL, "2026-09-06 00:30", "2026-09-06 04:00"),
    # language.md#time-zones-and-dst: a skipped day (Apia 2011-12-30) -> 2011-12-31 00:00 +14:00
    (APIA, "2011-12-29 23:59", "2011-12-30 09:59"),
    (APIA, "2011-12-30 00:00", "2011-12-30 10:00"),
    (APIA, "2011-12-30 12:00", "2011-12-30 10:00"),
    (APIA, "2011-12-30 23:59", "2011-12-30 10:00"),
    (APIA, "2011-12-31 00:00", "2011-12-30 10:00"),
    (APIA, "2011-12-31 00:01", "2011-12-30 10:01"),
    # language.md#time-zones-and-dst: an ambiguous time takes the first occurrence
    (NY, "2026-11-01 01:00", "2026-11-01 05:00"),         # 01:00 EDT
    (NY, "2026-11-01 01:30", "2026-11-01 05:30"),         # 01:30 EDT, not 06:30 (EST)
    (NY, "2026-11-01 02:00", "2026-11-01 07:00"),         # 02:00 EST, after the overlap
    (LIS, "2026-10-25 01:30", "2026-10-25 00:30"),        # 01:30 WEST
    (LHI, "2026-04-05 01:45", "2026-04-04 14:45"),        # +11:00, the first of the 30-minute overlap
    (SCL, "2026-04-04 23:30", "2026-04-05 02:30"),        # -03:00: Saturday 23:00-24:00 happens twice
    (SCL, "2026-04-05 00:00", "2026-04-05 04:00"),        # Sunday 00:00 exists once
])
def test_localize(tz, wall, expected_utc):
    assert localize(local(wall), tz) == utc(expected_utc)


def test_localize_ignores_fold_and_rejects_aware():
    # language.md#time-zones-and-dst: first occurrence, whatever fold the caller passes
    assert localize(local("2026-11-01 01:30").replace(fold=1), NY) == utc("2026-11-01 05:30")
    with pytest.raises(ValueError):
        localize(utc("2026-01-01 00:00"), NY)
    with pytest.raises(ValueError):
        to_local(local("2026-01-01 00:00"), NY)


# ------------------------------------------------------------------ rule 2: instant -> local

@pytest.mark.parametrize("tz, instant, wall, fold", [
    (NY, "2026-11-01 05:30", "2026-11-01 01:30", 0),
    (NY, "2026-11-01 06:30", "2026-11-01 01:30", 1),     # the second 01:30 (EST)
    (APIA, "2011-12-30 09:59", "2011-12-29 23:59", 0),
    (APIA, "2011-12-30 10:00", "2011-12-31 00:00", 0),
    (LHI, "2026-10-03 15:29", "2026-10-04 01:59", 0),
    (LHI, "2026-10-03 15:30", "2026-10-04 02:30", 0),
])
def test_to_local(tz, instant, wall, fold):
    got = to_local(utc(instant), tz)
    assert got == local(wall) and got.fold == fold and got.tzinfo is None


def test_to_local_weekday_is_local():
    # language.md#time-zones-and-dst: Monday 00:30 in Apia (+14) is still Sunday in UTC
    x = at(APIA, "2026-03-09 00:30")
    assert x.weekday() == 6 and to_local(x, APIA).weekday() == 0


# ------------------------------------------------------------------ rule 3: calendar days

@pytest.mark.parametrize("tz, start, n, expected", [
    # language.md#calendar-days: month ends, leap days and year ends
    (LIS, "2028-02-29 10:00", 1, "2028-03-01 10:00"),
    (LIS, "2028-02-29 10:00", -1, "2028-02-28 10:00"),
    (LIS, "2028-02-28 10:00", 1, "2028-02-29 10:00"),
    (LIS, "2028-03-01 10:00", -1, "2028-02-29 10:00"),
    (LIS, "2027-02-28 10:00", 1, "2027-03-01 10:00"),
    (LIS, "2028-02-29 10:00", 365, "2029-02-28 10:00"),
    (LIS, "2028-02-29 10:00", 366, "2029-03-01 10:00"),
    (LIS, "2026-01-31 10:00", 1, "2026-02-01 10:00"),
    (LIS, "2026-12-31 23:30", 1, "2027-01-01 23:30"),
    (LIS, "2027-01-01 00:15", -1, "2026-12-31 00:15"),
    (LIS, "2026-03-09 10:00", 0, "2026-03-09 10:00"),
    # language.md#calendar-days: `after 1 day` keeps the local clock time across DST
    (NY, "2026-03-07 12:00", 1, "2026-03-08 12:00"),
    (NY, "2026-03-09 12:00", -1, "2026-03-08 12:00"),
    (LIS, "2026-10-24 12:00", 1, "2026-10-25 12:00"),
    (LHI, "2026-10-03 12:00", 1, "2026-10-04 12:00"),
    (SCL, "2026-09-05 12:00", 1, "2026-09-06 12:00"),
    # language.md#calendar-days: the day later is a gap time -> the gap's end (rule 1)
    (NY, "2026-03-07 02:30", 1, "2026-03-08 03:00"),
    (SCL, "2026-09-05 00:30", 1, "2026-09-06 01:00"),
    (APIA, "2011-12-29 12:00", 1, "2011-12-31 00:00"),
    (APIA, "2011-12-29 12:00", 2, "2011-12-31 12:00"),
    (APIA, "2011-12-31 12:00", -1, "2011-12-31 00:00"),
    # language.md#calendar-days: ... or an ambiguous time -> its first occurrence
    (NY, "2026-10-31 01:30", 1, "2026-11-01 01:30"),
])
def test_add_days(tz, start, n, expected):
    got = add_days(at(tz, start), n, tz)
    assert got == at(tz, expected)
    assert to_local(got, tz).fold == 0


@pytest.mark.parametrize("tz, start, elapsed_hours", [
    # language.md#calendar-days: `after 1 day` vs `after 24h` across a transition
    (NY, "2026-03-07 12:00", 23),
    (NY, "2026-10-31 12:00", 25),
    (LIS, "2026-03-28 12:00", 23),
    (LIS, "2026-10-24 12:00", 25),
    (LHI, "2026-10-03 12:00", 23.5),
    (LHI, "2026-04-04 12:00", 24.5),
    (SCL, "2026-09-05 12:00", 23),
    (SCL, "2026-04-04 12:00", 25),
    (APIA, "2011-12-29 12:00", 12),  # lands at 12-31 00:00 (the 30th does not exist)
    (LIS, "2026-07-01 12:00", 24),
])
def test_one_day_vs_24_hours(tz, start, elapsed_hours):
    x = at(tz, start)
    one_day = add_days(x, 1, tz)
    assert one_day - x == dt.timedelta(hours=elapsed_hours)
    assert x + 24 * H - x == 24 * H  # `after 24h` is plain elapsed time
    if tz != APIA:
        assert to_local(one_day, tz).time() == to_local(x, tz).time()


def test_add_days_from_the_second_occurrence():
    # language.md#calendar-days: the clock time is read from the instant (01:30 EST), then re-localized
    x = utc("2026-11-01 06:30")  # 01:30 EST, the second 01:30
    assert show(add_days(x, 1, NY), NY) == "Mon 2026-11-02 01:30"
    assert add_days(x, -1, NY) == at(NY, "2026-10-31 01:30")
    assert add_days(x, 0, NY) == utc("2026-11-01 05:30")  # 0 days: the first 01:30


# ------------------------------------------------------------------ rule 4: time of day

@pytest.mark.parametrize("tz, start_utc_or_local, time, expected", [
    # language.md#time-zones-and-dst: `at 02:30` on a spring-forward day fires at the gap's end
    (NY, "2026-03-08 00:00", "02:30", "2026-03-08 07:00Z"),
    (NY, "2026-03-08 00:00", "02:00", "2026-03-08 07:00Z"),
    (NY, "2026-03-08 00:00", "03:00", "2026-03-08 07:00Z"),
    # language.md#time-zones-and-dst: `at 01:30` on a fall-back day fires at the first 01:30 only
    (NY, "2026-11-01 00:00", "01:30", "2026-11-01 05:30Z"),
    (NY, "2026-11-01 05:31Z", "01:30", "2026-11-02 06:30Z"),  # after the first 01:30: tomorrow's
    (NY, "2026-11-01 06:30Z", "01:30", "2026-11-02 06:30Z"),  # at the second 01:30: tomorrow's
    # language.md#time-zones-and-dst: at or after: exactly at the time -> that instant
    (LIS, "2026-07-01 09:00", "09:00", "2026-07-01 08:00Z"),
    (LIS, "2026-07-01 09:01", "09:00", "2026-07-02 08:00Z"),
    (LIS, "2026-12-31 23:00", "09:00", "2027-01-01 09:00Z"),
    # language.md#time-zones-and-dst: Apia: the 30th's 01:30 fires at 12-31 00:00, then the 31st's
    (APIA, "2011-12-29 23:00", "01:30", "2011-12-30 10:00Z"),
    (APIA, "2011-12-30 10:00:01Z", "01:30", "2011-12-30 11:30Z"),
    (LHI, "2026-10-04 00:00", "02:15", "2026-10-03 15:30Z"),
    (SCL, "2026-09-05 23:59", "00:00", "2026-09-06 04:00Z"),
])
def test_next_time_of_day(tz, start_utc_or_local, time, expected):
    if start_utc_or_local.endswith("Z"):
        x = utc(start_utc_or_local[:-1])
    else:
        x = at(tz, start_utc_or_local)
    assert next_time_of_day(x, dt.time.fromisoformat(time), tz) == utc(expected[:-1])


TRANSITIONS = [
    (LIS, "2026-03-29"), (LIS, "2026-10-25"),
    (NY, "2026-03-08"), (NY, "2026-11-01"),
    (LHI, "2026-04-05"), (LHI, "2026-10-04"),
    (SCL, "2026-04-04"), (SCL, "2026-04-05"), (SCL, "2026-09-06"),
    (APIA, "2011-12-30"), (APIA, "2011-04-02"), (APIA, "2011-09-24"),
]


def _gap_end_check(tz: str, wall: dt.datetime, fired: dt.datetime) -> None:
    """`fired` is the first instant whose wall time is >= wall (rule 1), without
    asking localize: scan UTC seconds around it with pendulum."""
    got = to_local(fired, tz)
    if got == wall:
        assert got.fold == 0
        before = fired - dt.timedelta(hours=1)
        # the first occurrence: an hour earlier the clock showed an earlier time
        assert pendulum.instance(before).in_timezone(tz).naive() < wall
    else:  # wall does not exist: fired is the instant right after the gap
        assert got > wall
        prev = pendulum.instance(fired - dt.timedelta(seconds=1)).in_timezone(tz).naive()
        assert prev < wall


@pytest.mark.parametrize("tz, day", TRANSITIONS)
@pytest.mark.parametrize("time", ["00:00", "01:30", "02:30", "03:00"])
def test_time_of_day_fires_once_per_local_day(tz, day, time):
    # language.md#time-zones-and-dst: a daily `at` fires exactly once per local date,
    # at the gap's end on a spring-forward day, at the first occurrence on a fall-back day
    t = dt.time.fromisoformat(time)
    mid = dt.date.fromisoformat(day)
    dates = [mid + dt.timedelta(days=k) for k in range(-2, 3)]
    x = localize(dt.datetime.combine(dates[0] - dt.timedelta(days=1), dt.time(23, 59)), tz)
    fired = []
    while True:
        r = next_time_of_day(x, t, tz)
        if r >= localize(dt.datetime.combine(dates[-1] + dt.timedelta(days=1), dt.time()), tz):
            break
        fired.append(r)
        x = r + dt.timedelta(seconds=1)
    assert fired == sorted(set(fired)), "strictly increasing"
    expected = []
    for d in dates:
        inst = localize(dt.datetime.combine(d, t), tz)
        if inst not in expected:  # two dates fire at one instant only when a whole day is skipped
            expected.append(inst)
        _gap_end_check(tz, dt.datetime.combine(d, t), inst)
    assert fired == expected
    skipped_days = sum(1 for d in dates if localize(dt.datetime.combine(d, dt.time()), tz)
                       == localize(dt.datetime.combine(d + dt.timedelta(days=1), dt.time()), tz))
    assert len(fired) == len(dates) - (skipped_days if time == "00:00" else 0)


# ------------------------------------------------------------------ properties, with pendulum as the oracle

ZONES = [LIS, NY, LHI, SCL, APIA, "Asia/Kathmandu", "UTC", "Europe/Dublin"]
AROUND = {tz: [dt.date.fromisoformat(d) for z, d in TRANSITIONS if z == tz] for tz in ZONES}


@st.composite
def walls(draw):
    tz = draw(st.sampled_from(ZONES))
    anchors = AROUND.get(tz) or [dt.date(2026, 3, 29), dt.date(2026, 10, 25)]
    day = draw(st.sampled_from(anchors)) + dt.timedelta(days=draw(st.integers(-1, 1)))
    minute = draw(st.integers(0, 24 * 60 - 1))
    return tz, dt.datetime.combine(day, dt.time()) + dt.timedelta(minutes=minute)


def _first_instant_at_or_after(tz: str, wall: dt.datetime) -> dt.datetime:
    """min{t : wall(t) >= wall}, scanning minute by minute with pendulum
    (all these zones change offset on whole minutes; offsets stay within +-15h)."""
    t = wall.replace(tzinfo=UTC) - dt.timedelta(hours=15)
    step = dt.timedelta(minutes=15)
    while pendulum.instance(t + step).in_timezone(tz).naive() < wall:
        t += step
    while pendulum.instance(t).in_timezone(tz).naive() < wall:
        t += dt.timedelta(minutes=1)
    return t


@settings(max_examples=200, deadline=None, derandomize=True)
@given(walls())
def test_localize_is_the_first_instant_showing_that_time_or_later(case):
    # language.md#time-zones-and-dst: both policies (gap -> its end, overlap -> first) in one rule
    tz, wall = case
    assert localize(wall, tz) == _first_instant_at_or_after(tz, wall)


@settings(max_examples=200, deadline=None, derandomize=True)
@given(st.sampled_from(ZONES), st.integers(0, 4 * 366 * 24 * 60))
def test_to_local_agrees_with_pendulum_and_round_trips(tz, minute):
    x = dt.datetime(2025, 1, 1, tzinfo=UTC) + dt.timedelta(minutes=minute)
    if tz == APIA:
        x -= dt.timedelta(days=14 * 366)  # around 2011
    w = to_local(x, tz)
    assert w == pendulum.instance(x).in_timezone(tz).naive()
    back = localize(w, tz)
    if w.fold:  # the second occurrence of an ambiguous time: localize gives the first
        assert back < x and to_local(back, tz) == w
    else:
        assert back == x


@settings(max_examples=200, deadline=None, derandomize=True)
@given(st.sampled_from(ZONES), st.integers(0, 3 * 366 * 24 * 4), st.integers(0, 24 * 4 - 1))
def test_next_time_of_day_is_today_or_tomorrow(tz, quarter, tod):
    x = dt.datetime(2025, 1, 1, tzinfo=UTC) + dt.timedelta(minutes=15 * quarter)
    if tz == APIA:
        x -= dt.timedelta(days=14 * 366)
    t = (dt.datetime.min + dt.timedelta(minutes=15 * tod)).time()
    r = next_time_of_day(x, t, tz)
    today = to_local(x, tz).date()
    cands = [localize(dt.datetime.combine(today + dt.timedelta(days=k), t), tz) for k in range(3)]
    assert r >= x
    assert r == next(c for c in cands if c >= x)
