"""Timing: calendars (F306, F307, F310), the clauses of a robot's timing and how
they combine (F305), the calendar it counts in (F106), times of day that are
never working time (F309), `before/after FIELD` on a field that is not a
date or may be empty (F302, F303), and `after previous` on the first robot
(F304).  A task's or an activity's deadline relative to a field
(`deadline 1 day before due_date at 10:00 in office hours`) is checked the
same way (F302, F303, F106, F309).
"""
from __future__ import annotations

import datetime as dt

from .. import ir, schema
from ..diagnostics import Note, did_you_mean
from ..source import Span
from .context import Ctx, Run
from .messages import type_words
from .names import field_info
from .values import check_holidays, check_timezone_name


CLAUSE_WORDS = {
    "immediately": "immediately", "after_previous": "after previous", "after": "after <duration>",
    "before_field": "<duration> before <field>", "after_field": "<duration> after <field>",
    "at_time": "at <time>", "at_datetime": "at <date> <time>", "in_hours": "in <calendar> hours",
}


MAIN_CLAUSES = frozenset({"after", "before_field", "after_field", "at_datetime"})


def check_calendar(run: Run, cal: ir.Calendar) -> None:
    if cal.timezone is not None:
        check_timezone_name(run, cal.timezone)
    for h in cal.holidays:
        check_holidays(run, h)
    if not cal.hours and not any(o.dates and o.ranges for o in cal.open):
        why = ("its `open` days have no hours of their own, and it has no usual hours"
               if any(o.dates for o in cal.open) else "no `hours` and no `open` days")
        run.error("F306", f'calendar "{cal.name.value}" has no working time', cal.name.span,
                  f"{why}: a robot counting in it could never run",
                  [Note("add working hours: hours mon-fri 09:00-18:00")])
    seen: dict[int, ir.WeeklyHours] = {}
    days = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
    for line in cal.hours:
        again = [d for d in line.days if d in seen]
        for d in line.days:
            seen.setdefault(d, line)
        if again:
            first = seen[again[0]]
            listed = ", ".join(days[d] for d in again if 0 <= d < 7)
            run.warning("F307", f"{listed} already {'has' if len(again) == 1 else 'have'} hours on another line",
                        line.span, "the hours of both lines are added together",
                        [Note("first given here", first.span, "note"),
                         Note("give each weekday its hours on one line: hours mon-fri 09:00-13:00, 14:00-18:00")])


def check_timing(run: Run, robot: ir.Robot, ctx: Ctx, first: bool) -> None:
    t = robot.timing
    if t is None:
        return
    kinds = t.clause_kinds or ()
    spans = t.clauses or ()
    written: list[tuple[str, Span]] = list(zip(kinds, spans))
    for j, (kj, sj) in enumerate(written):
        for ki, si in written[:j]:
            why = timing_conflict(ki, kj)
            if why is None:
                continue
            if ki == kj:
                summary = f'timing "{CLAUSE_WORDS.get(kj, kj)}" is given twice'
            else:
                summary = f'conflicting timing: "{CLAUSE_WORDS.get(ki, ki)}" and "{CLAUSE_WORDS.get(kj, kj)}"'
            notes = [] if si.line == sj.line else [Note("the other clause", si, "note")]
            notes.append(Note("a robot waits for one of `after <duration>`, `<duration> before/after <field>` "
                              "or `at <date> <time>`, then maybe `at <time>` and `in <calendar> hours`; "
                              "`after previous` may come first"))
            run.error("F305", summary, sj, why, [*notes, *ctx.notes()])
            break
    cal = check_calendar_ref(run, t.calendar)
    if cal is not None and t.at_time is not None and t.at_time_span is not None:
        check_time_in_hours(run, t.at_time, t.at_time_span, cal, ctx)
    check_relative_field(run, t.relative, ctx)
    if t.after_previous is not None and first and ctx.stage is not None:
        where, notes = t.after_previous, [Note("remove `after previous`, or move the robot after another one")]
        if ctx.used_at is not None:
            where = ctx.used_at
            notes.insert(0, Note("the robot waits for the previous one here", t.after_previous, "note"))
        run.error("F304", f'robot "{robot.name.value}" waits for the previous robot, but it is the first',
                  where, f'there is no previous robot in stage "{ctx.stage.name.value}"', notes)


def check_deadline(run: Run, d: ir.Deadline, ctx: Ctx) -> None:
    """`deadline in 2h in office hours`, `deadline 2 days after meeting_at at 12:00`."""
    cal = check_calendar_ref(run, d.calendar)
    if d.kind == "relative":
        check_relative_field(run, d.relative, ctx, "the deadline")
        if cal is not None and d.time is not None:
            check_time_in_hours(run, d.time, d.span, cal, ctx)


