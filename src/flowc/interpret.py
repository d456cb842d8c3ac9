"""Phase 4: interpret.  A discrete-event simulation of a scenario.

`simulate(project, index, scenario, until=None)` is a generator of
`TraceEvent`s: what every robot and trigger does, to which record, at which
minute, and why.  `Simulation` is the same run with its compact end state
(stages, robot outcomes, field values), from which `evaluate_expectations`
checks the scenario's `expect` lines.

The clock is virtual: a priority queue of (instant, sequence number, item);
ties run in the order they were scheduled, so the trace depends on the input
files only (never on the wall clock, the host time zone, the locale or hash
order).  docs/semantics.md describes the rules; docs/trace.md the output.

Limits (the shared ones come from `flowc.limits`):
"""
from __future__ import annotations

import datetime as dt
import heapq
import re
import urllib.parse
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, Iterator

import attrs

from . import ir, limits, workcal
from .index import Index

#: Stage moves of one record at one instant before it is stopped as a loop.
MAX_MOVES_PER_INSTANT = limits.MAX_MOVES_PER_INSTANT
#: Trace events of one scenario before the run is stopped.
MAX_EVENTS = limits.MAX_EVENTS_PER_SCENARIO
#: Records of one scenario (declared plus created by robots).
MAX_RECORDS = limits.MAX_RECORDS_PER_SCENARIO
#: Without `run until` / `run for`: this many days after the start, the last
#: scenario event or the last expectation's time.
DEFAULT_HORIZON_DAYS = limits.DEFAULT_HORIZON_AFTER_LAST_EVENT.days
#: Longest SMS text, after the placeholders are filled in.
MAX_SMS_LENGTH = limits.SMS_MAX_LENGTH
#: Longest text a robot writes into a field (the title of a copy or a repeat lead).
MAX_TEXT_LENGTH = limits.MAX_TEXT_LENGTH

__doc__ += f"""
* {MAX_MOVES_PER_INSTANT} stage moves of one record at one instant (a loop: the record is stopped);
* {MAX_EVENTS:,} trace events per scenario and {MAX_RECORDS:,} records (the run is stopped);
* default horizon: {DEFAULT_HORIZON_DAYS} days after the start, the last scenario event or the last
  time an expectation names.
"""

UTC = dt.timezone.utc
_WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
FINAL_STATUSES = ("done", "failed", "skipped")

#: Every trace event kind, in the order docs/trace.md describes them.
KINDS = (
    "scenario_start", "entered", "created", "moved", "event", "trigger_ignored", "scheduled",
    "done", "failed", "skipped", "cancelled", "activity_completed", "waiting", "loop", "limit",
    "error", "scenario_end",
)


# ------------------------------------------------------------------ trace events

@attrs.frozen
class TraceEvent:
    """One line of the trace.  `at` is an instant (aware, UTC)."""
    at: dt.datetime
    scenario: str
    record: str | None
    kind: str
    robot: str | None = None
    stage: str | None = None
    pipeline: str | None = None
    status: str | None = None
    reason: str | None = None
    from_stage: str | None = None
    from_pipeline: str | None = None
    to_stage: str | None = None
    cause: str | None = None
    detail: str | None = None
    trigger: str | None = None
    event: str | None = None
    due: dt.datetime | None = None
    #: Kind-specific extra keys (sorted pairs), e.g. the header of scenario_start.
    extra: tuple[tuple[str, Any], ...] = ()


class EvalError(Exception):
    """An expression cannot be evaluated on a record (an empty operand, division by zero...)."""


#: The instants the simulator computes with: those of Python's datetime, less
#: a day at each end, so that every one can be shown in every time zone.
_FIRST_INSTANT = dt.datetime(1, 1, 2, tzinfo=dt.timezone.utc)
_LAST_INSTANT = dt.datetime(9999, 12, 30, tzinfo=dt.timezone.utc)
_RANGE_WORDS = "the simulator's dates go from year 1 to 9999"

_TOO_LARGE = Decimal(10) ** limits.MAX_NUMBER_DIGITS
_PLACES = Decimal(1).scaleb(-limits.MAX_NUMBER_PLACES)


def _too_long(what: str, text: str) -> str:
    return (f"the {what} is {len(text):,} characters long once the fields are filled in; "
            f"a text field holds at most {MAX_TEXT_LENGTH:,}")


def _bounded(v: Decimal) -> Decimal:
    """A computed number within the limits of flowc.limits: at most
    MAX_NUMBER_DIGITS digits before the decimal point (EvalError beyond),
    rounded to MAX_NUMBER_PLACES decimal places."""
    if not v.is_finite() or abs(v) >= _TOO_LARGE:
        raise EvalError(f"the result is too large (numbers have at most {limits.MAX_NUMBER_DIGITS} "
                        "digits before the decimal point)")
    if v.as_tuple().exponent < -limits.MAX_NUMBER_PLACES:  # then |v| < 0.1: no digit is lost in front
        v = v.quantize(_PLACES, rounding=ROUND_HALF_UP)
    return v


# ------------------------------------------------------------------ formatting

def format_local(instant: dt.datetime, tz: str) -> str:
    """`Fri 2026-03-06 17:50`: local time with an English weekday, whatever the locale."""
    local = workcal.to_local(instant, tz)
    return f"{_WEEKDAYS[local.weekday()]} {local:%Y-%m-%d %H:%M}"


def format_number(value: Decimal, money: bool = False) -> str:
    if money:
        return f"{value.quantize(Decimal('0.01'), rounding=ROUND_HALF_UP):,.2f}"
    if value == value.to_integral_value():
        return f"{int(value):,}"
    text = f"{value.normalize():,f}"
    return text


def _to_decimal(v: Any) -> Decimal:
    if isinstance(v, Decimal):
        return v
    if isinstance(v, bool):
        raise EvalError("a yes/no value is not a number")
    if isinstance(v, int):
        return Decimal(v)
    if isinstance(v, float):
        return Decimal(repr(v))
    raise EvalError(f"{v!r} is not a number")


# ------------------------------------------------------------------ state

@attrs.define(eq=False)
class Task:
    id: int
    title: str
    record: str
    responsible: str | None
    open: bool = True


@attrs.define(eq=False)
class Activity:
    title: str
    visit: int
    complete_on_stage_change: bool
    open: bool = True


@attrs.define(eq=False)
class Record:
    name: str
    entity: str
    seq: int
    pipeline: ir.Pipeline | None
    stage: ir.Stage | None
    fields: dict[str, Any]
    contacts: list[str]
    company: str | None
    responsible: str | None
    created: dt.datetime
    visit: int = 0
    runs: list["RobotRun"] = attrs.Factory(list)
    tasks: list[Task] = attrs.Factory(list)
    activities: list[Activity] = attrs.Factory(list)
    stopped: str | None = None
    since: dt.datetime | None = None  # when it entered its current stage
    moves_at: dt.datetime | None = None
    moves_path: list[str] = attrs.Factory(list)
    base: str | None = None   # a created record: the name it was made under (before any _2)
    maker: str | None = None  # ... and the robot that made it


@attrs.define(eq=False)
class RobotRun:
    robot: ir.Robot
    record: Record
    pipeline: ir.Pipeline
    stage: ir.Stage
    visit: int
    position: int
    status: str = "new"  # new, pending (after previous), scheduled, done, failed, skipped, cancelled, waiting
    due: dt.datetime | None = None
    next: "RobotRun | None" = None
    previous: "RobotRun | None" = None


@attrs.frozen
class Outcome:
    """What a robot's action did: a final status, the rendered action, notes,
    and the effect on the simulated world (applied after the robot's line)."""
    status: str
    detail: str
    reason: str | None = None
    effect: Any = None  # a callable, or None


@attrs.frozen
class RobotState:
    status: str
    at: dt.datetime
    reason: str | None
    stage: str
    due: dt.datetime | None = None


@attrs.frozen
class ExpectationResult:
    expectation: ir.Expectation
    ok: bool
    text: str       # the expectation, in words
    expected: str
    actual: str
    at: dt.datetime  # the moment it is about

    @property
    def position(self) -> str:
        s = self.expectation.span
        return f"{s.path}:{s.line}:{s.column}"


# ------------------------------------------------------------------ the simulation

def simulate(project: ir.Project, index: Index, scenario: ir.Scenario,
             until: dt.datetime | None = None, sources: dict | None = None) -> Iterator[TraceEvent]:
    """Run one scenario; yield its trace events as they happen.  `until` (a
    naive local time of the flow's time zone) overrides the horizon."""
    return Simulation(project, index, scenario, until, sources).run()


