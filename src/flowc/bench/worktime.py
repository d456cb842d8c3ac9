"""Working-time rows (P5 of issue 9): additions of working time per second,
against a minute-stepping reference that is also the correctness oracle.

The calendar: Monday to Friday 09:00-13:00 and 14:00-18:00 (a break), Saturday
mornings, Portuguese public holidays and a closed fortnight, in Europe/Lisbon
(two clock changes a year).  The additions: random start instants over two
years, random amounts of up to 180 working days (minutes, hours or days,
forward and backward), generated from a fixed seed.

`reference_add` knows nothing of `flowc.workcal`'s intervals: it walks UTC
minutes one by one, asks zoneinfo for each minute's wall time and the
`holidays` package for each date, and applies the rules of docs/language.md
(*Working hours*) literally.  The row compares every result of the sample
with it (a mismatch fails the row, whatever the speed) and times both on the
same additions, interleaved.
"""
from __future__ import annotations

import datetime as dt
import random
import time
import zoneinfo

from .measure import Row, info, paired

TZ = "Europe/Lisbon"
WEEK = {d: ((540, 780), (840, 1080)) for d in range(5)} | {5: ((540, 780),)}
CLOSED = (dt.date(2026, 8, 3), dt.date(2026, 8, 14))
TARGET = 100_000  # additions per second
_EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.timezone.utc)


def calendar():
    from ..workcal import WorkCalendar

    return WorkCalendar(TZ, WEEK, holidays=[("PT", None)], closed=[CLOSED], name="bench")


class Reference:
    """Working time by stepping minutes (see the module docstring)."""

    def __init__(self) -> None:
        import holidays

        self.zone = zoneinfo.ZoneInfo(TZ)
        self.hol = holidays.country_holidays("PT", observed=True)
        self._dates: dict[dt.date, tuple] = {}

    def ranges(self, d: dt.date) -> tuple:
        got = self._dates.get(d)
        if got is None:
            off = d in self.hol or CLOSED[0] <= d <= CLOSED[1]
            got = self._dates[d] = () if off else WEEK.get(d.weekday(), ())
        return got

    def wall(self, u: int) -> dt.datetime:
        return (_EPOCH + dt.timedelta(minutes=u)).astimezone(self.zone).replace(tzinfo=None)

    def working(self, u: int) -> bool:
        """The minute [u, u+1) is working time."""
        w = self.wall(u)
        m = w.hour * 60 + w.minute
        return any(a <= m < b for a, b in self.ranges(w.date()))

    def localize(self, wall: dt.datetime) -> int:
        """The first minute whose wall time is at or past `wall` (gap: its end)."""
        u = int((wall - dt.datetime(1970, 1, 1)).total_seconds() // 60) - 27 * 60
        while self.wall(u) < wall:
            u += 1
        return u

    def is_working(self, u: int) -> bool:
        """`u` lies in a working interval, its opening and closing times included."""
        return self.working(u) or self.working(u - 1)

    def add_minutes(self, t: int, n: int, step: int) -> int:
        u = t
        if step > 0:  # from the next working moment (a closing time is not one)
            while not self.working(u):
                u += 1
            while n:
                if self.working(u):
                    n -= 1
                u += 1
            return u
        while not self.is_working(u):  # from the previous working moment (a closing time is one)
            u -= 1
        while n:
            if self.working(u - 1):
                n -= 1
            u -= 1
        return u

    def add_days(self, t: int, n: int, step: int) -> int:
        u = t
        if step > 0:
            while not self.working(u):
                u += 1
        else:
            while not self.is_working(u):
                u -= 1
        held = self.wall(u if self.working(u) else u - 1).date()  # the date whose hours hold u
        clock = self.wall(u) - dt.datetime.combine(held, dt.time())
        d = held
        for _ in range(n):
            d += dt.timedelta(days=step)
            while not self.ranges(d):
                d += dt.timedelta(days=step)
        c = self.localize(dt.datetime.combine(d, dt.time()) + clock)
        if step > 0:  # inside the hours: a closing time moves on to the next opening
            while not self.working(c):
                c += 1
            return c
        while not self.is_working(c):
            c -= 1
        return c


def additions(count: int, seed: int = 5) -> list[tuple[int, str, int, int]]:
    """(start minute, unit, amount, step) with amounts of up to 180 working days."""
    rng = random.Random(seed)
    t0 = int((dt.datetime(2026, 1, 1, tzinfo=dt.timezone.utc) - _EPOCH).total_seconds() // 60)
    out = []
    for _ in range(count):
        unit = rng.choice(("minutes", "hours", "days"))
        amount = {"minutes": rng.randint(1, 180 * 8 * 60), "hours": rng.randint(1, 180 * 8),
                  "days": rng.randint(1, 180)}[unit]
        out.append((t0 + rng.randrange(2 * 365 * 1440), unit, amount, rng.choice((1, 1, -1))))
    return out


def run_workcal(cal, batch) -> list[int]:
    out = []
    for t, unit, n, step in batch:
        if unit == "days":
            out.append(cal.add_days_min(t, n) if step > 0 else cal.subtract_days_min(t, n))
        else:
            m = n * 60 if unit == "hours" else n
            out.append(cal.add_minutes_min(t, m) if step > 0 else cal.subtract_minutes_min(t, m))
    return out


def run_reference(ref: Reference, batch) -> list[int]:
    out = []
    for t, unit, n, step in batch:
        if unit == "days":
            out.append(ref.add_days(t, n, step))
        else:
            out.append(ref.add_minutes(t, n * 60 if unit == "hours" else n, step))
    return out


def rows(quick: bool) -> list:
    cal, ref = calendar(), Reference()
    sample = additions(6 if quick else 24)
    many = additions(20_000 if quick else 100_000, seed=6)
    run_workcal(cal, many)  # warm the calendar's dates (a first run builds them)
    got, want = run_workcal(cal, sample), run_reference(ref, sample)
    wrong = [(s, g, w) for s, g, w in zip(sample, got, want) if g != w]

    def timed(fn):
        def once() -> float:
            t0 = time.process_time()
            fn()
            return time.process_time() - t0
        return once

    per_workcal, per_reference = paired(timed(lambda: run_workcal(cal, many)),
                                        timed(lambda: run_reference(ref, sample[:2])), 3 if quick else 5)
    rate = len(many) / per_workcal
    ref_rate = 2 / per_reference
    lines: list = [
        Row("P5", f"working-time additions/s vs {TARGET:,}", rate / TARGET, 1.0,
            f"{rate:,.0f}/s; minute-stepping reference {ref_rate:,.1f}/s ({rate / ref_rate:,.0f}x)",
            at_least=True),
        info("P5", f"{'identical' if not wrong else 'FAIL: different'} results on {len(sample)} random "
                   "additions of up to 180 working days (the reference is the oracle)"),
    ]
    if wrong:
        lines.append(f"FAIL P5 first difference: {wrong[0]}")
    return lines
