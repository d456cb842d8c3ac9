"""The intermediate representation: frozen attrs classes, each with its span.

Produced by `flowc.lower`, read by `flowc.check`, `flowc.interpret` and the
language server.  Local dates and times are naive `datetime` values, meant in
the time zone of the calendar or flow they belong to; the interpreter turns
them into instants.  Nothing here holds a Lark object.
"""
from __future__ import annotations

import datetime as dt
from typing import Any, Union

import attrs

from .source import Span

frozen = attrs.frozen(slots=True, weakref_slot=False)


# ------------------------------------------------------------------ values

@frozen
class Name:
    """A name as written, with where it was written."""
    value: str
    span: Span

    def __str__(self) -> str:
        return self.value


@frozen
class Duration:
    """`15m`, `2h` (exact elapsed time), `3 days`, `1 week` (calendar days:
    the same local clock time N days later) or `6 months`, `1 year` (calendar
    months: the same day of the month and local clock time, clamped to the
    month's last day)."""
    amount: int
    unit: str  # "minutes", "hours", "days", "weeks", "months", "years"
    span: Span

    @property
    def is_days(self) -> bool:
        return self.unit in ("days", "weeks")

    @property
    def is_months(self) -> bool:
        return self.unit in ("months", "years")

    @property
    def is_calendar(self) -> bool:
        """Days, weeks, months, years: counted on the calendar, keeping the clock time."""
        return self.unit in ("days", "weeks", "months", "years")

    @property
    def minutes(self) -> int:
        """Exact length for minutes/hours; nominal for calendar units (24h a day,
        30 days a month, 365 days a year: only for comparing durations)."""
        return self.amount * {"minutes": 1, "hours": 60, "days": 1440, "weeks": 10080,
                              "months": 43200, "years": 525600}[self.unit]

    @property
    def days(self) -> int:
        return self.amount * (7 if self.unit == "weeks" else 1)

    @property
    def months(self) -> int:
        return self.amount * (12 if self.unit == "years" else 1)

    def __str__(self) -> str:
        unit = self.unit if self.amount != 1 else self.unit[:-1]
        return f"{self.amount} {unit}"


@frozen
class Placeholder:
    path: tuple[str, ...]
    span: Span

    @property
    def text(self) -> str:
        return ".".join(self.path)


@frozen
class Template:
    """A string with `{field}` / `{relation.field}` placeholders."""
    parts: tuple[Union[str, Placeholder], ...]
    raw: str
    span: Span

    @property
    def placeholders(self) -> tuple[Placeholder, ...]:
        return tuple(p for p in self.parts if isinstance(p, Placeholder))

    @property
    def literal_length(self) -> int:
        return sum(len(p) for p in self.parts if isinstance(p, str))


@frozen
class StageRef:
    pipeline: Name | None
    stage: Name
    span: Span

    def __str__(self) -> str:
        return f"{self.pipeline}.{self.stage}" if self.pipeline else str(self.stage)


@frozen
class Recipient:
    kind: str  # "responsible", "supervisor", "employee"
    name: Name | None
    span: Span

    def __str__(self) -> str:
        return self.name.value if self.name else self.kind


# ------------------------------------------------------------------ expressions

@frozen
class FieldRef:
    path: tuple[str, ...]
    span: Span

    @property
    def text(self) -> str:
        return ".".join(self.path)


@frozen
class Literal:
    value: Any
    type: str  # "text", "number", "date", "datetime", "time", "boolean", "duration"
    span: Span


@frozen
class Today:
    span: Span


@frozen
class Now:
    span: Span


@frozen
class Not:
    operand: "Expr"
    span: Span


@frozen
class BoolOp:
    op: str  # "and" / "or"
    operands: tuple["Expr", ...]
    span: Span


@frozen
class Compare:
    op: str  # = != < <= > >=
    left: "Expr"
    right: "Expr"
    span: Span


@frozen
class InList:
    operand: "Expr"
    items: tuple["Expr", ...]
    negated: bool
    span: Span


@frozen
class Contains:
    container: "Expr"
    item: "Expr"
    span: Span


@frozen
class IsSet:
    operand: "Expr"
    negated: bool  # True for `is empty`
    span: Span


@frozen
class Between:
    operand: "Expr"
    low: "Expr"
    high: "Expr"
    span: Span


@frozen
class Arith:
    operands: tuple["Expr", ...]
    ops: tuple[str, ...]  # len(ops) == len(operands) - 1
    span: Span


@frozen
class Neg:
    operand: "Expr"
    span: Span


@frozen
class Invalid:
    """An expression that could not be lowered (already diagnosed)."""
    span: Span


Expr = Union[FieldRef, Literal, Today, Now, Not, BoolOp, Compare, InList, Contains, IsSet,
             Between, Arith, Neg, Invalid]


def children(expr: Expr) -> tuple:
    """Direct sub-expressions (for walks; expressions are shallow by construction)."""
    if isinstance(expr, (Not, Neg)):
        return (expr.operand,)
    if isinstance(expr, (BoolOp, Arith)):
        return expr.operands
    if isinstance(expr, Compare):
        return (expr.left, expr.right)
    if isinstance(expr, InList):
        return (expr.operand, *expr.items)
    if isinstance(expr, Contains):
        return (expr.container, expr.item)
    if isinstance(expr, IsSet):
        return (expr.operand,)
    if isinstance(expr, Between):
        return (expr.operand, expr.low, expr.high)
    return ()


