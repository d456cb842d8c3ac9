"""Phase 3: check.  `check(project, diags)` adds every problem it finds.

Every code is documented in docs/diagnostics.md (F1xx names, F2xx values and
types, F3xx timing, F4xx flow structure, F5xx scenarios); a test keeps the two
in sync.  The checker never raises: the IR may be partial (`ir.Invalid`
expressions, None values after a lowering error, names that resolve to
nothing) and every check skips what it cannot judge.

Reusable robots and triggers (top-level definitions) are checked once on their
own (what does not depend on where they are used), then again in every stage
that `use`s them, against that stage's pipeline and entity (fields,
placeholders, targets); the collector drops the repeats.

Rules the flow-structure checks rely on (docs/diagnostics.md, F4xx):

* a trigger on stage T moves a record from stage S when S comes before T and
  is not final, or, with `allow back`, from any other stage (F401: none);
* the stage graph has an edge S -> T for `move to T` and `copy ... to T` on S,
  and for a robot on S whose action causes an event (`schema.ACTION_EVENTS`)
  that a trigger on T matches and may act on; each elementary cycle is one
  F403;
* a record reaches a stage through a trigger that can fire, a move or copy
  into it, a scenario record that starts there or a scenario move (F402).
"""
from __future__ import annotations

import datetime as dt
import functools
import re
from typing import Any, Iterable

import attrs

from . import ir, limits, schema
from .diagnostics import Diagnostic, Diagnostics, Note, Severity, did_you_mean, suggest
from .index import FieldInfo, Index
from .source import Span


def check(project: ir.Project, diags: Diagnostics, index: Index | None = None) -> Index:
    index = index or Index(project)
    Checker(project, index, diags).run()
    return index


# ------------------------------------------------------------------ domain tables of the checker

#: Accepted values of parameters written as a name (`priority high`).
PARAM_CHOICES: dict[str, tuple[str, ...]] = {
    "priority": ("low", "normal", "high"),
    "contacts": ("first", "all"),
    "network": ("facebook", "google"),
    "messenger": ("telegram",),
}

#: The value kind each parameter has when written in a `{ ... }` block.
BLOCK_PARAM_KINDS = {
    "title": "template", "description": "template", "text": "template", "subject": "template",
    "address": "template", "link": "template",
    "location": "string", "provider": "string", "voice": "string", "line": "string",
    "from": "sender", "deadline": "deadline", "responsible": "recipient",
    "priority": "name", "color": "name", "contacts": "name", "network": "name",
    "invite": "names", "observers": "names", "attach": "attachments", "to": "address",
    "volume": "number", "speed": "number",
    "add_to_calendar": "flag", "complete_on_stage_change": "flag", "track_clicks": "flag",
    "hidden": "flag",
}

#: Which addresses `to ...` may choose, per action.
ADDRESS_TYPES = {
    "send_email": ("e-mail address", schema.EMAIL_TYPES),
    "send_sms": ("phone number", schema.PHONE_TYPES),
    "make_call": ("phone number", schema.PHONE_TYPES),
}
ADDRESS_WHICH = ("first", "last")

#: Common names of field types people write, and the flowc type they mean.
TYPE_ALIASES = {
    "string": "text", "str": "text", "varchar": "text", "int": "number", "integer": "number",
    "float": "number", "decimal": "number", "double": "number", "bool": "boolean",
    "currency": "money", "amount": "money", "timestamp": "datetime", "time": "datetime",
    "user": "employee", "enum": "list", "choice": "list", "select": "list",
    "person": "contact", "attachment": "file", "document": "file",
}

#: Built-in fields a robot's `set` or a scenario cannot write (and what to do instead).
READ_ONLY = {
    "created": "it is set when the record is created",
    "stage": "use `move to <stage>`",
    "pipeline": "use `move to <pipeline>.<stage>`",
}

#: Estimated width of a filled-in placeholder, for the SMS length (F212).
PLACEHOLDER_WIDTH = {
    "text": 30, "number": 8, "money": 12, "date": 10, "datetime": 16, "boolean": 3,
    "employee": 20, "contact": 20, "company": 25, "client": 25, "file": 20,
}
SUBFIELD_WIDTH = {"name": 20, "email": 30, "phone": 16}
UNKNOWN_WIDTH = 20

TYPE_WORDS = {
    "text": "text", "number": "a number", "money": "money", "date": "a date",
    "datetime": "a date and time", "time": "a time of day", "boolean": "yes/no",
    "duration": "a duration", "list": "a list choice", "employee": "an employee",
    "contact": "a contact", "company": "a company", "client": "a client", "file": "a file",
}
ORDERED = frozenset({"number", "money", "date", "datetime", "time", "duration"})
RELATION_TYPES = frozenset({"employee", "contact", "company", "client"})

_CLAUSE_WORDS = {
    "immediately": "immediately", "after_previous": "after previous", "after": "after <duration>",
    "before_field": "<duration> before <field>", "after_field": "<duration> after <field>",
    "at_time": "at <time>", "at_datetime": "at <date> <time>", "in_hours": "in <calendar> hours",
}
_MAIN_CLAUSES = frozenset({"after", "before_field", "after_field", "at_datetime"})

_EMAIL = re.compile(r"[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?"
                    r"(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)+\Z")
_URL = re.compile(r"(?P<scheme>[A-Za-z][A-Za-z0-9+.-]*)://(?P<host>[^/?#\s:]*)(?::(?P<port>[^/?#\s]*))?"
                  r"(?P<rest>[/?#]\S*)?\Z")
_HOST = re.compile(r"(?:[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*\Z")
_PHONE = re.compile(r"\+?[0-9 ().-]+\Z")


def _words(name: str) -> str:
    """A parameter or action name as it is written: `track_clicks` -> `track clicks`."""
    return name.replace("_", " ")


def _action_words(kind: str) -> str:
    return schema.ACTIONS.get(kind, {}).get("words", _words(kind))


def _a(word: str) -> str:
    return ("an " if word[:1] in "aeiou" else "a ") + word


def _tw(t: str | None) -> str:
    return TYPE_WORDS.get(t or "", t or "unknown")


def _quote_list(items: Iterable[str], limit: int = 12) -> str:
    items = list(items)
    shown = ", ".join(f'"{x}"' for x in items[:limit])
    return shown + (f", ... ({len(items) - limit} more)" if len(items) > limit else "")


def _plain_list(items: Iterable[str]) -> str:
    return ", ".join(items)


def _show(e: Any, unparse: bool = False) -> str:
    """An expression as a user wrote it, for messages."""
    if unparse and isinstance(e, (ir.Arith, ir.Neg)):
        text = _unparse(e)
        if text is not None and len(text) <= 40:
            return f"`{text}`"
    if isinstance(e, ir.FieldRef):
        return f'"{e.text}"'
    if isinstance(e, ir.Literal):
        v = e.value
        if e.type == "text":
            return '"' + str(v).replace('"', '\\"') + '"' if len(str(v)) <= 40 else '"' + str(v)[:37] + '..."'
        if e.type == "boolean":
            return "yes" if v else "no"
        if e.type == "datetime" and isinstance(v, dt.datetime):
            return v.strftime("%Y-%m-%d %H:%M")
        if e.type == "time" and isinstance(v, dt.time):
            return v.strftime("%H:%M")
        if e.type == "number" and isinstance(v, (int, float)):
            return f"{v:,}".replace(",", "_") if isinstance(v, int) and abs(v) >= 10_000 else str(v)
        return str(v)
    if isinstance(e, ir.Today):
        return "today"
    if isinstance(e, ir.Now):
        return "now"
    return "this expression"


def _unparse(e: Any) -> str | None:
    """Simple arithmetic written back as text (None for anything else)."""
    if isinstance(e, ir.FieldRef):
        return e.text
    if isinstance(e, ir.Literal):
        return _show(e)
    if isinstance(e, (ir.Today, ir.Now)):
        return _show(e)
    if isinstance(e, ir.Neg):
        inner = _unparse(e.operand)
        return None if inner is None else f"-{inner}"
    if isinstance(e, ir.Arith):
        parts = [_unparse(o) for o in e.operands]
        if any(p is None for p in parts) or len(e.ops) != len(parts) - 1:
            return None
        out = parts[0]
        for op, p in zip(e.ops, parts[1:]):
            out += f" {op} {p}"
        return out
    return None


def _sub_span(span: Span, offset: int, length: int) -> Span:
    return Span(span.path, span.line, span.column + offset, span.line, span.column + offset + length,
                span.start + offset, span.start + offset + length)


def _part_span(span: Span, path: tuple[str, ...], i: int, braces: bool = False) -> Span:
    """The span of `path[i]` inside the span of a whole path (or `{path}`),
    when it is written on one line without spaces; else the whole span."""
    text = ".".join(path)
    base = 1 if braces else 0
    if span.line != span.end_line or span.end_column - span.column != len(text) + 2 * base:
        return span
    offset = base + sum(len(p) + 1 for p in path[:i])
    return _sub_span(span, offset, len(path[i]))


@functools.lru_cache(maxsize=1)
def _all_timezones() -> frozenset[str]:
    try:
        import zoneinfo
        return frozenset(zoneinfo.available_timezones())
    except Exception:  # pragma: no cover - no tz database at all
        return frozenset()


@functools.lru_cache(maxsize=256)
def _timezone_ok(name: str) -> bool:
    try:
        import zoneinfo
        zoneinfo.ZoneInfo(name)
        return True
    except Exception:
        return False


def _suggest_timezone(name: str) -> str | None:
    zones = _all_timezones()
    low = name.strip().lower().replace(" ", "_")
    for z in sorted(zones):
        if z.lower() == low or z.rsplit("/", 1)[-1].lower() == low:
            return z
    return suggest(name.strip(), zones)


@functools.lru_cache(maxsize=1)
def _holiday_countries() -> dict[str, list[str]]:
    try:
        import holidays  # ~90 ms: only when a calendar has `holidays`
        return dict(holidays.list_supported_countries())
    except Exception:  # pragma: no cover - the package is a dependency
        return {}


@functools.lru_cache(maxsize=256)
def _holidays_ok(country: str, subdivision: str | None) -> bool:
    try:
        import holidays
        holidays.country_holidays(country, subdiv=subdivision)
        return True
    except Exception:
        return False


@attrs.frozen
class Ctx:
    """Where a robot, trigger or expression is checked."""
    pipeline: ir.Pipeline | None = None
    stage: ir.Stage | None = None
    entity: str | None = None  # a known entity: its fields can be resolved
    used_at: Span | None = None  # a reusable robot or trigger, placed here with `use`
    scenario: ir.Scenario | None = None

    def notes(self) -> list[Note]:
        if self.used_at is not None and self.stage is not None and self.pipeline is not None:
            return [Note(f'used in stage "{self.stage.name.value}" of pipeline "{self.pipeline.name.value}"',
                         self.used_at, "note")]
        return []


@attrs.frozen
class Edge:
    """A way automation takes a record (or its copy) from one stage to another."""
    src: tuple[int, int]  # (pipeline number, stage number)
    dst: tuple[int, int]
    text: str
    span: Span
    kind: str  # "move", "copy" or "event"


