"""Helpers for the tests of `flowc.workcal`: readable calendars, instants and
durations written the way a `.flow` file writes them."""
from __future__ import annotations

import datetime as dt
import re

from flowc import ir
from flowc.source import Span
from flowc.workcal import WorkCalendar, localize, to_local

SPAN = Span("<test>", 1, 1, 1, 1)
UTC = dt.timezone.utc
DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


def minutes(hhmm: str) -> int:
    h, m = hhmm.split(":")
    return int(h) * 60 + int(m)


def ranges(text: str) -> tuple[tuple[int, int], ...]:
    """"09:00-13:00, 14:00-18:00" -> ((540, 780), (840, 1080))."""
    out = []
    for part in text.split(","):
        a, b = part.strip().split("-")
        out.append((minutes(a), minutes(b)))
    return tuple(out)


def week(*lines: str) -> dict[int, list[tuple[int, int]]]:
    """`hours` lines: "mon-fri 09:00-18:00", "sat 10:00-14:00" -> weekly ranges (merged)."""
    out: dict[int, list[tuple[int, int]]] = {}
    for line in lines:
        days, _, hours = line.partition(" ")
        for spec in days.split(","):
            first, _, last = spec.partition("-")
            a, b = DAYS.index(first), DAYS.index(last or first)
            for d in range(a, b + 1):
                out.setdefault(d, []).extend(ranges(hours))
    return out


def cal(tz: str, *hours: str, holidays=(), closed=(), open=(), name="test") -> WorkCalendar:
    """cal("Europe/Lisbon", "mon-fri 09:00-18:00", holidays=["PT"], closed=["2026-12-24"],
    open=[("2026-01-10", "")])."""
    srcs = []
    for h in holidays:
        country, _, sub = h.partition("-")
        srcs.append((country, sub or None))
    spans = []
    for c in closed:
        first, _, last = c.partition("..")
        spans.append((dt.date.fromisoformat(first), dt.date.fromisoformat(last or first)))
    opened = []
    for dates, rng in open:
        ds = tuple(dt.date.fromisoformat(d.strip()) for d in dates.split(","))
        opened.append((ds, ranges(rng) if rng else ()))
    return WorkCalendar(tz, week(*hours), holidays=srcs, closed=spans, open=opened, name=name)


def local(text: str) -> dt.datetime:
    """"2026-03-09 17:45" (a leading weekday name is checked and dropped)."""
    parts = text.split()
    if parts[0].lower()[:3] in DAYS:
        wd = DAYS.index(parts[0].lower()[:3])
        parts = parts[1:]
        got = dt.datetime.fromisoformat(" ".join(parts))
        assert got.weekday() == wd, f"{text}: {got:%A}"
        return got
    return dt.datetime.fromisoformat(" ".join(parts))


def at(tz: str, text: str) -> dt.datetime:
    """The instant of a local wall time (localized with the module's rule)."""
    return localize(local(text), tz)


def utc(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text).replace(tzinfo=UTC)


def show(instant: dt.datetime, tz: str) -> str:
    """"Mon 2026-03-09 18:00" in local time (" (2nd)" on the second occurrence of a fold)."""
    w = to_local(instant, tz)
    return f"{w:%a %Y-%m-%d %H:%M}" + (" (2nd)" if w.fold else "")


_DUR = re.compile(r"(\d+)\s*(m|min|minutes?|h|hours?|days?|weeks?)$")
_UNITS = {"m": "minutes", "min": "minutes", "minute": "minutes", "minutes": "minutes",
          "h": "hours", "hour": "hours", "hours": "hours", "day": "days", "days": "days",
          "week": "weeks", "weeks": "weeks"}


def dur(text: str) -> ir.Duration:
    """"15m", "2h", "1 day", "3 weeks" -> ir.Duration."""
    m = _DUR.match(text.strip())
    assert m, text
    return ir.Duration(int(m.group(1)), _UNITS[m.group(2)], SPAN)


def working_between(c: WorkCalendar, a: dt.datetime, b: dt.datetime) -> dt.timedelta:
    """Working time in [a, b] summed from `intervals` (an oracle independent of
    the counting in add/subtract)."""
    assert a <= b
    total = dt.timedelta(0)
    d = to_local(a, c.tz).date() - dt.timedelta(days=1)
    last = to_local(b, c.tz).date() + dt.timedelta(days=1)
    while d <= last:
        for s, e in c.intervals(d):
            lo, hi = max(s, a), min(e, b)
            if hi > lo:
                total += hi - lo
        d += dt.timedelta(days=1)
    return total