def walk(expr: Expr):
    stack = [expr]
    while stack:
        e = stack.pop()
        yield e
        stack.extend(children(e))


# ------------------------------------------------------------------ robots

@frozen
class Deadline:
    """`today [TIME]`, `tomorrow [TIME]`, `in D [in CAL hours]`, `DATE [TIME]`,
    or relative to a date field of the record: `D before/after FIELD
    [at TIME] [in CAL hours]`."""
    kind: str  # "today", "tomorrow", "in", "at", "relative"
    span: Span
    time: dt.time | None = None
    date: dt.date | None = None
    duration: Duration | None = None
    relative: "RelativeTo | None" = None
    calendar: Name | None = None

    def __str__(self) -> str:
        hours = f" in {self.calendar} hours" if self.calendar is not None else ""
        if self.kind in ("today", "tomorrow"):
            return self.kind + (f" {self.time:%H:%M}" if self.time else "")
        if self.kind == "in":
            return f"in {self.duration}{hours}"
        if self.kind == "relative" and self.relative is not None:
            r = self.relative
            at = f" at {self.time:%H:%M}" if self.time else ""
            return f"{r.duration} {r.direction} {r.field.text}{at}{hours}"
        return f"{self.date:%Y-%m-%d}" + (f" {self.time:%H:%M}" if self.time else "")


@frozen
class Attachment:
    kind: str  # "file" (a Drive file name or URL) or "field" (a file field of the record)
    value: str
    span: Span


@frozen
class AddressChoice:
    """`to work first`: which of the client's addresses or phones to use."""
    type: Name
    which: Name | None
    span: Span


@frozen
class Param:
    name: str
    value: Any  # Template, str, Recipient, tuple, Deadline, bool, float, StageRef, Expr, ...
    span: Span


@frozen
class Action:
    kind: str  # see flowc.schema.ACTIONS
    params: tuple[Param, ...]
    span: Span

    def get(self, name: str, default: Any = None) -> Any:
        for p in self.params:
            if p.name == name:
                return p.value
        return default

    def param(self, name: str) -> Param | None:
        for p in self.params:
            if p.name == name:
                return p
        return None


@frozen
class RelativeTo:
    """`2 days before close_date` / `1h after meeting_at`."""
    duration: Duration
    direction: str  # "before" / "after"
    field: FieldRef
    span: Span


@frozen
class Timing:
    span: Span | None = None
    immediately: Span | None = None
    after_previous: Span | None = None
    delay: Duration | None = None
    relative: RelativeTo | None = None
    at_time: dt.time | None = None
    at_time_span: Span | None = None
    at_datetime: dt.datetime | None = None
    at_datetime_span: Span | None = None
    calendar: Name | None = None
    clauses: tuple[Span, ...] = ()
    #: The kind of each clause as written, parallel to `clauses`: "immediately",
    #: "after_previous", "after", "before_field", "after_field", "at_time",
    #: "at_datetime", "in_hours" (a kind twice means the clause was repeated).
    clause_kinds: tuple[str, ...] = ()

    @property
    def is_immediate(self) -> bool:
        return not (self.after_previous or self.delay or self.relative or self.at_time
                    or self.at_datetime or self.calendar)


@frozen
class Robot:
    name: Name
    action: Action
    timing: Timing
    condition: Expr | None
    span: Span
    used_at: Span | None = None  # where a reusable robot was placed with `use`


@frozen
class Event:
    kind: str  # see flowc.schema.EVENTS
    span: Span
    arg: Any = None  # form / template / line / channel / url / status / app name, or a tuple of field names


@frozen
class Trigger:
    name: Name | None
    event: Event
    allow_back: bool
    condition: Expr | None
    span: Span
    used_at: Span | None = None


@frozen
class UseRef:
    """`use legal, paid_trigger` in a stage, for a name not (yet) resolved."""
    name: Name
    span: Span


@frozen
class Stage:
    name: Name
    title: str | None
    final: str | None  # None, "success", "failure"
    robots: tuple[Robot, ...]
    triggers: tuple[Trigger, ...]
    unresolved: tuple[UseRef, ...]
    span: Span
    index: int


@frozen
class Pipeline:
    name: Name
    entity: Name
    title: str | None
    stages: tuple[Stage, ...]
    span: Span

    _stage_index: dict | None = attrs.field(default=None, init=False, repr=False, eq=False)

    def stage(self, name: str) -> Stage | None:
        """The first stage with this name (in constant time: a pipeline may
        have tens of thousands of stages)."""
        index = self._stage_index
        if index is None:
            index = {}
            for s in self.stages:
                index.setdefault(s.name.value, s)
            object.__setattr__(self, "_stage_index", index)
        return index.get(name)


# ------------------------------------------------------------------ entities and calendars

@frozen
class TypeRef:
    name: Name
    choices: tuple[str, ...] = ()
    span: Span | None = None