class Simulation:
    def __init__(self, project: ir.Project, index: Index, scenario: ir.Scenario,
                 until: dt.datetime | None = None, sources: dict | None = None) -> None:
        self.project = project
        self.index = index
        self.scenario = scenario
        self.name = scenario.name.value
        self.sources = sources or {}
        self.tz = index.timezone
        self.people = index.people(scenario)
        self.channels = scenario.channels
        self.horizon_cut: str | None = None  # why the horizon was cut to the limit
        self.start, self.horizon, self.horizon_reason = self._horizon(until)
        self.now = self.start
        self.records: dict[str, Record] = {}
        self.robot_states: dict[tuple[str, str], RobotState] = {}
        self.robot_order: dict[str, list[str]] = {}
        self.error = False
        self.errors: list[str] = []  # what went wrong, in words (a loop, a limit)
        self.events = 0
        self._queue: list = []
        self._seq = 0
        self._out: list[TraceEvent] = []
        self._tasks = 0
        self._next_suffix: dict[str, int] = {}
        self._turns: dict[tuple[str, str, str], int] = {}
        self._calendars: dict[str, workcal.WorkCalendar] = {}
        self._stopped_run = False
        # Histories are kept only where an expectation looks back in time.
        self._stage_history_for = {x.record.value for x in scenario.expectations if x.kind == "stage" and x.at}
        self._field_history_for = {x.record.value for x in scenario.expectations if x.kind == "field" and x.at}
        self.stage_history: dict[str, list[tuple[dt.datetime, str, str]]] = {}
        self.field_history: dict[str, list[tuple[dt.datetime, str, Any]]] = {}

    # -- time ---------------------------------------------------------------
    def local(self, naive: dt.datetime) -> dt.datetime:
        return workcal.localize(naive, self.tz)

    def fmt(self, instant: dt.datetime) -> str:
        return format_local(instant, self.tz)

    def fmt_short(self, instant: dt.datetime) -> str:
        """`15:50` on the current local date, else the full date and time."""
        a, b = workcal.to_local(instant, self.tz), workcal.to_local(self.now, self.tz)
        return f"{a:%H:%M}" if a.date() == b.date() else self.fmt(instant)

    def _horizon(self, until: dt.datetime | None) -> tuple[dt.datetime, dt.datetime, str]:
        sc = self.scenario
        times = [h.at for h in sc.happenings] + [x.at for x in sc.expectations if x.at is not None]
        if sc.start is not None:
            start_local = sc.start
        elif times:
            start_local = min(times)
        else:
            start_local = dt.datetime(2026, 1, 1)
        start = self.local(start_local)
        end: dt.datetime | None = None
        try:
            if until is not None:
                why = "--until"
                end = self.local(until)
            elif sc.until is not None:
                why = "run until"
                end = self.local(sc.until)
            elif sc.run_for is not None:
                d = sc.run_for
                why = f"run for {d}"
                end = workcal.add_days(start, d.days, self.tz) if d.is_days else start + dt.timedelta(minutes=d.minutes)
            else:
                last = max([start_local] + times)
                what = "the last scenario event" if last > start_local else "the start"
                why = f"{DEFAULT_HORIZON_DAYS} days after {what}; no `run until` or `run for`"
                end = self.local(limits.default_end(start_local, last))
        except OverflowError:  # past year 9999
            end = None
        latest = self.local(limits.latest_end(start_local))
        if end is None or end > latest:  # `--until` (the checker reports the others: F506)
            self.horizon_cut = (f"{why} is more than {limits.MAX_HORIZON_YEARS} years after the start: "
                                f"the run stops at {self.fmt(latest)}")
            end, why = latest, f"{why}, cut at {limits.MAX_HORIZON_YEARS} years"
        return start, max(start, end), why

    # -- emitting -------------------------------------------------------------
    def emit(self, kind: str, record: Record | str | None, **kw: Any) -> None:
        name = record.name if isinstance(record, Record) else record
        self._out.append(TraceEvent(self.now, self.name, name, kind, **kw))
        self.events += 1

    def _push(self, when: dt.datetime, item: Any) -> None:
        self._seq += 1
        heapq.heappush(self._queue, (when, self._seq, item))

    # -- the main loop ----------------------------------------------------------
    def run(self) -> Iterator[TraceEvent]:
        sc = self.scenario
        self.emit("scenario_start", None, extra=(
            ("horizon", self.horizon), ("horizon_reason", self.horizon_reason),
            ("start", self.start), ("timezone", self.tz), ("title", sc.title)))
        if self.horizon_cut is not None:
            self.error = True
            self.errors.append(self.horizon_cut)
            self.emit("limit", None, reason=self.horizon_cut)
        for decl in sc.records:
            self._declare(decl)
            yield from self._flush()
        for h in sorted(sc.happenings, key=lambda h: h.at):  # stable: source order on ties
            self._push(max(self.local(h.at), self.start), ("happening", h))
        while self._queue and not self._stopped_run:
            when, _, item = self._queue[0]
            if when > self.horizon:
                break
            heapq.heappop(self._queue)
            self.now = when
            kind, payload = item
            if kind == "robot":
                self._run_robot(payload)
            elif kind == "happening":
                self._happen(payload)
            yield from self._flush()
        if not self._stopped_run:
            self.now = self.horizon
            for rec in self.records.values():
                for run in rec.runs:
                    if run.status in ("scheduled", "pending") and run.visit == rec.visit and not rec.stopped:
                        if run.status == "scheduled":
                            why = f"due {self.fmt(run.due)}"
                        else:
                            why = f"after previous: robot {run.previous.robot.name.value} has not finished"
                        run.status = "waiting"
                        self._set_state(run, "waiting", why, due=run.due)
                        self.emit("waiting", rec, robot=run.robot.name.value, stage=run.stage.name.value,
                                  pipeline=run.pipeline.name.value, status="waiting", reason=why, due=run.due)
                yield from self._flush()
        self.emit("scenario_end", None, extra=(("error", self.error), ("records", len(self.records))))
        yield from self._flush(final=True)

    def _flush(self, final: bool = False) -> Iterator[TraceEvent]:
        out, self._out = self._out, []
        yield from out
        # Past the limit, the run stops after the step that passed it; the
        # last line of a trace is always scenario_end.
        if not final and self.events > MAX_EVENTS and not self._stopped_run:
            self._stopped_run = True
            self.error = True
            self.errors.append(f"more than {MAX_EVENTS:,} trace events")
            self.emit("limit", None, reason=f"more than {MAX_EVENTS:,} trace events: the run is stopped")
            out, self._out = self._out, []
            yield from out

    # -- records --------------------------------------------------------------
    def _declare(self, decl: ir.RecordDecl) -> None:
        entity = decl.entity.value
        found = self.index.resolve_stage(decl.stage, None, entity)
        if found is None:
            self.error = True
            self.errors.append(f"record {decl.name.value} was left out")
            self.emit("error", decl.name.value, reason=f'stage "{decl.stage}" not found; the record is left out')
            return
        pipeline, stage = found
        contacts: list[str] = []
        company = responsible = None
        fields: dict[str, Any] = {}
        for rv in decl.values:
            fname = rv.name.value
            names = [v.value if isinstance(v, ir.Name) else v for v in rv.values]
            if fname in ("contacts", "contact"):
                contacts = [str(n) for n in names if isinstance(n, str)]
            elif fname == "company":
                company = next((n for n in names if isinstance(n, str)), None)
            elif fname == "client":
                for n in names:
                    if not isinstance(n, str):
                        continue
                    p = self.people.get(n)
                    if p is not None and p.kind == "company":
                        company = n
                    else:
                        contacts.append(n)
            elif fname == "responsible":
                responsible = next((n for n in names if isinstance(n, str)), None)
            else:
                typ = self.index.field_type(entity, (fname,))
                fields[fname] = self._convert_decl(rv.values[0], typ) if rv.values else None
        if responsible is None:  # the first employee: of the project, else of the scenario
            responsible = next((n for n, p in self.people.items() if p.kind == "employee"), None)
        fields.setdefault("title", decl.name.value)
        rec = Record(decl.name.value, entity, len(self.records), pipeline, stage, fields, contacts, company,
                     responsible, self.start)
        self.records[rec.name] = rec
        self._snapshot_fields(rec)
        self._enter(rec, cause="scenario start", kind="entered")

    def _snapshot_fields(self, rec: Record) -> None:
        if rec.name in self._field_history_for:
            self._history_field(rec, "responsible", rec.responsible)
            for f, v in rec.fields.items():
                self._history_field(rec, f, v)

    def _convert_decl(self, value: Any, typ: str | None) -> Any:
        if isinstance(value, ir.Name):
            return value.value
        if isinstance(value, ir.Literal):
            return self._convert(self._literal(value), typ)
        return None

    def _convert(self, value: Any, typ: str | None) -> Any:
        """A value stored into a field of type `typ`."""
        if value is None or value == "":
            return None if typ not in ("text",) else (value or None)
        if typ in ("money", "number"):
            try:
                v = _to_decimal(value)
            except EvalError:
                return value
            return v.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP) if typ == "money" else v
        if typ == "date":
            if isinstance(value, dt.datetime):
                return workcal.to_local(value, self.tz).date()
            return value
        if typ == "datetime":
            if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
                return self.local(dt.datetime.combine(value, dt.time()))
            return value
        if typ == "text" and isinstance(value, Decimal):
            return format_number(value)
        return value

    def _new_name(self, base: str) -> str:
        if base not in self.records:
            return base
        k = self._next_suffix.get(base, 2)
        while f"{base}_{k}" in self.records:
            k += 1
        self._next_suffix[base] = k + 1
        return f"{base}_{k}"

    def _create(self, parent: Record, robot: ir.Robot, entity: str, pipeline: ir.Pipeline | None,
                stage: ir.Stage | None, fields: dict, contacts: list[str], company: str | None,
                responsible: str | None, what: str) -> Record | None:
        if len(self.records) >= MAX_RECORDS:
            self.error = True
            self.errors.append(f"more than {MAX_RECORDS:,} records")
            self.emit("limit", parent, reason=f"the scenario already has {MAX_RECORDS:,} records (the limit): "
                                               "no more are created; the run is stopped")
            self._stopped_run = True
            return None
        # Copies of copies at one instant are a chain like stage moves: the same
        # loop protection stops it (MAX_MOVES_PER_INSTANT).
        chain = parent.moves_path if parent.moves_at == self.now else [parent.stage.name.value]
        if len(chain) > MAX_MOVES_PER_INSTANT:
            parent.moves_at, parent.moves_path = self.now, list(chain)
            self._loop(parent, stage or parent.stage, "moves and copies")
            return None
        # A record made by the robot that made its parent keeps the parent's
        # name and takes the next number (d1_r, d1_r_2, ...): names never grow.
        maker = robot.name.value
        base = parent.base if parent.maker == maker and parent.base else f"{parent.name}_{maker}"
        name = self._new_name(base)
        rec = Record(name, entity, len(self.records), pipeline, stage, fields, contacts, company,
                     responsible, self.now, base=base, maker=maker)
        rec.moves_at = self.now
        rec.moves_path = chain + [stage.name.value] if stage is not None else list(chain)
        self.records[name] = rec
        self._snapshot_fields(rec)
        cause = f"robot {robot.name.value} of {parent.name}"
        self.emit("created", rec, cause=cause, detail=f'{what}, "{fields.get("title") or name}"',
                  extra=(("entity", entity), ("parent", parent.name)))
        if stage is not None:
            self._enter(rec, cause=f"created by {cause}", kind="entered")
        return rec

    # -- stages -----------------------------------------------------------------
    def _record_stage(self, rec: Record) -> None:
        if rec.name in self._stage_history_for:
            self.stage_history.setdefault(rec.name, []).append(
                (self.now, rec.pipeline.name.value, rec.stage.name.value))

    def _enter(self, rec: Record, cause: str, kind: str) -> None:
        """The record enters its (already set) stage: its robots start."""
        rec.visit += 1
        rec.since = self.now
        self._record_stage(rec)
        if kind == "entered":
            self.emit("entered", rec, stage=rec.stage.name.value, pipeline=rec.pipeline.name.value, cause=cause)
        runs: list[RobotRun] = []
        for i, robot in enumerate(rec.stage.robots):
            run = RobotRun(robot, rec, rec.pipeline, rec.stage, rec.visit, i)
            if robot.timing.after_previous and runs:
                run.status = "pending"
                run.previous = runs[-1]
                runs[-1].next = run
            runs.append(run)
            self.robot_order.setdefault(rec.name, [])
            if robot.name.value not in self.robot_order[rec.name]:
                self.robot_order[rec.name].append(robot.name.value)
        rec.runs = runs
        for run in runs:
            if rec.visit != run.visit or rec.stopped:
                break
            if run.status == "new":
                self._plan(run, self.now, "entering")
            elif run.status == "pending":
                self.emit("scheduled", rec, robot=run.robot.name.value, stage=run.stage.name.value,
                          pipeline=run.pipeline.name.value, status="scheduled",
                          reason=f"after previous: waits for robot {run.previous.robot.name.value}")

    def stage_label(self, pipeline: ir.Pipeline, stage: ir.Stage) -> str:
        return f'"{stage.title}"' if stage.title else stage.name.value

    def _move(self, rec: Record, pipeline: ir.Pipeline, stage: ir.Stage, cause: str,
              trigger: str | None = None) -> bool:
        if rec.stopped:
            return False
        if rec.stage is None:  # a record created without a stage is put in one
            rec.pipeline, rec.stage = pipeline, stage
            self._enter(rec, cause=cause, kind="entered")
            return True
        if rec.moves_at != self.now:
            rec.moves_at = self.now
            rec.moves_path = [rec.stage.name.value]
        if len(rec.moves_path) > MAX_MOVES_PER_INSTANT:
            self._loop(rec, stage)
            return False
        rec.moves_path.append(stage.name.value)
        old_p, old_s = rec.pipeline, rec.stage
        self.emit("moved", rec, from_stage=old_s.name.value,
                  from_pipeline=old_p.name.value if old_p is not pipeline else None,
                  to_stage=stage.name.value, stage=stage.name.value, pipeline=pipeline.name.value,
                  cause=cause, trigger=trigger)
        self._leave(rec, pipeline, stage)
        rec.pipeline, rec.stage = pipeline, stage
        self._enter(rec, cause=cause, kind="moved")
        return True

    def _loop(self, rec: Record, stage: ir.Stage, what: str = "moves") -> None:
        path = rec.moves_path + [stage.name.value]
        shown = path
        for p in range(1, len(path)):
            if all(path[i] == path[i + p] for i in range(len(path) - p)):
                shown = path[:p + 1] + ["..."]
                break
        self.error = True
        self.errors.append(f"{rec.name} was stopped by a loop")
        rec.stopped = "loop"
        self.emit("loop", rec, stage=rec.stage.name.value, pipeline=rec.pipeline.name.value,
                  reason=f"loop: {' -> '.join(shown)} ({MAX_MOVES_PER_INSTANT} {what} at {self.fmt(self.now)}); "
                         "record stopped",
                  extra=(("path", tuple(path)),))
        for run in rec.runs:
            if run.status in ("scheduled", "pending"):
                self._finish(run, "cancelled", "the record was stopped (loop)", chain=False)

    def _leave(self, rec: Record, pipeline: ir.Pipeline, stage: ir.Stage) -> None:
        what = self.entity_word(rec)
        to = self.stage_label(pipeline, stage)
        frm = self.stage_label(rec.pipeline, rec.stage)
        for run in rec.runs:
            if run.status == "scheduled":
                why = (f"the {what} moved on before it was due at {self.fmt_short(run.due)}: "
                       f"it left {frm} for {to}")
            elif run.status == "pending":
                why = f"the {what} moved on before it started: it left {frm} for {to}"
            else:
                continue
            self._finish(run, "cancelled", why, chain=False, to_stage=stage.name.value)
        for act in rec.activities:
            if act.open and act.complete_on_stage_change:
                act.open = False
                self.emit("activity_completed", rec, stage=rec.stage.name.value, pipeline=rec.pipeline.name.value,
                          detail=f'activity "{act.title}"', reason=f"the {what} left {frm} for {to}")
        rec.activities = [a for a in rec.activities if a.open]

    def entity_word(self, rec: Record) -> str:
        decl = self.index.entities.get(rec.entity)
        return rec.entity if decl is None or not decl.title else decl.title.lower()

    # -- robots: timing -------------------------------------------------------------
    def calendar(self, name: str) -> workcal.WorkCalendar | None:
        cal = self._calendars.get(name)
        if cal is None:
            decl = self.index.calendars.get(name)
            if decl is None:
                return None
            cal = self._calendars[name] = workcal.WorkCalendar.from_ir(decl, self.tz)
        return cal

    def _cal_phrase(self, name: str) -> str:
        decl = self.index.calendars.get(name)
        return f"{name} hours ({self.index.calendar_timezone(decl)})"

    def _shift(self, base: dt.datetime, d: ir.Duration, sign: int, cal: workcal.WorkCalendar | None,
               tz: str | None = None) -> dt.datetime:
        try:
            if cal is not None:
                out = cal.add(base, d) if sign > 0 else cal.subtract(base, d)
            elif d.is_days:
                out = workcal.add_days(base, sign * d.days, tz or self.tz)
            else:
                out = base + sign * dt.timedelta(minutes=d.minutes)
        except OverflowError:
            out = None
        if out is None or not _FIRST_INSTANT <= out <= _LAST_INSTANT:
            raise EvalError(f"{d} {'after' if sign > 0 else 'before'} {self.fmt(base)} is out of range "
                            f"({_RANGE_WORDS})")
        return out

    @staticmethod
    def _amount(d: ir.Duration, working: bool) -> str:
        unit = d.unit if d.amount != 1 else d.unit[:-1]
        return f"{d.amount} {'working ' if working else ''}{unit}"

    def plan_due(self, run: RobotRun, base: dt.datetime, base_what: str) -> tuple[dt.datetime | None, str]:
        """The due time of a robot and the words for it; (None, reason) when it cannot run."""
        t = run.robot.timing
        rec = run.record
        cal = None
        if t.calendar is not None:
            cal = self.calendar(t.calendar.value)
            if cal is None:
                return None, f"unknown calendar {t.calendar.value}"
        working = f", {self._cal_phrase(t.calendar.value)}" if cal is not None else ""
        # Local times of a robot counted in a calendar with its own time zone are in that zone.
        decl = self.index.calendars.get(t.calendar.value) if t.calendar is not None else None
        tz = self.index.calendar_timezone(decl) if decl is not None else self.tz
        at_time_used = False
        span = (base, None)  # the stretch of time the notes (holidays, clock changes) are about
        if t.at_datetime is not None:
            due = workcal.localize(t.at_datetime, tz)
            words = f"at {self.fmt(due)}"
            if cal is not None and not cal.is_working(due):
                due = cal.next_working(due)
                words += f", then the next working moment{working}"
            return due, words
        if t.relative is not None:
            rel = t.relative
            path = rel.field.path
            value = self.field_value(rec, path)
            if value is None:
                return None, f"{rel.field.text} is empty, so `{rel.duration} {rel.direction} {rel.field.text}` has no date"
            if isinstance(value, dt.datetime):
                anchor = value
                shown = self.fmt(anchor)
            elif isinstance(value, dt.date):
                clock = t.at_time or dt.time(0, 0)
                at_time_used = t.at_time is not None
                anchor = workcal.localize(dt.datetime.combine(value, clock), tz)
                shown = f"{value.isoformat()}" + (f" {clock:%H:%M}" if at_time_used else "")
            else:
                return None, f"{rel.field.text} is not a date ({self.show_value(value)})"
            sign = -1 if rel.direction == "before" else 1
            due = self._shift(anchor, rel.duration, sign, cal, tz)
            span = (min(anchor, due), max(anchor, due))
            words = f"{self._amount(rel.duration, cal is not None)} {rel.direction} {rel.field.text} ({shown}){working}"
        elif t.delay is not None:
            due = self._shift(base, t.delay, 1, cal, tz)
            words = f"{self._amount(t.delay, cal is not None)} after {base_what}{working}"
        elif cal is not None and t.at_time is None:
            due = cal.next_working(base)
            words = f"the next working moment after {base_what}{working}" if due > base else \
                f"{base_what}, in working time{working}"
        else:
            due = base
            words = base_what
        if t.at_time is not None and not at_time_used:
            first = due
            due = workcal.next_time_of_day(due, t.at_time, tz)
            if cal is not None:
                for _ in range(workcal.MAX_SEARCH_DAYS):
                    if cal.is_working(due):
                        break
                    due = workcal.next_time_of_day(due + dt.timedelta(minutes=1), t.at_time, tz)
                else:
                    raise workcal.NoWorkingTime(f"calendar {cal.name}: {t.at_time:%H:%M} is never working time")
            clock = f"{t.at_time:%H:%M}" + (f" ({tz})" if tz != self.tz else "")
            if t.delay is None and t.relative is None and due >= first:
                words = f"the next {clock} after {base_what}" + (
                    f" in working time{working}" if cal is not None else "")
            else:
                words += f", then the next {clock}"
        a, b = span
        words += self._notes_between(a, b if b is not None else due, cal)
        return due, words

    def _notes_between(self, a: dt.datetime, b: dt.datetime, cal: workcal.WorkCalendar | None) -> str:
        """Holidays, closed days and clock changes between two instants, in words."""
        if b <= a:
            return ""
        notes = []
        la, lb = workcal.to_local(a, self.tz).date(), workcal.to_local(b, self.tz).date()
        if (lb - la).days > 400:
            return ""
        if cal is not None:
            skipped = []
            d, last = workcal.to_local(a, cal.tz).date(), workcal.to_local(b, cal.tz).date()
            while d <= last:
                why = cal.closed_reason(d)
                if why is not None and not why.startswith("weekend") and not why.startswith("no hours on "):
                    skipped.append(f"{_WEEKDAYS[d.weekday()]} {d.isoformat()} ({why})")
                d += dt.timedelta(days=1)
            if skipped:
                more = f" and {len(skipped) - 3} more" if len(skipped) > 3 else ""
                notes.append("skips " + ", ".join(skipped[:3]) + more)
        from zoneinfo import ZoneInfo
        zone = ZoneInfo(self.tz)
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
                    notes.append(f"the clocks go {way} {hours} on {_WEEKDAYS[d.weekday()]} {d.isoformat()}")
                    prev = off
                d += dt.timedelta(days=1)
        return "".join(f"; {n}" for n in notes)

    def _plan(self, run: RobotRun, base: dt.datetime, base_what: str) -> None:
        rec = run.record
        try:
            due, words = self.plan_due(run, base, base_what)
        except (workcal.NoWorkingTime, ValueError, EvalError) as e:
            due, words = None, str(e)
        except OverflowError:  # a calendar search that runs past year 9999
            due, words = None, f"the due time is out of range ({_RANGE_WORDS})"
        common = dict(robot=run.robot.name.value, stage=run.stage.name.value, pipeline=run.pipeline.name.value)
        if due is None:
            self._finish(run, "failed", words)
            return
        run.status = "scheduled"
        if due < self.now:
            run.due = self.now
            self.emit("scheduled", rec, status="scheduled", due=self.now, **common,
                      reason=f"{words}: was due {self.fmt(due)}, which had passed; runs now")
            self._push(self.now, ("robot", run))
            return
        run.due = due
        if due > self.now:
            self.emit("scheduled", rec, status="scheduled", due=due, reason=words, **common)
        self._set_state(run, "scheduled", words, due=due)
        self._push(due, ("robot", run))

    # -- robots: running --------------------------------------------------------------
    def _set_state(self, run: RobotRun, status: str, reason: str | None, due: dt.datetime | None = None) -> None:
        self.robot_states[(run.robot.name.value, run.record.name)] = RobotState(
            status, self.now, reason, run.stage.name.value, due)

    def _finish(self, run: RobotRun, status: str, reason: str | None, detail: str | None = None,
                chain: bool = True, to_stage: str | None = None, effect: Any = None) -> None:
        run.status = status
        self._set_state(run, status, reason)
        self.emit(status, run.record, robot=run.robot.name.value, stage=run.stage.name.value,
                  pipeline=run.pipeline.name.value, status=status, reason=reason, detail=detail,
                  to_stage=to_stage)
        if effect is not None:
            effect()
        if chain and run.next is not None and run.next.status == "pending" \
                and run.record.visit == run.visit and not run.record.stopped:
            self._plan(run.next, self.now, f"robot {run.robot.name.value} finished")

    def _run_robot(self, run: RobotRun) -> None:
        rec = run.record
        if run.status != "scheduled" or rec.visit != run.visit or rec.stopped:
            return
        cond = run.robot.condition
        if cond is not None:
            holds, why = self.check_condition(cond, rec)
            if not holds:
                self._finish(run, "skipped", why)
                return
        try:
            out = self.act(run)
        except EvalError as e:
            out = Outcome("failed", self.action_words(run.robot.action), str(e))
        self._finish(run, out.status, out.reason, out.detail, effect=out.effect)

    # -- conditions and expressions -----------------------------------------------------
    def source_text(self, node: Any) -> str:
        span = node.span
        src = self.sources.get(span.path) if span is not None else None
        if src is not None and span.end > span.start:
            text = src.text[span.start:span.end]
            return re.sub(r"\s+", " ", text).strip()
        return unparse(node)

    def check_condition(self, expr: ir.Expr, rec: Record) -> tuple[bool, str | None]:
        try:
            if truthy(self.eval(expr, rec)):
                return True, None
        except EvalError as e:
            return False, f"{self.source_text(expr)} cannot be checked: {e}"
        return False, self.explain_false(expr, rec)

    def explain_false(self, expr: ir.Expr, rec: Record) -> str:
        if isinstance(expr, ir.BoolOp) and expr.op == "and":
            for op in expr.operands:
                try:
                    if not truthy(self.eval(op, rec)):
                        return self.explain_false(op, rec)
                except EvalError as e:
                    return f"{self.source_text(op)} cannot be checked: {e}"
        if isinstance(expr, ir.BoolOp) and expr.op == "or":
            return "; ".join(self.explain_false(op, rec) for op in expr.operands)
        return f"{self.source_text(expr)} is false{self.values_of(expr, rec)}"

    def values_of(self, expr: ir.Expr, rec: Record) -> str:
        seen: dict[str, str] = {}
        nodes = sorted((e for e in ir.walk(expr) if isinstance(e, (ir.FieldRef, ir.Today, ir.Now))),
                       key=lambda e: (e.span.start, e.span.line, e.span.column))
        for e in nodes:
            if isinstance(e, ir.Today):
                seen.setdefault("today", f"today = {workcal.to_local(self.now, self.tz).date().isoformat()}")
                continue
            if isinstance(e, ir.Now):
                seen.setdefault("now", f"now = {self.fmt(self.now)}")
                continue
            if not self.is_field(rec, e.path):
                continue
            value = self.field_value(rec, e.path)
            if value is None or value == "":
                seen.setdefault(e.text, f"{e.text} is empty")
            else:
                typ = self.index.field_type(rec.entity, e.path)
                seen.setdefault(e.text, f"{e.text} = {self.show_value(value, typ, quote=True)}")
        return f" ({', '.join(seen.values())})" if seen else ""

    def is_field(self, rec: Record, path: tuple[str, ...]) -> bool:
        return path[0] in self.index.fields(rec.entity) or path[0] in ("contacts",) or path[0] in rec.fields

    def field_value(self, rec: Record, path: tuple[str, ...], fields: dict | None = None) -> Any:
        head = path[0]
        fields = rec.fields if fields is None else fields
        if head in ("contact", "contacts"):
            value = rec.contacts[0] if rec.contacts else None
        elif head == "client" and head not in fields:
            value = rec.contacts[0] if rec.contacts else rec.company
        elif head == "company" and head not in fields:
            value = rec.company
        elif head == "responsible":
            value = rec.responsible if fields is rec.fields else fields.get("responsible", rec.responsible)
        elif head == "stage":
            value = rec.stage.name.value if rec.stage else None
        elif head == "pipeline":
            value = rec.pipeline.name.value if rec.pipeline else None
        elif head == "created":
            value = rec.created
        elif head in fields:
            value = fields[head]
        elif head in self.index.fields(rec.entity):
            value = None
        else:
            return head if len(path) == 1 else None  # a bare name: an employee, a contact, a list choice
        for part in path[1:]:
            if value is None:
                return None
            person = self.people.get(value) if isinstance(value, str) else None
            if person is None:
                return None
            if part == "name":
                value = person.title or person.name.value
            elif part == "email":
                value = person.emails[0].value if person.emails else None
            elif part == "phone":
                value = person.phones[0].value if person.phones else None
            elif part == "supervisor":
                value = person.supervisor.value if person.supervisor else None
            else:
                return None
        return value

    def _literal(self, lit: ir.Literal) -> Any:
        v = lit.value
        if lit.type == "number":
            return _to_decimal(v)
        if lit.type == "datetime":
            return self.local(v)
        return v

    def eval(self, e: ir.Expr, rec: Record) -> Any:
        if isinstance(e, ir.FieldRef):
            return self.field_value(rec, e.path)
        if isinstance(e, ir.Literal):
            return self._literal(e)
        if isinstance(e, ir.Today):
            return workcal.to_local(self.now, self.tz).date()
        if isinstance(e, ir.Now):
            return self.now
        if isinstance(e, ir.Not):
            return not truthy(self.eval(e.operand, rec))
        if isinstance(e, ir.BoolOp):
            if e.op == "and":
                return all(truthy(self.eval(o, rec)) for o in e.operands)
            return any(truthy(self.eval(o, rec)) for o in e.operands)
        if isinstance(e, ir.Compare):
            return self.compare(e.op, self.eval(e.left, rec), self.eval(e.right, rec))
        if isinstance(e, ir.InList):
            v = self.eval(e.operand, rec)
            found = any(self.compare("=", v, self.eval(i, rec)) for i in e.items)
            return found != e.negated
        if isinstance(e, ir.Contains):
            a, b = self.eval(e.container, rec), self.eval(e.item, rec)
            if a is None or b is None:
                return False
            if isinstance(a, (list, tuple)):
                return any(self.compare("=", x, b) for x in a)
            return self.text(b).casefold() in self.text(a).casefold()
        if isinstance(e, ir.IsSet):
            v = self.eval(e.operand, rec)
            is_set = v is not None and v != ""
            return is_set != e.negated
        if isinstance(e, ir.Between):
            v, lo, hi = self.eval(e.operand, rec), self.eval(e.low, rec), self.eval(e.high, rec)
            return self.compare(">=", v, lo) and self.compare("<=", v, hi)
        if isinstance(e, ir.Arith):
            acc = self.eval(e.operands[0], rec)
            self._need(acc, e.operands[0])
            for op, operand in zip(e.ops, e.operands[1:]):
                v = self.eval(operand, rec)
                self._need(v, operand)
                acc = self.arith(op, acc, v)
            return acc
        if isinstance(e, ir.Neg):
            v = self.eval(e.operand, rec)
            self._need(v, e.operand)
            if isinstance(v, Decimal):
                return -v
            raise EvalError(f"{self.source_text(e.operand)} is not a number")
        raise EvalError(f"{self.source_text(e)} is not a valid expression")

    def _need(self, v: Any, e: ir.Expr) -> None:
        if v is None:
            raise EvalError(f"{self.source_text(e)} is empty")

    def arith(self, op: str, a: Any, b: Any) -> Any:
        if isinstance(a, (int, float)) and not isinstance(a, bool):
            a = _to_decimal(a)
        if isinstance(b, (int, float)) and not isinstance(b, bool):
            b = _to_decimal(b)
        if isinstance(a, Decimal) and isinstance(b, Decimal):
            if op == "+":
                return _bounded(a + b)
            if op == "-":
                return _bounded(a - b)
            if op == "*":
                return _bounded(a * b)
            if b == 0:
                raise EvalError("division by zero")
            return _bounded(a / b)
        if isinstance(b, ir.Duration) and op in "+-":
            sign = 1 if op == "+" else -1
            if isinstance(a, dt.datetime):
                return self._shift(a, b, sign, None)
            if isinstance(a, dt.date):
                if b.is_days:
                    try:
                        out = a + dt.timedelta(days=sign * b.days)
                    except OverflowError:
                        out = None
                    if out is None or not _FIRST_INSTANT.date() <= out <= _LAST_INSTANT.date():
                        raise EvalError(f"{a.isoformat()} {op} {b} is out of range ({_RANGE_WORDS})")
                    return out
                return self._shift(self.local(dt.datetime.combine(a, dt.time())), b, sign, None)
        if op == "+" and isinstance(a, str) and isinstance(b, str):
            return a + b
        raise EvalError(f"cannot compute {self.show_value(a, quote=True)} {op} {self.show_value(b, quote=True)}")

    def _comparable(self, a: Any, b: Any) -> tuple[Any, Any] | None:
        if isinstance(a, bool) or isinstance(b, bool):
            return (a, b) if isinstance(a, bool) and isinstance(b, bool) else None
        if isinstance(a, (int, float, Decimal)) and isinstance(b, (int, float, Decimal)):
            return _to_decimal(a), _to_decimal(b)
        if isinstance(a, dt.date) or isinstance(b, dt.date):
            def inst(x):
                if isinstance(x, dt.datetime):
                    return x
                if isinstance(x, dt.date):
                    return self.local(dt.datetime.combine(x, dt.time()))
                return None
            if isinstance(a, dt.date) and isinstance(b, dt.date) and not isinstance(a, dt.datetime) \
                    and not isinstance(b, dt.datetime):
                return a, b
            ia, ib = inst(a), inst(b)
            return (ia, ib) if ia is not None and ib is not None else None
        if isinstance(a, ir.Duration) and isinstance(b, ir.Duration):
            return a.minutes, b.minutes
        if isinstance(a, dt.time) and isinstance(b, dt.time):
            return a, b
        if isinstance(a, str) and isinstance(b, str):
            return a, b
        return None

    def compare(self, op: str, a: Any, b: Any) -> bool:
        if a is None or b is None or a == "" or b == "":
            empty_a, empty_b = a is None or a == "", b is None or b == ""
            if op == "=":
                return empty_a and empty_b
            if op == "!=":
                return empty_a != empty_b
            return False
        pair = self._comparable(a, b)
        if pair is None:
            return op == "!="
        x, y = pair
        return {"=": x == y, "!=": x != y, "<": x < y, "<=": x <= y, ">": x > y, ">=": x >= y}[op]

    # -- values as text ------------------------------------------------------------------
    def person_name(self, name: str | None) -> str:
        if name is None:
            return ""
        p = self.people.get(name)
        return (p.title or p.name.value) if p is not None else name

    def text(self, value: Any, typ: str | None = None) -> str:
        """A value as placeholders show it: money 25,000.00, dates 2026-03-20, people by name."""
        if value is None:
            return ""
        if isinstance(value, bool):
            return "yes" if value else "no"
        if isinstance(value, Decimal):
            return format_number(value, money=typ == "money")
        if isinstance(value, (int, float)):
            return format_number(_to_decimal(value), money=typ == "money")
        if isinstance(value, dt.datetime):
            return f"{workcal.to_local(value, self.tz):%Y-%m-%d %H:%M}"
        if isinstance(value, dt.date):
            return value.isoformat()
        if isinstance(value, dt.time):
            return f"{value:%H:%M}"
        if isinstance(value, ir.Duration):
            return str(value)
        if typ in ("employee", "contact", "company", "client"):
            return self.person_name(value)
        return str(value)

    def show_value(self, value: Any, typ: str | None = None, quote: bool = False) -> str:
        """A value in an explanation: text in quotes, people by their name in the flow."""
        if value is None:
            return "empty"
        if isinstance(value, str) and typ not in ("employee", "contact", "company", "client", "list"):
            return f'"{value}"' if quote else value
        if isinstance(value, str):
            return value
        return self.text(value, typ)

    def render(self, template: ir.Template | str | None, rec: Record, raw: bool = False) -> str:
        """A template with its placeholders filled in; line breaks shown as \\n
        (one trace line per event) unless `raw`."""
        text = self._render(template, rec)
        return text if raw else text.replace("\r", "").replace("\n", "\\n")

    def _render(self, template: ir.Template | str | None, rec: Record) -> str:
        if template is None:
            return ""
        if isinstance(template, str):
            return template
        out = []
        for part in template.parts:
            if isinstance(part, str):
                out.append(part)
            else:
                value = self.field_value(rec, part.path)
                typ = self.index.field_type(rec.entity, part.path)
                if len(part.path) == 1 and typ in ("employee", "contact", "company", "client") or \
                        (len(part.path) == 1 and part.path[0] in ("contact", "client", "company", "responsible")):
                    out.append(self.person_name(value))
                else:
                    out.append(self.text(value, typ))
        return "".join(out)

    # -- actions -------------------------------------------------------------------------
    def action_words(self, action: ir.Action) -> str:
        from .schema import ACTIONS
        return ACTIONS.get(action.kind, {}).get("words", action.kind)

    def recipient(self, rec: Record, r: ir.Recipient) -> tuple[str | None, str | None]:
        if r.kind == "employee":
            return r.name.value, None
        if rec.responsible is None:
            return None, f"the {self.entity_word(rec)} has no responsible"
        if r.kind == "responsible":
            return rec.responsible, None
        p = self.people.get(rec.responsible)
        if p is None or p.supervisor is None:
            return None, f"the responsible ({rec.responsible}) has no supervisor"
        return p.supervisor.value, None

    def client(self, rec: Record) -> tuple[ir.Person | None, str | None, str | None]:
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
        p = self.people.get(name)
        if p is None:
            return None, None, f"the client {name} is not declared in the scenario"
        return p, note, None

    def pick(self, person: ir.Person, what: str, choice: ir.AddressChoice | None,
             default: str = "auto") -> tuple[ir.Contact | None, str | None]:
        items = person.emails if what == "email" else person.phones
        typ = choice.type.value if choice is not None else default
        which = choice.which.value if choice is not None and choice.which is not None else "first"
        cands = list(items) if typ == "auto" else [c for c in items if c.type == typ]
        noun = "e-mail address" if what == "email" else "phone number"
        if not cands:
            kind = "" if typ == "auto" else f"{typ} "
            article = "an" if (kind or noun)[0] in "aeiou" else "a"
            return None, f"the client {person.name.value} has no {kind}{noun}" if typ != "auto" else \
                f"the client {person.name.value} has no {noun} at all ({article} {noun} of any type is needed)"
        return (cands[0] if which == "first" else cands[-1]), None

    def channel(self, kind: str) -> list[ir.Channel]:
        return [c for c in self.channels if c.kind.value == kind]

    def deadline(self, d: ir.Deadline | None) -> str | None:
        if d is None:
            return None
        today = workcal.to_local(self.now, self.tz).date()
        if d.kind == "in" and d.duration is not None:
            return self.fmt(self._shift(self.now, d.duration, 1, None))
        if d.kind in ("today", "tomorrow"):
            day = today + dt.timedelta(days=1 if d.kind == "tomorrow" else 0)
        else:
            day = d.date
        if day is None:
            return None
        if d.time is None:
            return f"{_WEEKDAYS[day.weekday()]} {day.isoformat()}"
        return self.fmt(self.local(dt.datetime.combine(day, d.time)))

    def act(self, run: RobotRun) -> Outcome:
        a = run.robot.action
        rec = run.record
        handler = getattr(self, "act_" + a.kind, None)
        if handler is None:
            return Outcome("done", self.action_words(a), "not simulated: recorded only")
        return handler(run, a, rec)

    def _fail(self, a: ir.Action, detail: str, why: str) -> Outcome:
        return Outcome("failed", detail, why)

    def act_notify(self, run, a, rec):
        who, err = self.recipient(rec, a.get("to"))
        msg = self.render(a.get("message"), rec)
        if err:
            return Outcome("failed", f'notify {a.get("to")} "{msg}"', err)
        return Outcome("done", f'notify {who} "{msg}"')

    def act_create_task(self, run, a, rec):
        title = self.render(a.get("title"), rec)
        resp = a.get("responsible")
        who, err = self.recipient(rec, resp) if resp is not None else (rec.responsible, None)
        if err:
            return Outcome("failed", f'create task "{title}"', err)
        self._tasks += 1
        task = Task(self._tasks, title, rec.name, who)
        parts = [f'create task #{task.id} "{title}" for {who}']
        if a.get("deadline") is not None:
            parts.append(f"deadline {self.deadline(a.get('deadline'))}")
        if a.get("priority") is not None:
            parts.append(f"priority {a.get('priority')}")
        if a.get("observers"):
            parts.append("observers " + ", ".join(n.value for n in a.get("observers")))
        if a.get("description") is not None:
            parts.append(f'description "{self.render(a.get("description"), rec)}"')
        parts += self._attachments(a)
        return Outcome("done", ", ".join(parts), effect=lambda: rec.tasks.append(task))

    def _attachments(self, a: ir.Action) -> list[str]:
        att = a.get("attach")
        if not att:
            return []
        return ["attach " + ", ".join(f'"{x.value}"' if x.kind == "file" else x.value for x in att)]

    def act_plan_activity(self, run, a, rec):
        title = self.render(a.get("title"), rec) or "Activity"
        resp = a.get("responsible")
        who, err = self.recipient(rec, resp) if resp is not None else (rec.responsible, None)
        if err:
            return Outcome("failed", f'plan activity "{title}"', err)
        parts = [f'plan activity "{title}" for {who}']
        if a.get("deadline") is not None:
            parts.append(f"deadline {self.deadline(a.get('deadline'))}")
        for key in ("description", "address", "link"):
            if a.get(key) is not None:
                parts.append(f'{key} "{self.render(a.get(key), rec)}"')
        if a.get("location"):
            parts.append(f'location "{a.get("location")}"')
        if a.get("invite"):
            parts.append("invite " + ", ".join(n.value for n in a.get("invite")))
        if a.get("color") is not None:
            parts.append(f"color {a.get('color')}")
        if a.get("add_to_calendar"):
            parts.append("added to the calendar")
        parts += self._attachments(a)
        complete = bool(a.get("complete_on_stage_change"))
        if complete:
            parts.append("completed on stage change")
        act = Activity(title, rec.visit, complete)
        return Outcome("done", ", ".join(parts), effect=lambda: rec.activities.append(act))

    def act_change_responsible(self, run, a, rec):
        options = a.get("to") or ()
        key = (run.pipeline.name.value, run.stage.name.value, run.robot.name.value)
        turn = self._turns.get(key, 0)
        self._turns[key] = turn + 1
        r = options[turn % len(options)]
        who, err = self.recipient(rec, r)
        names = " or ".join(str(o) for o in options)
        if err:
            return Outcome("failed", f"change responsible to {names}", err)
        note = f"turn {turn % len(options) + 1} of {len(options)}" if len(options) > 1 else None
        old = rec.responsible
        if who == old:
            return Outcome("done", f"change responsible to {who}",
                           "; ".join(x for x in (note, f"{who} is already responsible") if x))

        def effect():
            rec.responsible = who
            self._history_field(rec, "responsible", who)
            self.fire(rec, "responsible_changed", None, cause=f"robot {run.robot.name.value}")
        return Outcome("done", f"change responsible to {who} (was {old})", note, effect)

    def _history_field(self, rec: Record, field: str, value: Any) -> None:
        if rec.name in self._field_history_for:
            self.field_history.setdefault(rec.name, []).append((self.now, field, value))

    def _set_field(self, rec: Record, path: tuple[str, ...], value: Any) -> tuple[Any, Any, str | None]:
        """Store a value; returns (old, new, type)."""
        field = path[0]
        typ = self.index.field_type(rec.entity, (field,))
        new = self._convert(value, typ)
        if field == "responsible":
            old = rec.responsible
            rec.responsible = new
        elif field in ("contact", "contacts") or (field == "client" and "client" not in rec.fields
                                                   and typ in ("client", "contact")):
            old = rec.contacts[0] if rec.contacts else None
            rec.contacts = [new] + rec.contacts[1:] if new is not None else rec.contacts[1:]
        elif field == "company" and "company" not in rec.fields:
            old = rec.company
            rec.company = new
        else:
            old = rec.fields.get(field)
            rec.fields[field] = new
        self._history_field(rec, field, new)
        return old, new, typ

    def act_set_field(self, run, a, rec):
        ref: ir.FieldRef = a.get("field")
        expr = a.get("value")
        field = ref.path[0]
        typ = self.index.field_type(rec.entity, (field,))
        if field in ("stage", "pipeline", "created"):
            return Outcome("failed", f"set {ref.text}", f"{field} cannot be set (use `move to`)")
        value = self.eval(expr, rec)
        shown_new = self.show_value(self._convert(value, typ), typ, quote=True)
        old = self.field_value(rec, (field,))
        same = self.compare("=", old, self._convert(value, typ)) and (old is None) == (value is None)
        detail = f"set {ref.text} = {shown_new} (was {self.show_value(old, typ, quote=True)})"
        if same:
            return Outcome("done", detail, "the value did not change")

        def effect():
            self._set_field(rec, ref.path, value)
            self.fire(rec, "field_changed", None, cause=f"robot {run.robot.name.value}", fields=(field,))
        return Outcome("done", detail, effect=effect)

    def act_move_to(self, run, a, rec):
        ref: ir.StageRef = a.get("stage")
        found = self.index.resolve_stage(ref, rec.pipeline, rec.entity)
        if found is None:
            return Outcome("failed", f"move to {ref}", f'stage "{ref}" not found')
        p, s = found
        label = self.stage_label(p, s)
        if s is rec.stage:
            return Outcome("done", f"move to {label}", f"{rec.name} is already in {label}")
        return Outcome("done", f"move to {label}",
                       effect=lambda: self._move(rec, p, s, cause=f"robot {run.robot.name.value}"))

    def act_create_document(self, run, a, rec):
        tpl = a.get("template")
        name = tpl.value if tpl is not None else "?"
        title = self.render(a.get("title"), rec)
        detail = f"create document from template {name}" + (f' "{title}"' if title else "")
        return Outcome("done", detail, effect=lambda: self.fire(
            rec, "document_created", name, cause=f"robot {run.robot.name.value}"))

    def act_send_email(self, run, a, rec):
        subject = self.render(a.get("subject"), rec)
        words = f'send email "{subject}"'
        sender = a.get("from", "auto")
        if sender == "auto":
            if rec.responsible is None:
                return self._fail(a, words, f"the {self.entity_word(rec)} has no responsible, so `from auto` has no mailbox")
            p = self.people.get(rec.responsible)
            if p is None or not p.mailboxes:
                return self._fail(a, words, f"from auto: {rec.responsible} has no connected mailbox "
                                            f"({rec.responsible} is the responsible)")
            sender_addr = p.mailboxes[0].value
        else:
            sender_addr = sender
        client, note, err = self.client(rec)
        if err:
            return self._fail(a, words, err)
        addr, err = self.pick(client, "email", a.get("to"))
        if err:
            return self._fail(a, words, err)
        parts = [f'send email "{subject}" to {addr.value} ({client.name.value}) from {sender_addr}']
        if a.get("text") is not None:
            parts.append(f'text "{self.render(a.get("text"), rec)}"')
        parts += self._attachments(a)
        if a.get("track_clicks"):
            parts.append("clicks tracked")
        return Outcome("done", ", ".join(parts), note, effect=lambda: self.fire(
            rec, "email_sent", None, cause=f"robot {run.robot.name.value}"))

    def act_send_sms(self, run, a, rec):
        text = self.render(a.get("text"), rec)
        length = len(self.render(a.get("text"), rec, raw=True))
        words = f'send sms "{text}"'
        providers = self.channel("sms")
        if not providers:
            return self._fail(a, words, "no SMS provider is connected (the scenario has no `channel sms`)")
        provider = providers[0]
        wanted = a.get("provider")
        if wanted is not None:
            provider = next((c for c in providers if c.label == wanted), None)
            if provider is None:
                return self._fail(a, words, f'the SMS provider "{wanted}" is not connected')
        client, note, err = self.client(rec)
        if err:
            return self._fail(a, words, err)
        phone, err = self.pick(client, "phone", a.get("to"))
        if err:
            return self._fail(a, words, err)
        if length == 0:
            return self._fail(a, words, "the text is empty once the fields are filled in")
        if length > MAX_SMS_LENGTH:
            return self._fail(a, words, f"the text is {length} characters long once the fields are filled in; "
                                        f"an SMS takes at most {MAX_SMS_LENGTH}")
        via = f' via "{provider.label}"' if provider.label else ""
        return Outcome("done", f'send sms to {phone.value} ({client.name.value}){via}: "{text}"', note)

    def act_send_chat(self, run, a, rec):
        text = self.render(a.get("text"), rec)
        words = f'send chat "{text}"'
        lines = self.channel("openlines")
        if not lines:
            return self._fail(a, words, "no open channel chat is connected (the scenario has no "
                                        "`channel openlines`), so there is no chat with the client")
        client, note, err = self.client(rec)
        if err:
            return self._fail(a, words, err)
        if not client.chats:
            return self._fail(a, words, f"there is no chat with the client {client.name.value} "
                                        "(the contact has no `chat`)")
        chat = client.chats[-1].value
        hidden = " (hidden: only employees see it)" if a.get("hidden") else ""
        via = f' in open channel "{lines[0].label}"' if lines[0].label else ""
        parts = [f'send chat to {client.name.value} (chat {chat}{via}){hidden}: "{text}"']
        parts += self._attachments(a)
        return Outcome("done", ", ".join(parts), note)

    def act_make_call(self, run, a, rec):
        say = a.get("say")
        content = f'say "{self.render(say, rec)}"' if say is not None else f'play "{a.get("play")}"'
        words = f"make call and {content}"
        lines = self.channel("telephony")
        if not lines:
            return self._fail(a, words, "no telephony is connected (the scenario has no `channel telephony`)")
        line = lines[0]
        if a.get("line") is not None:
            line = next((c for c in lines if c.label == a.get("line")), None)
            if line is None:
                return self._fail(a, words, f'the telephony line "{a.get("line")}" is not connected')
        client, note, err = self.client(rec)
        if err:
            return self._fail(a, words, err)
        phone, err = self.pick(client, "phone", a.get("to"))
        if err:
            return self._fail(a, words, err)
        frm = f" from {line.label}" if line.label else ""
        extras = [f"{k} {a.get(k)}" for k in ("voice", "volume", "speed") if a.get(k) is not None]
        return Outcome("done", f"call {phone.value} ({client.name.value}){frm} and {content}"
                       + (f" ({', '.join(str(x) for x in extras)})" if extras else ""), note)

    def act_invite(self, run, a, rec):
        messenger = a.get("messenger")
        m = messenger.value if messenger is not None else "telegram"
        words = f"invite to {m}"
        if not self.channel(m):
            return self._fail(a, words, f"the {m.capitalize()} channel is not connected "
                                        f"(the scenario has no `channel {m}`)")
        client, note, err = self.client(rec)
        if err:
            return self._fail(a, words, err)
        phone, err = self.pick(client, "phone", a.get("to"))
        if err:
            return self._fail(a, words, err)
        text = self.render(a.get("text"), rec)
        return Outcome("done", f"invite {client.name.value} to {m}: SMS to {phone.value}"
                       + (f' "{text}"' if text else ""), note)

    def act_create_repeat_lead(self, run, a, rec):
        client, note, err = self.client(rec)
        title = self.render(a.get("title"), rec) or rec.fields.get("title") or rec.name
        if len(title) > MAX_TEXT_LENGTH:
            return Outcome("failed", "create repeat lead", _too_long("title", title))
        words = f'create repeat lead "{title}"'
        if err:
            return self._fail(a, words, f"a repeat lead needs the {self.entity_word(rec)}'s client, "
                                        f"and {rec.name} has none (no contact or company)")
        resp = a.get("responsible")
        who, err = self.recipient(rec, resp) if resp is not None else (rec.responsible, None)
        if err:
            return self._fail(a, words, err)
        pipes = self.index.pipelines_for("lead")
        pipeline = pipes[0] if pipes else None
        stage = pipeline.stages[0] if pipeline and pipeline.stages else None
        where = f" in {self.stage_label(pipeline, stage)}" if stage else " (there is no lead pipeline: it has no stage)"
        contacts = list(rec.contacts)
        company = rec.company

        def effect():
            self._create(rec, run.robot, "lead", pipeline, stage, {"title": title}, contacts, company, who,
                         f"repeat lead of {rec.name}")
        return Outcome("done", f'{words} for {client.name.value}, responsible {who}{where}', note, effect)

    def act_copy_record(self, run, a, rec):
        ent = a.get("entity")
        ref = a.get("stage")
        if ref is not None:
            found = self.index.resolve_stage(ref, rec.pipeline, rec.entity)
            if found is None:
                return Outcome("failed", f"copy {ent} to {ref}", f'stage "{ref}" not found')
            pipeline, stage = found
        else:
            pipeline, stage = rec.pipeline, rec.pipeline.stages[0]
        original = rec.fields.get('title') or rec.name
        title = self.render(a.get("title"), rec) or (
            original if original.endswith(" (copy)") else f"{original} (copy)")  # a copy of a copy: once
        if len(title) > MAX_TEXT_LENGTH:
            return Outcome("failed", f"copy {rec.name}", _too_long("title", title))
        resp = a.get("responsible")
        who, err = self.recipient(rec, resp) if resp is not None else (rec.responsible, None)
        label = self.stage_label(pipeline, stage)
        where = f"{pipeline.name.value}.{stage.name.value}"
        if err:
            return Outcome("failed", f"copy {rec.name} to {label} ({where})", err)
        fields = dict(rec.fields)
        fields["title"] = title
        contacts = list(rec.contacts)
        company = rec.company

        def effect():
            self._create(rec, run.robot, rec.entity, pipeline, stage, fields, contacts, company, who,
                         f"copy of {rec.name}")
        return Outcome("done", f'copy {rec.name} to {label} ({where}) as "{title}", responsible {who}',
                       effect=effect)

    def act_add_to_audience(self, run, a, rec):
        audience = a.get("audience")
        net = a.get("network")
        words = f'add to audience "{audience}"'
        if net is not None:
            network = net.value
            if not self.channel(network):
                return self._fail(a, words, f"no {network.capitalize()} ad account is connected "
                                            f"(the scenario has no `channel {network}`)")
        else:
            network = next((n for n in ("facebook", "google") if self.channel(n)), None)
            if network is None:
                return self._fail(a, words, "no ad account is connected "
                                            "(the scenario has no `channel facebook` or `channel google`)")
        client, note, err = self.client(rec)
        if err:
            return self._fail(a, words, err)
        contact = (client.emails[0].value if client.emails else None) or \
                  (client.phones[0].value if client.phones else None)
        if contact is None:
            return self._fail(a, words, f"the client {client.name.value} has no e-mail address or phone number")
        return Outcome("done", f'add {contact} ({client.name.value}) to audience "{audience}" on {network}', note)

    def act_webhook(self, run, a, rec):
        url = a.get("url") or ""
        words = f'webhook "{url}"'
        try:
            parts = urllib.parse.urlsplit(url)
            host = parts.hostname
        except ValueError:
            parts, host = None, None
        if parts is None or parts.scheme not in ("http", "https") or not host or any(c.isspace() for c in url):
            return self._fail(a, words, f'the webhook URL "{url}" is malformed: '
                                        "it must start with http:// or https:// and name a host")
        return Outcome("done", f"{words} (recorded, not sent)")

    def act_app(self, run, a, rec):
        text = self.render(a.get("text"), rec)
        return Outcome("done", f'app "{a.get("app")}"' + (f': "{text}"' if text else ""))

    # -- triggers --------------------------------------------------------------------------
    def trigger_label(self, trig: ir.Trigger) -> str:
        if trig.name is not None:
            return trig.name.value
        return event_words(trig.event)

    def event_kinds(self, kind: str, arg: str | None) -> tuple[str, ...]:
        """The trigger events an event counts as.  A call-back form is a CRM form:
        its submission fires `callback requested` and `form submitted` triggers
        alike (the seeds: the form trigger offers every form, call-back ones too)."""
        if kind == "callback":
            return ("callback", "form_submitted")
        if kind == "form_submitted" and arg is not None:
            form = self.index.forms.get(arg)
            if form is not None and form.callback:
                return ("form_submitted", "callback")
        return (kind,)

    def fire(self, rec: Record, kind: str, arg: str | None, cause: str, fields: tuple[str, ...] = ()) -> None:
        """An event happened to a record: its pipeline's triggers may move it."""
        if rec.stopped or rec.pipeline is None:
            return
        matches = []
        kinds = self.event_kinds(kind, arg)
        for stage in rec.pipeline.stages:
            for trig in stage.triggers:
                if trig.event.kind not in kinds:
                    continue
                targ = trig.event.arg
                if kind == "field_changed":
                    wanted = tuple(n.value for n in targ or ())
                    if wanted and not any(f in wanted for f in fields):
                        continue
                elif targ is not None:
                    if arg is None or str(targ.value if isinstance(targ, ir.Name) else targ) != arg:
                        continue
                matches.append((stage, trig))
        if not matches:
            return
        candidates = []
        here = rec.stage
        here_label = self.stage_label(rec.pipeline, here)
        for stage, trig in matches:
            common = dict(trigger=self.trigger_label(trig), stage=stage.name.value,
                          pipeline=rec.pipeline.name.value, cause=cause)
            if trig.condition is not None:
                holds, why = self.check_condition(trig.condition, rec)
                if not holds:
                    self.emit("trigger_ignored", rec, reason=why, **common)
                    continue
            if stage is here:
                self.emit("trigger_ignored", rec, reason=f"{rec.name} is already in {here_label}", **common)
            elif here.final and not trig.allow_back:
                self.emit("trigger_ignored", rec, reason=f"{rec.name} is closed (in {here_label}) "
                                                         "and the trigger does not allow back", **common)
            elif stage.index < here.index and not trig.allow_back:
                self.emit("trigger_ignored", rec, reason=f"{rec.name} is already further (in {here_label}); "
                                                         "it would move back and the trigger does not allow back",
                          **common)
            else:
                candidates.append((stage, trig))
        if not candidates:
            return
        best_stage, best = max(candidates, key=lambda c: c[0].index)  # max keeps the first on ties
        for stage, trig in candidates:
            if trig is best:
                continue
            why = (f"another trigger moves {rec.name} further (to {self.stage_label(rec.pipeline, best_stage)})"
                   if stage is not best_stage else
                   f"another trigger of the same stage ({self.trigger_label(best)}) already moves {rec.name}")
            self.emit("trigger_ignored", rec, reason=why, trigger=self.trigger_label(trig), stage=stage.name.value,
                      pipeline=rec.pipeline.name.value, cause=cause)
        how = f"trigger {self.trigger_label(best)}" + ("" if cause == "scenario" else f" (event from {cause})")
        self._move(rec, rec.pipeline, best_stage, cause=how, trigger=self.trigger_label(best))

    # -- scenario happenings -----------------------------------------------------------------
    def _happen(self, h: ir.Happening) -> None:
        name = h.record.value
        rec = self.records.get(name)
        what = happening_words(h)
        if rec is None:
            self.emit("event", name, event=_event_kind(h), detail=what, cause="scenario",
                      reason=f"there is no record {name} (yet): nothing happens")
            return
        if rec.stopped:
            self.emit("event", rec, event=_event_kind(h), detail=what, cause="scenario",
                      reason=f"{name} was stopped (loop): nothing happens")
            return
        if h.kind == "move":
            found = self.index.resolve_stage(h.stage, rec.pipeline, rec.entity) if h.stage else None
            if found is None:
                self.emit("event", rec, event="move", detail=what, cause="scenario",
                          reason=f'stage "{h.stage}" not found: nothing happens')
                return
            p, s = found
            if s is rec.stage:
                self.emit("event", rec, event="move", detail=what, cause="scenario",
                          reason=f"{name} is already in {self.stage_label(p, s)}: nothing happens")
                return
            self._move(rec, p, s, cause="moved by hand (scenario)")
            return
        if h.kind == "set":
            field = h.field.path[0]
            typ = self.index.field_type(rec.entity, (field,))
            try:
                value = self.eval(h.value, rec)
            except EvalError as e:
                self.emit("event", rec, event="set", detail=what, cause="scenario",
                          reason=f"the value cannot be computed: {e}")
                return
            old = self.field_value(rec, (field,))
            old_, new, typ = self._set_field(rec, (field,), value)
            changed = not (self.compare("=", old, new) and (old is None) == (new is None))
            self.emit("event", rec, event="set", cause="scenario",
                      detail=f"{field} set to {self.show_value(new, typ, quote=True)} by a user "
                             f"(was {self.show_value(old, typ, quote=True)})",
                      reason=None if changed else "the value did not change")
            if changed:
                if field == "responsible":
                    self.fire(rec, "responsible_changed", None, cause="a user's change")
                else:
                    self.fire(rec, "field_changed", None, cause="a user's change", fields=(field,))
            return
        if h.kind == "task_done":
            task = next((t for t in rec.tasks if t.open), None)
            if task is None:
                self.emit("event", rec, event="task_status", detail="complete task", cause="scenario",
                          reason=f"{name} has no open task: nothing happens")
                return
            task.open = False
            rec.tasks = [t for t in rec.tasks if t.open]
            self.emit("event", rec, event="task_status", cause="scenario",
                      detail=f'task #{task.id} "{task.title}" completed')
            self.fire(rec, "task_status", "completed", cause="scenario")
            return
        ev = h.event
        arg = ev.arg
        self.emit("event", rec, event=ev.kind, detail=what, cause="scenario")
        if ev.kind == "field_changed":
            self.fire(rec, ev.kind, None, cause="scenario", fields=tuple(n.value for n in arg or ()))
        else:
            self.fire(rec, ev.kind, arg.value if isinstance(arg, ir.Name) else arg, cause="scenario")

    # -- expectations ---------------------------------------------------------------------------
    def stage_at(self, rec: Record, when: dt.datetime | None) -> tuple[str, str, dt.datetime] | None:
        """(pipeline, stage, since) of a record at the horizon (None) or at `when`."""
        if rec.stage is None:
            return None
        if when is None:
            return rec.pipeline.name.value, rec.stage.name.value, rec.since
        found = None
        for t, p, s in self.stage_history.get(rec.name, ()):
            if t <= when:
                found = (p, s, t)
        return found

    def fields_at(self, rec: Record, when: dt.datetime | None) -> dict | None:
        """The record's fields (and responsible) at `when`; None before it existed."""
        if when is None:
            return None
        if rec.created > when:
            return None
        fields: dict[str, Any] = {}
        for t, f, v in self.field_history.get(rec.name, ()):
            if t <= when:
                fields[f] = v
        return fields

    def evaluate_expectations(self) -> list[ExpectationResult]:
        """Check the scenario's expectations against the end state (call after the run)."""
        return [self._expect(x) for x in self.scenario.expectations]

    def _stage_words(self, p: str, s: str) -> str:
        pl = self.index.pipelines.get(p)
        st = pl.stage(s) if pl else None
        return f"{self.stage_label(pl, st)} ({p}.{s})" if st is not None else f"{p}.{s}"

    def _expect(self, x: ir.Expectation) -> ExpectationResult:
        name = x.record.value
        rec = self.records.get(name)
        when = self.local(x.at) if x.at is not None else None
        at = when or self.horizon
        at_words = f" at {self.fmt(when)}" if when else ""
        if x.kind == "stage":
            text = f"{name} in stage {x.stage}{at_words}"
            found = None
            if rec is not None:
                found = self.index.resolve_stage(x.stage, rec.pipeline, rec.entity) or \
                    self.index.resolve_stage(x.stage, None, rec.entity)
            expected = f"in {self._stage_words(found[0].name.value, found[1].name.value)}" if found \
                else f"in {x.stage}"
            if rec is None:
                return ExpectationResult(x, False, text, expected, f"there is no record {name}", at)
            have = self.stage_at(rec, when)
            if have is None and rec.stage is None:
                return ExpectationResult(x, False, text, expected, f"{name} is in no stage", at)
            if have is None:
                return ExpectationResult(x, False, text, expected,
                                         f"{name} did not exist yet at {self.fmt(when)}", at)
            p, s, since = have
            ok = found is not None and (p, s) == (found[0].name.value, found[1].name.value)
            return ExpectationResult(x, ok, text, expected,
                                     f"in {self._stage_words(p, s)} since {self.fmt(since)}", at)
        if x.kind == "robot":
            robot = x.robot.value
            status = x.status.value
            because = f' because "{x.because}"' if x.because else ""
            text = f"robot {robot} on {name} {status}{because}{at_words}"
            expected = f"{status}{at_words}{because}"
            if rec is None:
                return ExpectationResult(x, False, text, expected, f"there is no record {name}", at)
            st = self.robot_states.get((robot, name))
            if st is None:
                return ExpectationResult(x, False, text, expected, f"robot {robot} never started on {name}", at)
            moment = st.due if st.status == "waiting" else st.at
            ok = st.status == status
            if when is not None and moment != when:
                ok = False
            if x.because and (st.reason is None or x.because.casefold() not in st.reason.casefold()):
                ok = False
            if st.status == "waiting":
                actual = f"waiting at the horizon (due {self.fmt(st.due)})" if st.due else "waiting at the horizon"
            else:
                actual = f"{st.status} at {self.fmt(st.at)}"
            if st.reason:
                actual += f": {st.reason}"
            return ExpectationResult(x, ok, text, expected, actual, at)
        path = x.field.path
        value_text = self.source_text(x.value) if x.value is not None else "?"
        text = f"{name}.{x.field.text} {x.op} {value_text}{at_words}"
        if rec is None:
            return ExpectationResult(x, False, text, f"{x.field.text} {x.op} {value_text}",
                                     f"there is no record {name}", at)
        fields = self.fields_at(rec, when)
        if when is not None and fields is None:
            return ExpectationResult(x, False, text, f"{x.field.text} {x.op} {value_text}",
                                     f"{name} did not exist yet at {self.fmt(when)}", at)
        actual_v = self.field_value(rec, path, fields)
        try:
            want_v = self.eval(x.value, rec)
        except EvalError as e:
            return ExpectationResult(x, False, text, f"{x.field.text} {x.op} {value_text}",
                                     f"the expected value cannot be computed: {e}", at)
        typ = self.index.field_type(rec.entity, path)
        ok = self.compare(x.op, actual_v, want_v)
        expected = f"{x.field.text} {x.op} {self.show_value(want_v, typ, quote=True)}"
        actual = f"{x.field.text} is empty" if actual_v is None or actual_v == "" else \
            f"{x.field.text} = {self.show_value(actual_v, typ, quote=True)}"
        return ExpectationResult(x, ok, text, expected, actual, at)


