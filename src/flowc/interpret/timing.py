"""When a robot is due: its timing (`after`, `at`, `before/after FIELD`, `in
CAL hours`, `after previous`) turned into an instant, with the words that say
why (`plan_due`), and the notes on what lies in between (holidays, closed
days, clock changes).  Working-time arithmetic is flowc.workcal's; the rules
are docs/semantics.md, "The due time": months are calendar months (also in
working hours, then moved into working time), and whole days or months before
or after a `date` field in working hours are working days
(`working_day_due`).
"""
from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from .. import ir, workcal
from .text import show_value
from .values import FIRST_INSTANT, LAST_INSTANT, RANGE_WORDS, WEEKDAYS, EvalError
from .world import RobotRun, field_value

if TYPE_CHECKING:  # pragma: no cover
    from .engine import Simulation


def calendar(sim: "Simulation", name: str) -> workcal.WorkCalendar | None:
    cal = sim.calendars.get(name)
    if cal is None:
        decl = sim.index.calendars.get(name)
        if decl is None:
            return None
        cal = sim.calendars[name] = workcal.WorkCalendar.from_ir(decl, sim.tz)
    return cal


def cal_phrase(sim: "Simulation", name: str) -> str:
    decl = sim.index.calendars.get(name)
    return f"{name} hours ({sim.index.calendar_timezone(decl)})"


def shift(sim: "Simulation", base: dt.datetime, d: ir.Duration, sign: int, cal: workcal.WorkCalendar | None,
          tz: str | None = None, wall: dt.datetime | None = None) -> dt.datetime:
    """`base` plus (sign 1) or minus (sign -1) a duration: working time in
    `cal`, else calendar days (same clock time, in `tz`) or minutes.  Calendar
    days on `wall` (the base's wall time when known: a date field) are counted
    on the wall clock and localized once, afterwards."""
    try:
        if d.is_months and wall is not None:  # a date field: on the wall clock, localized once
            day = workcal.add_months_to_date(wall.date(), sign * d.months)
            out = workcal.localize(dt.datetime.combine(day, wall.time()), tz or sim.tz)
            if cal is not None and not cal.is_working(out):
                out = cal.next_working(out) if sign > 0 else cal.previous_working(out)
        elif d.is_months:
            out = workcal.add_months(base, sign * d.months, cal.tz if cal is not None else (tz or sim.tz))
            if cal is not None and not cal.is_working(out):
                out = cal.next_working(out) if sign > 0 else cal.previous_working(out)
        elif cal is not None:
            out = cal.add(base, d) if sign > 0 else cal.subtract(base, d)
        elif d.is_days and wall is not None:
            out = workcal.localize(workcal.shift_wall(wall, sign * d.days), tz or sim.tz)
        elif d.is_days:
            out = workcal.add_days(base, sign * d.days, tz or sim.tz)
        else:
            out = base + sign * dt.timedelta(minutes=d.minutes)
    except OverflowError:
        out = None
    if out is None or not FIRST_INSTANT <= out <= LAST_INSTANT:
        raise EvalError(f"{d} {'after' if sign > 0 else 'before'} {sim.fmt(base)} is out of range "
                        f"({RANGE_WORDS})")
    return out


def amount(d: ir.Duration, working: bool) -> str:
    unit = d.unit if d.amount != 1 else d.unit[:-1]
    return f"{d.amount} {'working ' if working and not d.is_months else ''}{unit}"


def working_day(cal: workcal.WorkCalendar, day: dt.date, rel: ir.RelativeTo) -> tuple[dt.date, str]:
    """`N days before/after FIELD in CAL hours` with a `date` field: the N-th
    working day before/after the date (a week is 7); months: the date N months
    away, or the nearest working day in the direction counted.  With a note
    when a month's date had no working time."""
    sign = -1 if rel.direction == "before" else 1
    if rel.duration.is_months:
        target = workcal.add_months_to_date(day, sign * rel.duration.months)
        found = cal.nearest_working_date(target, sign)
        note = f"; {target.isoformat()} has no working time: the working day {rel.direction} it" \
            if found != target else ""
        return found, note
    return cal.working_date(day, sign * rel.duration.days), ""


def on_working_day(cal: workcal.WorkCalendar, day: dt.date, at_time: dt.time | None) -> dt.datetime:
    """A working day's first opening, or `at_time` on it (the next working
    moment when that is not working time then)."""
    if at_time is None:
        return cal.opening(day)
    due = workcal.localize(dt.datetime.combine(day, at_time), cal.tz)
    return due if cal.is_working(due) else cal.next_working(due)