@frozen
class Field:
    name: Name
    type: TypeRef
    optional: bool
    span: Span


@frozen
class Entity:
    name: Name
    smart: bool
    title: str | None
    fields: tuple[Field, ...]
    span: Span


@frozen
class WeeklyHours:
    days: tuple[int, ...]  # 0 = Monday
    ranges: tuple[tuple[int, int], ...]  # minutes since midnight, end exclusive (up to 1440)
    span: Span


@frozen
class HolidaySource:
    country: str
    subdivision: str | None
    span: Span


@frozen
class DateRange:
    first: dt.date
    last: dt.date
    span: Span


@frozen
class OpenDays:
    dates: tuple[dt.date, ...]
    ranges: tuple[tuple[int, int], ...]  # minutes since midnight; empty: the usual hours
    span: Span


@frozen
class Calendar:
    name: Name
    timezone: Name | None
    hours: tuple[WeeklyHours, ...]
    holidays: tuple[HolidaySource, ...]
    closed: tuple[DateRange, ...]
    open: tuple[OpenDays, ...]
    span: Span


# ------------------------------------------------------------------ people and scenarios

@frozen
class Contact:
    type: str  # "work", "home", "mobile", "mailing", "other", ...
    value: str
    span: Span


@frozen
class Person:
    kind: str  # "employee", "contact", "company"
    name: Name
    title: str | None
    emails: tuple[Contact, ...] = ()
    phones: tuple[Contact, ...] = ()
    chats: tuple[Name, ...] = ()
    mailboxes: tuple[Contact, ...] = ()
    supervisor: Name | None = None
    span: Span | None = None
    company: Name | None = None  # a contact's company (`company quinta` in its body)


@frozen
class Form:
    name: Name
    title: str | None
    callback: bool
    span: Span


@frozen
class DocTemplate:
    name: Name
    title: str | None
    span: Span


@frozen
class Channel:
    kind: Name  # sms, telephony, telegram, openlines, email, facebook, google, ...
    label: str | None
    span: Span


@frozen
class RecordValue:
    name: Name
    values: tuple[Any, ...]  # Literal or Name (for employees, contacts, companies, list choices)
    span: Span


@frozen
class RecordDecl:
    name: Name
    entity: Name
    stage: StageRef
    values: tuple[RecordValue, ...]
    span: Span

    def get(self, field: str) -> RecordValue | None:
        for v in self.values:
            if v.name.value == field:
                return v
        return None


@frozen
class Happening:
    """Something that happens in a scenario at a given local time."""
    at: dt.datetime
    kind: str  # "move", "set", "event", "task_done"
    record: Name
    span: Span
    stage: StageRef | None = None
    field: FieldRef | None = None
    value: Expr | None = None
    event: Event | None = None
    offset: int | None = None  # minutes east of UTC, when written (`01:30-05:00`)


@frozen
class Expectation:
    """`expect d1 in stage S`, `expect robot R on d1 STATUS`, `expect d1.f OP v`,
    `expect task "title" on d1 open|completed`, `expect activity "title" on d1
    open|completed`; `because` matches the reason, `with_text` the detail of
    what was done (both: contains, ignoring case)."""
    kind: str  # "stage", "robot", "field", "task", "activity"
    record: Name
    span: Span
    stage: StageRef | None = None
    robot: Name | None = None
    status: Name | None = None
    at: dt.datetime | None = None
    at_span: Span | None = None
    because: str | None = None
    field: FieldRef | None = None
    op: str | None = None
    value: Expr | None = None
    with_text: str | None = None
    title: str | None = None  # a task's or an activity's title (contains, ignoring case)
    at_offset: int | None = None  # minutes east of UTC, when written (`01:30-05:00`)


@frozen
class Scenario:
    name: Name
    title: str | None
    start: dt.datetime | None
    start_span: Span | None
    until: dt.datetime | None
    run_for: Duration | None
    people: tuple[Person, ...]
    channels: tuple[Channel, ...]
    records: tuple[RecordDecl, ...]
    happenings: tuple[Happening, ...]
    expectations: tuple[Expectation, ...]
    span: Span
    until_span: Span | None = None  # the `run until` line
    start_offset: int | None = None  # minutes east of UTC, when written
    until_offset: int | None = None


# ------------------------------------------------------------------ the project

@frozen
class UseFile:
    path: str  # as written
    resolved: str | None
    span: Span


@frozen
class Project:
    """Everything the loaded files declare, in source order (duplicates kept:
    the checker reports them; `flowc.index.Index` picks the first)."""
    files: tuple[str, ...]
    timezone: Name | None
    timezones: tuple[Name, ...]
    uses: tuple[UseFile, ...]
    calendars: tuple[Calendar, ...]
    entities: tuple[Entity, ...]
    pipelines: tuple[Pipeline, ...]
    employees: tuple[Person, ...]
    forms: tuple[Form, ...]
    templates: tuple[DocTemplate, ...]
    robot_defs: tuple[Robot, ...]
    trigger_defs: tuple[Trigger, ...]
    scenarios: tuple[Scenario, ...]
