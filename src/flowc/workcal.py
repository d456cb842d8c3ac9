"""Local time, DST and working-time arithmetic.

Instants are timezone-aware `datetime` values (returned in UTC); local times
are naive `datetime` values meant in a time zone.  Time zones are IANA names
(`"Europe/Lisbon"`) or `zoneinfo.ZoneInfo` objects.

Public API
----------
``localize(naive, tz) -> datetime``
    Local wall time -> instant (UTC).  *Time zones and DST*:

    * a wall time that does not exist (spring-forward gap) moves forward to the
      first valid instant after the gap, i.e. the end of the gap: 02:30 on a
      New York spring-forward night is 03:00 EDT; 02:15 on a Lord Howe
      spring-forward night is 02:30 (+11:00).  The gap end is computed exactly
      (any length: 30 minutes, 1 hour, a whole day: every local time of
      2011-12-30 in Pacific/Apia maps to 2011-12-31 00:00 +14:00);
    * an ambiguous wall time (fall-back overlap) takes the first occurrence
      (``fold=0``, the earlier instant).

``to_local(instant, tz) -> datetime``
    Instant -> naive local wall time (``fold`` set on the second occurrence
    of an ambiguous time; ``.weekday()``, ``.date()`` etc. are local).

``add_days(instant, n, tz) -> datetime``
    Calendar days: the same local clock time ``n`` days later (``n < 0``:
    earlier), localized by the rule above.  ``after 1 day`` keeps the local
    clock time across a DST change; ``after 24h`` is ``instant + 24h``.

``add_months(instant, n, tz) -> datetime`` / ``add_months_to_date(date, n) -> date``
    Calendar months: the same local clock time on the same day of the month
    ``n`` months later (earlier if ``n < 0``), the day clamped to the last
    day of the target month (31 January + 1 month is 28 or 29 February; 29
    February + 12 months is 28 February), localized by the rule above.

``next_time_of_day(instant, time, tz) -> datetime``
    The next local ``time`` at or after ``instant``: today's ``time`` (local
    date of ``instant``) if it localizes to an instant ``>= instant``, else
    the next date's.  Fires exactly once per local date: on a spring-forward
    day ``at 02:30`` fires at the gap end (03:00 in New York), on a fall-back
    day ``at 01:30`` fires once, at the first occurrence.

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
        if that instant is not working it moves to ``next_working`` of it
        (Saturday 10:00 + 1 day -> start Monday 09:00 -> Tuesday 09:00).
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
    * ``working_date(local_date, n)``: the n-th date with working time after
      (n > 0) or before (n < 0) a local date, which itself never counts;
      ``nearest_working_date(local_date, step)``: the date itself when it has
      working time, else the next (step 1) or previous (step -1) one;
      ``opening(local_date)``: the start of its first working interval.
      (Whole working days before or after a `date` field.)
    * ``has_working_time()``: False when no weekday has hours and no open day
      has any.  Every search is bounded (``MAX_SEARCH_DAYS``, 20 years of
      dates after the start, or before it): ``NoWorkingTime`` is raised past
      the bound, and at once on a calendar without working time.
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

import calendar
import datetime as dt
import functools
from typing import TYPE_CHECKING, Any, Iterable, Iterator, Mapping
from zoneinfo import ZoneInfo

if TYPE_CHECKING:  # pragma: no cover
    from . import ir

__all__ = [
    "NoWorkingTime", "WorkCalendar", "add_days", "add_months", "add_months_to_date", "localize",
    "next_time_of_day", "to_local", "MAX_SEARCH_DAYS",
]

UTC = dt.timezone.utc
MAX_SEARCH_DAYS = 20 * 366  # how far (in local dates) any search may go
_DAY = dt.timedelta(days=1)
_SECOND = dt.timedelta(seconds=1)
_EPOCH = dt.datetime(1970, 1, 1, tzinfo=UTC)
_WEEKDAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")

Ranges = tuple[tuple[int, int], ...]
Interval = tuple[dt.datetime, dt.datetime]


class NoWorkingTime(Exception):
    """The calendar has no working time (at all, or within the search bound)."""


# ------------------------------------------------------------------ local time

def _zone(tz: str | dt.tzinfo) -> dt.tzinfo:
    if isinstance(tz, str):
        return ZoneInfo(tz)  # ZoneInfo caches instances per key
    if isinstance(tz, dt.tzinfo):
        return tz
    raise TypeError(f"expected a time zone name or tzinfo, got {tz!r}")


def _instant(t: dt.datetime) -> dt.datetime:
    if t.tzinfo is None or t.utcoffset() is None:
        raise ValueError(f"expected an aware datetime (an instant), got naive {t!r}")
    return t.astimezone(UTC)


def _wall(t: dt.datetime, zone: dt.tzinfo) -> dt.datetime:
    return t.astimezone(zone).replace(tzinfo=None)


def _seconds(t: dt.datetime) -> int:
    return (t - _EPOCH) // _SECOND


def localize(naive: dt.datetime, tz: str | dt.tzinfo) -> dt.datetime:
    """Local wall time -> instant in UTC (gap: its end; overlap: the first occurrence)."""
    if naive.tzinfo is not None:
        raise ValueError(f"expected a naive local datetime, got {naive!r}")
    zone = _zone(tz)
    wall = naive.replace(fold=0)
    u0 = wall.replace(tzinfo=zone).astimezone(UTC)
    if _wall(u0, zone) == wall:  # exists; fold=0 is the first occurrence if ambiguous
        return u0
    # In a gap: fold=0 and fold=1 read the wall time with the offsets before and
    # after the transition; the transition instant T lies between the two.  The
    # answer is the first instant whose wall time is >= `wall` (that is T, whose
    # wall time is the end of the gap).  Transitions fall on whole seconds.
    u1 = wall.replace(tzinfo=zone, fold=1).astimezone(UTC)
    lo, hi = min(u0, u1), max(u0, u1)
    lo_s = _seconds(lo)              # floor: wall(lo_s) < wall
    hi_s = -((-(hi - _EPOCH)) // _SECOND)  # ceil: wall(hi_s) >= wall
    while hi_s - lo_s > 1:
        mid = (lo_s + hi_s) // 2
        if _wall(_EPOCH + dt.timedelta(seconds=mid), zone) >= wall:
            hi_s = mid
        else:
            lo_s = mid
    return _EPOCH + dt.timedelta(seconds=hi_s)


def to_local(instant: dt.datetime, tz: str | dt.tzinfo) -> dt.datetime:
    """Instant -> naive local wall time in `tz`."""
    return _wall(_instant(instant), _zone(tz))


def add_days(instant: dt.datetime, n: int, tz: str | dt.tzinfo) -> dt.datetime:
    """The same local clock time `n` calendar days later (earlier if n < 0)."""
    zone = _zone(tz)
    return localize(_wall(_instant(instant), zone) + dt.timedelta(days=n), zone)


def add_months_to_date(d: dt.date, n: int) -> dt.date:
    """The same day of the month `n` months later (earlier if n < 0), clamped
    to the last day of the target month: 31 January + 1 -> 28/29 February.
    OverflowError outside years 1 to 9999."""
    index = d.year * 12 + (d.month - 1) + n
    year, month = divmod(index, 12)
    if not 1 <= year <= 9999:
        raise OverflowError(f"{d.isoformat()} {'+' if n >= 0 else '-'} {abs(n)} months is out of range")
    day = min(d.day, calendar.monthrange(year, month + 1)[1])
    return dt.date(year, month + 1, day)


def add_months(instant: dt.datetime, n: int, tz: str | dt.tzinfo) -> dt.datetime:
    """Calendar months: the same local clock time on the same day of the month
    `n` months later (earlier if n < 0), the day clamped to the target month's
    last day, localized by the rule of `localize`."""
    zone = _zone(tz)
    wall = _wall(_instant(instant), zone)
    return localize(dt.datetime.combine(add_months_to_date(wall.date(), n), wall.time()), zone)


def next_time_of_day(instant: dt.datetime, time: dt.time, tz: str | dt.tzinfo) -> dt.datetime:
    """The next local `time` at or after `instant` (today's if not past, else the next date's)."""
    zone = _zone(tz)
    t = _instant(instant)
    day = _wall(t, zone).date()
    clock = time.replace(tzinfo=None, fold=0)
    for k in range(4):  # k >= 2 only after a fold that crosses midnight
        cand = localize(dt.datetime.combine(day + k * _DAY, clock), zone)
        if cand >= t:
            return cand
    raise AssertionError("unreachable: no time zone shifts by more than a day")  # pragma: no cover


# ------------------------------------------------------------------ working calendars

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


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" + ("" if n == 1 else "s")


@functools.lru_cache(maxsize=64)
def _from_ir_cached(cal: "ir.Calendar", tz: str) -> "WorkCalendar":
    weekly: dict[int, list[tuple[int, int]]] = {}
    for line in cal.hours:
        for day in line.days:
            weekly.setdefault(day, []).extend(line.ranges)
    return WorkCalendar(
        tz,
        weekly=weekly,
        holidays=[(h.country, h.subdivision) for h in cal.holidays],
        closed=[(r.first, r.last) for r in cal.closed],
        open=[(o.dates, o.ranges) for o in cal.open],
        name=cal.name.value,
    )


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
        self.tz = _zone(tz)
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
        self._holiday_objs: list[Any] | None = None  # built on first use
        self._intervals: dict[dt.date, tuple[Interval, ...]] = {}

    @classmethod
    def from_ir(cls, cal: "ir.Calendar", default_tz: str | ZoneInfo) -> "WorkCalendar":
        """The working calendar of an `ir.Calendar`; its own `timezone` wins over
        `default_tz` (the project's).  Cached per (calendar, zone)."""
        if cal.timezone is not None:
            tz = cal.timezone.value
        else:
            tz = default_tz.key if isinstance(default_tz, ZoneInfo) else default_tz
        return _from_ir_cached(cal, tz)

    def __repr__(self) -> str:
        return f"WorkCalendar({self.name!r}, {getattr(self.tz, 'key', self.tz)!r})"

    # -- the hours of a date ---------------------------------------------------
    def has_working_time(self) -> bool:
        return any(self._weekly) or any(self._open.values())

    def _holidays(self) -> list[Any]:
        if self._holiday_objs is None:
            import holidays as _hol  # ~40-90 ms: only when a calendar needs it

            objs = []
            for country, subdiv in self._sources:
                try:
                    h = _hol.country_holidays(country, subdiv=subdiv, observed=True)
                    lang = getattr(h, "default_language", None)
                    if lang:  # names in the country's language, whatever the locale
                        h = _hol.country_holidays(country, subdiv=subdiv, observed=True,
                                                  language=lang)
                except NotImplementedError as e:
                    where = country + (f"-{subdiv}" if subdiv else "")
                    raise ValueError(f"unknown holidays source {where!r}: {e}") from None
                objs.append(h)  # expands lazily, year by year, and caches
            self._holiday_objs = objs
        return self._holiday_objs

    def holiday_name(self, local_date: dt.date) -> str | None:
        """The public holiday's name on `local_date` (any source), or None."""
        if not self._sources:
            return None
        names: list[str] = []
        for h in self._holidays():
            name = h.get(local_date)
            if name:
                for part in name.split("; "):
                    if part not in names:
                        names.append(part)
        return "; ".join(names) or None

    def _is_closed(self, d: dt.date) -> bool:
        return any(first <= d <= last for first, last in self._closed)

    def _ranges(self, d: dt.date) -> Ranges:
        if d in self._open:
            return self._open[d]
        week = self._weekly[d.weekday()]
        if not week or self._is_closed(d) or self.holiday_name(d) is not None:
            return ()
        return week

    def intervals(self, local_date: dt.date) -> tuple[Interval, ...]:
        """The working intervals (UTC instants, [start, end)) of a local date."""
        got = self._intervals.get(local_date)
        if got is not None:
            return got
        midnight = dt.datetime.combine(local_date, dt.time())
        out: list[list[dt.datetime]] = []
        for s, e in self._ranges(local_date):
            a = localize(midnight + dt.timedelta(minutes=s), self.tz)
            b = localize(midnight + dt.timedelta(minutes=e), self.tz)
            if b <= a:  # the whole range is inside a skipped stretch of clock time
                continue
            if out and a <= out[-1][1]:
                out[-1][1] = max(out[-1][1], b)
            else:
                out.append([a, b])
        got = tuple((a, b) for a, b in out)
        self._intervals[local_date] = got
        return got

    def closed_reason(self, local_date: dt.date) -> str | None:
        """Why a local date has no working time (None when it has some)."""
        if self.intervals(local_date):
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

    # -- walking over intervals ------------------------------------------------
    def _check(self) -> None:
        if not self.has_working_time():
            raise NoWorkingTime(f"calendar {self.name} has no working time: no weekday has hours "
                                "and no open day is given")

    def _too_far(self, start: dt.date, direction: str) -> NoWorkingTime:
        return NoWorkingTime(
            f"calendar {self.name}: no result within {MAX_SEARCH_DAYS} days {direction} {start} "
            "(no working time there, or the duration is too long)")

    def _forward(self, t: dt.datetime) -> Iterator[tuple[dt.date, dt.datetime, dt.datetime]]:
        """(date, start, end) of every interval with end >= t, in order, within the bound."""
        self._check()
        first = _wall(t, self.tz).date() - _DAY
        for k in range(MAX_SEARCH_DAYS + 1):
            d = first + k * _DAY
            for a, b in self.intervals(d):
                if b >= t:
                    yield d, a, b
        raise self._too_far(first, "after")

    def _backward(self, t: dt.datetime) -> Iterator[tuple[dt.date, dt.datetime, dt.datetime]]:
        """(date, start, end) of every interval with start <= t, latest first, within the bound."""
        self._check()
        first = _wall(t, self.tz).date() + _DAY
        for k in range(MAX_SEARCH_DAYS + 1):
            d = first - k * _DAY
            for a, b in reversed(self.intervals(d)):
                if a <= t:
                    yield d, a, b
        raise self._too_far(first, "before")

    def _working_dates(self, d: dt.date, step: int) -> Iterator[dt.date]:
        """The dates with working time after (step=1) or before (step=-1) `d`."""
        for k in range(1, MAX_SEARCH_DAYS + 1):
            day = d + k * step * _DAY
            if self.intervals(day):
                yield day
        raise self._too_far(d, "after" if step > 0 else "before")

    def _start_forward(self, t: dt.datetime) -> tuple[dt.date, dt.datetime]:
        """next_working(t) and the date whose interval holds it."""
        for d, a, b in self._forward(t):
            if b > t:
                return d, max(a, t)
        raise AssertionError("unreachable")  # pragma: no cover

    def _start_backward(self, t: dt.datetime) -> tuple[dt.date, dt.datetime]:
        """previous_working(t) and the date whose interval holds it."""
        for d, a, b in self._backward(t):
            return d, min(b, t)
        raise AssertionError("unreachable")  # pragma: no cover

    # -- working days (for `date` fields, which have no time of day) -----------
    def working_date(self, local_date: dt.date, n: int) -> dt.date:
        """The n-th date with working time after `local_date` (n > 0) or
        before it (n < 0); `local_date` itself never counts.  n == 0: the date
        itself if it has working time, else the next one.  NoWorkingTime past
        the search bound."""
        self._check()
        if n == 0:
            if self.intervals(local_date):
                return local_date
            n = 1
        step = 1 if n > 0 else -1
        for k, day in enumerate(self._working_dates(local_date, step), 1):
            if k == abs(n):
                return day
        raise AssertionError("unreachable")  # pragma: no cover

    def nearest_working_date(self, local_date: dt.date, step: int) -> dt.date:
        """`local_date` if it has working time, else the first date with working
        time after it (step=1) or before it (step=-1)."""
        self._check()
        if self.intervals(local_date):
            return local_date
        return next(self._working_dates(local_date, step))

    def opening(self, local_date: dt.date) -> dt.datetime:
        """The start of the first working interval of a local date (it must have one)."""
        got = self.intervals(local_date)
        if not got:
            raise NoWorkingTime(f"calendar {self.name}: {local_date.isoformat()} has no working time")
        return got[0][0]

    # -- public queries --------------------------------------------------------
    def is_working(self, instant: dt.datetime) -> bool:
        """Inside a working interval; opening and closing times count as within."""
        t = _instant(instant)
        if not self.has_working_time():
            return False
        try:
            for _, a, _b in self._forward(t):
                return a <= t
        except NoWorkingTime:  # nothing within the bound after t
            pass
        return False

    def next_working(self, instant: dt.datetime) -> dt.datetime:
        """`instant` if start <= instant < end of an interval, else the next start."""
        return self._start_forward(_instant(instant))[1]

    def previous_working(self, instant: dt.datetime) -> dt.datetime:
        """`instant` if start <= instant <= end of an interval, else the previous end."""
        return self._start_backward(_instant(instant))[1]

    # -- arithmetic ------------------------------------------------------------
    @staticmethod
    def _split(duration: Any) -> tuple[int | None, dt.timedelta | None]:
        if isinstance(duration, dt.timedelta):
            work = duration
            if work < dt.timedelta(0):
                raise ValueError(f"negative duration {duration}")
            return None, work
        if duration.amount < 0:
            raise ValueError(f"negative duration {duration}")
        if duration.is_days:
            return duration.days, None
        return None, dt.timedelta(minutes=duration.minutes)

    def add(self, instant: dt.datetime, duration: "ir.Duration | dt.timedelta") -> dt.datetime:
        """`duration` of working time after `instant` (see the module docstring).

        A `timedelta` counts as working time (like minutes/hours)."""
        t = _instant(instant)
        days, work = self._split(duration)
        day, start = self._start_forward(t)
        if days is not None:
            if days == 0:
                return start
            clock = _wall(start, self.tz) - dt.datetime.combine(day, dt.time())
            for n, target in enumerate(self._working_dates(day, 1), 1):
                if n == days:
                    break
            cand = localize(dt.datetime.combine(target, dt.time()) + clock, self.tz)
            return cand if self.is_working(cand) else self.next_working(cand)
        left = work
        for _, a, b in self._forward(start):
            cur = max(a, start)
            avail = b - cur
            if left <= avail:
                return cur + left
            left -= avail
        raise AssertionError("unreachable")  # pragma: no cover

    def subtract(self, instant: dt.datetime, duration: "ir.Duration | dt.timedelta") -> dt.datetime:
        """`duration` of working time before `instant` (see the module docstring)."""
        t = _instant(instant)
        days, work = self._split(duration)
        day, start = self._start_backward(t)
        if days is not None:
            if days == 0:
                return start
            clock = _wall(start, self.tz) - dt.datetime.combine(day, dt.time())
            for n, target in enumerate(self._working_dates(day, -1), 1):
                if n == days:
                    break
            cand = localize(dt.datetime.combine(target, dt.time()) + clock, self.tz)
            return cand if self.is_working(cand) else self.previous_working(cand)
        left = work
        for _, a, b in self._backward(start):
            cur = min(b, start)
            avail = cur - a
            if left <= avail:
                return cur - left
            left -= avail
        raise AssertionError("unreachable")  # pragma: no cover