def plan_due(sim: "Simulation", run: RobotRun, base: dt.datetime, base_what: str) -> tuple[dt.datetime | None, str]:
    """The due time of a robot and the words for it; (None, reason) when it cannot run."""
    t = run.robot.timing
    rec = run.record
    cal = None
    if t.calendar is not None:
        cal = calendar(sim, t.calendar.value)
        if cal is None:
            return None, f"unknown calendar {t.calendar.value}"
    working = f", {cal_phrase(sim, t.calendar.value)}" if cal is not None else ""
    # Local times of a robot counted in a calendar with its own time zone are in that zone.
    decl = sim.index.calendars.get(t.calendar.value) if t.calendar is not None else None
    tz = sim.index.calendar_timezone(decl) if decl is not None else sim.tz
    at_time_used = False
    span = (base, None)  # the stretch of time the notes (holidays, clock changes) are about
    if t.at_datetime is not None:
        due = workcal.localize(t.at_datetime, tz)
        words = f"at {sim.fmt(due)}" + (f", after {base_what}" if t.after_previous else "")
        if cal is not None and not cal.is_working(due):
            due = cal.next_working(due)
            words += f", then the next working moment{working}"
        return due, words
    if t.relative is not None:
        rel = t.relative
        path = rel.field.path
        value = field_value(sim, rec, path)
        if value is None:
            return None, f"{rel.field.text} is empty, so `{rel.duration} {rel.direction} {rel.field.text}` has no date"
        wall = None
        if isinstance(value, dt.datetime):
            anchor = value
            shown = sim.fmt(anchor)
        elif isinstance(value, dt.date) and cal is not None and rel.duration.is_calendar:
            # Whole working days before or after a date (docs/language.md#date-fields).
            found, note = working_day(cal, value, rel)
            due = on_working_day(cal, found, t.at_time)
            at = f", at {t.at_time:%H:%M}" if t.at_time is not None else ", at the start of its working time"
            words = (f"{amount(rel.duration, True)} {rel.direction} {rel.field.text} ({value.isoformat()})"
                     f"{note}{at}{working}")
            day = workcal.localize(dt.datetime.combine(value, dt.time()), tz)
            return due, words + notes_between(sim, min(day, due), max(day, due), cal)
        elif isinstance(value, dt.date):
            clock = t.at_time or dt.time(0, 0)
            at_time_used = t.at_time is not None
            wall = dt.datetime.combine(value, clock)
            anchor = workcal.localize(wall, tz)
            shown = f"{value.isoformat()}" + (f" {clock:%H:%M}" if at_time_used else "")
        else:
            return None, f"{rel.field.text} is not a date ({show_value(sim, value)})"
        sign = -1 if rel.direction == "before" else 1
        due = shift(sim, anchor, rel.duration, sign, cal, tz, wall)
        span = (min(anchor, due), max(anchor, due))
        words = f"{amount(rel.duration, cal is not None)} {rel.direction} {rel.field.text} ({shown}){working}"
    elif t.delay is not None:
        due = shift(sim, base, t.delay, 1, cal, tz)
        words = f"{amount(t.delay, cal is not None)} after {base_what}{working}"
    elif cal is not None and t.at_time is None:
        due = cal.next_working(base)
        words = f"the next working moment after {base_what}{working}" if due > base else \
            f"{base_what}, in working time{working}"
    else:
        due = base
        words = base_what
    if t.at_time is not None and not at_time_used:
        first = due
        if cal is not None:  # the first TIME that is working time, within the search bound
            due = cal.next_working_at(due, t.at_time)
        else:
            due = workcal.next_time_of_day(due, t.at_time, tz)
        clock = f"{t.at_time:%H:%M}" + (f" ({tz})" if tz != sim.tz else "")
        if t.delay is None and t.relative is None and due >= first:
            words = f"the next {clock} after {base_what}" + (
                f" in working time{working}" if cal is not None else "")
        else:
            words += f", then the next {clock}"
    a, b = span
    words += notes_between(sim, a, b if b is not None else due, cal)
    return due, words


def notes_between(sim: "Simulation", a: dt.datetime, b: dt.datetime, cal: workcal.WorkCalendar | None) -> str:
    """Holidays, closed days and clock changes between two instants, in words."""
    if b <= a:
        return ""
    notes = []
    la, lb = workcal.to_local(a, sim.tz).date(), workcal.to_local(b, sim.tz).date()
    if (lb - la).days > 400:
        return ""
    if cal is not None:
        skipped = []
        d, last = workcal.to_local(a, cal.tz).date(), workcal.to_local(b, cal.tz).date()
        while d <= last:
            why = cal.closed_reason(d)
            if why is not None and not why.startswith("weekend") and not why.startswith("no hours on "):
                skipped.append(f"{WEEKDAYS[d.weekday()]} {d.isoformat()} ({why})")
            d += dt.timedelta(days=1)
        if skipped:
            more = f" and {len(skipped) - 3} more" if len(skipped) > 3 else ""
            notes.append("skips " + ", ".join(skipped[:3]) + more)
    zone = ZoneInfo(sim.tz)
    off_a, off_b = a.astimezone(zone).utcoffset(), b.astimezone(zone).utcoffset()
    if off_a != off_b:
        d = la
        prev = off_a
        while d <= lb:
            noon = workcal.localize(dt.datetime.combine(d, dt.time(23, 59)), zone)
            off = noon.astimezone(zone).utcoffset()
            if off != prev:
                diff = (off - prev).total_seconds() / 3600
                way = "forward" if diff > 0 else "back"
                hours = f"{abs(diff):g} hour" + ("" if abs(diff) == 1 else "s")
                notes.append(f"the clocks go {way} {hours} on {WEEKDAYS[d.weekday()]} {d.isoformat()}")
                prev = off
            d += dt.timedelta(days=1)
    return "".join(f"; {n}" for n in notes)
