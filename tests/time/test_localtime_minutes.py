"""The integer-minute API of flowc.localtime and flowc.workcal against
minute-stepping oracles built on zoneinfo alone.

* `MinuteZone.localize` / `to_wall` / `next_time_of_day`: random IANA zones,
  random wall times within two days of a random transition of 2010-2030
  (transitions found here by scanning zoneinfo's offsets day by day, not by
  the code under test); the oracle scans UTC minutes for the first one whose
  wall time is at or past the wanted one (the rule of docs/language.md,
  *Time zones and DST*: a gap's wall time is its end, an overlap's the first
  occurrence).
* `WorkCalendar.add_minutes_min` / `subtract_minutes_min` /
  `add_days_min`: against counting working minutes one by one.

Deterministic (`derandomize=True`); `FLOWC_FUZZ=long` runs 50 times more.
"""
from __future__ import annotations

import datetime as dt
import functools
import os
import zoneinfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from flowc.localtime import (from_minutes, instant_minutes, localize, wall_datetime, wall_minutes,
                             zone_minutes)
from workcal_support import cal

LONG = os.environ.get("FLOWC_FUZZ") == "long"
SETTINGS = settings(max_examples=10_000 if LONG else 200, deadline=None, derandomize=not LONG,
                    database=None)
UTC = dt.timezone.utc
ZONES = sorted(zoneinfo.available_timezones() - {"Factory", "localtime"})


@functools.lru_cache(maxsize=None)
def transitions(key: str) -> tuple[dt.datetime, ...]:
    """UTC days of 2010-2030 on which the zone's offset changes (zoneinfo, daily samples)."""
    z = zoneinfo.ZoneInfo(key)
    out = []
    t = dt.datetime(2010, 1, 1, tzinfo=UTC)
    prev = t.astimezone(z).utcoffset()
    while t.year < 2031:
        t += dt.timedelta(days=1)
        off = t.astimezone(z).utcoffset()
        if off != prev:
            out.append(t)
            prev = off
    return tuple(out)


def wall_of(u: int, z: zoneinfo.ZoneInfo) -> int:
    return wall_minutes(from_minutes(u).astimezone(z).replace(tzinfo=None))


def oracle_localize(w: int, z: zoneinfo.ZoneInfo) -> int:
    """The first UTC minute whose wall time is >= w, stepping minute by minute."""
    u = w - 27 * 60
    while wall_of(u, z) < w:
        u += 1
    return u


@st.composite
def zone_and_wall(draw):
    key = draw(st.sampled_from(ZONES))
    trans = transitions(key)
    if trans and draw(st.integers(0, 9)):
        around = draw(st.sampled_from(trans))
    else:
        around = dt.datetime(draw(st.integers(2010, 2030)), draw(st.integers(1, 12)), 1, tzinfo=UTC)
    naive = around.replace(tzinfo=None) + dt.timedelta(minutes=draw(st.integers(-2 * 1440, 2 * 1440)))
    return key, wall_minutes(naive)


@SETTINGS
@given(zone_and_wall())
def test_localize_matches_minute_stepping(case):
    key, w = case
    z = zoneinfo.ZoneInfo(key)
    mz = zone_minutes(key)
    want = oracle_localize(w, z)
    assert mz.localize(w) == want, (key, wall_datetime(w))
    # the datetime API agrees, and the wall time of the result is the wanted one, or a gap's end
    assert instant_minutes(localize(wall_datetime(w), key)) == want
    assert mz.to_wall(want) == wall_of(want, z)
    assert mz.to_wall(want) >= w


@SETTINGS
@given(zone_and_wall(), st.integers(0, 1439))
def test_next_time_of_day_matches_stepping(case, minute_of_day):
    key, w = case
    z = zoneinfo.ZoneInfo(key)
    mz = zone_minutes(key)
    t = oracle_localize(w, z)
    got = mz.next_time_of_day(t, minute_of_day)
    # the oracle: the first date from t's own whose time localizes at or after t
    day = wall_of(t, z) // 1440 * 1440
    want = next(u for u in (oracle_localize(day + k * 1440 + minute_of_day, z) for k in range(4)) if u >= t)
    assert got == want