# ------------------------------------------------------------------ helpers

def truthy(v: Any) -> bool:
    if v is None or v == "":
        return False
    if isinstance(v, Decimal):
        return v != 0
    return bool(v)


def _event_kind(h: ir.Happening) -> str:
    if h.kind == "event" and h.event is not None:
        return h.event.kind
    return {"task_done": "task_status"}.get(h.kind, h.kind)


def event_words(ev: ir.Event) -> str:
    """An event as written: `invoice paid`, `form submitted contact_us`, `call missed "+351..."`."""
    from .schema import EVENTS
    written = EVENTS.get(ev.kind, (ev.kind,))[0]
    words = re.sub(r"\s*\[.*?\]", "", written)
    if ev.kind == "field_changed":
        names = ", ".join(n.value for n in ev.arg or ())
        return f"field {names} changed"
    if ev.kind == "app":
        return f'app "{ev.arg.value if ev.arg else ""}"'
    if ev.arg is None:
        return words
    arg = ev.arg.value if isinstance(ev.arg, ir.Name) else str(ev.arg)
    if ev.kind in ("form_submitted", "callback", "document_created", "document_opened"):
        return f"{words} {arg}"
    if ev.kind == "task_status":
        return f"{words} to {arg}"
    return f'{words} "{arg}"'


