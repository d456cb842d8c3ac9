"""Working-time arithmetic: the working calendars of `calendar` blocks.

Instants are timezone-aware `datetime` values (returned in UTC), or, in the
minute API, epoch minutes (integers, see `flowc.localtime`); local times are
naive `datetime` values meant in a time zone.  Time zones are IANA names
(`"Europe/Lisbon"`) or `zoneinfo.ZoneInfo` objects.  Working time has minute
resolution: a datetime with seconds is taken at its minute (floor).

Public API
----------
``localize``, ``to_local``, ``add_days``, ``next_time_of_day``, ``shift_wall``,
``add_months``, ``add_months_to_date``
    Local time and DST, re-exported from `flowc.localtime` (which also has
    the integer-minute versions: ``zone_minutes(tz)``).

``WorkCalendar``
    Working time of a calendar (*Working hours*):

    * ``WorkCalendar(tz, weekly={0: [(540, 1080)]}, holidays=[("PT", None)],
      closed=[(first, last)], open=[((date, ...), ranges)], name=...)`` or
      ``WorkCalendar.from_ir(cal, default_tz)`` (cached per (calendar, zone)).
      Ranges are minutes since local midnight, end exclusive, up to 1440.
      Several ``hours`` lines are merged (union) per weekday.
    * The hours of a local date: an ``open`` date (extra working day) uses its
      own ranges, or when given none the "usual hours" (the ranges of the
      first weekday, Monday first, that has hours); ``open`` wins over
      ``closed`` and holidays (several ``open`` lines for a date: union of
      their ranges).  Otherwise a date is off when its weekday has
      no hours, when it lies in a ``closed`` range, or when it is a public
      holiday of any ``holidays`` source (country + optional subdivision,
      from the ``holidays`` package, observed days included: US 2021-12-31
      is "New Year's Day (observed)"; names in the package's default
      language for the country -- "Dia da Liberdade" for PT -- never in the
      process locale's).
    * ``intervals(local_date)``: the working intervals of a local date, built
      from the local ranges and converted with ``localize`` (on a DST day
      09:00-18:00 is still 09:00-18:00 local, 8 or 10 hours long if the
      change falls inside).  Computed once per date and cached.  Intervals of
      all dates are sorted and never overlap (they may touch).
    * ``is_working(t)``: ``start <= t <= end`` for some interval -- an
      opening *and a closing time count as within*.  Never raises.
    * ``next_working(t)``: ``t`` if ``start <= t < end`` for some interval,
      else the start of the next interval.  At exactly a closing time it
      moves on to the next opening (the place where a forward count starts).
    * ``previous_working(t)``: ``t`` if ``is_working(t)`` (``start <= t <=
      end``), else the end of the previous interval.
    * ``add(t, duration)``: the start moves to ``next_working(t)``; then

      - minutes/hours (or a ``timedelta``): count working time only, jumping
        across breaks, nights, weekends, holidays and closed days.  The result
        may equal a closing time (Monday 17:45 + 15m on 09:00-18:00 is Monday
        18:00; Friday 17:55 + 15m is Monday 09:10).  ``add(t, 0m)`` is
        ``next_working(t)``.
      - N days / N weeks (``Duration.days`` working days; a week is 7):
        the same local clock time as the moved start on the N-th next
        working day (a date with working time) after the start's date;
        if that instant is not inside the hours (``start <= t < end``: a
        closing time is not inside) it moves to ``next_working`` of it
        (Saturday 10:00 + 1 day -> start Monday 09:00 -> Tuesday 09:00;
        Friday 13:00 + 1 day with Saturday 09:00-13:00 -> not Saturday 13:00,
        which is a closing time, but Monday 09:00).
        A start exactly at a closing time moves on first: Monday 18:00 +
        1 day -> start Tuesday 09:00 -> Wednesday 09:00.  The clock time is
        measured from the local midnight of the date whose hours hold the
        start, and localized on the target date (a clock time in a DST gap
        there moves to the gap's end).  ``add(t, 0 days)`` is
        ``next_working(t)``.
    * ``subtract(t, duration)``: the mirror, counting backwards:
      the start moves to ``previous_working(t)`` (itself when working,
      opening and closing times included; else the end of the previous
      interval); then

      - minutes/hours count back through working time; the result may equal
        an opening time (Monday 09:15 - 15m is Monday 09:00; Monday 09:10 -
        15m is Friday 17:55 on 09:00-18:00).  ``subtract(t, 0m)`` is
        ``previous_working(t)``.  For ``d > 0``: ``subtract(add(x, d), d) ==
        next_working(x)``.
      - N days: the same local clock time as the moved start (measured from
        the midnight of the date whose hours hold it, so a 24:00 closing
        keeps 24:00) on the N-th previous working day, moved back to
        ``previous_working`` of it when not working (a 15:00 clock on a
        Saturday open 09:00-13:00 gives Saturday 13:00).  Tuesday 09:00 - 1
        day is Monday 09:00 (an opening time is a working moment), but
        Saturday 10:00 - 1 day is *Thursday* 18:00: the start moves back to
        Friday 18:00, and Friday is the start's own day.
    * ``next_working_at(t, time)``: the next local ``time`` at or after ``t``
      (``next_time_of_day``) that is working time (``is_working``), for
      ``at TIME in CAL hours``; only dates with working time are visited.
    * ``has_working_time()``: False when no weekday has hours and no open day
      has any.  Every search is bounded (``MAX_SEARCH_DAYS``, 20 years of
      dates after the start, or before it, `flowc.limits`):
      ``NoWorkingTime`` (with ``limit=True``) is raised past the bound, and at
      once on a calendar without working time.
    * ``first_working_date(local_date, days)``: the first date with working
      time in ``days`` dates from ``local_date`` on, or None (the checker's
      "no working time for a year" warning).
    * Whole working days (for `date` fields, which have no time of day):
      ``working_date(local_date, n)``: the n-th date with working time after
      (n > 0) or before (n < 0) a local date, which itself never counts (n ==
      0: the date itself if it has working time, else the next one);
      ``nearest_working_date(local_date, step)``: the date itself when it has
      working time, else the next (step 1) or previous (step -1) one;
      ``opening(local_date)``: the start of its first working interval.

    The minute API: the same methods with a ``_min`` suffix take and return
    epoch minutes (``next_working_min``, ``previous_working_min``,
    ``is_working_min``, ``add_minutes_min(t, n)``, ``add_days_min(t, n)``,
    ``subtract_minutes_min``, ``subtract_days_min``,
    ``next_working_at_min(t, minute_of_day)``); ``zone`` is the calendar's
    `localtime.MinuteZone`.  How it is fast: the working intervals of a
    contiguous range of dates are kept in flat lists (starts, ends, the
    working minutes before each interval, the date that holds it) and the
    dates with working time in another, extended a year at a time in either
    direction; an addition is a few bisections, whatever its length.
    * ``holiday_name(local_date)``: the public holiday's name or None
      (names of all sources, joined with "; ").  An unknown country or
      subdivision raises ``ValueError`` at the first holiday lookup.
    * ``closed_reason(local_date)``: None on a date with working time, else
      ``"public holiday: <name>"``, ``"closed day"``,
      ``"weekend: no hours on Sunday"``, ``"no hours on Wednesday"``,
      ``"its hours fall in a clock change"`` (all its ranges lie in a DST gap,
      or the date itself is skipped, like 2011-12-30 in Pacific/Apia).

``NoWorkingTime``
    Raised when a calendar has no working time within the search bound.

The ``holidays`` package is imported lazily, on the first holiday lookup.
"""
from __future__ import annotations

