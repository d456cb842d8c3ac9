"""Properties of working-time arithmetic (flowc.workcal rule 5), checked with
Hypothesis on a pool of real-world calendars (DST, breaks, nights, holidays,
closed and open days, a skipped day) and on random calendars.

`working_between` (from `intervals`) is the oracle for minute counts;
`closed_reason` (a date with working time or not) for day counts.  Deterministic
(`derandomize=True`) and moderate (200 examples) to fit the CI budget."""
from __future__ import annotations

import datetime as dt

from hypothesis import assume, given, settings
from hypothesis import strategies as st

from flowc import ir
from flowc.workcal import WorkCalendar, to_local
from workcal_support import SPAN, cal, working_between

SETTINGS = settings(max_examples=200, deadline=None, derandomize=True)
ZERO = dt.timedelta(0)

# name -> (calendar, anchor date, uniform: every working day has the same hours,
#          none of them touched by a clock change)
POOL = {
    "plain": (cal("Europe/Lisbon", "mon-fri 09:00-18:00", holidays=["PT"]), "2026-03-01", True),
    "office": (cal("Europe/Lisbon", "mon-fri 09:00-13:00, 14:00-18:00", holidays=["PT"],
                   closed=["2026-12-24", "2026-12-31", "2026-08-03..2026-08-14"],
                   open=[("2026-01-10, 2026-04-25", ""), ("2026-01-17", "10:00-12:00")]),
               "2026-03-01", False),
    "us": (cal("America/New_York", "mon-fri 09:00-17:00", holidays=["US"]), "2026-03-01", True),
    "night": (cal("Europe/Lisbon", "mon-fri 22:00-24:00", "tue-sat 00:00-06:00"), "2026-03-01", False),
    "ny-early": (cal("America/New_York", "mon-sun 00:00-04:00"), "2026-03-01", False),
    "ny-gap": (cal("America/New_York", "sun 01:00-03:30", "mon-fri 09:00-17:00"), "2026-03-01", False),
    "lhi": (cal("Australia/Lord_Howe", "mon-sun 00:00-24:00"), "2026-04-01", False),
    "scl": (cal("America/Santiago", "sat-sun 22:00-24:00, 00:00-02:00", "wed 10:00-12:00"),
            "2026-06-01", False),
    "apia": (cal("Pacific/Apia", "mon-sun 09:00-17:00"), "2011-12-29", True),
    "sparse": (cal("Europe/Dublin", "wed 10:00-12:00", holidays=["IE"]), "2026-03-01", True),
}

ZONES = ["Europe/Lisbon", "America/New_York", "Australia/Lord_Howe", "America/Santiago", "UTC"]


@st.composite
def random_calendar(draw):
    """A calendar with 1-7 working weekdays of 1-2 ranges on a quarter-hour grid,
    a few closed spans and open days; no holidays (kept fast)."""
    tz = draw(st.sampled_from(ZONES))
    weekly: dict[int, list[tuple[int, int]]] = {}
    days = draw(st.sets(st.integers(0, 6), min_size=1, max_size=7))
    for d in days:
        cuts = sorted(draw(st.sets(st.integers(0, 96), min_size=2, max_size=4)))
        rngs = [(cuts[i] * 15, cuts[i + 1] * 15) for i in range(0, len(cuts) - 1, 2)]
        weekly[d] = rngs
    anchor = dt.date(2026, 3, 1)
    closed = []
    for _ in range(draw(st.integers(0, 2))):
        first = anchor + dt.timedelta(days=draw(st.integers(-200, 200)))
        closed.append((first, first + dt.timedelta(days=draw(st.integers(0, 20)))))
    opened = []
    for _ in range(draw(st.integers(0, 2))):
        day = anchor + dt.timedelta(days=draw(st.integers(-200, 200)))
        own = draw(st.booleans())
        a = draw(st.integers(0, 95))
        opened.append(((day,), ((a * 15, draw(st.integers(a + 1, 96)) * 15),) if own else ()))
    c = WorkCalendar(tz, weekly, closed=closed, open=opened, name="random")
    return c, anchor, False