# ------------------------------------------------------------------ working time

CALENDARS = {
    "office": cal("Europe/Lisbon", "mon-fri 09:00-13:00, 14:00-18:00", holidays=["PT"],
                  closed=["2026-08-03..2026-08-14"], open=[("2026-01-17", "10:00-12:00")]),
    "ny-night": cal("America/New_York", "mon-fri 22:00-24:00", "tue-sat 00:00-02:30"),
    "lhi": cal("Australia/Lord_Howe", "mon-sun 01:00-03:00", "sat 09:00-13:00"),
    "scl": cal("America/Santiago", "mon-fri 00:00-01:30, 08:00-17:00"),
}
# CI: 2026, where every calendar's zone changes clocks; long: any of 2010-2030
START = dt.datetime(2026, 1, 1, tzinfo=UTC)


def working_minutes(c, a: int, b: int) -> int:
    """Working minutes in [a, b), stepping minute by minute over is_working."""
    return sum(1 for u in range(a, b) if c.is_working_min(u) and c.is_working_min(u + 1))


@settings(max_examples=2_000 if LONG else 60, deadline=None, derandomize=not LONG, database=None)
@given(st.sampled_from(sorted(CALENDARS)), st.integers(0, 364 * 1440), st.integers(0, 3 * 1440))
def test_minute_additions_match_stepping(name, offset, n):
    c = CALENDARS[name]
    t = instant_minutes(START) + offset
    got = c.add_minutes_min(t, n)
    # stepping: from next_working, one working minute at a time
    u, left = c.next_working_min(t), n
    while left:
        if c.is_working_min(u) and c.is_working_min(u + 1) and c.next_working_min(u) == u:
            left -= 1
            u += 1
        else:
            u = c.next_working_min(u)
    assert got == u
    assert c.subtract_minutes_min(got, n) == (c.next_working_min(t) if n else c.previous_working_min(got))


@settings(max_examples=1_000 if LONG else 60, deadline=None, derandomize=not LONG, database=None)
@given(st.sampled_from(sorted(CALENDARS)), st.integers(0, 364 * 1440), st.integers(1, 30))
def test_day_additions_land_on_the_nth_working_date(name, offset, n):
    c = CALENDARS[name]
    t = instant_minutes(START) + offset
    got = c.add_days_min(t, n)
    assert c.next_working_min(got) == got  # inside the hours: never a closing time
    start = c.next_working_min(t)
    days = {d for d in range(c._date_of(start) + 1, c._date_of(got) + 2)
            if c._day_minutes(d)}
    holding = next(d for d in sorted(days | {c._date_of(got), c._date_of(got) - 1})
                   if any(a <= got < b for a, b in c._day_minutes(d)))
    # the date that holds the result is at least the n-th working date after the start's
    assert len([d for d in days if d <= holding]) >= n


def test_minute_api_is_the_datetime_api():
    c = CALENDARS["office"]
    t = dt.datetime(2026, 3, 6, 17, 55, tzinfo=UTC)
    m = instant_minutes(t)
    assert from_minutes(c.add_minutes_min(m, 15)) == c.add(t, dt.timedelta(minutes=15))
    assert from_minutes(c.next_working_min(m)) == c.next_working(t)
    assert c.is_working_min(m) == c.is_working(t)


@pytest.mark.parametrize("key, wall, want", [
    # language.md#time-zones-and-dst: a gap's wall time is its end; an overlap's the first occurrence
    ("America/New_York", "2026-03-08 02:30", "2026-03-08 07:00"),
    ("America/New_York", "2026-11-01 01:30", "2026-11-01 05:30"),
    ("Pacific/Apia", "2011-12-30 12:00", "2011-12-30 10:00"),
    ("Australia/Lord_Howe", "2026-10-04 02:15", "2026-10-03 15:30"),
    ("America/Santiago", "2026-09-06 00:00", "2026-09-06 04:00"),
])
def test_minute_localize_table(key, wall, want):
    got = zone_minutes(key).localize(wall_minutes(dt.datetime.fromisoformat(wall)))
    assert from_minutes(got) == dt.datetime.fromisoformat(want).replace(tzinfo=UTC)
