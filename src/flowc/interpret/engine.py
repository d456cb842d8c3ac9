"""The engine: the virtual clock, the queue of timed items and the main loop.

A `Simulation` is the state of one run: the clock (`now`), a priority queue
of (instant, sequence number, item) -- ties run in the order they were
scheduled, so the trace depends on the input files only (never on the wall
clock, the host time zone, the locale or hash order) -- the records and the
robots' states, and the trace events emitted since the last step.  Its main
loop (`run`) pops the next item (a robot due, with the other robots of its
record due at that instant: one batch; or a scenario happening), lets the
other modules act on it, and yields the trace events of that step.
"""
from __future__ import annotations

import datetime as dt
import heapq
from typing import Any, Iterator

from .. import ir, limits, workcal
from ..index import Index
from .batch import due_now, run_batch
from .expect import ExpectationResult, evaluate_expectations
from .scenario import declare, happen, horizon
from .stages import set_state
from .trace import TraceEvent
from .values import format_local
from .world import Record, RobotRun, RobotState

#: Trace events of one scenario before the run is stopped.
MAX_EVENTS = limits.MAX_EVENTS_PER_SCENARIO


def simulate(project: ir.Project, index: Index, scenario: ir.Scenario,
             until: dt.datetime | None = None, sources: dict | None = None) -> Iterator[TraceEvent]:
    """Run one scenario; yield its trace events as they happen.  `until` (a
    naive local time of the flow's time zone) overrides the horizon."""
    return Simulation(project, index, scenario, until, sources).run()


class Simulation:
    """One run of a scenario: its state, and the main loop that advances it."""

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
        self.start, self.horizon, self.horizon_reason = horizon(self, until)
        self.now = self.start
        self.records: dict[str, Record] = {}
        self.robot_states: dict[tuple[str, str], RobotState] = {}
        self.robot_order: dict[str, list[str]] = {}
        self.error = False
        self.errors: list[str] = []  # what went wrong, in words (a loop, a limit)
        self.events = 0
        self.stopped_run = False
        self.tasks = 0  # tasks created so far (their numbers)
        self.next_suffix: dict[str, int] = {}  # names of created records
        self.turns: dict[tuple[str, str, str], int] = {}  # round robins of change_responsible
        self.calendars: dict[str, workcal.WorkCalendar] = {}
        self.chats: dict[str, list] = {}  # person -> world.Chat list (world.chats_of)
        self.invited: dict[str, set[str]] = {}  # person -> messengers a robot invited them to
        self._queue: list = []
        self._seq = 0
        self._out: list[TraceEvent] = []
        # Histories are kept only where an expectation looks back in time.
        self.stage_history_for = {x.record.value for x in scenario.expectations if x.kind == "stage" and x.at}
        self.field_history_for = {x.record.value for x in scenario.expectations if x.kind == "field" and x.at}
        self.stage_history: dict[str, list[tuple[dt.datetime, str, str]]] = {}
        self.field_history: dict[str, list[tuple[dt.datetime, str, Any]]] = {}

    # -- time ---------------------------------------------------------------
    def local(self, naive: dt.datetime, offset: int | None = None) -> dt.datetime:
        """A wall time of the flow's zone as an instant; with an `offset`
        written (`01:30-05:00`, minutes east of UTC) exactly that instant."""
        if offset is not None:
            return (naive - dt.timedelta(minutes=offset)).replace(tzinfo=dt.timezone.utc)
        return workcal.localize(naive, self.tz)

    def fmt(self, instant: dt.datetime) -> str:
        return format_local(instant, self.tz)

    def fmt_short(self, instant: dt.datetime) -> str:
        """`15:50` on the current local date, else the full date and time."""
        a, b = workcal.to_local(instant, self.tz), workcal.to_local(self.now, self.tz)
        return f"{a:%H:%M}" if a.date() == b.date() else self.fmt(instant)

    # -- emitting and scheduling ---------------------------------------------------
    def emit(self, kind: str, record: Record | str | None, **kw: Any) -> None:
        name = record.name if isinstance(record, Record) else record
        self._out.append(TraceEvent(self.now, self.name, name, kind, **kw))
        self.events += 1

    def push(self, when: dt.datetime, item: Any) -> None:
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
            declare(self, decl)
            yield from self._flush()
        # by instant, not wall time (in a DST gap 02:30 and 03:00 are one instant);
        # stable: the written order on ties
        timed = sorted(((max(self.local(h.at, h.offset), self.start), h) for h in sc.happenings),
                       key=lambda x: x[0])
        for when, h in timed:
            self.push(when, ("happening", h))
        while self._queue and not self.stopped_run:
            when, _, item = self._queue[0]
            if when > self.horizon:
                break
            heapq.heappop(self._queue)
            self.now = when
            kind, payload = item
            if kind == "robot":
                if due_now(self, payload):  # not a stale entry (finished, cancelled, rescheduled)
                    run_batch(self, [payload] + self._due_with(payload))
            elif kind == "happening":
                happen(self, payload)
            yield from self._flush()
        if not self.stopped_run:
            self.now = self.horizon
            for rec in self.records.values():
                for run in rec.runs:
                    if run.status in ("scheduled", "pending") and run.visit == rec.visit and not rec.stopped:
                        _still_waiting(self, rec, run)
                yield from self._flush()
        self.emit("scenario_end", None, extra=(("error", self.error), ("records", len(self.records))))
        yield from self._flush(final=True)

    def _due_with(self, run: RobotRun) -> list[RobotRun]:
        """The other robots of the same record due now: they run as one batch
        with `run` (their own queue entries find them finished, and pass)."""
        rec = run.record
        return [r for r in rec.runs if r is not run and r.status == "scheduled" and r.due == self.now]

    def _flush(self, final: bool = False) -> Iterator[TraceEvent]:
        out, self._out = self._out, []
        yield from out
        # Past the limit, the run stops after the step that passed it; the
        # last line of a trace is always scenario_end.
        if not final and self.events > MAX_EVENTS and not self.stopped_run:
            self.stopped_run = True
            self.error = True
            self.errors.append(f"more than {MAX_EVENTS:,} trace events")
            self.emit("limit", None, reason=f"more than {MAX_EVENTS:,} trace events: the run is stopped")
            out, self._out = self._out, []
            yield from out

    def evaluate_expectations(self) -> list[ExpectationResult]:
        """Check the scenario's expectations against the end state (call after the run)."""
        return evaluate_expectations(self)


def _still_waiting(sim: Simulation, rec: Record, run: RobotRun) -> None:
    """A robot that has not run by the horizon."""
    if run.status == "scheduled":
        why = f"due {sim.fmt(run.due)}"
    else:
        why = f"after previous: robot {run.previous.robot.name.value} has not finished"
    run.status = "waiting"
    set_state(sim, run, "waiting", why, due=run.due)
    sim.emit("waiting", rec, robot=run.robot.name.value, stage=run.stage.name.value,
             pipeline=run.pipeline.name.value, status="waiting", reason=why, due=run.due)