@st.composite
def cal_and_instant(draw, pool_only=False):
    """(calendar, instant, uniform) with instants often exactly at an opening or closing time."""
    if pool_only or draw(st.integers(0, 3)):
        c, anchor, uniform = POOL[draw(st.sampled_from(sorted(POOL)))]
        anchor = dt.date.fromisoformat(anchor)
    else:
        c, anchor, uniform = draw(random_calendar())
    day = anchor + dt.timedelta(days=draw(st.integers(-400, 400)))
    bounds = [t for iv in c.intervals(day) for t in iv]
    if bounds and draw(st.booleans()):
        x = draw(st.sampled_from(bounds)) + dt.timedelta(minutes=draw(st.sampled_from([0, 0, -1, 1])))
    else:
        x = dt.datetime.combine(day, dt.time(), tzinfo=dt.timezone.utc) + dt.timedelta(
            minutes=draw(st.integers(-720, 36 * 60)))
    return c, x, uniform


minutes = st.integers(0, 3000).map(lambda m: dt.timedelta(minutes=m))
pos_minutes = st.integers(1, 3000).map(lambda m: dt.timedelta(minutes=m))
day_counts = st.integers(0, 30)


def days(n: int) -> ir.Duration:
    return ir.Duration(n, "days", SPAN)


def holding(c: WorkCalendar, t: dt.datetime, *, open_start=False, open_end=False):
    """The interval holding t: [a, b] (or (a, b] / [a, b) as asked), or None."""
    d = to_local(t, c.tz).date()
    for k in (-1, 0, 1):
        for a, b in c.intervals(d + dt.timedelta(days=k)):
            if (a < t if open_start else a <= t) and (t < b if open_end else t <= b):
                return a, b
    return None


def working_dates_after(c: WorkCalendar, d: dt.date, n: int) -> dt.date:
    while n:
        d += dt.timedelta(days=1)
        n -= c.closed_reason(d) is None
    return d


# ------------------------------------------------------------------ next / previous working moment

@SETTINGS
@given(cal_and_instant())
def test_next_and_previous_working(case):
    c, x, _ = case
    nw, pw = c.next_working(x), c.previous_working(x)
    # language.md#working-hours: next_working is x itself inside [start, end), else the next opening
    assert nw >= x and holding(c, nw, open_end=True) is not None
    assert working_between(c, x, nw) == ZERO
    # language.md#working-hours: previous_working is x itself inside [start, end], else the previous closing
    assert pw <= x and c.is_working(pw)
    assert working_between(c, pw, x) == ZERO
    assert (pw == x) == c.is_working(x)
    assert (nw == x) == (holding(c, x, open_end=True) is not None)


# ------------------------------------------------------------------ add, minutes

@SETTINGS
@given(cal_and_instant(), minutes)
def test_add_counts_exactly_that_much_working_time(case, d):
    c, x, _ = case
    r = c.add(x, d)
    start = c.next_working(x)
    # language.md#working-hours: the result is within working time (a closing time counts as within)
    assert c.is_working(r)
    assert r >= start >= x
    assert working_between(c, start, r) == d
    # ... and is the earliest such instant: never an opening time that follows a closing one
    if d > ZERO:
        assert holding(c, r, open_start=True) is not None


@SETTINGS
@given(cal_and_instant(), minutes, minutes)
def test_add_is_monotonic_in_the_amount(case, a, b):
    c, x, _ = case
    a, b = min(a, b), max(a, b)
    assert c.add(x, a) <= c.add(x, b)


@SETTINGS
@given(cal_and_instant(), minutes, pos_minutes)
def test_add_composes(case, a, b):
    # language.md#working-hours: add(a + b) == add(add(a), b) for b > 0; for b = 0 the second add
    # would move a closing time on to the next opening, which is why b > 0 here
    c, x, _ = case
    assert c.add(x, a + b) == c.add(c.add(x, a), b)


@SETTINGS
@given(cal_and_instant(), st.one_of(minutes, day_counts.map(days)))
def test_start_outside_hours_is_next_working(case, d):
    c, x, _ = case
    assert c.add(x, d) == c.add(c.next_working(x), d)


