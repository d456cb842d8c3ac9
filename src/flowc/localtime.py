"""Local wall time and DST, as datetimes and as integer minutes.

Two representations of the same rules:

* datetimes: instants are timezone-aware `datetime` values (returned in UTC),
  local times are naive `datetime` values meant in a time zone;
* integer minutes, for the engine's hot paths: an *instant* is an epoch
  minute (minutes since 1970-01-01 00:00 UTC), a *wall time* is a local
  minute (minutes since 1970-01-01 00:00 by the local clock; its date is
  ``wall // 1440`` days after 1970-01-01, its clock time ``wall % 1440``).

Time zones are IANA names (`"Europe/Lisbon"`) or `zoneinfo.ZoneInfo` objects.

The rules (docs/language.md, *Time zones and DST*):

* a wall time that does not exist (spring-forward gap) moves forward to the
  first valid instant after the gap, i.e. the end of the gap: 02:30 on a New
  York spring-forward night is 03:00 EDT; 02:15 on a Lord Howe
  spring-forward night is 02:30 (+11:00).  The gap end is exact (any length:
  every local time of 2011-12-30 in Pacific/Apia maps to 2011-12-31 00:00
  +14:00);
* an ambiguous wall time (fall-back overlap) takes the first occurrence
  (``fold=0``, the earlier instant).

Datetime API
------------
``localize(naive, tz)``, ``to_local(instant, tz)`` (``fold`` set on the
second occurrence of an ambiguous time), ``add_days(instant, n, tz)`` (the
same local clock time ``n`` days later: ``after 1 day`` keeps the clock time
across a DST change, ``after 24h`` is ``instant + 24h``),
``next_time_of_day(instant, time, tz)`` (the next local ``time`` at or after
``instant``: today's if it localizes to an instant ``>= instant``, else the
next date's; on a spring-forward day ``at 02:30`` fires once, at the gap end;
on a fall-back day ``at 01:30`` fires once, at the first occurrence) and
``shift_wall(naive, n)`` (calendar days on a wall time, before any
localizing: the rule for ``N days before/after FIELD``),
``add_months(instant, n, tz)`` / ``add_months_to_date(date, n)`` (calendar
months: the same local clock time on the same day of the month ``n`` months
later, or earlier, the day clamped to the target month's last day: 31
January + 1 month is 28 or 29 February; localized by the rules above).

Minute API
----------
``zone_minutes(tz) -> MinuteZone`` (cached per zone) with
``offset(instant)`` (minutes east of UTC), ``to_wall(instant)``,
``localize(wall)`` (the rules above), ``add_days(instant, n)`` and
``next_time_of_day(instant, minute_of_day)``; ``instant_minutes(datetime)``
and ``from_minutes(int)`` convert.  Offsets are whole minutes in every zone
since 1972; the few older offsets with seconds (local mean time, Monrovia
until 1972) are truncated to the minute by the minute API, while the
datetime API keeps them exact.

How offsets are found: zoneinfo exposes no transition list, so each block of
2**16 UTC minutes (about 45 days) is sampled every 12 hours and every change
located to the second by bisection, then cached.  No zone of the IANA
database has two transitions within two days of each other (checked for
every zone up to 2037, the last year of explicit transitions; the rules
after it are yearly), so 12-hour samples miss none.
"""
from __future__ import annotations

import bisect
import calendar
import datetime as dt
import functools
from zoneinfo import ZoneInfo

__all__ = ["localize", "to_local", "add_days", "next_time_of_day", "shift_wall", "add_months",
           "add_months_to_date",
           "MinuteZone", "zone_minutes", "instant_minutes", "from_minutes", "EPOCH_ORDINAL"]

UTC = dt.timezone.utc
_DAY = dt.timedelta(days=1)
_SECOND = dt.timedelta(seconds=1)
_EPOCH = dt.datetime(1970, 1, 1, tzinfo=UTC)
_EPOCH_NAIVE = dt.datetime(1970, 1, 1)
#: `date.toordinal()` of 1970-01-01: a wall minute's date is EPOCH_ORDINAL + wall // 1440.
EPOCH_ORDINAL = dt.date(1970, 1, 1).toordinal()


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


# ------------------------------------------------------------------ datetimes

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


def shift_wall(naive: dt.datetime, n: int) -> dt.datetime:
    """`n` calendar days after a wall time (before it if n < 0), on the wall
    clock: localize the result once, afterwards.  `N days after FIELD at TIME`
    is ``localize(shift_wall(date + TIME, N), tz)``: a gap on the field's date
    does not move the result, only a gap on the result's own date does."""
    return naive + dt.timedelta(days=n)


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


# ------------------------------------------------------------------ integer minutes

def instant_minutes(t: dt.datetime) -> int:
    """An aware datetime -> epoch minutes (seconds are dropped: floor)."""
    return (_instant(t) - _EPOCH) // dt.timedelta(minutes=1)


def from_minutes(m: int) -> dt.datetime:
    """Epoch minutes -> an aware datetime in UTC."""
    return _EPOCH + dt.timedelta(minutes=m)


def wall_minutes(naive: dt.datetime) -> int:
    """A naive wall time -> local minutes (seconds dropped)."""
    return (naive - _EPOCH_NAIVE) // dt.timedelta(minutes=1)


def wall_datetime(wall: int) -> dt.datetime:
    """Local minutes -> a naive wall time."""
    return _EPOCH_NAIVE + dt.timedelta(minutes=wall)


