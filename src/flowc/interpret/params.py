"""What an action's parameters mean on a record when the robot runs: its
client (the first contact, else the company), the employees it names (an employee, or an employee field of the record: a
recipient, a responsible, an invitee, an observer), a task's or an
activity's deadline (today, tomorrow, a date, `in D [in CAL hours]`, or
relative to a date field), and its attachments (files, and file fields,
left out when empty).  The rules are docs/language.md, "Recipients",
"Deadlines" and "Attachments".
"""
from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from .. import ir, workcal
from .timing import calendar, on_working_day, shift, working_day
from .values import WEEKDAYS, EvalError
from .world import Record, entity_word, field_value

if TYPE_CHECKING:  # pragma: no cover
    from .engine import Simulation


# ------------------------------------------------------------------ people

def client(sim: "Simulation", rec: Record) -> tuple[ir.Person | None, str | None, str | None]:
    """(the client, a note, an error)."""
    note = None
    if rec.contacts:
        name = rec.contacts[0]
        if len(rec.contacts) > 1:
            note = f"{rec.name} has {len(rec.contacts)} contacts; the first ({name}) is used"
        elif rec.company:
            note = f"{rec.name} has a contact and a company; the contact ({name}) is used"
    elif rec.company:
        name = rec.company
    else:
        return None, None, f"{rec.name} has no client (no contact or company)"
    p = sim.people.get(name)
    if p is None:
        return None, None, f"the client {name} is not declared in the scenario"
    return p, note, None



def employee_field(sim: "Simulation", rec: Record, name: str) -> bool:
    """Whether `name` is an employee field of the record (not a built-in one)."""
    info = sim.index.fields(rec.entity).get(name)
    return info is not None and info.type == "employee" and not info.builtin


def employee(sim: "Simulation", rec: Record, name: str, purpose: str) -> tuple[str | None, str | None]:
    """(the employee a name stands for, an error): the employee of that name,
    or the one in the record's employee field of that name; an empty field is
    an error that ends with `purpose` ("so nobody can be notified")."""
    if not employee_field(sim, rec, name):
        return name, None
    value = field_value(sim, rec, (name,))
    if value is None:
        return None, f"{name} is empty, so {purpose}"
    return value, None


def recipient(sim: "Simulation", rec: Record, r: ir.Recipient,
              purpose: str = "nobody can be notified") -> tuple[str | None, str | None]:
    """(the employee, an error) for `responsible`, `supervisor`, an employee
    or an employee field."""
    if r.kind == "employee":
        return employee(sim, rec, r.name.value, purpose)
    if rec.responsible is None:
        return None, f"the {entity_word(sim, rec)} has no responsible"
    if r.kind == "responsible":
        return rec.responsible, None
    p = sim.people.get(rec.responsible)
    if p is None or p.supervisor is None:
        return None, f"the responsible ({rec.responsible}) has no supervisor"
    return p.supervisor.value, None


def employees(sim: "Simulation", rec: Record, names: tuple[ir.Name, ...] | None,
              purpose: str) -> tuple[list[str], str | None]:
    """`invite courier, ana`, `observers courier, ana`: the employees, or the
    first error (`purpose` names what the empty field prevents, with {name})."""
    out = []
    for n in names or ():
        who, err = employee(sim, rec, n.value, purpose.format(name=n.value))
        if err:
            return [], err
        out.append(who)
    return out, None


# ------------------------------------------------------------------ deadlines

def _date_words(day: dt.date) -> str:
    return f"{WEEKDAYS[day.weekday()]} {day.isoformat()}"


def deadline(sim: "Simulation", d: ir.Deadline | None, rec: Record) -> tuple[str | None, str | None]:
    """(the deadline in words, an error), computed now (docs/language.md#deadlines)."""
    if d is None:
        return None, None
    cal = None
    if d.calendar is not None:
        cal = calendar(sim, d.calendar.value)
        if cal is None:
            return None, f"unknown calendar {d.calendar.value}"
    try:
        if d.kind == "in" and d.duration is not None:
            return sim.fmt(shift(sim, sim.now, d.duration, 1, cal)), None
        if d.kind == "relative" and d.relative is not None:
            return _relative(sim, d, d.relative, cal, rec)
    except (workcal.NoWorkingTime, EvalError) as e:
        return None, f"the deadline cannot be computed: {e}"
    if d.kind in ("today", "tomorrow"):
        day = workcal.to_local(sim.now, sim.tz).date() + dt.timedelta(days=1 if d.kind == "tomorrow" else 0)
    else:
        day = d.date
    if day is None:
        return None, None
    if d.time is None:
        return _date_words(day), None
    return sim.fmt(sim.local(dt.datetime.combine(day, d.time))), None


def _relative(sim: "Simulation", d: ir.Deadline, rel: ir.RelativeTo, cal: workcal.WorkCalendar | None,
              rec: Record) -> tuple[str | None, str | None]:
    """`D before/after FIELD [at TIME] [in CAL hours]`: counted like a robot's
    timing; `at TIME` is that time of day on the day the count ends; a `date`
    field without `at TIME` gives a date."""
    value = field_value(sim, rec, rel.field.path)
    written = f"{rel.duration} {rel.direction} {rel.field.text}"
    if value is None:
        return None, f"{rel.field.text} is empty, so the deadline `{written}` has no date"
    sign = -1 if rel.direction == "before" else 1
    tz = cal.tz if cal is not None else sim.tz
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime) and rel.duration.is_calendar:
        if cal is not None:
            day, _ = working_day(cal, value, rel)
            if d.time is None:
                return _date_words(day), None
            return sim.fmt(on_working_day(cal, day, d.time)), None
        if rel.duration.is_months:
            day = workcal.add_months_to_date(value, sign * rel.duration.months)
        else:
            day = value + dt.timedelta(days=sign * rel.duration.days)
        if d.time is None:
            return _date_words(day), None
        return sim.fmt(workcal.localize(dt.datetime.combine(day, d.time), tz)), None
    if isinstance(value, dt.datetime):
        anchor = value
    elif isinstance(value, dt.date):
        anchor = workcal.localize(dt.datetime.combine(value, dt.time()), tz)
    else:
        return None, f"{rel.field.text} is not a date, so the deadline `{written}` has no date"
    due = shift(sim, anchor, rel.duration, sign, cal, tz)
    if d.time is not None:
        due = workcal.localize(dt.datetime.combine(workcal.to_local(due, tz).date(), d.time), tz)
        if cal is not None and not cal.is_working(due):
            due = cal.next_working(due)
    return sim.fmt(due), None


# ------------------------------------------------------------------ attachments

def attachments(sim: "Simulation", a: ir.Action, rec: Record) -> tuple[list[str], list[str]]:
    """(the `attach ...` part of the detail, notes): file fields are shown
    with their value; an empty one is left out, with a note."""
    att = a.get("attach")
    if not att:
        return [], []
    shown, notes = [], []
    for x in att:
        if x.kind == "file":
            shown.append(f'"{x.value}"')
            continue
        value = field_value(sim, rec, (x.value,)) if x.value in rec.fields or \
            x.value in sim.index.fields(rec.entity) else None
        if x.value in sim.index.templates and x.value not in sim.index.fields(rec.entity):
            shown.append(x.value)  # the document created from this template
        elif value is None or value == "":
            notes.append(f"{x.value} is empty: not attached")
        else:
            shown.append(f"{x.value} ({value})")
    return (["attach " + ", ".join(shown)] if shown else []), notes