import bisect
import datetime as dt
import functools
from typing import TYPE_CHECKING, Any, Iterable, Mapping
from zoneinfo import ZoneInfo

from . import limits
from .holidays_source import HolidaySources
from .localtime import (EPOCH_ORDINAL, add_days, add_months, add_months_to_date, from_minutes,
                        instant_minutes, localize, next_time_of_day, shift_wall, to_local,
                        zone_minutes)

if TYPE_CHECKING:  # pragma: no cover
    from . import ir

__all__ = [
    "NoWorkingTime", "WorkCalendar", "add_days", "add_months", "add_months_to_date", "localize",
    "next_time_of_day", "to_local", "shift_wall", "MAX_SEARCH_DAYS",
]

MAX_SEARCH_DAYS = limits.MAX_WORKTIME_SEARCH_DAYS  # how far (in local dates) any search may go
_CHUNK = 366  # dates added to the cached range at a time
_FIRST_ORD = dt.date.min.toordinal() + 2
_LAST_ORD = dt.date.max.toordinal() - 2
_WEEKDAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")

Ranges = tuple[tuple[int, int], ...]
Interval = tuple[dt.datetime, dt.datetime]


class NoWorkingTime(Exception):
    """The calendar has no working time (at all, or within the search bound:
    then `limit` is True)."""

    def __init__(self, message: str, limit: bool = False) -> None:
        super().__init__(message)
        self.limit = limit


