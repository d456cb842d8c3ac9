"""Automation said in words, for people: a robot's timing (as a sentence, and
in the short form of `flowc graph`), its action, a trigger's event, a
calendar's hours.

One place for these, shared by the language server's hovers, `flowc graph`
and `flowc doc`, so that every view of a rule says the same thing.  Reads the
IR only; never raises on a partial IR (missing parts are left out).
"""
from __future__ import annotations

import re
from typing import Any

from . import ir, schema

# ------------------------------------------------------------------ small pieces

_DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


def plural(n: int, word: str) -> str:
    """`1 robot`, `2 robots`."""
    return f"{n} {word}" + ("" if n == 1 else "s")


def hm(minutes: int) -> str:
    """Minutes since midnight as `09:30` (1440 is `24:00`)."""
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def days_words(days: tuple[int, ...]) -> str:
    """Weekday numbers (0 = Monday) as ranges: `mon-fri, sun`."""
    out, i = [], 0
    days = tuple(sorted(days))
    while i < len(days):
        j = i
        while j + 1 < len(days) and days[j + 1] == days[j] + 1:
            j += 1
        out.append(_DAYS[days[i]] if i == j else f"{_DAYS[days[i]]}-{_DAYS[days[j]]}")
        i = j + 1
    return ", ".join(out)


def hours_words(hours: ir.WeeklyHours) -> str:
    """`mon-fri 09:00-13:00, 14:00-18:00`."""
    return f"{days_words(hours.days)} " + ", ".join(f"{hm(a)}-{hm(b)}" for a, b in hours.ranges)


def stage_title(stage: ir.Stage) -> str:
    return stage.title or stage.name.value


def amount(d: ir.Duration, working: str = "") -> str:
    """`15 working minutes` (working is "" or "working ")."""
    unit = d.unit if d.amount != 1 else d.unit[:-1]
    return f"{d.amount} {working}{unit}"


#: Units of the short form.
_SHORT_UNITS = {"minutes": ("min", "min"), "hours": ("hour", "hours"),
                "days": ("day", "days"), "weeks": ("week", "weeks")}


def amount_short(d: ir.Duration, working: bool) -> str:
    """`15 working min`, `2 hours`, `1 working day`."""
    one, many = _SHORT_UNITS.get(d.unit, (d.unit, d.unit))
    return f"{d.amount} {'working ' if working else ''}{one if d.amount == 1 else many}"


# ------------------------------------------------------------------ timing

def timing_words(robot: ir.Robot, place: Any, index: Any) -> str:
    """The robot's timing as a sentence: "15 working minutes after entering
    Contract approval, office calendar, Europe/Lisbon".

    `place` has `.stage`, `.pipeline` and `.previous` (the robot before it in
    the stage), or is None; `index` is a `flowc.index.Index` or None."""
    when, calendar = timing_parts(robot, place, index)
    return f"{when}, {calendar}" if calendar else when