def happening_words(h: ir.Happening) -> str:
    if h.kind == "move":
        return f"move to {h.stage}"
    if h.kind == "set":
        return f"set {h.field.text} = {unparse(h.value)}"
    if h.kind == "task_done":
        return "complete task"
    return event_words(h.event)


_PREC = {"or": 1, "and": 2, "not": 3, "cmp": 4, "+": 5, "*": 6, "neg": 7, "atom": 8}


def unparse(e: Any) -> str:
    """An expression written back as flow text (when its source is not at hand)."""
    if isinstance(e, ir.FieldRef):
        return e.text
    if isinstance(e, ir.Literal):
        v = e.value
        if e.type == "text":
            return '"' + str(v).replace("\\", "\\\\").replace('"', '\\"') + '"'
        if e.type == "number":
            if isinstance(v, int) and abs(v) >= 10_000:
                return f"{v:_}"
            return str(v)
        if e.type == "boolean":
            return "yes" if v else "no"
        if e.type == "date":
            return v.isoformat()
        if e.type == "datetime":
            return f"{v:%Y-%m-%d %H:%M}"
        if e.type == "time":
            return f"{v:%H:%M}"
        return str(v)
    if isinstance(e, ir.Today):
        return "today"
    if isinstance(e, ir.Now):
        return "now"
    if isinstance(e, ir.Not):
        return f"not {_group(e.operand, 3)}"
    if isinstance(e, ir.BoolOp):
        level = _PREC[e.op]
        return f" {e.op} ".join(_group(o, level + 1) for o in e.operands)
    if isinstance(e, ir.Compare):
        return f"{_group(e.left, 5)} {e.op} {_group(e.right, 5)}"
    if isinstance(e, ir.InList):
        items = ", ".join(unparse(i) for i in e.items)
        return f"{_group(e.operand, 5)} {'not in' if e.negated else 'in'} [{items}]"
    if isinstance(e, ir.Contains):
        return f"{_group(e.container, 5)} contains {_group(e.item, 5)}"
    if isinstance(e, ir.IsSet):
        return f"{_group(e.operand, 5)} is {'empty' if e.negated else 'set'}"
    if isinstance(e, ir.Between):
        return f"{_group(e.operand, 5)} between {_group(e.low, 5)} and {_group(e.high, 5)}"
    if isinstance(e, ir.Arith):
        out = _group(e.operands[0], 5)
        for op, o in zip(e.ops, e.operands[1:]):
            out += f" {op} {_group(o, 6 if op in '+-' else 7)}"
        return out
    if isinstance(e, ir.Neg):
        return f"-{_group(e.operand, 7)}"
    return "?"


def _level(e: Any) -> int:
    if isinstance(e, ir.BoolOp):
        return _PREC[e.op]
    if isinstance(e, ir.Not):
        return 3
    if isinstance(e, (ir.Compare, ir.InList, ir.Contains, ir.IsSet, ir.Between)):
        return 4
    if isinstance(e, ir.Arith):
        return 6 if any(op in "*/" for op in e.ops) and not any(op in "+-" for op in e.ops) else 5
    if isinstance(e, ir.Neg):
        return 7
    return 8


def _group(e: Any, need: int) -> str:
    text = unparse(e)
    return f"({text})" if _level(e) < need else text