def check_calendar_ref(run: Run, name: ir.Name | None) -> ir.Calendar | None:
    """`in CAL hours`: the calendar (F106 when unknown)."""
    if name is None:
        return None
    cal = run.index.calendars.get(name.value)
    if cal is None:
        notes = list(did_you_mean(name.value, run.index.calendars))
        if not run.index.calendars:
            notes.append(Note(f"declare it: calendar {name.value} {{ hours mon-fri 09:00-18:00 }}"))
        run.error("F106", f'unknown calendar "{name.value}"', name.span, "no calendar with this name", notes)
    return cal


def check_relative_field(run: Run, rel: ir.RelativeTo | None, ctx: Ctx, what: str = "the robot") -> None:
    """`D before/after FIELD`: a date or date-time field (F302), that may be empty (F303)."""
    if rel is None or rel.field is None:
        return
    typ, info = field_info(run, rel.field.path, rel.field.span, ctx)
    if typ is not None and typ not in schema.TEMPORAL:
        run.error("F302", f'"{rel.field.text}" is not a date', rel.field.span,
                  f'"{rel.field.text}" is {type_words(typ)}: "{rel.direction}" needs a date or date-and-time field',
                  ctx.notes())
    elif typ is not None and info is not None and info.optional:
        fails = "the robot then fails" if what == "the robot" else f"{what} then has no date and the robot fails"
        run.warning("F303", f'"{rel.field.text}" may be empty', rel.field.span,
                    f"it may be empty; {fails}",
                    [Note(f'declare it without `optional`, or make sure every record has a {rel.field.text}'),
                     *ctx.notes()])


def check_time_in_hours(run: Run, when: dt.time, span: Span, cal: ir.Calendar, ctx: Ctx) -> None:
    """`at 20:00 in office hours`: a time of day no working day of the
    calendar includes could never run (a closing time counts as within)."""
    weekly = sorted({r for h in cal.hours for r in h.ranges})
    extra = sorted({r for o in cal.open for r in o.ranges} - set(weekly))
    ranges = weekly + extra
    if not ranges:
        return  # F306 says it: the calendar has no working time at all
    minute = when.hour * 60 + when.minute
    if any(start <= minute <= end for start, end in ranges):
        return
    def show(rs):
        return ", ".join(f"{s // 60:02d}:{s % 60:02d}-{e // 60:02d}:{e % 60:02d}" for s, e in rs)
    hours = show(weekly) + (f" ({show(extra)} on extra open days)" if extra else "")
    run.error("F309", f'{when:%H:%M} is never working time in calendar "{cal.name.value}"', span,
              f"the robot would wait for a {when:%H:%M} that is inside {cal.name.value} hours: there is none",
              [Note(f"{cal.name.value} hours are {hours}"),
               Note("choose a time inside the hours, or drop `in ... hours`"), *ctx.notes()])


def timing_conflict(a: str, b: str) -> str | None:
    """Why two timing clauses of one robot cannot go together (None: they can)."""
    if a == b:
        return "given again here: only one of them can count"
    if "immediately" in (a, b):
        return "`immediately` means no waiting at all"
    if a in MAIN_CLAUSES and b in MAIN_CLAUSES:
        return "a robot waits for one thing: a delay, a moment relative to a field, or an exact date and time"
    pair = {a, b}
    if pair == {"at_time", "at_datetime"}:
        return "the date and time already say when"
    if pair == {"in_hours", "at_datetime"}:
        return "an exact date and time does not move with working hours"
    return None


def check_calendars_from(run: Run, sc: ir.Scenario) -> None:
    """F310: a calendar that robots count in, with no working time in the
    year after the scenario's start (public holidays aside: they never empty
    a year).  Its robots would wait more than a year, and a search for
    working time stops after 20 years (`limits.MAX_WORKTIME_SEARCH_DAYS`)."""
    if sc.start is None or sc.start_span is None:
        return
    from ..workcal import WorkCalendar

    used = {r.timing.calendar.value for r in _robots(run.project) if r.timing.calendar is not None}
    for cal in run.project.calendars:
        if cal.name.value not in used or not (cal.hours or any(o.ranges or o.dates for o in cal.open)):
            continue
        tz = run.index.calendar_timezone(cal)
        try:
            found = WorkCalendar.from_ir(cal, tz, with_holidays=False).first_working_date(sc.start.date(), 366)
        except (ValueError, OverflowError, KeyError):  # a bad zone or range: reported elsewhere
            continue
        if found is None:
            last = sc.start.date() + dt.timedelta(days=365)
            run.warning("F310", f'calendar "{cal.name.value}" has no working time in the year after the start',
                        sc.start_span,
                        f"no working day from {sc.start.date().isoformat()} to {last.isoformat()}: "
                        "its robots would wait more than a year",
                        [Note(f'calendar "{cal.name.value}" is declared here', cal.name.span, "note"),
                         Note("check its `closed` ranges and `open` days, or start the scenario later")])


def _robots(project: ir.Project):
    yield from project.robot_defs
    for p in project.pipelines:
        for stage in p.stages:
            yield from stage.robots