def timing_parts(robot: ir.Robot, place: Any, index: Any) -> tuple[str, str | None]:
    """The timing as (when, calendar): ("15 working minutes after entering
    Contract approval", "office calendar, Europe/Lisbon"); the calendar part
    is None without `in CAL hours`.  For a robot with no wait in a calendar
    the first part says it: "immediately when the deal enters ..., within the
    working hours of the office calendar (Europe/Lisbon)", and the second is
    None."""
    tm = robot.timing
    stage = place.stage if place else None
    pipeline = place.pipeline if place else None
    entity = pipeline.entity.value if pipeline else "record"
    entering = f"entering {stage_title(stage)}" if stage else "entering the stage"
    cal = index.calendars.get(tm.calendar.value) if (tm.calendar and index) else None
    calendar = None
    if tm.calendar is not None:
        tz = index.calendar_timezone(cal) if index else "UTC"
        calendar = f"{tm.calendar.value} calendar, {tz}"
    working = "working " if tm.calendar is not None else ""
    then_at = f", then at the next {tm.at_time:%H:%M}" if tm.at_time is not None else ""
    if tm.after_previous:
        prev = place.previous if place else None
        who = f"the previous robot ({prev.name.value})" if prev else "the previous robot"
        when = f"after {who} finishes"
        if tm.delay is not None:
            when += f", then {amount(tm.delay, working)}"
        elif tm.calendar is not None and tm.at_time is None:
            when += ", at the next working moment"
        return when + then_at, calendar
    if tm.delay is not None:
        return f"{amount(tm.delay, working)} after {entering}{then_at}", calendar
    if tm.relative is not None:
        rel = tm.relative
        at = f" at {tm.at_time:%H:%M}" if tm.at_time is not None else ""
        return f"{amount(rel.duration, working)} {rel.direction} {rel.field.text}{at}", calendar
    if tm.at_time is not None:
        return f"at the next {tm.at_time:%H:%M} after {entering}", calendar
    if tm.at_datetime is not None:
        return f"at {tm.at_datetime:%Y-%m-%d %H:%M}", calendar
    when = f"immediately when the {entity} enters {stage_title(stage)}" if stage \
        else "immediately when the record enters the stage"
    if tm.calendar is not None:
        when += f", within the working hours of the {tm.calendar.value} calendar ({calendar.rsplit(', ', 1)[-1]})"
    return when, None


def timing_short(tm: ir.Timing) -> str:
    """The timing in a few words, as on a board: `immediately`,
    `after 15 working min`, `1 day before due_date at 09:00`, `after previous`,
    `after previous + 1 working day`, `at 09:00 in office hours`."""
    working = tm.calendar is not None
    parts: list[str] = []
    if tm.delay is not None:
        parts.append(("+ " if tm.after_previous else "after ") + amount_short(tm.delay, working))
    if tm.relative is not None:
        rel = tm.relative
        parts.append(f"{amount_short(rel.duration, working)} {rel.direction} {rel.field.text}")
    if tm.at_datetime is not None:
        parts.append(f"at {tm.at_datetime:%Y-%m-%d %H:%M}")
    if tm.at_time is not None:
        parts.append(f"at {tm.at_time:%H:%M}")
    if tm.calendar is not None and not (tm.delay or tm.relative):
        parts.append(f"in {tm.calendar.value} hours")
    if tm.after_previous:
        parts.insert(0, "after previous")
    return " ".join(parts) if parts else "immediately"


# ------------------------------------------------------------------ actions and events

def action_short(action: ir.Action) -> str:
    """The action in a few words, naming its target where it has one:
    `notify supervisor`, `move to paid`, `copy to installation.todo`,
    `set amount`, `create document contract`."""
    words = schema.ACTIONS.get(action.kind, {}).get("words", action.kind)
    target = _ACTION_TARGETS.get(action.kind)
    value = action.get(target) if target else None
    if value is None:
        return words
    if isinstance(value, ir.FieldRef):
        return f"{words} {value.text}"
    if isinstance(value, tuple):
        return f"{words} to " + " or ".join(str(v) for v in value)
    if action.kind == "copy_record":
        return f"copy to {value}"
    return f"{words} {value}"


#: The parameter that names what an action acts on, shown by `action_short`.
_ACTION_TARGETS = {
    "notify": "to", "move_to": "stage", "copy_record": "stage", "create_document": "template",
    "set_field": "field", "change_responsible": "to", "invite": "messenger",
}


def event_words(ev: ir.Event, quote: bool = False) -> str:
    """An event as it is written: `form submitted contact_us`,
    `field amount changed`, `task status changed to completed`; with
    `quote`, arguments written as strings keep their quotes
    (`call missed "+351 210 000 000"`; inside a quoted message, they are
    better without)."""
    if ev.kind == "field_changed" and isinstance(ev.arg, tuple):
        names = ", ".join(n.value for n in ev.arg if isinstance(n, ir.Name))
        return f"field{'s' if len(ev.arg) > 1 else ''} {names} changed"
    words = schema.EVENTS.get(ev.kind, (ev.kind,))[0]
    words = re.sub(r"\s*\[.*?\]", "", words).replace('"<name>"', "").strip()
    if isinstance(ev.arg, ir.Name):
        arg = ev.arg.value
        if ev.kind == "task_status":
            return f"{words} to {arg}"
        if quote and '"<' in schema.EVENTS.get(ev.kind, ("",))[0]:
            return f'{words} "{arg}"'  # written as a string: a line, a channel, a URL, an app
        return f"{words} {arg}"
    return words