@SETTINGS
@given(cal_and_instant(), st.integers(0, 9 * 24 * 60), minutes)
def test_add_is_monotonic_in_the_start(case, later, d):
    c, x, _ = case
    y = x + dt.timedelta(minutes=later)
    assert c.add(x, d) <= c.add(y, d)
    assert c.subtract(x, d) <= c.subtract(y, d)


# ------------------------------------------------------------------ add, days

@SETTINGS
@given(cal_and_instant(), day_counts, day_counts)
def test_add_days_lands_in_working_time_monotonically(case, m, n):
    c, x, _ = case
    m, n = min(m, n), max(m, n)
    rm, rn = c.add(x, days(m)), c.add(x, days(n))
    # language.md#working-hours: N days -> a working moment, later for larger N
    assert c.is_working(rm) and c.is_working(rn)
    assert c.next_working(x) <= rm <= rn
    if n > m:
        assert rn > rm


@SETTINGS
@given(cal_and_instant(pool_only=True), day_counts)
def test_add_days_same_clock_on_the_nth_working_day(case, n):
    c, x, uniform = case
    assume(uniform)
    # language.md#working-hours: same local clock time as the moved start, on the N-th next working day
    start = to_local(c.next_working(x), c.tz)
    got = to_local(c.add(x, days(n)), c.tz)
    assert got.time() == start.time()
    assert got.date() == working_dates_after(c, start.date(), n)


# ------------------------------------------------------------------ subtract

@SETTINGS
@given(cal_and_instant(), minutes)
def test_subtract_counts_exactly_that_much_working_time(case, d):
    c, x, _ = case
    r = c.subtract(x, d)
    start = c.previous_working(x)
    assert c.is_working(r)
    assert r <= start <= x
    assert working_between(c, r, start) == d
    if d > ZERO:  # the latest such instant: never a closing time that precedes an opening one
        assert holding(c, r, open_end=True) is not None


@SETTINGS
@given(cal_and_instant(), pos_minutes)
def test_subtract_undoes_add(case, d):
    # language.md#working-hours: for d > 0, subtract(add(x, d), d) == next_working(x); the other way
    # round lands on previous_working(x) or on a closing time with no working time up to it
    c, x, _ = case
    assert c.subtract(c.add(x, d), d) == c.next_working(x)
    back = c.add(c.subtract(x, d), d)
    assert back <= c.previous_working(x)
    assert working_between(c, back, c.previous_working(x)) == ZERO
    assert c.next_working(back) == c.next_working(c.previous_working(x))


@SETTINGS
@given(cal_and_instant(), minutes, minutes)
def test_subtract_is_monotonic(case, a, b):
    c, x, _ = case
    a, b = min(a, b), max(a, b)
    assert c.subtract(x, b) <= c.subtract(x, a)


@SETTINGS
@given(cal_and_instant(), day_counts, day_counts)
def test_subtract_days_lands_in_working_time_monotonically(case, m, n):
    c, x, _ = case
    m, n = min(m, n), max(m, n)
    rm, rn = c.subtract(x, days(m)), c.subtract(x, days(n))
    assert c.is_working(rm) and c.is_working(rn)
    assert rn <= rm <= c.previous_working(x)
    if n > m:
        assert rn < rm


@SETTINGS
@given(cal_and_instant(pool_only=True), day_counts)
def test_subtract_days_undoes_add_days_on_uniform_calendars(case, n):
    c, x, uniform = case
    assume(uniform)
    start = c.next_working(x)
    # language.md#working-hours: N days back from N days forward returns to the moved start
    assert c.subtract(c.add(x, days(n)), days(n)) == start


# ------------------------------------------------------------------ long counts

@settings(max_examples=30, deadline=None, derandomize=True)
@given(cal_and_instant())
def test_180_working_days(case):
    c, x, _ = case
    r = c.add(x, days(180))
    assert c.is_working(r)
    a, b = holding(c, r)
    local = to_local(r, c.tz)
    assert c.closed_reason(local.date()) is None or r == b
    assert c.subtract(r, days(0)) == r