def _merge(ranges: Iterable[tuple[int, int]]) -> Ranges:
    """Union of ranges of minutes (overlapping or touching ranges merge)."""
    out: list[list[int]] = []
    for s, e in sorted(ranges):
        if not 0 <= s < e <= 1440:
            raise ValueError(f"bad range of minutes {s}-{e} (want 0 <= start < end <= 1440)")
        if out and s <= out[-1][1]:
            out[-1][1] = max(out[-1][1], e)
        else:
            out.append([s, e])
    return tuple((s, e) for s, e in out)


@functools.lru_cache(maxsize=64)
def _from_ir_cached(cal: "ir.Calendar", tz: str, with_holidays: bool = True) -> "WorkCalendar":
    weekly: dict[int, list[tuple[int, int]]] = {}
    for line in cal.hours:
        for day in line.days:
            weekly.setdefault(day, []).extend(line.ranges)
    return WorkCalendar(
        tz,
        weekly=weekly,
        holidays=[(h.country, h.subdivision) for h in cal.holidays] if with_holidays else [],
        closed=[(r.first, r.last) for r in cal.closed],
        open=[(o.dates, o.ranges) for o in cal.open],
        name=cal.name.value,
    )


def _out_of_range() -> OverflowError:
    return OverflowError("date value out of range")