_BLOCK_BITS = 16             # a block of 65,536 UTC minutes, about 45 days
_SAMPLE = 12 * 3600          # seconds between samples inside a block
_WINDOW = 30 * 60            # minutes: every offset lies within +-26 hours
_FIRST_S = (dt.datetime(1, 1, 2, tzinfo=UTC) - _EPOCH) // _SECOND      # a day of margin at each end
_LAST_S = (dt.datetime(9999, 12, 30, tzinfo=UTC) - _EPOCH) // _SECOND


class MinuteZone:
    """One time zone in integer minutes (see the module docstring)."""

    __slots__ = ("zone", "key", "_blocks")

    def __init__(self, tz: str | dt.tzinfo) -> None:
        self.zone = _zone(tz)
        self.key = getattr(self.zone, "key", str(self.zone))
        # block -> (offset at its start, transition minutes, offsets from each transition on)
        self._blocks: dict[int, tuple[int, tuple[int, ...], tuple[int, ...]]] = {}

    def __repr__(self) -> str:
        return f"MinuteZone({self.key!r})"

    def _offset_s(self, s: int) -> int:
        """Offset in seconds at epoch second `s` (zoneinfo; clamped to years 1..9999)."""
        s = min(max(s, _FIRST_S), _LAST_S)
        return dt.datetime.fromtimestamp(s, self.zone).utcoffset() // _SECOND

    def _block(self, b: int) -> tuple[int, tuple[int, ...], tuple[int, ...]]:
        got = self._blocks.get(b)
        if got is not None:
            return got
        lo = (b << _BLOCK_BITS) * 60
        hi = ((b + 1) << _BLOCK_BITS) * 60
        first = self._offset_s(lo)
        trans: list[int] = []
        offs: list[int] = []
        prev_s, prev = lo, first
        s = lo
        while s < hi:
            s = min(s + _SAMPLE, hi)
            cur = self._offset_s(s)
            if cur != prev:  # one transition in (prev_s, s]: find its second
                a, c = prev_s, s
                while c - a > 1:
                    mid = (a + c) // 2
                    if self._offset_s(mid) == prev:
                        a = mid
                    else:
                        c = mid
                trans.append(-(-c // 60))  # the first whole minute on the new offset
                offs.append(cur // 60)
            prev_s, prev = s, cur
        # a transition at the very end of the block belongs to the next one
        if trans and trans[-1] >= hi // 60:
            trans.pop()
            offs.pop()
        got = (first // 60, tuple(trans), tuple(offs))
        self._blocks[b] = got
        return got

    def offset(self, instant: int) -> int:
        """Minutes east of UTC at an epoch minute."""
        first, trans, offs = self._block(instant >> _BLOCK_BITS)
        if not trans:
            return first
        i = bisect.bisect_right(trans, instant)
        return offs[i - 1] if i else first

    def to_wall(self, instant: int) -> int:
        """Epoch minute -> local minute."""
        return instant + self.offset(instant)

    def _segments(self, lo: int, hi: int) -> list[tuple[int, int]]:
        """(start, offset) of the stretches of constant offset covering [lo, hi)."""
        out = [(lo, self.offset(lo))]
        for b in range(lo >> _BLOCK_BITS, (hi >> _BLOCK_BITS) + 1):
            _, trans, offs = self._block(b)
            for t, o in zip(trans, offs):
                if lo < t < hi:
                    out.append((t, o))
        return out

    def localize(self, wall: int) -> int:
        """Local minute -> epoch minute (gap: its end; overlap: the first occurrence)."""
        lo, hi = wall - _WINDOW, wall + _WINDOW
        b1, b2 = lo >> _BLOCK_BITS, hi >> _BLOCK_BITS
        first, trans, _ = self._block(b1)
        if not trans and (b1 == b2 or not self._block(b2)[1]) and self._block(b2)[0] == first:
            return wall - first
        segs = self._segments(lo, hi)
        ends = [s for s, _ in segs[1:]] + [hi]
        for (start, off), end in zip(segs, ends):
            u = wall - off
            if start <= u < end:
                return u
        for start, off in segs[1:]:  # in a gap: the first instant whose wall time is past it
            if start + off > wall:
                return start
        raise AssertionError("unreachable: a wall time is neither valid nor in a gap")  # pragma: no cover

    def add_days(self, instant: int, n: int) -> int:
        """The same local clock time `n` calendar days later (earlier if n < 0)."""
        return self.localize(self.to_wall(instant) + n * 1440)

    def next_time_of_day(self, instant: int, minute_of_day: int) -> int:
        """The next local `minute_of_day` at or after `instant`."""
        day = self.to_wall(instant) // 1440 * 1440
        for k in range(4):  # k >= 2 only after a fold that crosses midnight
            cand = self.localize(day + k * 1440 + minute_of_day)
            if cand >= instant:
                return cand
        raise AssertionError("unreachable: no time zone shifts by more than a day")  # pragma: no cover


@functools.lru_cache(maxsize=None)
def _zone_minutes(key: str | dt.tzinfo) -> MinuteZone:
    return MinuteZone(key)


def zone_minutes(tz: str | dt.tzinfo) -> MinuteZone:
    """The `MinuteZone` of a time zone (one per zone, its offsets cached)."""
    if isinstance(tz, ZoneInfo):
        tz = tz.key
    return _zone_minutes(tz)