def trigger_text(trigger: ir.Trigger) -> str:
    """How a trigger is called: its name, or its event as written."""
    if trigger.name is not None:
        return trigger.name.value
    return event_words(trigger.event)


# ------------------------------------------------------------------ conditions

#: Comparison operators in words.
_COMPARE = {"=": "is", "!=": "is not", ">": "is over", "<": "is under", ">=": "is at least", "<=": "is at most"}

#: How sub-fields of relations are called.
_SUBFIELDS = {"email": "e-mail", "phone": "phone", "name": "name", "supervisor": "supervisor"}


def field_words(path: tuple[str, ...]) -> str:
    """`amount` -> "the amount", `client.email` -> "the client's e-mail",
    `due_date` -> "the due date"."""
    if not path:
        return "the field"
    words = ["the " + path[0].replace("_", " ")]
    for part in path[1:]:
        words[-1] += "'s"
        words.append(_SUBFIELDS.get(part, part.replace("_", " ")))
    return " ".join(words)


def value_words(lit: ir.Literal) -> str:
    """A literal as a person writes it: 10,000; "fair"; 2026-03-31; yes."""
    v = lit.value
    if lit.type == "number" and not isinstance(v, bool):
        try:
            return f"{v:,}" if int(v) == v else f"{v:,f}".rstrip("0").rstrip(".")
        except (TypeError, ValueError, OverflowError):
            return str(v)
    if lit.type == "text":
        return f"“{v}”"
    if lit.type == "boolean":
        return "yes" if v else "no"
    if lit.type == "time" and hasattr(v, "strftime"):
        return v.strftime("%H:%M")
    if lit.type == "datetime" and hasattr(v, "strftime"):
        return v.strftime("%Y-%m-%d %H:%M")
    return str(v)


def condition_words(expr: Any, source: Any = None) -> str:
    """A condition in words: `amount > 10_000 and client.email is set` ->
    "the amount is over 10,000 and the client's e-mail is filled in".
    `source(span)` gives the text of a part that has no words (arithmetic):
    it is shown as written, in backticks."""
    def written(e: Any) -> str:
        text = source(e.span) if source is not None else None
        return f"`{text}`" if text else "a computed value"

    def say(e: Any, nested: bool = False) -> str:
        if isinstance(e, ir.FieldRef):
            return field_words(e.path)
        if isinstance(e, ir.Literal):
            return value_words(e)
        if isinstance(e, ir.Today):
            return "today"
        if isinstance(e, ir.Now):
            return "now"
        if isinstance(e, ir.Compare):
            return f"{say(e.left)} {_COMPARE.get(e.op, e.op)} {say(e.right)}"
        if isinstance(e, ir.IsSet):
            return f"{say(e.operand)} is {'empty' if e.negated else 'filled in'}"
        if isinstance(e, ir.InList):
            items = ", ".join(say(i) for i in e.items)
            return f"{say(e.operand)} is {'not ' if e.negated else ''}one of {items}"
        if isinstance(e, ir.Between):
            return f"{say(e.operand)} is between {say(e.low)} and {say(e.high)}"
        if isinstance(e, ir.Contains):
            return f"{say(e.container)} contains {say(e.item)}"
        if isinstance(e, ir.Not):
            return f"not ({say(e.operand)})"
        if isinstance(e, ir.BoolOp):
            text = f" {e.op} ".join(say(o, True) for o in e.operands)
            return f"({text})" if nested else text
        return written(e)

    return say(expr)