class Checker:
    def __init__(self, project: ir.Project, index: Index, diags: Diagnostics) -> None:
        self.project = project
        self.index = index
        self.diags = diags
        self.pipeline_ids = {id(p): i for i, p in enumerate(project.pipelines)}
        self.reached: set[tuple[int, int]] = set()  # stages automation or scenarios bring records into
        self.edges: list[Edge] = []
        scenario_people = {id(p) for sc in project.scenarios for p in sc.people}
        self.top_employees = [e for e in project.employees if id(e) not in scenario_people]

    # -- reporting -----------------------------------------------------------
    def error(self, code: str, summary: str, span: Span | None, detail: str = "",
              notes: Iterable[Note] = ()) -> None:
        if span is not None:
            self.diags.error(code, summary, span, detail, notes)

    def warning(self, code: str, summary: str, span: Span | None, detail: str = "",
                notes: Iterable[Note] = ()) -> None:
        if span is not None:
            self.diags.warning(code, summary, span, detail, notes)

    def note(self, code: str, summary: str, span: Span | None, detail: str = "",
             notes: Iterable[Note] = ()) -> None:
        if span is not None:
            self.diags.add(Diagnostic(code, Severity.NOTE, summary, span, detail, tuple(notes)))

    def _error_within(self, span: Span, codes: tuple[str, ...]) -> bool:
        """Whether an earlier phase reported one of `codes` inside `span`."""
        return any(d.code in codes and d.span.path == span.path and span.start <= d.span.start < span.end
                   for d in self.diags)

    # -- the whole project -----------------------------------------------------
    def run(self) -> None:
        self.check_duplicates()
        self.check_timezones()
        for cal in self.project.calendars:
            self.check_calendar(cal)
        for entity in self.project.entities:
            self.check_entity(entity)
        for person in self.top_employees:
            self.check_person(person, None)
        for robot in self.project.robot_defs:
            self.check_robot(robot, Ctx())
        for trigger in self.project.trigger_defs:
            self.check_trigger(trigger, Ctx())
        self.check_single_pipelines()
        for pipeline in self.project.pipelines:
            self.check_pipeline(pipeline)
        for scenario in self.project.scenarios:
            self.check_scenario(scenario)
        self.check_reachability()
        self.check_loops()

    # ======================================================================== names

    def _dups(self, items: Iterable[Any], what: str | Any, name_of=lambda x: x.name) -> None:
        """F101 for each item whose name an earlier item already has.
        `what` is the kind of item, or a function of the item that gives it."""
        seen: dict[str, ir.Name] = {}
        for it in items:
            name = name_of(it)
            if name is None:
                continue
            first = seen.get(name.value)
            if first is not None:
                kind = what(it) if callable(what) else what
                self.error("F101", f'duplicate {kind} "{name.value}"', name.span,
                           f"{_a(kind)} with this name is already declared",
                           [Note("first declared here", first.span, "note")])
            else:
                seen[name.value] = name

    def check_duplicates(self) -> None:
        p = self.project
        self._dups(p.pipelines, "pipeline")
        self._dups(p.entities, "entity")
        self._dups(p.calendars, "calendar")
        self._dups(p.forms, "form")
        self._dups(p.templates, "template")
        self._dups(self.top_employees, "employee")
        self._dups(p.robot_defs, "robot")
        self._dups([t for t in p.trigger_defs if t.name is not None], "trigger")
        self._dups(p.scenarios, "scenario")
        for pl in p.pipelines:
            self._dups(pl.stages, "stage")
        for ent in p.entities:
            self._dups(ent.fields, "field")

    def _placed_name(self, item: ir.Robot | ir.Trigger) -> ir.Name | None:
        """The name of a robot or trigger where it appears in a stage (for
        a reusable one: the name written after `use`)."""
        if item.name is None:
            return None
        if item.used_at is not None:
            return ir.Name(item.name.value, item.used_at)
        return item.name

    def _employee_names(self, scenario: ir.Scenario | None = None) -> dict[str, ir.Person]:
        people = self.index.people(scenario)
        return {n: p for n, p in people.items() if p.kind == "employee"}

    def check_employee(self, name: ir.Name | None, ctx: Ctx, what: str = "employee") -> None:
        if name is None:
            return
        employees = self._employee_names(ctx.scenario)
        if name.value in employees:
            return
        other = self.index.people(ctx.scenario).get(name.value)
        if other is not None:
            self.error("F110", f'"{name.value}" is {_a(other.kind)}, not an employee', name.span,
                       f"the {what} must be an employee", ctx.notes())
            return
        notes = list(did_you_mean(name.value, employees))
        if not employees:
            notes.append(Note(f'declare it: employee {name.value} "Full Name" {{ email "..." }}'))
        elif not notes:
            notes.append(Note(f"the employees are {_plain_list(sorted(employees)[:20])}"
                              + (", ..." if len(employees) > 20 else "")))
        self.error("F110", f'unknown employee "{name.value}"', name.span, "no employee with this name",
                   [*notes, *ctx.notes()])

    def check_recipient(self, r: Any, ctx: Ctx) -> None:
        if isinstance(r, ir.Recipient) and r.kind == "employee":
            self.check_employee(r.name, ctx)

    # ======================================================================== values

    def check_timezone_name(self, name: ir.Name | None) -> None:
        if name is None or name.value is None:
            return
        if _timezone_ok(name.value):
            return
        best = _suggest_timezone(name.value)
        notes = [Note(f'did you mean "{best}"?')] if best else []
        notes.append(Note('time zones are IANA names, like "Europe/Lisbon" or "America/New_York"'))
        self.error("F206", f'unknown time zone "{name.value}"', name.span, "not a time zone", notes)

    def check_timezones(self) -> None:
        tzs = self.project.timezones
        for tz in tzs:
            self.check_timezone_name(tz)
        first = tzs[0] if tzs else None
        for tz in tzs[1:]:
            if first is not None and tz.value != first.value:
                self.error("F308", f'the flow\'s time zone is declared again as "{tz.value}"', tz.span,
                           f'the flow already runs in "{first.value}"',
                           [Note("first declared here", first.span, "note"),
                            Note("declare the time zone once; a calendar may have its own `timezone`")])

    def check_calendar(self, cal: ir.Calendar) -> None:
        if cal.timezone is not None:
            self.check_timezone_name(cal.timezone)
        for h in cal.holidays:
            self.check_holidays(h)
        if not cal.hours and not any(o.dates and o.ranges for o in cal.open):
            why = ("its `open` days have no hours of their own, and it has no usual hours"
                   if any(o.dates for o in cal.open) else "no `hours` and no `open` days")
            self.error("F306", f'calendar "{cal.name.value}" has no working time', cal.name.span,
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
                self.warning("F307", f"{listed} already {'has' if len(again) == 1 else 'have'} hours on another line",
                             line.span, "the hours of both lines are added together",
                             [Note("first given here", first.span, "note"),
                              Note("give each weekday its hours on one line: hours mon-fri 09:00-13:00, 14:00-18:00")])

    def check_holidays(self, h: ir.HolidaySource) -> None:
        country, sub = h.country, h.subdivision
        countries = _holiday_countries()
        written = country + (f"-{sub}" if sub else "")
        if not countries:  # pragma: no cover - the holidays package is missing
            return
        if country not in countries:
            best = suggest(country, countries) if country else None
            if best is None and country.upper() in countries:
                best = country.upper()
            notes = [Note(f'did you mean "{best + (f"-{sub}" if sub else "")}"?')] if best else []
            notes.append(Note('holidays take an ISO country code, optionally with a subdivision: "PT", "US-CA"'))
            self.error("F207", f'unknown holiday country "{country}"', h.span,
                       "no public holidays are known for this country", notes)
            return
        if sub is not None and not _holidays_ok(country, sub):
            subs = countries.get(country) or []
            if not subs:
                self.error("F207", f'unknown holiday subdivision "{written}"', h.span,
                           f'"{country}" has no subdivisions', [Note(f'write "{country}"')])
                return
            best = suggest(sub, subs)
            notes = [Note(f'did you mean "{country}-{best}"?')] if best else []
            notes.append(Note(f'subdivisions of "{country}": {_plain_list(subs[:30])}'
                              + (f", ... ({len(subs) - 30} more)" if len(subs) > 30 else "")))
            self.error("F207", f'unknown holiday subdivision "{written}"', h.span,
                       f'"{country}" has no subdivision "{sub}"', notes)

    def check_email(self, value: str | None, span: Span, what: str) -> None:
        if value is None:
            return
        if not _EMAIL.match(value.strip()) or value != value.strip():
            self.error("F218", f'"{value}" is not an e-mail address', span,
                       f"{what} needs an address like name@example.com")

    def check_url(self, text: str | None, span: Span, what: str, has_placeholders: bool = False,
                  shown: str | None = None) -> bool:
        if text is None:
            return True
        shown = text if shown is None else shown
        m = _URL.match(text)
        problem = None
        if text != text.strip() or any(c.isspace() for c in text):
            problem = "a URL cannot contain spaces"
        elif m is None:
            problem = "a URL starts with http:// or https://"
        elif m.group("scheme").lower() not in ("http", "https"):
            problem = f'"{m.group("scheme")}" is not http or https'
        elif not m.group("host") or not (_HOST.match(m.group("host")) or has_placeholders):
            problem = "the address has no valid host name"
        elif m.group("port") is not None and not (m.group("port").isdigit() and 0 < int(m.group("port")) < 65536):
            problem = "the port is not a number from 1 to 65535"
        if problem is None:
            return True
        notes = []
        if m is None and "://" not in text and _HOST.match(text.split("/")[0].split("?")[0] or "-") and "." in text:
            notes.append(Note(f'did you mean "https://{shown}"?'))
        notes.append(Note(f"{what} must be a full URL, like https://example.com/path"))
        self.error("F210", f'malformed URL "{shown if len(shown) <= 60 else shown[:57] + "..."}"', span, problem,
                   notes)
        return False

    def check_phone(self, value: str | None, span: Span) -> None:
        if value is None:
            return
        digits = sum(c.isdigit() for c in value)
        if not _PHONE.match(value.strip()) or not 3 <= digits <= 15 or "+" in value.strip()[1:]:
            self.error("F222", f'"{value}" is not a phone number', span,
                       "a phone number has 3 to 15 digits, an optional leading +, spaces, dashes, dots or parentheses",
                       [Note('write it like "+351 910 000 000"')])

    def check_person(self, person: ir.Person, scenario: ir.Scenario | None) -> None:
        ctx = Ctx(scenario=scenario)
        for c in person.emails:
            if c.type not in schema.EMAIL_TYPES:
                self.error("F219", f'unknown e-mail type "{c.type}"', c.span,
                           f"e-mail types are {_plain_list(schema.EMAIL_TYPES)}",
                           did_you_mean(c.type, schema.EMAIL_TYPES))
            self.check_email(c.value, c.span, "an e-mail")
        for c in person.phones:
            if c.type not in schema.PHONE_TYPES:
                self.error("F219", f'unknown phone type "{c.type}"', c.span,
                           f"phone types are {_plain_list(schema.PHONE_TYPES)}",
                           did_you_mean(c.type, schema.PHONE_TYPES))
            self.check_phone(c.value, c.span)
        for c in person.mailboxes:
            self.check_email(c.value, c.span, "a mailbox")
        if person.supervisor is not None:
            if person.supervisor.value == person.name.value:
                self.error("F110", f'"{person.name.value}" is their own supervisor', person.supervisor.span,
                           "a supervisor is another employee")
            else:
                self.check_employee(person.supervisor, ctx, "supervisor")

    # ======================================================================== entities

    def check_entity(self, ent: ir.Entity) -> None:
        name = ent.name.value
        if not ent.smart and name not in schema.ENTITY_KINDS:
            self.error("F103", f'unknown entity "{name}"', ent.name.span,
                       f"the built-in entities are {_plain_list(schema.ENTITY_KINDS)}",
                       [*did_you_mean(name, schema.ENTITY_KINDS),
                        Note(f"for your own kind of record, declare a smart process: entity {name} smart process {{ ... }}")])
        for f in ent.fields:
            t = f.type
            tname = t.name.value if t and t.name else None
            if tname is None:
                continue
            if tname == "list" and not t.choices:
                self.error("F111", "a list type needs its choices", t.name.span,
                           "no choices given", [Note('write the choices: list["new", "in progress", "done"]')])
                continue
            if tname not in schema.TYPES:
                best = TYPE_ALIASES.get(tname.lower()) or suggest(tname, schema.TYPES)
                notes = [Note(f'did you mean "{best}"?')] if best else []
                notes.append(Note(f"field types are {_plain_list(schema.TYPES)}"))
                self.error("F111", f'unknown field type "{tname}"', t.name.span, "not a field type", notes)
                continue
            builtin = schema.BUILTIN_FIELDS.get(f.name.value)
            if builtin is not None and tname != builtin and not (builtin == "client" and tname in ("contact", "company")):
                self.error("F117", f'built-in field "{f.name.value}" redefined as {tname}', t.name.span,
                           f'every record has "{f.name.value}" as {_tw(builtin)}',
                           [Note(f"declare it as {builtin if builtin != 'client' else 'contact or company'}, "
                                 "or give your field another name")])

    def check_entity_ref(self, name: ir.Name | None) -> bool:
        if name is None:
            return False
        if self.index.entity_kind(name.value) is not None:
            return True
        decl = self.index.entities.get(name.value)
        if decl is not None:
            # Declared, but neither built in nor a smart process: reported at the declaration.
            return False
        known = list(schema.ENTITY_KINDS) + [e for e, d in self.index.entities.items() if d.smart]
        notes = list(did_you_mean(name.value, known)) or [
            Note(f"for your own kind of record, declare a smart process: entity {name.value} smart process {{ ... }}")]
        self.error("F103", f'unknown entity "{name.value}"', name.span, f"entities are {_plain_list(known)}", notes)
        return False

    # ======================================================================== fields and expressions

    def _entity_desc(self, entity: str) -> str:
        return f'entity "{entity}"'

    def field_info(self, path: tuple[str, ...], span: Span, ctx: Ctx, braces: bool = False,
                   report: bool = True) -> tuple[str | None, FieldInfo | None]:
        """The type of a field path in the entity of `ctx` (F105 when unknown)."""
        if ctx.entity is None or not path:
            return None, None
        fields = self.index.fields(ctx.entity)
        info = fields.get(path[0])
        if info is None:
            if report:
                self.error("F105", f'unknown field "{path[0]}"', _part_span(span, path, 0, braces),
                           f'{self._entity_desc(ctx.entity)} has no field "{path[0]}"',
                           [*did_you_mean(path[0], fields), *ctx.notes()])
            return None, None
        typ = info.type
        for i, part in enumerate(path[1:], 1):
            sub = schema.RELATION_FIELDS.get(typ)
            prefix = ".".join(path[:i])
            if sub is None:
                if report:
                    self.error("F105", f'unknown field "{".".join(path[:i + 1])}"', _part_span(span, path, i, braces),
                               f'"{prefix}" is {_tw(typ)}: it has no fields', ctx.notes())
                return None, None
            if part not in sub:
                if report:
                    self.error("F105", f'unknown field "{".".join(path[:i + 1])}"', _part_span(span, path, i, braces),
                               f'"{prefix}"' + (f" ({typ})" if typ != path[i - 1] else "") + f' has no field "{part}"',
                               [*did_you_mean(part, sub), Note(f'"{prefix}" has {_plain_list(sub)}'), *ctx.notes()])
                return None, None
            typ = sub[part]
        return typ, (info if len(path) == 1 else None)

    def field_type(self, ref: ir.FieldRef, ctx: Ctx) -> str | None:
        return self.field_info(ref.path, ref.span, ctx)[0]

    def choices_of(self, e: Any, ctx: Ctx) -> tuple[str, ...]:
        if isinstance(e, ir.FieldRef) and len(e.path) == 1 and ctx.entity is not None:
            info = self.index.fields(ctx.entity).get(e.path[0])
            if info is not None and info.type == "list":
                return info.choices
        return ()

    def check_choice(self, value: str, span: Span, field: str, choices: tuple[str, ...], ctx: Ctx) -> None:
        if not choices or value in choices:
            return
        self.error("F213", f'"{value}" is not a choice of "{field}"', span,
                   f"the choices are {_quote_list(choices)}",
                   [*did_you_mean(value, choices), *ctx.notes()])

    def bare_name_type(self, e: ir.FieldRef, ctx: Ctx, choices: tuple[str, ...]) -> str | None | bool:
        """A single name that is not a field of the entity is a person (an
        employee, or a contact or company of the scenario) or a choice of the
        list field it is compared with.  False: it is none of these."""
        if len(e.path) != 1 or ctx.entity is None or e.path[0] in self.index.fields(ctx.entity):
            return False
        person = self.index.people(ctx.scenario).get(e.path[0])
        if person is not None:
            return person.kind
        if choices:
            return "list"
        return False

    def _unknown_bare(self, e: Any, ctx: Ctx) -> bool:
        return (isinstance(e, ir.FieldRef) and len(e.path) == 1 and ctx.entity is not None
                and e.path[0] not in self.index.fields(ctx.entity)
                and e.path[0] not in self.index.people(ctx.scenario))

    def type_of(self, e: Any, ctx: Ctx, choices: tuple[str, ...] = (), partner: str | None = None) -> str | None:
        """The type of an expression, reporting what is wrong inside it.
        `choices`: those of the list field the expression is compared with;
        `partner`: the type of what it is compared with or written into."""
        if e is None or isinstance(e, ir.Invalid):
            return None
        if isinstance(e, ir.FieldRef):
            bare = self.bare_name_type(e, ctx, choices)
            if bare is not False:
                return bare
            if partner in RELATION_TYPES and self._unknown_bare(e, ctx):
                self.unknown_person(ir.Name(e.path[0], e.span), partner, ctx)
                return None
        if isinstance(e, ir.Literal):
            return e.type if e.value is not None else None
        if isinstance(e, ir.Today):
            return "date"
        if isinstance(e, ir.Now):
            return "datetime"
        if isinstance(e, ir.FieldRef):
            return self.field_type(e, ctx)
        if isinstance(e, ir.Not):
            self.check_condition(e.operand, ctx)
            return "boolean"
        if isinstance(e, ir.BoolOp):
            for op in e.operands:
                self.check_condition(op, ctx)
            return "boolean"
        if isinstance(e, ir.Compare):
            lt, rt = self.pair_types(e.left, e.right, ctx)
            self.check_compare(e.op, e.left, lt, e.right, rt, ctx)
            return "boolean"
        if isinstance(e, ir.InList):
            t = self.type_of(e.operand, ctx)
            choices = self.choices_of(e.operand, ctx)
            for item in e.items:
                it = self.type_of(item, ctx, choices, t)
                self.check_compare("=", e.operand, t, item, it, ctx)
            return "boolean"
        if isinstance(e, ir.Contains):
            self.check_contains(e, ctx)
            return "boolean"
        if isinstance(e, ir.IsSet):
            self.type_of(e.operand, ctx)
            return "boolean"
        if isinstance(e, ir.Between):
            t = self.type_of(e.operand, ctx)
            lo, hi = self.type_of(e.low, ctx), self.type_of(e.high, ctx)
            if t is not None and t not in ORDERED:
                self.error("F205", f"`between` cannot order {_tw(t)}", e.operand.span,
                           f"{_show(e.operand)} is {_tw(t)}",
                           [Note("`between` works on numbers, money, dates, times and durations"), *ctx.notes()])
            else:
                self.check_compare("<=", e.low, lo, e.operand, t, ctx, quiet_order=True, bad_side="left")
                self.check_compare("<=", e.operand, t, e.high, hi, ctx, quiet_order=True)
            return "boolean"
        if isinstance(e, ir.Arith):
            return self.arith_type(e, ctx)
        if isinstance(e, ir.Neg):
            t = self.type_of(e.operand, ctx)
            if t is not None and t not in ("number", "money", "duration"):
                self.error("F205", f"cannot negate {_tw(t)}", e.operand.span,
                           f"{_show(e.operand)} is {_tw(t)}", ctx.notes())
                return None
            return t
        return None

    def pair_types(self, a: Any, b: Any, ctx: Ctx) -> tuple[str | None, str | None]:
        """The types of two operands compared with each other.  The one that is
        not a bare unknown name goes first: a name compared with an employee
        field is an employee (F110 when unknown), not a field (F105)."""
        ca, cb = self.choices_of(a, ctx), self.choices_of(b, ctx)
        if self._unknown_bare(a, ctx) and not self._unknown_bare(b, ctx):
            tb = self.type_of(b, ctx, ca)
            return self.type_of(a, ctx, cb, tb), tb
        ta = self.type_of(a, ctx, cb)
        return ta, self.type_of(b, ctx, ca, ta)

    def unknown_person(self, name: ir.Name, kind: str, ctx: Ctx) -> None:
        """A name that should be a person of kind `kind` and is not declared."""
        if kind == "employee":
            self.check_employee(name, ctx)
            return
        people = self.index.people(ctx.scenario)
        allowed = ("contact", "company") if kind == "client" else (kind,)
        cands = [n for n, p in people.items() if p.kind in allowed]
        word = "contact or company" if kind == "client" else kind
        where = "in the scenario" if ctx.scenario is not None else "in the flow"
        self.error("F113", f'unknown {word} "{name.value}"', name.span, f"no {word} with this name {where}",
                   [*did_you_mean(name.value, cands),
                    Note(f'declare it in the scenario: {allowed[0]} {name.value} "Name" {{ ... }}'), *ctx.notes()])

    def check_condition(self, e: Any, ctx: Ctx) -> None:
        """An expression used as a condition: it must be yes/no."""
        t = self.type_of(e, ctx)
        if t is not None and t != "boolean":
            notes = []
            if isinstance(e, ir.FieldRef):
                example = {"number": f"{e.text} > 0", "money": f"{e.text} > 0", "text": f'{e.text} = "..."'}.get(
                    t, f"{e.text} is set")
                notes.append(Note(f"compare it with something: `{example}`, or test `{e.text} is set`"))
            self.error("F215", "the condition is not a yes/no value", e.span,
                       f"{_show(e, unparse=True)} is {_tw(t)}", [*notes, *ctx.notes()])

    def check_compare(self, op: str, left: Any, lt: str | None, right: Any, rt: str | None, ctx: Ctx,
                      quiet_order: bool = False, bad_side: str = "right") -> None:
        """`left op right` (also a list item, `between`, an expectation)."""
        if lt is None or rt is None:
            return
        if op in ("<", "<=", ">", ">=") and not quiet_order:
            for e, t in ((left, lt), (right, rt)):
                if t not in ORDERED:
                    self.error("F205", f'"{op}" cannot order {_tw(t)}', e.span, f"{_show(e)} is {_tw(t)}",
                               [Note("only numbers, money, dates, times and durations are ordered; "
                                     "use = or != (or `contains` for text)"), *ctx.notes()])
                    return
        if not _comparable(lt, rt):
            bad, good, bt, gt = (right, left, rt, lt) if bad_side == "right" else (left, right, lt, rt)
            if isinstance(good, ir.Literal) and not isinstance(bad, ir.Literal):
                bad, good, bt, gt = good, bad, gt, bt
            notes = []
            if gt in RELATION_TYPES and bt == "text" and isinstance(good, ir.FieldRef):
                person = self.index.people(ctx.scenario).get(bad.value) if isinstance(bad, ir.Literal) else None
                if person is not None:
                    notes.append(Note(f"write the {person.kind} without quotes: {good.text} = {bad.value}"))
                else:
                    notes.append(Note(f'compare its name: {good.text}.name = {_show(bad)}'))
            elif bt in RELATION_TYPES and gt == "text" and isinstance(bad, ir.FieldRef):
                notes.append(Note(f'compare its name: {bad.text}.name'))
            elif {gt, bt} == {"time", "datetime"} or {gt, bt} == {"time", "date"}:
                notes.append(Note("compare with a full date and time: 2026-03-09 09:30"))
            self.error("F205", f"cannot compare {_tw(gt)} with {_tw(bt)}", bad.span,
                       f"{_show(bad)} is {_tw(bt)}, but {_show(good)} is {_tw(gt)}", [*notes, *ctx.notes()])
            return
        if op in ("=", "!=", "<", "<=", ">", ">="):
            for a, b in ((left, right), (right, left)):
                self.check_choice_expr(a, b, ctx)

    def check_choice_expr(self, field: Any, value: Any, ctx: Ctx) -> None:
        """A value written for a list field: a text or a bare name must be one of its choices."""
        choices = self.choices_of(field, ctx)
        if not choices:
            return
        if isinstance(value, ir.Literal) and value.type == "text" and isinstance(value.value, str):
            self.check_choice(value.value, value.span, field.text, choices, ctx)
        elif isinstance(value, ir.FieldRef) and self.bare_name_type(value, ctx, choices) == "list":
            self.check_choice(value.path[0], value.span, field.text, choices, ctx)

    def check_contains(self, e: ir.Contains, ctx: Ctx) -> None:
        ct = self.type_of(e.container, ctx)
        it = self.type_of(e.item, ctx, self.choices_of(e.container, ctx))
        if ct is not None and ct not in ("text", "list"):
            notes = [Note(f"compare its name: {e.container.text}.name contains ...")] \
                if ct in RELATION_TYPES and isinstance(e.container, ir.FieldRef) else []
            self.error("F205", f"`contains` needs text, not {_tw(ct)}", e.container.span,
                       f"{_show(e.container)} is {_tw(ct)}",
                       [*notes, Note("`contains` looks for text in text, or for a choice in a list field"),
                        *ctx.notes()])
            return
        if ct is not None and it is not None and it not in ("text", "list"):
            self.error("F205", f"`contains` looks for text, not {_tw(it)}", e.item.span,
                       f"{_show(e.item)} is {_tw(it)}", ctx.notes())
            return
        self.check_choice_expr(e.container, e.item, ctx)

    def arith_type(self, e: ir.Arith, ctx: Ctx) -> str | None:
        types = [self.type_of(o, ctx) for o in e.operands]
        if not types:
            return None
        acc = types[0]
        for op, operand, t in zip(e.ops, e.operands[1:], types[1:]):
            if acc is None or t is None:
                acc = None
                continue
            result = _arith(acc, op, t)
            if result is None:
                verb = {"+": "add", "-": "subtract", "*": "multiply", "/": "divide"}.get(op, op)
                joiner = {"add": "and", "subtract": "from", "multiply": "by", "divide": "by"}[verb]
                a, b = (t, acc) if verb == "subtract" else (acc, t)
                self.error("F205", f"cannot {verb} {_tw(a)} {joiner} {_tw(b)}", operand.span,
                           f"{_show(operand)} is {_tw(t)}",
                           [Note("arithmetic works on numbers and money; a date or a date and time "
                                 "plus or minus a duration; and the difference of two dates"), *ctx.notes()])
                return None
            acc = result
        return acc

    def check_assign(self, ftype: str | None, choices: tuple[str, ...], value: Any, vtype: str | None,
                     field: str, span: Span, ctx: Ctx) -> None:
        """A value of type `vtype` written into a field of type `ftype` (F217, F213)."""
        if ftype is None or vtype is None:
            return
        if not _assignable(ftype, vtype):
            self.error("F217", f'cannot set "{field}" ({_tw(ftype)}) to {_tw(vtype)}', span,
                       f"{_show(value)} is {_tw(vtype)}", ctx.notes())
            return
        if ftype == "list" and isinstance(value, ir.Literal) and value.type == "text":
            self.check_choice(value.value, value.span, field, choices, ctx)
        elif ftype == "list" and isinstance(value, ir.FieldRef) and self.bare_name_type(value, ctx, choices) == "list":
            self.check_choice(value.path[0], value.span, field, choices, ctx)

    # ======================================================================== templates

    def check_template(self, t: Any, ctx: Ctx) -> None:
        if not isinstance(t, ir.Template):
            return
        for ph in t.placeholders:
            self.field_info(ph.path, ph.span, ctx, braces=True)

    def estimated_width(self, ph: ir.Placeholder, ctx: Ctx) -> int:
        if ctx.entity is None:
            return UNKNOWN_WIDTH
        typ, info = self.field_info(ph.path, ph.span, ctx, report=False)
        if len(ph.path) > 1:
            return SUBFIELD_WIDTH.get(ph.path[-1], PLACEHOLDER_WIDTH.get(typ or "", UNKNOWN_WIDTH))
        if typ == "list" and info is not None and info.choices:
            return max(len(c) for c in info.choices)
        return PLACEHOLDER_WIDTH.get(typ or "", UNKNOWN_WIDTH)

    def check_sms_text(self, param: ir.Param, ctx: Ctx) -> None:
        t = param.value
        if not isinstance(t, ir.Template):
            return
        limit = limits.SMS_MAX_LENGTH
        literal = t.literal_length
        if literal > limit:
            self.error("F211", f"the SMS text is too long ({literal} characters)", t.span,
                       f"{literal - limit} character{'s' if literal - limit != 1 else ''} over the limit of {limit}",
                       [Note(f"an SMS holds at most {limit} characters; shorten the text"), *ctx.notes()])
            return
        phs = t.placeholders
        if not phs:
            return
        widths = [(ph, self.estimated_width(ph, ctx)) for ph in phs]
        total = literal + sum(w for _, w in widths)
        if total > limit:
            parts = ", ".join(f"{{{ph.text}}} ~{w}" for ph, w in widths[:6]) + (", ..." if len(widths) > 6 else "")
            self.warning("F212", f"the SMS may be too long once its placeholders are filled in (about {total} characters)",
                         t.span, f"{literal} characters of text plus about {total - literal} from placeholders: "
                                 f"about {total - limit} over {limit}",
                         [Note(f"estimated placeholder widths: {parts}"),
                          Note(f"an SMS holds at most {limit} characters; shorten the text"), *ctx.notes()])

    # ======================================================================== pipelines and stages

    def check_single_pipelines(self) -> None:
        first: dict[str, ir.Pipeline] = {}
        for p in self.project.pipelines:
            ent = p.entity.value
            if ent not in schema.SINGLE_PIPELINE:
                continue
            if ent in first and first[ent].name.value != p.name.value:
                self.error("F120", f'a second pipeline for {ent}s', p.name.span,
                           f'{ent}s have only one pipeline; "{first[ent].name.value}" is already theirs',
                           [Note("first declared here", first[ent].name.span, "note"),
                            Note("add the stages to that pipeline, or use deals or a smart process for a second one")])
            first.setdefault(ent, p)

    def check_pipeline(self, pipeline: ir.Pipeline) -> None:
        known = self.check_entity_ref(pipeline.entity)
        entity = pipeline.entity.value if known else None
        if not pipeline.stages:
            self.error("F121", f'pipeline "{pipeline.name.value}" has no stages', pipeline.name.span,
                       "records need at least one stage to be in",
                       [Note("add stages: stage new \"New\" ... stage won \"Won\" success")])
            return
        pi = self.pipeline_ids[id(pipeline)]
        self.reached.add((pi, 0))
        for stage in pipeline.stages:
            self.check_stage(stage, pipeline, entity)
        self.check_overlapping_triggers(pipeline)

    def check_stage(self, stage: ir.Stage, pipeline: ir.Pipeline, entity: str | None) -> None:
        self._dups([r for r in stage.robots], "robot", self._placed_name)
        self._dups([t for t in stage.triggers if t.name is not None], "trigger", self._placed_name)
        names = list(self.index.robot_defs) + list(self.index.trigger_defs)
        for ref in stage.unresolved:
            notes = list(did_you_mean(ref.name.value, names))
            if not names:
                notes.append(Note(f"define it at the top level: robot {ref.name.value}: ... or trigger {ref.name.value}: ..."))
            self.error("F107", f'unknown robot or trigger "{ref.name.value}"', ref.name.span,
                       "no reusable robot or trigger with this name", notes)
        for i, robot in enumerate(stage.robots):
            ctx = Ctx(pipeline, stage, entity, robot.used_at)
            self.check_robot(robot, ctx, first=(i == 0))
        for trigger in stage.triggers:
            ctx = Ctx(pipeline, stage, entity, trigger.used_at)
            self.check_trigger(trigger, ctx)
            self.check_trigger_can_fire(trigger, stage, pipeline, ctx)

    def resolve(self, ref: ir.StageRef | None, current: ir.Pipeline | None, ctx: Ctx,
                entity: str | None = None) -> tuple[ir.Pipeline, ir.Stage] | None:
        """Resolve a stage reference, reporting F102/F104/F123."""
        if ref is None or ref.stage is None:
            return None
        if ref.pipeline is not None:
            p = self.index.pipelines.get(ref.pipeline.value)
            if p is None:
                self.error("F102", f'unknown pipeline "{ref.pipeline.value}"', ref.pipeline.span,
                           "no pipeline with this name",
                           [*did_you_mean(ref.pipeline.value, self.index.pipelines), *ctx.notes()])
                return None
            s = p.stage(ref.stage.value)
            if s is None:
                self.error("F104", f'unknown stage "{ref.stage.value}"', ref.stage.span,
                           f'no stage with this name in pipeline "{p.name.value}"',
                           [*did_you_mean(ref.stage.value, self.index.stage_names(p)), *ctx.notes()])
                return None
            return p, s
        if current is not None:
            s = current.stage(ref.stage.value)
            if s is None:
                other = [p for p in self.index.pipelines.values()
                         if p is not current and p.stage(ref.stage.value) is not None]
                notes = list(did_you_mean(ref.stage.value, self.index.stage_names(current)))
                if other:
                    notes.append(Note(f'for the stage of another pipeline, write '
                                      f'{other[0].name.value}.{ref.stage.value}'))
                self.error("F104", f'unknown stage "{ref.stage.value}"', ref.stage.span,
                           f'no stage with this name in pipeline "{current.name.value}"', [*notes, *ctx.notes()])
                return None
            return current, s
        pipelines = [p for p in self.index.pipelines.values() if entity is None or p.entity.value == entity]
        found = [(p, p.stage(ref.stage.value)) for p in pipelines if p.stage(ref.stage.value) is not None]
        if len(found) == 1:
            return found[0]  # type: ignore[return-value]
        if len(found) > 1:
            self.error("F123", f'stage "{ref.stage.value}" is in several pipelines', ref.stage.span,
                       f"pipelines {_quote_list(p.name.value for p, _ in found)} all have this stage",
                       [Note(f"name the pipeline: {found[0][0].name.value}.{ref.stage.value}"), *ctx.notes()])
            return None
        if entity is not None and not pipelines:
            self.error("F104", f'unknown stage "{ref.stage.value}"', ref.stage.span,
                       f'there is no pipeline for {entity}s', ctx.notes())
            return None
        everything = sorted({s.name.value for p in pipelines for s in p.stages})
        anywhere = [p for p in self.index.pipelines.values() if p.stage(ref.stage.value) is not None]
        if anywhere and entity is not None:
            return anywhere[0], anywhere[0].stage(ref.stage.value)  # another entity's: the caller says so
        self.error("F104", f'unknown stage "{ref.stage.value}"', ref.stage.span,
                   "no stage with this name" + (f" in a pipeline for {entity}s" if entity else ""),
                   [*did_you_mean(ref.stage.value, everything), *ctx.notes()])
        return None

    def _key(self, pipeline: ir.Pipeline, stage: ir.Stage) -> tuple[int, int]:
        return (self.pipeline_ids.get(id(pipeline), -1), stage.index)

    def _stage_label(self, key: tuple[int, int], qualify: bool) -> str:
        p = self.project.pipelines[key[0]]
        s = p.stages[key[1]]
        return f"{p.name.value}.{s.name.value}" if qualify else s.name.value

    # ======================================================================== robots

    def check_robot(self, robot: ir.Robot, ctx: Ctx, first: bool = False) -> None:
        self.check_params(robot, ctx)
        self.check_action(robot, ctx)
        self.check_timing(robot, ctx, first)
        if robot.condition is not None:
            self.check_condition(robot.condition, ctx)

    def check_params(self, robot: ir.Robot, ctx: Ctx) -> None:
        action = robot.action
        spec = schema.ACTIONS.get(action.kind)
        if spec is None:
            return
        words = spec["words"]
        takes: dict[str, str] = spec["params"]
        in_block = [p for p in takes if BLOCK_PARAM_KINDS.get(p) == takes[p]]
        seen: dict[str, ir.Param] = {}
        for param in action.params:
            kind = takes.get(param.name)
            if kind is None or (param.value is not None and not _kind_ok(kind, param.value)):
                if kind is None:
                    summary = f'{words} does not take "{_words(param.name)}"'
                    detail = f'not a parameter of {words}'
                else:
                    summary = f'{words} does not take "{_words(param.name)}" here'
                    detail = INLINE_HINTS.get((action.kind, param.name),
                                              f"the {_words(param.name)} is written with the action, not in {{ }}")
                takes_words = _plain_list(_words(p) for p in in_block)
                notes = [Note(f"{words} takes: {takes_words}" if in_block else f"{words} takes no parameters in {{ }}")]
                self.error("F114", summary, param.span, detail, [*notes, *ctx.notes()])
                continue
            first_param = seen.get(param.name)
            if first_param is not None:
                self.error("F122", f'parameter "{_words(param.name)}" is given twice', param.span,
                           "given again here", [Note("first given here", first_param.span, "note"), *ctx.notes()])
                continue
            seen[param.name] = param
        for req in spec.get("required", ()):
            if req not in seen:
                example = PARAM_SYNTAX_HINT.get((action.kind, req), schema.PARAM_SYNTAX.get(req, _words(req)))
                self.error("F115", f"{words} needs a {_words(req)}", action.span,
                           f"no {_words(req)} given", [Note(f"add it: {example}"), *ctx.notes()])

    def check_action(self, robot: ir.Robot, ctx: Ctx) -> None:
        action = robot.action
        kind = action.kind
        for param in action.params:
            v = param.value
            if v is None:
                continue
            if isinstance(v, ir.Template):
                self.check_template(v, ctx)
            if param.name in ("to", "responsible"):
                if isinstance(v, ir.Recipient):
                    self.check_recipient(v, ctx)
                elif isinstance(v, tuple):
                    for r in v:
                        self.check_recipient(r, ctx)
            if param.name in ("invite", "observers") and isinstance(v, tuple):
                for n in v:
                    if isinstance(n, ir.Name):
                        self.check_employee(n, ctx)
            choices = PARAM_CHOICES.get(param.name)
            if choices and isinstance(v, ir.Name) and v.value not in choices:
                self.error("F221", f'unknown {_words(param.name)} "{v.value}"', v.span,
                           f"{_words(param.name)} is one of {_plain_list(choices)}",
                           [*did_you_mean(v.value, choices), *ctx.notes()])
            if param.name == "to" and isinstance(v, ir.AddressChoice):
                self.check_address_choice(v, kind, ctx)
            if param.name == "from" and isinstance(v, str) and v != "auto":
                self.check_email(v, param.span, "the sender")
            if param.name == "attach" and isinstance(v, tuple):
                for a in v:
                    if isinstance(a, ir.Attachment) and a.kind == "field":
                        self.check_attachment(a, ctx)
            if param.name in ("volume", "speed") and isinstance(v, (int, float)):
                lo, hi = limits.CALL_VOLUME_RANGE if param.name == "volume" else limits.CALL_SPEED_RANGE
                if not (lo <= v <= hi) or int(v) != v:
                    self.error("F208", f"{param.name} {v} is out of range", param.span,
                               f"{param.name} is a whole number from {lo} to {hi}", ctx.notes())
            if param.name == "link" and isinstance(v, ir.Template):
                self.check_url(_template_probe(v), v.span, "a link", bool(v.placeholders), v.raw)
        if kind in ("send_sms", "invite"):
            p = action.param("text")
            if p is not None:
                self.check_sms_text(p, ctx)
        if kind == "make_call":
            self.check_call(action, ctx)
        elif kind == "webhook":
            p = action.param("url")
            if p is not None and isinstance(p.value, str):
                self.check_url(p.value, p.span, "a webhook")
        elif kind == "create_document":
            self.check_template_ref(action.get("template"), ctx)
        elif kind == "set_field":
            self.check_set(action, ctx)
        elif kind == "move_to":
            self.check_move(robot, ctx)
        elif kind == "copy_record":
            self.check_copy(robot, ctx)

    def check_address_choice(self, v: ir.AddressChoice, kind: str, ctx: Ctx) -> None:
        spec = ADDRESS_TYPES.get(kind)
        if spec is not None and v.type is not None:
            what, types = spec
            allowed = (*types, "auto")
            if v.type.value not in allowed:
                self.error("F219", f'"{v.type.value}" is not a type of {what}', v.type.span,
                           f"{_action_words(kind)} sends to {'an' if what[0] == 'e' else 'a'} {what}: "
                           f"{_plain_list(allowed)}",
                           [*did_you_mean(v.type.value, allowed), *ctx.notes()])
        if v.which is not None and v.which.value not in ADDRESS_WHICH:
            self.error("F220", f'"{v.which.value}" is not first or last', v.which.span,
                       "when the client has several, `first` or `last` says which one",
                       [*did_you_mean(v.which.value, ADDRESS_WHICH), *ctx.notes()])

    def check_attachment(self, a: ir.Attachment, ctx: Ctx) -> None:
        if a.value in self.index.templates:
            return  # the document created from this template
        if ctx.entity is None:
            return
        fields = self.index.fields(ctx.entity)
        info = fields.get(a.value)
        if info is None:
            candidates = [n for n, f in fields.items() if f.type == "file"] + list(self.index.templates)
            self.error("F105", f'unknown field "{a.value}"', a.span,
                       f"not a file field of {self._entity_desc(ctx.entity)}, nor a document template",
                       [*did_you_mean(a.value, candidates),
                        Note('attach a file field, a document template, or a file by name: attach "price-list.pdf"'),
                        *ctx.notes()])
        elif info.type != "file":
            self.error("F217", f'field "{a.value}" is not a file', a.span,
                       f'"{a.value}" is {_tw(info.type)}', [Note("only file fields can be attached"), *ctx.notes()])

    def check_call(self, action: ir.Action, ctx: Ctx) -> None:
        play = action.param("play")
        if play is not None and isinstance(play.value, str):
            url = play.value
            m = _URL.match(url)
            ok = (m is not None and m.group("scheme").lower() in ("http", "https") and bool(m.group("host"))
                  and _HOST.match(m.group("host")) is not None
                  and re.search(r"\.mp3\Z", (m.group("rest") or "").split("?")[0].split("#")[0], re.I) is not None)
            if not ok:
                self.error("F209", "the call audio is not an .mp3 URL", play.span,
                           "`make call play` needs the public URL of an .mp3 file",
                           [Note('write it like "https://example.com/audio/thanks.mp3"'), *ctx.notes()])
            for name in ("voice", "volume", "speed"):
                p = action.param(name)
                if p is not None:
                    self.error("F114", f'make call play does not take "{name}"', p.span,
                               f"{name} is for `make call say`: a recorded file plays as it is", ctx.notes())

    def check_template_ref(self, name: Any, ctx: Ctx) -> None:
        if not isinstance(name, ir.Name):
            return
        if name.value not in self.index.templates:
            notes = list(did_you_mean(name.value, self.index.templates))
            if not self.index.templates:
                notes.append(Note(f'declare it: template {name.value} "Title"'))
            self.error("F109", f'unknown document template "{name.value}"', name.span,
                       "no template with this name", [*notes, *ctx.notes()])

    def check_form_ref(self, name: Any, ctx: Ctx, callback: bool = False) -> None:
        if not isinstance(name, ir.Name):
            return
        form = self.index.forms.get(name.value)
        if form is None:
            notes = list(did_you_mean(name.value, self.index.forms))
            if not self.index.forms:
                notes.append(Note(f'declare it: form {name.value} "Title"'))
            self.error("F108", f'unknown form "{name.value}"', name.span, "no form with this name",
                       [*notes, *ctx.notes()])
        elif callback and not form.callback:
            callbacks = [n for n, f in self.index.forms.items() if f.callback]
            self.error("F124", f'form "{name.value}" is not a callback form', name.span,
                       "`callback requested` only fires for callback forms",
                       [Note("declared here", form.name.span, "note"),
                        Note(f"declare it with `callback` (form {name.value} \"...\" callback), "
                             "or use `form submitted`"
                             + (f"; callback forms: {_plain_list(callbacks)}" if callbacks else "")),
                        *ctx.notes()])

    def check_set(self, action: ir.Action, ctx: Ctx) -> None:
        fp = action.param("field")
        vp = action.param("value")
        ref = fp.value if fp is not None else None
        value = vp.value if vp is not None else None
        if not isinstance(ref, ir.FieldRef):
            self.type_of(value, ctx)
            return
        self.check_field_write(ref, value, ctx, "set")

    def check_field_write(self, ref: ir.FieldRef, value: Any, ctx: Ctx, how: str) -> None:
        """`set FIELD = value` (a robot, or a scenario event)."""
        if len(ref.path) > 1:
            self.type_of(value, ctx)
            ftype, _ = self.field_info(ref.path, ref.span, ctx)
            if ftype is not None or ctx.entity is None:
                self.error("F216", f'cannot {how} "{ref.text}"', ref.span,
                           "only the record's own fields can be set, not those of a related person",
                           ctx.notes())
            return
        ftype, info = self.field_info(ref.path, ref.span, ctx)
        vtype = self.type_of(value, ctx, self.choices_of(ref, ctx), ftype) if value is not None else None
        name = ref.path[0]
        if info is not None and info.builtin and name in READ_ONLY:
            self.error("F216", f'cannot {how} the built-in field "{name}"', ref.span,
                       f'"{name}" is read-only', [Note(READ_ONLY[name]), *ctx.notes()])
            return
        if value is not None:
            self.check_assign(ftype, info.choices if info else (), value, vtype, name,
                              getattr(value, "span", ref.span), ctx)

    def check_move(self, robot: ir.Robot, ctx: Ctx) -> None:
        p = robot.action.param("stage")
        if p is None or not isinstance(p.value, ir.StageRef):
            return
        if ctx.pipeline is None:
            # A reusable robot: a qualified target can be checked on its own.
            if p.value.pipeline is not None:
                self.resolve(p.value, None, ctx)
            return
        found = self.resolve(p.value, ctx.pipeline, ctx)
        if found is None:
            return
        tp, ts = found
        src = self._key(ctx.pipeline, ctx.stage)
        dst = self._key(tp, ts)
        self.reached.add(dst)
        if tp.entity.value != ctx.pipeline.entity.value and ctx.entity is not None:
            self.error("F406", f'pipeline "{tp.name.value}" is for {tp.entity.value}s, not {ctx.pipeline.entity.value}s',
                       p.value.span, f"a {ctx.pipeline.entity.value} cannot be moved into it",
                       [Note("a record moves only between pipelines of its own entity"), *ctx.notes()])
            return
        if src == dst:
            self.warning("F405", f'robot "{robot.name.value}" moves the record to its own stage', p.value.span,
                         f'the record is already in "{ts.name.value}"',
                         [Note("moving a record to the stage it is in does nothing; remove the robot or pick another stage"),
                          *ctx.notes()])
            return
        if ctx.stage is not None and ctx.stage.final is not None:
            self.note("F407", f'robot "{robot.name.value}" moves the record out of final stage "{ctx.stage.name.value}"',
                      p.value.span, "the closed record is reopened", ctx.notes())
        self.edges.append(Edge(src, dst, f'robot "{robot.name.value}" on "{self._stage_label(src, False)}" moves '
                                         f'the record to "{self._stage_label(dst, src[0] != dst[0])}"',
                               robot.used_at or robot.name.span, "move"))

    def check_copy(self, robot: ir.Robot, ctx: Ctx) -> None:
        action = robot.action
        ent = action.get("entity")
        known = isinstance(ent, ir.Name) and self.check_entity_ref(ent)
        if known and ctx.pipeline is not None and ent.value != ctx.pipeline.entity.value:
            self.error("F406", f"a {ctx.pipeline.entity.value} cannot be copied as a {ent.value}", ent.span,
                       f'this pipeline is for {ctx.pipeline.entity.value}s', [
                           Note(f"write `copy {ctx.pipeline.entity.value}`: a copy is a record of the same entity"),
                           *ctx.notes()])
            return
        p = action.param("stage")
        if p is None or not isinstance(p.value, ir.StageRef):
            return
        if ctx.pipeline is None:
            if p.value.pipeline is not None:
                found = self.resolve(p.value, None, ctx)
                if found and known and found[0].entity.value != ent.value:
                    self._copy_entity_error(found[0], ent.value, p.value.span, ctx)
            return
        found = self.resolve(p.value, ctx.pipeline, ctx)
        if found is None:
            return
        tp, ts = found
        entity = ent.value if known else ctx.pipeline.entity.value
        if tp.entity.value != entity:
            if known or ctx.entity is not None:
                self._copy_entity_error(tp, entity, p.value.span, ctx)
            return
        src, dst = self._key(ctx.pipeline, ctx.stage), self._key(tp, ts)
        self.reached.add(dst)
        self.edges.append(Edge(src, dst, f'robot "{robot.name.value}" on "{self._stage_label(src, False)}" copies '
                                         f'the record to "{self._stage_label(dst, src[0] != dst[0])}"'
                                         + (" (every copy is copied again)" if src == dst else ""),
                               robot.used_at or robot.name.span, "copy"))

    def _copy_entity_error(self, tp: ir.Pipeline, entity: str, span: Span, ctx: Ctx) -> None:
        self.error("F406", f'pipeline "{tp.name.value}" is for {tp.entity.value}s, not {entity}s', span,
                   f"a {entity} cannot be copied into it",
                   [Note(f"copy into a pipeline for {entity}s"), *ctx.notes()])

    # ======================================================================== timing

    def check_timing(self, robot: ir.Robot, ctx: Ctx, first: bool) -> None:
        t = robot.timing
        if t is None:
            return
        kinds = t.clause_kinds or ()
        spans = t.clauses or ()
        written: list[tuple[str, Span]] = list(zip(kinds, spans))
        for j, (kj, sj) in enumerate(written):
            for ki, si in written[:j]:
                why = _timing_conflict(ki, kj)
                if why is None:
                    continue
                if ki == kj:
                    summary = f'timing "{_CLAUSE_WORDS.get(kj, kj)}" is given twice'
                else:
                    summary = f'conflicting timing: "{_CLAUSE_WORDS.get(ki, ki)}" and "{_CLAUSE_WORDS.get(kj, kj)}"'
                notes = [] if si.line == sj.line else [Note("the other clause", si, "note")]
                notes.append(Note("a robot waits for one of `after <duration>`, `<duration> before/after <field>` "
                                  "or `at <date> <time>`, then maybe `at <time>` and `in <calendar> hours`; "
                                  "`after previous` may come first"))
                self.error("F305", summary, sj, why, [*notes, *ctx.notes()])
                break
        if t.calendar is not None and t.calendar.value not in self.index.calendars:
            notes = list(did_you_mean(t.calendar.value, self.index.calendars))
            if not self.index.calendars:
                notes.append(Note(f"declare it: calendar {t.calendar.value} {{ hours mon-fri 09:00-18:00 }}"))
            self.error("F106", f'unknown calendar "{t.calendar.value}"', t.calendar.span,
                       "no calendar with this name", notes)
        cal = self.index.calendars.get(t.calendar.value) if t.calendar is not None else None
        if cal is not None and t.at_time is not None and t.at_time_span is not None:
            self.check_time_in_hours(t.at_time, t.at_time_span, cal, ctx)
        rel = t.relative
        if rel is not None and rel.field is not None:
            typ, info = self.field_info(rel.field.path, rel.field.span, ctx)
            if typ is not None and typ not in schema.TEMPORAL:
                self.error("F302", f'"{rel.field.text}" is not a date', rel.field.span,
                           f'"{rel.field.text}" is {_tw(typ)}: "{rel.direction}" needs a date or date-and-time field',
                           ctx.notes())
            elif typ is not None and info is not None and info.optional:
                self.warning("F303", f'"{rel.field.text}" may be empty', rel.field.span,
                             "it may be empty; the robot then fails",
                             [Note(f'declare it without `optional`, or make sure every record has a {rel.field.text}'),
                              *ctx.notes()])
        if t.after_previous is not None and first and ctx.stage is not None:
            where, notes = t.after_previous, [Note("remove `after previous`, or move the robot after another one")]
            if ctx.used_at is not None:
                where = ctx.used_at
                notes.insert(0, Note("the robot waits for the previous one here", t.after_previous, "note"))
            self.error("F304", f'robot "{robot.name.value}" waits for the previous robot, but it is the first',
                       where, f'there is no previous robot in stage "{ctx.stage.name.value}"', notes)

    def check_time_in_hours(self, when: dt.time, span: Span, cal: ir.Calendar, ctx: Ctx) -> None:
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
        self.error("F309", f'{when:%H:%M} is never working time in calendar "{cal.name.value}"', span,
                   f"the robot would wait for a {when:%H:%M} that is inside {cal.name.value} hours: there is none",
                   [Note(f"{cal.name.value} hours are {hours}"),
                    Note("choose a time inside the hours, or drop `in ... hours`"), *ctx.notes()])

    # ======================================================================== triggers

    def check_trigger(self, trigger: ir.Trigger, ctx: Ctx) -> None:
        self.check_event(trigger.event, ctx)
        if trigger.condition is not None:
            self.check_condition(trigger.condition, ctx)

    def check_event(self, ev: ir.Event | None, ctx: Ctx) -> None:
        if ev is None:
            return
        k = ev.kind
        if k == "field_changed" and isinstance(ev.arg, tuple):
            for n in ev.arg:
                if isinstance(n, ir.Name):
                    self.field_info((n.value,), n.span, ctx)
        elif k in ("form_submitted", "callback"):
            self.check_form_ref(ev.arg, ctx, callback=(k == "callback"))
        elif k in ("document_created", "document_opened"):
            self.check_template_ref(ev.arg, ctx)
        elif k == "task_status" and isinstance(ev.arg, ir.Name):
            if ev.arg.value not in schema.TASK_STATUSES:
                self.error("F119", f'unknown task status "{ev.arg.value}"', ev.arg.span,
                           f"task statuses are {_plain_list(schema.TASK_STATUSES)}",
                           [*did_you_mean(ev.arg.value, schema.TASK_STATUSES), *ctx.notes()])
        elif k == "link_clicked" and isinstance(ev.arg, ir.Name):
            self.check_url(ev.arg.value, ev.arg.span, "the link")

    def check_trigger_can_fire(self, trigger: ir.Trigger, stage: ir.Stage, pipeline: ir.Pipeline, ctx: Ctx) -> None:
        can_fire = any(self._trigger_moves(s, stage, trigger.allow_back) for s in pipeline.stages)
        where = trigger.used_at or trigger.event.span
        if can_fire:
            self.reached.add(self._key(pipeline, stage))
            return
        if len(pipeline.stages) == 1:
            why = "the pipeline has no other stage to move records from"
            help_ = "add stages to the pipeline"
        elif stage.index == 0:
            why = "a trigger only moves records forward, and nothing is before the first stage"
            help_ = "add `allow back` to bring records back to this stage, or put the trigger on a later stage"
        else:
            why = "every stage before it is final: a closed record only moves with `allow back`"
            help_ = "add `allow back`, or put the trigger on a later stage"
        self.warning("F401", f'trigger "{_event_text(trigger)}" on "{stage.name.value}" can never fire', where,
                     why, [Note(help_), *ctx.notes()])

    @staticmethod
    def _trigger_moves(src: ir.Stage, dst: ir.Stage, allow_back: bool) -> bool:
        """Whether a trigger on `dst` may move a record that is in `src`."""
        if src is dst:
            return False
        if allow_back:
            return True
        return src.final is None and src.index < dst.index

    def check_overlapping_triggers(self, pipeline: ir.Pipeline) -> None:
        """F404.  Triggers overlap when they fire on the same event (same kind,
        and the same form/line/... or one of them for any; for `field ...
        changed`, a shared field).  Each trigger is reported once: as repeating
        the first overlapping trigger before it on the same stage, else as
        losing to the nearest overlapping trigger on a later stage (the
        furthest stage wins).  Linear in the number of triggers: each one's
        partner comes from scans over its event groups, never from all pairs."""
        placed = [(s, t) for s in pipeline.stages for t in s.triggers if t.event is not None]
        # Groups of mutually comparable triggers, in pipeline order.  Within a
        # field group every pair overlaps; within a kind group two triggers
        # overlap when their arguments are equal or one of them has none.
        groups: dict[tuple, list[int]] = {}
        for n, (s, t) in enumerate(placed):
            if t.event.kind == "field_changed":
                for f in sorted(_event_arg(t.event) or ()):
                    groups.setdefault(("field", f), []).append(n)
            else:
                groups.setdefault(("kind", t.event.kind), []).append(n)
        args = [None if t.event.kind == "field_changed" else _event_arg(t.event) for _, t in placed]
        stage_of = [s.index for s, _ in placed]
        first_before: dict[int, int] = {}   # n -> first overlapping trigger before it, same stage
        next_after: dict[int, int] = {}     # n -> nearest overlapping trigger after it, later stage
        for key, members in groups.items():
            field = key[0] == "field"
            # Forward, per stage: the first member seen with each argument, and the first at all.
            first_any: dict[int, int] = {}
            first_none: dict[int, int] = {}
            first_arg: dict[tuple[int, Any], int] = {}
            for n in members:
                st = stage_of[n]
                if field:
                    cand = first_any.get(st)
                else:
                    options = [first_none.get(st)]
                    options.append(first_any.get(st) if args[n] is None else first_arg.get((st, args[n])))
                    cand = min((c for c in options if c is not None), default=None)
                if cand is not None and cand < n:
                    first_before[n] = min(first_before.get(n, cand), cand)
                first_any.setdefault(st, n)
                if args[n] is None:
                    first_none.setdefault(st, n)
                else:
                    first_arg.setdefault((st, args[n]), n)
            # Backward: the nearest member on a later stage (with an overlapping
            # argument).  Members of the stage being scanned wait in `pending`
            # until the scan reaches an earlier stage.
            near_any = near_none = None
            near_arg: dict[Any, int] = {}
            pending: list[int] = []
            for n in reversed(members):
                if pending and stage_of[pending[-1]] != stage_of[n]:
                    for m in pending:  # descending: the nearest is written last
                        near_any = m
                        if args[m] is None:
                            near_none = m
                        else:
                            near_arg[args[m]] = m
                    pending = []
                if field:
                    cand = near_any
                else:
                    options = [near_none, near_any if args[n] is None else near_arg.get(args[n])]
                    cand = min((c for c in options if c is not None), default=None)
                if cand is not None:
                    next_after[n] = min(next_after.get(n, cand), cand)
                pending.append(n)
        for n, (sn, tn) in enumerate(placed):
            if n in first_before:
                k = first_before[n]
                sk, tk = placed[k]
                what = self._overlap_words(tk.event, tn.event)
                self.warning("F404", f'two triggers on "{sn.name.value}" fire on "{what}"',
                             tn.used_at or tn.event.span, "this trigger repeats the one before",
                             [Note("the other trigger", tk.used_at or tk.event.span, "note"),
                              Note("remove one of them")])
            elif n in next_after:
                m = next_after[n]
                sm, tm = placed[m]
                what = self._overlap_words(tn.event, tm.event)
                self.warning("F404", f'triggers on "{sn.name.value}" and "{sm.name.value}" both fire on "{what}"',
                             tn.used_at or tn.event.span,
                             f'when both match, the record goes to "{sm.name.value}" (the furthest stage wins)',
                             [Note(f'the trigger on "{sm.name.value}"', tm.used_at or tm.event.span, "note"),
                              Note("give the triggers different events, forms or fields, or remove one")])

    @staticmethod
    def _overlap_words(a: ir.Event, b: ir.Event) -> str:
        if a.kind == "field_changed":
            shared = sorted(_event_arg(a) & _event_arg(b))
            return f"field{'s' if len(shared) > 1 else ''} {', '.join(shared)} changed"
        return _event_words(a if _event_arg(b) is None else b)

    # ======================================================================== reachability and loops

    def check_reachability(self) -> None:
        for pi, p in enumerate(self.project.pipelines):
            if self.index.pipelines.get(p.name.value) is not p:
                continue  # a duplicate pipeline (F101)
            for s in p.stages[1:]:
                if s.final is not None or (pi, s.index) in self.reached:
                    continue
                if self.index.pipelines.get(p.name.value) is not p or p.stage(s.name.value) is not s:
                    continue
                self.warning("F402", f'no automation moves records into stage "{s.name.value}"', s.name.span,
                          "records reach it only when someone moves them by hand",
                          [Note(f"add a trigger to the stage, or a robot that moves records here: move to {s.name.value}")])

    def _event_edges(self) -> None:
        """Edges through events: a robot on S causes an event that a trigger on T
        matches, and that trigger may move the record from S to T."""
        for pi, p in enumerate(self.project.pipelines):
            by_kind: dict[str, list[tuple[ir.Stage, ir.Trigger]]] = {}
            by_field: dict[str, list[tuple[ir.Stage, ir.Trigger]]] = {}
            for t_stage in p.stages:
                for trig in t_stage.triggers:
                    if trig.event is None:
                        continue
                    by_kind.setdefault(trig.event.kind, []).append((t_stage, trig))
                    if trig.event.kind == "field_changed":
                        for f in _event_arg(trig.event) or ():
                            by_field.setdefault(f, []).append((t_stage, trig))
            for s in p.stages:
                for robot in s.robots:
                    ev = schema.ACTION_EVENTS.get(robot.action.kind)
                    if ev is None:
                        continue
                    if ev == "field_changed":
                        ref = robot.action.get("field")
                        candidates = by_field.get(ref.path[0], []) if isinstance(ref, ir.FieldRef) and ref.path else []
                    else:
                        candidates = by_kind.get(ev, [])
                    for t_stage, trig in candidates:
                        if t_stage is s or not self._trigger_moves(s, t_stage, trig.allow_back):
                            continue
                        cause = _robot_effect(robot, trig.event)
                        if cause is None:
                            continue
                        self.edges.append(Edge(
                            (pi, s.index), (pi, t_stage.index),
                            f'robot "{robot.name.value}" on "{s.name.value}" {cause}, which fires trigger '
                            f'"{_event_text(trig)}" on "{t_stage.name.value}"',
                            robot.used_at or robot.name.span, "event"))

    def check_loops(self) -> None:
        self._event_edges()
        first_edge: dict[tuple, Edge] = {}
        succ: dict[tuple[int, int], list[tuple[int, int]]] = {}
        for e in self.edges:
            if (e.src, e.dst) not in first_edge:
                first_edge[(e.src, e.dst)] = e
                succ.setdefault(e.src, []).append(e.dst)
        cycles = _simple_cycles(succ, limit=50)
        for cycle in cycles:
            edges = [first_edge[(cycle[i], cycle[(i + 1) % len(cycle)])] for i in range(len(cycle))]
            qualify = len({k[0] for k in cycle}) > 1
            names = [self._stage_label(k, qualify) for k in cycle] + [self._stage_label(cycle[0], qualify)]
            summary = "stages " + " -> ".join(f'"{n}"' for n in names) + " form a loop"
            notes = [Note(e.text, e.span, "note") for e in edges[1:]]
            notes.append(Note("a record would go round this loop for ever; add a condition that stops it"))
            self.warning("F403", summary, edges[0].span, edges[0].text, notes)

    # ======================================================================== scenarios

    def check_scenario(self, sc: ir.Scenario) -> None:
        self._dups(sc.records, "record")
        self._dups(sc.people, lambda p: p.kind)
        for person in sc.people:
            top = self.index.employees.get(person.name.value)
            if top is not None and top is not person and any(top is e for e in self.top_employees):
                self.error("F101", f'duplicate employee "{person.name.value}"', person.name.span,
                           "an employee with this name is already declared",
                           [Note("first declared here", top.name.span, "note")])
            self.check_person(person, sc)
        for ch in sc.channels:
            if ch.kind is not None and ch.kind.value not in schema.CHANNELS:
                self.error("F116", f'unknown channel "{ch.kind.value}"', ch.kind.span,
                           f"channels are {_plain_list(schema.CHANNELS)}",
                           did_you_mean(ch.kind.value, schema.CHANNELS))
        if sc.start is None:
            if sc.start_span is None:
                self.error("F502", f'scenario "{sc.name.value}" has no start', sc.name.span,
                           "a scenario needs a `start`", [Note("say when it starts: start 2026-03-09 09:00")])
        records: dict[str, tuple[ir.RecordDecl, ir.Pipeline | None, str | None]] = {}
        for i, rec in enumerate(sc.records):
            if i == limits.MAX_RECORDS_PER_SCENARIO:
                self.error("F505", f"too many records in scenario \"{sc.name.value}\"", rec.name.span,
                           f"a scenario may have at most {limits.MAX_RECORDS_PER_SCENARIO:,} records",
                           [Note("split the scenario in several")])
            info = self.check_record(rec, sc)
            records.setdefault(rec.name.value, info)
        for h in sc.happenings:
            self.check_happening(h, sc, records)
        for x in sc.expectations:
            self.check_expectation(x, sc, records)
        self.check_horizon(sc)

    def check_record(self, rec: ir.RecordDecl, sc: ir.Scenario) -> tuple[ir.RecordDecl, ir.Pipeline | None, str | None]:
        known = self.check_entity_ref(rec.entity)
        entity = rec.entity.value if known else None
        ctx = Ctx(entity=entity, scenario=sc)
        pipeline = None
        if known:
            found = self.resolve(rec.stage, None, ctx, entity=entity)
            if found is not None:
                tp, ts = found
                if tp.entity.value != entity:
                    self.error("F508", f'pipeline "{tp.name.value}" is for {tp.entity.value}s, not {entity}s',
                               rec.stage.span, f"a {entity} cannot start in this stage",
                               [Note(f"put the record in a stage of a pipeline for {entity}s")])
                else:
                    pipeline = tp
                    self.reached.add(self._key(tp, ts))
        given: set[str] = set()
        for rv in rec.values:
            given.add(rv.name.value)
            self.check_record_value(rv, ctx, sc)
        if entity is not None:
            decl = self.index.entities.get(entity)
            missing = [f.name.value for f in (decl.fields if decl else ())
                       if not f.optional and f.name.value not in schema.BUILTIN_FIELDS and f.name.value not in given]
            missing = list(dict.fromkeys(missing))
            if missing:
                self.warning("F509", f'record "{rec.name.value}" has no {_plain_list(missing)}', rec.name.span,
                             f"{'this field is' if len(missing) == 1 else 'these fields are'} required for {entity}s",
                             [Note("give " + ", ".join(f"{m} ..." for m in missing) + " in the record's { }, "
                                   "or declare the field `optional`")])
        seen_values: dict[str, ir.RecordValue] = {}
        for rv in rec.values:
            first = seen_values.setdefault(rv.name.value, rv)
            if first is not rv:
                self.error("F101", f'field "{rv.name.value}" is given twice', rv.name.span,
                           "given again here", [Note("first given here", first.name.span, "note")])
        return rec, pipeline, entity

    def check_record_value(self, rv: ir.RecordValue, ctx: Ctx, sc: ir.Scenario) -> None:
        name = rv.name.value
        if ctx.entity is None:
            return
        ftype, info = self.field_info((name,), rv.name.span, ctx)
        if info is None:
            return
        if info.builtin and name in ("stage", "pipeline"):
            self.error("F216", f'cannot give the built-in field "{name}"', rv.name.span,
                       f'"{name}" is read-only', [Note("the record's stage is the one after `in`")])
            return
        values = rv.values
        if len(values) > 1 and ftype != "contact":
            self.error("F217", f'field "{name}" takes one value', getattr(values[1], "span", rv.span),
                       f"{len(values)} values given", [])
        people = self.index.people(sc)
        for v in values:
            if ftype in RELATION_TYPES:
                if not isinstance(v, ir.Name):
                    self.error("F217", f'field "{name}" needs {_tw(ftype)}', getattr(v, "span", rv.span),
                               f"write the name of {_tw(ftype)} declared in the scenario")
                    continue
                person = people.get(v.value)
                allowed = ("contact", "company") if ftype == "client" else (ftype,)
                if ftype == "employee":
                    self.check_employee(v, ctx, f'field "{name}"')
                elif person is None:
                    self.unknown_person(v, ftype, ctx)
                elif person.kind not in allowed:
                    self.error("F217", f'"{v.value}" is {_tw(person.kind)}, not {_tw(ftype)}', v.span,
                               f'field "{name}" needs {_tw(ftype)}')
                continue
            if isinstance(v, ir.Name):
                if ftype == "list":
                    self.check_choice(v.value, v.span, name, info.choices, ctx)
                else:
                    self.error("F217", f'field "{name}" needs {_tw(ftype)}, not a name', v.span,
                               f'"{v.value}" is not a value of {_tw(ftype)}',
                               [Note('write text in quotes: "..."')] if ftype == "text" else [])
                continue
            vtype = self.type_of(v, ctx)
            if ftype == "file" and vtype == "text":
                continue
            self.check_assign(ftype, info.choices, v, vtype, name, getattr(v, "span", rv.span), ctx)

    def _record(self, name: ir.Name | None, sc: ir.Scenario, records: dict) -> tuple | None:
        if name is None:
            return None
        info = records.get(name.value)
        if info is None:
            info = self._created_record(name, records)
        if info is None:
            self.error("F112", f'unknown record "{name.value}"', name.span,
                       f'no record with this name in scenario "{sc.name.value}"',
                       did_you_mean(name.value, [*records, *self._creatable_names(records)]))
        return info

    def _creatable_names(self, records: dict) -> list[str]:
        """`<record>_<robot>` for every robot that copies or creates leads."""
        out = []
        for base, info in records.items():
            if info is None:
                continue
            for pipeline in self.project.pipelines:
                if pipeline.entity.value == info[2]:
                    out.extend(f"{base}_{r.name.value}" for st in pipeline.stages for r in st.robots
                               if r.action.kind in ("copy_record", "create_repeat_lead"))
        return out

    def _created_record(self, name: ir.Name, records: dict) -> tuple | None:
        """A record a robot creates during the run: `<parent>_<robot>` or
        `<parent>_<robot>_<N>`, where the robot copies records or creates repeat
        leads in a pipeline of the parent's entity (docs/language.md, Records)."""
        for base, info in records.items():
            if info is None or not name.value.startswith(base + "_"):
                continue
            rest = name.value[len(base) + 1:]
            head, _, tail = rest.rpartition("_")
            wanted = {rest} | ({head} if head and tail.isdigit() and int(tail) >= 2 else set())
            parent, parent_pipeline, parent_entity = info
            for pipeline in self.project.pipelines:
                if pipeline.entity.value != parent_entity:
                    continue
                for stage in pipeline.stages:
                    for robot in stage.robots:
                        if robot.name.value not in wanted:
                            continue
                        kind = robot.action.kind
                        if kind == "copy_record":
                            entity = robot.action.get("entity")
                            entity = entity.value if entity is not None else parent_entity
                            ref = robot.action.get("stage")
                            found = self.index.resolve_stage(ref, pipeline) if ref is not None else None
                            target = found[0] if found else pipeline
                        elif kind == "create_repeat_lead":
                            entity = "lead"
                            leads = self.index.pipelines_for("lead")
                            target = leads[0] if leads else None
                        else:
                            continue
                        decl = ir.RecordDecl(name, ir.Name(entity, name.span),
                                             ir.StageRef(None, ir.Name("", name.span), name.span), (), name.span)
                        return decl, target, entity
        return None

    def _check_time(self, when: dt.datetime | None, span: Span | None, sc: ir.Scenario, what: str) -> None:
        if when is None or span is None or sc.start is None:
            return
        if when < sc.start:
            self.error("F503", f"{what} before the scenario starts", span,
                       f"{when:%Y-%m-%d %H:%M} is before the start, {sc.start:%Y-%m-%d %H:%M}")
            return
        end = self._horizon(sc)
        if end is not None and when > end and (sc.until is not None or sc.run_for is not None):
            self.warning("F504", f"{what} after the scenario ends", span,
                         f"{when:%Y-%m-%d %H:%M} is after the end, {end:%Y-%m-%d %H:%M}: it is never simulated",
                         [Note("run the scenario longer (`run until` / `run for`), or move this earlier")])

    def _horizon(self, sc: ir.Scenario) -> dt.datetime | None:
        if sc.start is None:
            return None
        if sc.until is not None:
            return sc.until
        if sc.run_for is not None:
            try:
                if sc.run_for.is_days:
                    return sc.start + dt.timedelta(days=sc.run_for.days)
                return sc.start + dt.timedelta(minutes=sc.run_for.minutes)
            except OverflowError:
                return dt.datetime.max
        return None

    def _record_pipelines(self, rec_info: tuple, sc: ir.Scenario) -> list[ir.Pipeline]:
        """The pipelines a record of a scenario can be in: where it starts, and
        wherever a robot or the scenario moves it from there."""
        rec, pipeline, entity = rec_info
        if pipeline is None:
            return []
        out = [pipeline]
        todo = [pipeline]
        moves: dict[int, set[int]] = {}
        for e in self.edges:
            if e.src[0] != e.dst[0] and e.kind == "move":
                moves.setdefault(e.src[0], set()).add(e.dst[0])
        for h in sc.happenings:
            if h.kind == "move" and h.record.value == rec.name.value and h.stage is not None and h.stage.pipeline:
                p = self.index.pipelines.get(h.stage.pipeline.value)
                if p is not None and p not in out and p.entity.value == entity:
                    out.append(p)
                    todo.append(p)
        while todo:
            p = todo.pop()
            for qi in moves.get(self.pipeline_ids.get(id(p), -1), ()):
                q = self.project.pipelines[qi]
                if q not in out:
                    out.append(q)
                    todo.append(q)
        return out

    def _resolve_for_record(self, ref: ir.StageRef | None, rec_info: tuple, ctx: Ctx) -> None:
        rec, pipeline, entity = rec_info
        if ref is None or pipeline is None:
            return
        if ref.pipeline is None and pipeline.stage(ref.stage.value) is None:
            others = [p for p in self.index.pipelines.values()
                      if p.entity.value == entity and p.stage(ref.stage.value) is not None]
            if len(others) == 1:
                return
        found = self.resolve(ref, pipeline if ref.pipeline is None else None, ctx)
        if found is not None and found[0].entity.value != entity:
            self.error("F508", f'pipeline "{found[0].name.value}" is for {found[0].entity.value}s, not {entity}s',
                       ref.span, f'record "{rec.name.value}" is a {entity}: it is never in this stage')
        elif found is not None:
            self.reached.add(self._key(*found))

    def check_happening(self, h: ir.Happening, sc: ir.Scenario, records: dict) -> None:
        info = self._record(h.record, sc, records)
        self._check_time(h.at, h.span, sc, "this happens")
        entity = info[2] if info else None
        ctx = Ctx(entity=entity, scenario=sc)
        if h.kind == "move":
            if info is not None:
                self._resolve_for_record(h.stage, info, ctx)
        elif h.kind == "set" and h.field is not None:
            if info is not None:
                self.check_field_write(h.field, h.value, ctx, "set")
        elif h.kind == "event" and h.event is not None:
            self.check_event(h.event, ctx)

    def check_expectation(self, x: ir.Expectation, sc: ir.Scenario, records: dict) -> None:
        info = self._record(x.record, sc, records)
        self._check_time(x.at, x.at_span, sc, "this expectation is")
        entity = info[2] if info else None
        ctx = Ctx(entity=entity, scenario=sc)
        if x.kind == "stage":
            if info is not None:
                self._resolve_for_record(x.stage, info, ctx)
        elif x.kind == "robot":
            if x.status is not None and x.status.value not in schema.ROBOT_STATUSES:
                self.error("F119", f'unknown status "{x.status.value}"', x.status.span,
                           f"robot statuses are {_plain_list(schema.ROBOT_STATUSES)}",
                           did_you_mean(x.status.value, schema.ROBOT_STATUSES))
            if x.robot is None:
                return
            everywhere: dict[str, list[ir.Pipeline]] = {}
            for p in self.project.pipelines:
                for s in p.stages:
                    for r in s.robots:
                        everywhere.setdefault(r.name.value, [])
                        if p not in everywhere[r.name.value]:
                            everywhere[r.name.value].append(p)
            if x.robot.value not in everywhere:
                self.error("F118", f'unknown robot "{x.robot.value}"', x.robot.span, "no stage has a robot with this name",
                           did_you_mean(x.robot.value, everywhere))
                return
            if info is not None and info[1] is not None:
                pipelines = self._record_pipelines(info, sc)
                if not any(p in pipelines for p in everywhere[x.robot.value]):
                    names = [r.name.value for p in pipelines for s in p.stages for r in s.robots]
                    self.error("F510", f'robot "{x.robot.value}" never runs on "{x.record.value}"', x.robot.span,
                               f'it is in no stage of pipeline {_quote_list(p.name.value for p in pipelines)}',
                               [*did_you_mean(x.robot.value, names),
                                Note(f'"{x.robot.value}" is in pipeline '
                                     f"{_quote_list(p.name.value for p in everywhere[x.robot.value])}")])
        elif x.kind == "field" and x.field is not None:
            ft = self.field_type(x.field, ctx)
            vt = self.type_of(x.value, ctx, self.choices_of(x.field, ctx), ft) if x.value is not None else None
            self.check_compare(x.op or "=", x.field, ft, x.value, vt, ctx)

    def check_horizon(self, sc: ir.Scenario) -> None:
        if sc.start is None:
            return
        if sc.until is not None and sc.run_for is not None:
            self.error("F511", "both `run until` and `run for`", sc.run_for.span,
                       "say how long the scenario runs once", [Note("keep one of them")])
            return
        end = self._horizon(sc)
        where = sc.run_for.span if sc.run_for is not None else (sc.until_span or sc.name.span)
        if end is not None and end <= sc.start:
            self.error("F511", f'scenario "{sc.name.value}" ends before it starts', where,
                       f"it runs until {end:%Y-%m-%d %H:%M}, and starts at {sc.start:%Y-%m-%d %H:%M}",
                       [Note("`run until` takes a date after the start")])
            return
        latest = limits.latest_end(sc.start)
        if end is not None and end > latest:
            self.error("F506", f'scenario "{sc.name.value}" runs for more than {limits.MAX_HORIZON_YEARS} years',
                       where, f"it would run until {end:%Y-%m-%d %H:%M}; the latest is {latest:%Y-%m-%d %H:%M}",
                       [Note(f"a scenario simulates at most {limits.MAX_HORIZON_YEARS} years")])
            return
        if end is None and not self._error_within(sc.span, ("F201", "F202", "F301")):
            # (an invalid `run until` / `run for` is already reported: it is not missing)
            times = [h.at for h in sc.happenings if h.at is not None] + \
                [x.at for x in sc.expectations if x.at is not None]
            last = max(times) if times else None
            default = limits.default_end(sc.start, last)
            days = limits.DEFAULT_HORIZON_AFTER_LAST_EVENT.days
            self.note("F507", f'scenario "{sc.name.value}" has no end', sc.name.span,
                      f"it runs until {default:%Y-%m-%d %H:%M}, {days} days after "
                      + ("its last event or expectation" if last and last > sc.start else "its start"),
                      [Note("say how long it runs: run until 2026-03-31, or run for 30 days")])


INLINE_HINTS = {
    ("notify", "to"): 'the recipient comes right after `notify`: notify ana "..."',
    ("change_responsible", "to"): "the new responsible comes after `change responsible to`",
    ("copy_record", "stage"): "the target stage comes after `copy <entity> to`",
    ("copy_record", "to"): "the target stage comes after `copy <entity> to`",
}

PARAM_SYNTAX_HINT = {
    ("plan_activity", "title"): 'plan activity "Call {client.name}", or title "..." in the { }',
}


# ------------------------------------------------------------------ helpers

def _comparable(a: str, b: str) -> bool:
    if a == b:
        return True
    pair = {a, b}
    if pair <= schema.NUMERIC or pair <= schema.TEMPORAL or pair <= {"text", "list"}:
        return True
    if "client" in pair and pair <= {"client", "contact", "company"}:
        return True
    return False


def _assignable(field: str, value: str) -> bool:
    if field == value:
        return True
    if field == "text":
        return value == "list"
    if field == "list":
        return value == "text"
    if field in schema.NUMERIC:
        return value in schema.NUMERIC
    if field == "datetime":
        return value == "date"
    if field == "client":
        return value in ("contact", "company")
    return False


def _arith(a: str, op: str, b: str) -> str | None:
    num = schema.NUMERIC
    if a in num and b in num:
        if op in "+-":
            return "money" if "money" in (a, b) else "number"
        if op == "*":
            return "money" if "money" in (a, b) else "number"
        if op == "/":
            return "number" if a == b == "money" else a
    if op == "+":
        if a in schema.TEMPORAL and b == "duration":
            return a
        if a == "duration" and b in schema.TEMPORAL:
            return b
        if a == b == "duration":
            return "duration"
    if op == "-":
        if a in schema.TEMPORAL and b == "duration":
            return a
        if a in schema.TEMPORAL and b in schema.TEMPORAL:
            return "duration"
        if a == b == "duration":
            return "duration"
    if op == "*" and {a, b} in ({"duration", "number"},):
        return "duration"
    if op == "/" and a == "duration" and b == "number":
        return "duration"
    return None


def _kind_ok(kind: str, v: Any) -> bool:
    if kind in ("template",):
        return isinstance(v, ir.Template)
    if kind in ("string", "sender"):
        return isinstance(v, str)
    if kind == "recipient":
        return isinstance(v, ir.Recipient)
    if kind == "recipients":
        return isinstance(v, tuple) and all(isinstance(x, ir.Recipient) for x in v)
    if kind == "name":
        return isinstance(v, ir.Name)
    if kind == "names":
        return isinstance(v, tuple) and all(isinstance(x, ir.Name) for x in v)
    if kind == "deadline":
        return isinstance(v, ir.Deadline)
    if kind == "flag":
        return isinstance(v, bool)
    if kind == "number":
        return isinstance(v, (int, float)) and not isinstance(v, bool)
    if kind == "address":
        return isinstance(v, ir.AddressChoice)
    if kind == "attachments":
        return isinstance(v, tuple) and all(isinstance(x, ir.Attachment) for x in v)
    if kind == "stage":
        return isinstance(v, ir.StageRef)
    if kind == "field":
        return isinstance(v, ir.FieldRef)
    return True


def _timing_conflict(a: str, b: str) -> str | None:
    """Why two timing clauses of one robot cannot go together (None: they can)."""
    if a == b:
        return "given again here: only one of them can count"
    if "immediately" in (a, b):
        return "`immediately` means no waiting at all"
    if a in _MAIN_CLAUSES and b in _MAIN_CLAUSES:
        return "a robot waits for one thing: a delay, a moment relative to a field, or an exact date and time"
    pair = {a, b}
    if pair == {"at_time", "at_datetime"}:
        return "the date and time already say when"
    if pair == {"in_hours", "at_datetime"}:
        return "an exact date and time does not move with working hours"
    if pair == {"after_previous", "at_datetime"}:
        return "an exact date and time cannot also wait for the previous robot"
    return None


def _template_probe(t: ir.Template) -> str:
    """A template's text with each placeholder as a plain word (to check a URL's shape)."""
    return "".join(p if isinstance(p, str) else "x" for p in t.parts)


def _event_text(trigger: ir.Trigger) -> str:
    """How a trigger is called in messages: its name, or its event as written."""
    if trigger.name is not None:
        return trigger.name.value
    return _event_words(trigger.event)


def _event_words(ev: ir.Event) -> str:
    """An event as it is written: `form submitted contact_us`."""
    if ev.kind == "field_changed" and isinstance(ev.arg, tuple):
        names = ", ".join(n.value for n in ev.arg if isinstance(n, ir.Name))
        return f"field{'s' if len(ev.arg) > 1 else ''} {names} changed"
    words = schema.EVENTS.get(ev.kind, (ev.kind,))[0]
    words = re.sub(r"\s*\[.*?\]", "", words).replace('"<name>"', "").strip()
    if isinstance(ev.arg, ir.Name):
        arg = ev.arg.value
        if ev.kind == "task_status":
            return f"{words} to {arg}"
        return f"{words} {arg}"
    return words


def _event_arg(ev: ir.Event) -> Any:
    if ev.kind == "field_changed":
        return frozenset(n.value for n in ev.arg if isinstance(n, ir.Name)) if isinstance(ev.arg, tuple) else None
    if isinstance(ev.arg, ir.Name):
        return ev.arg.value
    return None


def _events_overlap(a: ir.Event, b: ir.Event) -> bool:
    if a is None or b is None or a.kind != b.kind:
        return False
    x, y = _event_arg(a), _event_arg(b)
    if a.kind == "field_changed":
        return bool(x and y and x & y)
    return x is None or y is None or x == y


def _robot_effect(robot: ir.Robot, ev: ir.Event) -> str | None:
    """What a robot does that a trigger's event matches (None: no match)."""
    a = robot.action
    if a.kind == "set_field":
        ref = a.get("field")
        if not isinstance(ref, ir.FieldRef) or not ref.path:
            return None
        fields = _event_arg(ev)
        if fields and ref.path[0] in fields:
            return f"sets {ref.path[0]}"
        return None
    if a.kind == "change_responsible":
        return "changes the responsible"
    if a.kind == "create_document":
        tpl = a.get("template")
        want = _event_arg(ev)
        if want is None or (isinstance(tpl, ir.Name) and tpl.value == want):
            return f"creates document {tpl.value}" if isinstance(tpl, ir.Name) else "creates a document"
        return None
    if a.kind == "send_email":
        return "sends an e-mail"
    return None


def _simple_cycles(succ: dict, limit: int) -> list[list]:
    """Elementary cycles of a small directed graph, each once (rooted at its
    smallest node), at most `limit`; the search is bounded.  As in Johnson's
    algorithm, each root is the smallest node of a strongly connected
    component of the graph of the nodes from it on, and the search stays in
    that component."""
    nodes = sorted(set(succ) | {w for ws in succ.values() for w in ws})
    adj = {v: sorted(set(succ.get(v, ()))) for v in nodes}
    out: list[list] = []
    budget = 200_000
    start = 0
    while start < len(nodes) and len(out) < limit and budget > 0:
        sub = nodes[start:]
        keep = set(sub)
        sub_adj = {v: [w for w in adj[v] if w in keep] for v in sub}
        comp = _components(sub, sub_adj)
        sizes: dict = {}
        for c in comp.values():
            sizes[c] = sizes.get(c, 0) + 1
        root = next((v for v in sub if sizes[comp[v]] > 1 or v in sub_adj[v]), None)
        if root is None:
            break
        c = comp[root]
        stack = [(root, iter(sub_adj[root]))]
        path = [root]
        on_path = {root}
        while stack and len(out) < limit and budget > 0:
            budget -= 1
            node, it = stack[-1]
            nxt = next(it, None)
            if nxt is None:
                stack.pop()
                on_path.discard(path.pop())
                continue
            if nxt == root:
                out.append(list(path))
                continue
            if nxt in on_path or comp[nxt] != c:
                continue
            path.append(nxt)
            on_path.add(nxt)
            stack.append((nxt, iter(sub_adj[nxt])))
        start = nodes.index(root) + 1
    return out


def _components(nodes: list, adj: dict) -> dict:
    """Strongly connected components (Tarjan, iterative): node -> component number."""
    index: dict = {}
    low: dict = {}
    comp: dict = {}
    stack: list = []
    on_stack: set = set()
    counter = 0
    for start in nodes:
        if start in index:
            continue
        work = [(start, iter(adj.get(start, ())))]
        index[start] = low[start] = counter
        counter += 1
        stack.append(start)
        on_stack.add(start)
        while work:
            v, it = work[-1]
            w = next(it, None)
            if w is not None:
                if w not in index:
                    index[w] = low[w] = counter
                    counter += 1
                    stack.append(w)
                    on_stack.add(w)
                    work.append((w, iter(adj.get(w, ()))))
                elif w in on_stack:
                    low[v] = min(low[v], index[w])
                continue
            work.pop()
            if work:
                u = work[-1][0]
                low[u] = min(low[u], low[v])
            if low[v] == index[v]:
                while True:
                    w = stack.pop()
                    on_stack.discard(w)
                    comp[w] = v
                    if w == v:
                        break
    return comp