class WorkCalendar:
    """Working hours of one calendar in one time zone (see the module docstring)."""

    def __init__(
        self,
        tz: str | dt.tzinfo,
        weekly: Mapping[int, Iterable[tuple[int, int]]] | None = None,
        holidays: Iterable[tuple[str, str | None]] = (),
        closed: Iterable[tuple[dt.date, dt.date] | dt.date] = (),
        open: Iterable[tuple[Iterable[dt.date], Iterable[tuple[int, int]]]] = (),
        name: str = "calendar",
    ) -> None:
        self.zone = zone_minutes(tz)
        self.tz = self.zone.zone
        self.name = name
        weekly = weekly or {}
        for day in weekly:
            if day not in range(7):
                raise ValueError(f"weekday must be 0 (Monday) .. 6 (Sunday), got {day!r}")
        self._weekly: tuple[Ranges, ...] = tuple(_merge(weekly.get(d, ())) for d in range(7))
        self._usual: Ranges = next((r for r in self._weekly if r), ())
        self._sources: tuple[tuple[str, str | None], ...] = tuple(
            (c, s or None) for c, s in holidays)
        spans = []
        for item in closed:
            first, last = (item, item) if isinstance(item, dt.date) else item
            if last < first:
                raise ValueError(f"closed range goes backwards: {first} .. {last}")
            spans.append((first, last))
        self._closed: tuple[tuple[dt.date, dt.date], ...] = tuple(sorted(spans))
        opened: dict[dt.date, list[tuple[int, int]]] = {}
        for dates, ranges in open:
            rng = tuple(ranges) or self._usual
            for d in dates:
                opened.setdefault(d, []).extend(rng)
        self._open: dict[dt.date, Ranges] = {d: _merge(r) for d, r in opened.items()}
        self._holidays = HolidaySources(self._sources)  # the package is loaded on first use
        self._days: dict[int, tuple[tuple[int, int], ...]] = {}  # ordinal -> intervals (epoch minutes)
        self._intervals: dict[dt.date, tuple[Interval, ...]] = {}  # the same as datetimes
        # The cached range of dates [_lo, _hi): flat lists, see the module docstring.
        self._lo = self._hi = 0
        self._st: list[int] = []
        self._en: list[int] = []
        self._cum: list[int] = []   # working minutes before interval i (any base)
        self._cend: list[int] = []  # _cum[i] + its length
        self._day: list[int] = []   # ordinal of the date whose hours hold interval i
        self._wd: list[int] = []    # ordinals of the dates with working time

    @classmethod
    def from_ir(cls, cal: "ir.Calendar", default_tz: str | ZoneInfo,
                with_holidays: bool = True) -> "WorkCalendar":
        """The working calendar of an `ir.Calendar`; its own `timezone` wins over
        `default_tz` (the project's).  Cached per (calendar, zone).  Without
        holidays: the `holidays` package is not loaded (the checker's use)."""
        if cal.timezone is not None:
            tz = cal.timezone.value
        else:
            tz = default_tz.key if isinstance(default_tz, ZoneInfo) else default_tz
        return _from_ir_cached(cal, tz, with_holidays)

    def __repr__(self) -> str:
        return f"WorkCalendar({self.name!r}, {self.zone.key!r})"

    # -- the hours of a date ---------------------------------------------------
    def has_working_time(self) -> bool:
        return any(self._weekly) or any(self._open.values())

    def holiday_name(self, local_date: dt.date) -> str | None:
        """The public holiday's name on `local_date` (any source), or None."""
        return self._holidays.name(local_date) if self._sources else None

    def _is_closed(self, d: dt.date) -> bool:
        return any(first <= d <= last for first, last in self._closed)

    def _ranges(self, d: dt.date) -> Ranges:
        if d in self._open:
            return self._open[d]
        week = self._weekly[d.weekday()]
        if not week or self._is_closed(d) or self.holiday_name(d) is not None:
            return ()
        return week

    def _day_minutes(self, ordinal: int) -> tuple[tuple[int, int], ...]:
        """The working intervals of a local date, in epoch minutes (cached)."""
        got = self._days.get(ordinal)
        if got is not None:
            return got
        if not _FIRST_ORD <= ordinal <= _LAST_ORD:
            raise _out_of_range()
        midnight = (ordinal - EPOCH_ORDINAL) * 1440
        localize_min = self.zone.localize
        out: list[list[int]] = []
        for s, e in self._ranges(dt.date.fromordinal(ordinal)):
            a = localize_min(midnight + s)
            b = localize_min(midnight + e)
            if b <= a:  # the whole range is inside a skipped stretch of clock time
                continue
            if out and a <= out[-1][1]:
                out[-1][1] = max(out[-1][1], b)
            else:
                out.append([a, b])
        got = tuple((a, b) for a, b in out)
        self._days[ordinal] = got
        return got

    def intervals(self, local_date: dt.date) -> tuple[Interval, ...]:
        """The working intervals (UTC instants, [start, end)) of a local date."""
        got = self._intervals.get(local_date)
        if got is None:
            got = self._intervals[local_date] = tuple(
                (from_minutes(a), from_minutes(b)) for a, b in self._day_minutes(local_date.toordinal()))
        return got

    def closed_reason(self, local_date: dt.date) -> str | None:
        """Why a local date has no working time (None when it has some)."""
        if self._day_minutes(local_date.toordinal()):
            return None
        if local_date not in self._open:
            name = self.holiday_name(local_date)
            if name is not None:
                return f"public holiday: {name}"
            if self._is_closed(local_date):
                return "closed day"
            if not self._weekly[local_date.weekday()]:
                day = _WEEKDAY_NAMES[local_date.weekday()]
                return ("weekend: " if local_date.weekday() >= 5 else "") + f"no hours on {day}"
        elif not self._open[local_date]:
            return "open day without hours (the calendar has no usual hours)"
        return "its hours fall in a clock change"

    def first_working_date(self, local_date: dt.date, days: int) -> dt.date | None:
        """The first date with working time among `days` dates from `local_date` on."""
        if not self.has_working_time():
            return None
        first = local_date.toordinal()
        last = min(first + days - 1, _LAST_ORD)
        self._cover(first, last + 1)
        k = bisect.bisect_left(self._wd, first)
        if k < len(self._wd) and self._wd[k] <= last:
            return dt.date.fromordinal(self._wd[k])
        return None

    def working_date(self, local_date: dt.date, n: int) -> dt.date:
        """The n-th date with working time after (n > 0) or before (n < 0) `local_date`."""
        o = local_date.toordinal()
        if n == 0:
            if self._day_minutes(o):
                return local_date
            n = 1
        self._cover(o - 1, o + 2)
        while True:
            k = bisect.bisect_right(self._wd, o) + n - 1 if n > 0 else bisect.bisect_left(self._wd, o) + n
            if 0 <= k < len(self._wd):
                return dt.date.fromordinal(self._wd[k])
            self._more(o, 1 if n > 0 else -1, "working day")

    def nearest_working_date(self, local_date: dt.date, step: int) -> dt.date:
        """`local_date` if it has working time, else the next (step 1) or previous (-1) one."""
        return local_date if self._day_minutes(local_date.toordinal()) else self.working_date(local_date, step)

    def opening(self, local_date: dt.date) -> dt.datetime:
        """The start of the first working interval of a local date (it must have one)."""
        got = self._day_minutes(local_date.toordinal())
        if not got:
            raise NoWorkingTime(f"calendar {self.name}: {local_date.isoformat()} has no working time")
        return from_minutes(got[0][0])

    # -- the cached range of dates ---------------------------------------------
    def _build(self, lo: int, hi: int, base: int):
        """Flat lists for the dates [lo, hi), the first interval's count at `base`."""
        st, en, cum, cend, day, wd = [], [], [], [], [], []
        total = base
        for o in range(lo, hi):
            ivs = self._day_minutes(o)
            if ivs:
                wd.append(o)
            for a, b in ivs:
                st.append(a)
                en.append(b)
                day.append(o)
                cum.append(total)
                total += b - a
                cend.append(total)
        return st, en, cum, cend, day, wd, total

    def _cover(self, lo: int, hi: int) -> None:
        """Extend the cached range to include the dates [lo, hi)."""
        lo, hi = max(lo, _FIRST_ORD), min(hi, _LAST_ORD + 1)
        if not self._st and self._lo == self._hi:
            st, en, cum, cend, day, wd, _ = self._build(lo, hi, 0)
            self._st, self._en, self._cum, self._cend, self._day, self._wd = st, en, cum, cend, day, wd
            self._lo, self._hi = lo, hi
            return
        if hi > self._hi:
            base = self._cend[-1] if self._cend else 0
            st, en, cum, cend, day, wd, _ = self._build(self._hi, hi, base)
            self._st += st
            self._en += en
            self._cum += cum
            self._cend += cend
            self._day += day
            self._wd += wd
            self._hi = hi
        if lo < self._lo:
            st, en, cum, cend, day, wd, total = self._build(lo, self._lo, 0)
            shift = (self._cum[0] if self._cum else 0) - total
            self._st = st + self._st
            self._en = en + self._en
            self._cum = [c + shift for c in cum] + self._cum
            self._cend = [c + shift for c in cend] + self._cend
            self._day = day + self._day
            self._wd = wd + self._wd
            self._lo = lo

    def _date_of(self, t: int) -> int:
        """The local date (ordinal) of an epoch minute."""
        return EPOCH_ORDINAL + self.zone.to_wall(t) // 1440

    def _more(self, origin: int, step: int, what: str) -> None:
        """Add a chunk of dates after (step 1) or before (-1) the cached range,
        within MAX_SEARCH_DAYS of the date `origin`; NoWorkingTime past it."""
        if not self.has_working_time():
            raise NoWorkingTime(f"calendar {self.name} has no working time: no weekday has hours "
                                "and no open day is given")
        if step > 0:
            end = origin + MAX_SEARCH_DAYS + 2
            if self._hi >= end:
                raise self._too_far(origin, "after", what)
            if self._hi > _LAST_ORD:
                raise _out_of_range()
            self._cover(self._hi, min(self._hi + _CHUNK, end))
        else:
            end = origin - MAX_SEARCH_DAYS - 1
            if self._lo <= end:
                raise self._too_far(origin, "before", what)
            if self._lo <= _FIRST_ORD:
                raise _out_of_range()
            self._cover(max(self._lo - _CHUNK, end), self._lo)

    def _too_far(self, origin: int, direction: str, what: str) -> NoWorkingTime:
        return NoWorkingTime(
            f"calendar {self.name}: no {what} within {MAX_SEARCH_DAYS} days {direction} "
            f"{dt.date.fromordinal(origin).isoformat()} (the search for working time stops there)",
            limit=True)

    def _start_forward(self, t: int) -> tuple[int, int]:
        """(next_working(t), the index of its interval)."""
        d = self._date_of(t)
        self._cover(d - 1, d + 2)
        while True:
            i = bisect.bisect_right(self._en, t)
            if i < len(self._en):
                st = self._st[i]
                return (st if st > t else t), i
            self._more(d, 1, "working time")

    def _start_backward(self, t: int) -> tuple[int, int]:
        """(previous_working(t), the index of its interval)."""
        d = self._date_of(t)
        self._cover(d - 1, d + 2)
        while True:
            i = bisect.bisect_right(self._st, t) - 1
            if i >= 0:
                en = self._en[i]
                return (en if en < t else t), i
            self._more(d, -1, "working time")

    # -- public queries, minutes -----------------------------------------------
    def is_working_min(self, t: int) -> bool:
        """Inside a working interval; opening and closing times count as within."""
        if not self.has_working_time():
            return False
        d = self._date_of(t)
        self._cover(d - 1, d + 2)
        i = bisect.bisect_left(self._en, t)
        return i < len(self._en) and self._st[i] <= t

    def next_working_min(self, t: int) -> int:
        return self._start_forward(t)[0]

    def previous_working_min(self, t: int) -> int:
        return self._start_backward(t)[0]

    def add_minutes_min(self, t: int, n: int) -> int:
        """`n` minutes of working time after `t`."""
        if n < 0:
            raise ValueError(f"negative duration {n} minutes")
        start, i = self._start_forward(t)
        target = self._cum[i] + (start - self._st[i]) + n
        origin = self._date_of(start)
        while True:
            j = bisect.bisect_left(self._cend, target, i)
            if j < len(self._cend):
                return self._st[j] + (target - self._cum[j])
            self._more(origin, 1, "result")

    def subtract_minutes_min(self, t: int, n: int) -> int:
        """`n` minutes of working time before `t`."""
        if n < 0:
            raise ValueError(f"negative duration {n} minutes")
        start, i = self._start_backward(t)
        origin = self._date_of(start)
        while True:
            target = self._cum[i] + (start - self._st[i]) - n
            j = bisect.bisect_right(self._cum, target, 0, i + 1) - 1
            if j >= 0:
                return self._st[j] + (target - self._cum[j])
            before = len(self._st)
            self._more(origin, -1, "result")
            i += len(self._st) - before  # the lists grew at the front

    def _clock(self, start: int, i: int) -> int:
        """The local clock time of `start`, from the midnight of the date whose hours hold it."""
        return self.zone.to_wall(start) - (self._day[i] - EPOCH_ORDINAL) * 1440

    def add_days_min(self, t: int, n: int) -> int:
        """`n` working days after `t` (see the module docstring)."""
        if n < 0:
            raise ValueError(f"negative duration {n} days")
        start, i = self._start_forward(t)
        if n == 0:
            return start
        day = self._day[i]
        clock = self._clock(start, i)
        while True:
            k = bisect.bisect_right(self._wd, day) + n - 1
            if k < len(self._wd):
                break
            self._more(day, 1, "result")
        target = self._wd[k]
        cand = self.zone.localize((target - EPOCH_ORDINAL) * 1440 + clock)
        return self._start_forward(cand)[0]  # itself when inside the hours

    def subtract_days_min(self, t: int, n: int) -> int:
        """`n` working days before `t` (see the module docstring)."""
        if n < 0:
            raise ValueError(f"negative duration {n} days")
        start, i = self._start_backward(t)
        if n == 0:
            return start
        day = self._day[i]
        clock = self._clock(start, i)
        while True:
            k = bisect.bisect_left(self._wd, day) - n
            if k >= 0:
                break
            self._more(day, -1, "result")
        target = self._wd[k]
        cand = self.zone.localize((target - EPOCH_ORDINAL) * 1440 + clock)
        return cand if self.is_working_min(cand) else self._start_backward(cand)[0]

    def next_working_at_min(self, t: int, minute_of_day: int) -> int:
        """The next local `minute_of_day` at or after `t` that is working time."""
        zone = self.zone
        first = zone.next_time_of_day(t, minute_of_day)
        if self.is_working_min(first):
            return first
        origin = self._date_of(t)
        k = bisect.bisect_left(self._wd, self._date_of(first) - 1)
        seen = first
        while True:
            while k >= len(self._wd):
                self._more(origin, 1, f"working {minute_of_day // 60:02d}:{minute_of_day % 60:02d}")
            d = self._wd[k]
            # a time of day is working on a working date, or at its 24:00 closing
            for o in (d, d + 1):
                cand = zone.localize((o - EPOCH_ORDINAL) * 1440 + minute_of_day)
                if cand > seen and self.is_working_min(cand):
                    return cand
            k += 1

    # -- public queries, datetimes ---------------------------------------------
    def is_working(self, instant: dt.datetime) -> bool:
        """Inside a working interval; opening and closing times count as within."""
        return self.is_working_min(instant_minutes(instant))

    def next_working(self, instant: dt.datetime) -> dt.datetime:
        """`instant` if start <= instant < end of an interval, else the next start."""
        return from_minutes(self.next_working_min(instant_minutes(instant)))

    def previous_working(self, instant: dt.datetime) -> dt.datetime:
        """`instant` if start <= instant <= end of an interval, else the previous end."""
        return from_minutes(self.previous_working_min(instant_minutes(instant)))

    def next_working_at(self, instant: dt.datetime, time: dt.time) -> dt.datetime:
        """The next local `time` at or after `instant` that is working time."""
        return from_minutes(self.next_working_at_min(instant_minutes(instant),
                                                     time.hour * 60 + time.minute))

    @staticmethod
    def _split(duration: Any) -> tuple[int | None, int | None]:
        if (duration < dt.timedelta(0)) if isinstance(duration, dt.timedelta) else duration.amount < 0:
            raise ValueError(f"negative duration {duration}")
        if isinstance(duration, dt.timedelta):
            return None, duration // dt.timedelta(minutes=1)
        return (duration.days, None) if duration.is_days else (None, duration.minutes)

    def add(self, instant: dt.datetime, duration: "ir.Duration | dt.timedelta") -> dt.datetime:
        """`duration` of working time after `instant` (a `timedelta` counts like minutes)."""
        days, work = self._split(duration)
        t = instant_minutes(instant)
        return from_minutes(self.add_days_min(t, days) if days is not None else self.add_minutes_min(t, work))

    def subtract(self, instant: dt.datetime, duration: "ir.Duration | dt.timedelta") -> dt.datetime:
        """`duration` of working time before `instant` (see the module docstring)."""
        days, work = self._split(duration)
        t = instant_minutes(instant)
        return from_minutes(self.subtract_days_min(t, days) if days is not None
                            else self.subtract_minutes_min(t, work))
