"""The one adapter between replay and the interpreter: a replay record in,
trace events out.

Today the interpreter runs scenarios, so `Engine.run` writes one record's
data as a scenario of its own (the record in its stage at its creation, its
people, the connected channels, its history as happenings: a move by hand,
a change by a user, an event) and runs `flowc.interpret.Simulation` on it.
The horizon is `--until` when given, else the scenarios' default: 30 days
after the record's last history item.  Besides the trace events, the run
gives what the summary needs and the trace does not say in keys: who got a
message (the client person), which employee a task, an activity or a
notification is for, and each record's final stage.  When the engine's
record API lands, only this module changes.
"""
from __future__ import annotations

import datetime as dt
from typing import Any, NamedTuple

import attrs

from .. import ir
from ..index import Index
from ..interpret import Simulation, TraceEvent
from ..interpret.actions import client, recipient
from ..source import Span
from .records import ReplayRecord

#: The trace's `scenario` key on replay lines.
SCENARIO = "replay"
#: Kinds of the scenario trace that replay leaves out (one record is not a scenario).
DROPPED = frozenset({"scenario_start", "scenario_end"})
#: The scenario's words for causes, in replay's: the record was created, its history happened.
CAUSES = {"scenario start": "created", "scenario": "history", "moved by hand (scenario)": "moved by hand (history)"}
#: Actions whose `done` is a message to the client, by channel.
MESSAGE_CHANNELS = {"send_email": "email", "send_sms": "sms", "send_chat": "chat",
                    "make_call": "call", "invite": "invitation"}
#: Actions whose `done` is work for an employee: what it counts as.
EMPLOYEE_WORK = {"create_task": "task", "plan_activity": "activity", "notify": "notification"}


class Step(NamedTuple):
    """A trace event and what the summary needs beside it."""
    event: TraceEvent
    action: str | None = None  # the robot's action kind, on done/failed
    client: str | None = None  # the person a message went to
    employee: str | None = None  # the employee a task/activity/notification is for


@attrs.frozen
class Outcome:
    """A record's end: each record's (pipeline, stage) at the horizon (records
    created by robots too), whether the run hit an error (loop, limit)."""
    stages: tuple[tuple[str, str | None, str | None], ...]
    error: bool
    horizon: dt.datetime


class Engine:
    def __init__(self, project: ir.Project, index: Index, channels: tuple[tuple[str, str | None], ...] = (),
                 until: dt.datetime | None = None) -> None:
        self.project = project
        self.index = index
        self.until = until
        self.span = Span("<replay>", 1, 1, 1, 1)
        self.channels = tuple(ir.Channel(ir.Name(k, self.span), label, self.span) for k, label in channels)
        self._actions: dict[tuple[str, str, str], ir.Action | None] = {}

    # -- the scenario of one record ------------------------------------------------------
    def scenario(self, rec: ReplayRecord) -> ir.Scenario:
        sp = Span(rec.path, rec.line, 1, rec.line, 1)
        name = ir.Name(rec.id, sp)

        def value(field: str, values: tuple) -> ir.RecordValue:
            return ir.RecordValue(ir.Name(field, sp), values, sp)

        values = []
        if rec.title is not None:
            values.append(value("title", (ir.Literal(rec.title, "text", sp),)))
        if rec.responsible is not None:
            values.append(value("responsible", (ir.Name(rec.responsible, sp),)))
        if rec.contacts:
            values.append(value("contacts", tuple(ir.Name(c, sp) for c in rec.contacts)))
        if rec.company is not None:
            values.append(value("company", (ir.Name(rec.company, sp),)))
        for field, v, typ in rec.fields:
            values.append(value(field, (_literal(v, typ, sp),)))
        decl = ir.RecordDecl(name, ir.Name(rec.entity, sp), _stage_ref(rec.pipeline, rec.stage, sp),
                             tuple(values), sp)
        happenings = []
        for h in rec.history:
            hs = Span(h.path, h.line, 1, h.line, 1)
            if h.kind == "move":
                happenings.append(ir.Happening(h.at, "move", name, hs, stage=_stage_ref(h.pipeline, h.stage, hs)))
            elif h.kind == "set":
                happenings.append(ir.Happening(h.at, "set", name, hs, field=ir.FieldRef((h.field,), hs),
                                               value=_literal(h.value, h.type, hs)))
            else:
                arg = (tuple(ir.Name(a, hs) for a in h.arg) if isinstance(h.arg, tuple)
                       else ir.Name(h.arg, hs) if h.arg is not None else None)
                happenings.append(ir.Happening(h.at, "event", name, hs, event=ir.Event(h.event, hs, arg)))
        return ir.Scenario(ir.Name(SCENARIO, sp), None, rec.created, sp, None, None, rec.people,
                           self.channels, (decl,), tuple(happenings), (), sp)

    # -- running it ------------------------------------------------------------------
    def run(self, rec: ReplayRecord) -> tuple[list[Step], Outcome, list[dict]]:
        """The steps of one record's replay, its outcome, and the per-record
        `summary` lines of the trace (as the simulator's JSON renderer writes them)."""
        scenario = self.scenario(rec)
        try:
            return self._run(rec, scenario)
        finally:
            self.index.forget(scenario)  # else the index keeps every record's people

    def _run(self, rec: ReplayRecord, scenario: ir.Scenario):
        sim = Simulation(self.project, self.index, scenario, self.until)
        steps = []
        for ev in sim.run():
            if ev.kind in DROPPED:
                continue
            if ev.record is None:
                ev = attrs.evolve(ev, record=rec.id)
            if ev.cause in CAUSES:
                ev = attrs.evolve(ev, cause=CAUSES[ev.cause])
            if ev.kind in ("done", "failed") and ev.robot is not None:
                steps.append(self._step(sim, ev))
            else:
                steps.append(Step(ev))
        stages = tuple((r.name, r.pipeline.name.value if r.pipeline else None,
                        r.stage.name.value if r.stage else None) for r in sim.records.values())
        summaries = []
        for r in sim.records.values():
            robots = {n: sim.robot_states[(n, r.name)].status
                      for n in sim.robot_order.get(r.name, ()) if (n, r.name) in sim.robot_states}
            d: dict[str, Any] = {"at": sim.horizon, "scenario": SCENARIO, "record": r.name, "kind": "summary",
                                 "entity": r.entity, "robots": robots, "stopped": r.stopped is not None}
            if r.stage is not None:
                d["stage"], d["pipeline"] = r.stage.name.value, r.pipeline.name.value
            summaries.append(d)
        return steps, Outcome(stages, sim.error, sim.horizon), summaries

    def _action(self, ev: TraceEvent) -> ir.Action | None:
        key = (ev.pipeline, ev.stage, ev.robot)
        if key not in self._actions:
            p = self.index.pipelines.get(ev.pipeline or "")
            s = p.stage(ev.stage or "") if p else None
            robot = next((r for r in s.robots if r.name.value == ev.robot), None) if s else None
            self._actions[key] = robot.action if robot else None
        return self._actions[key]

    def _step(self, sim: Simulation, ev: TraceEvent) -> Step:
        a = self._action(ev)
        if a is None:
            return Step(ev)
        if ev.kind != "done":
            return Step(ev, a.kind)
        rec = sim.records.get(ev.record)
        if rec is None:
            return Step(ev, a.kind)
        if a.kind in MESSAGE_CHANNELS:
            person, _, _ = client(sim, rec)
            return Step(ev, a.kind, client=person.name.value if person else None)
        if a.kind in EMPLOYEE_WORK:
            to = a.get("to") if a.kind == "notify" else a.get("responsible")
            who = recipient(sim, rec, to)[0] if to is not None else rec.responsible
            return Step(ev, a.kind, employee=who)
        return Step(ev, a.kind)


def _stage_ref(p: ir.Pipeline, s: ir.Stage, sp: Span) -> ir.StageRef:
    return ir.StageRef(ir.Name(p.name.value, sp), ir.Name(s.name.value, sp), sp)


def _literal(v: Any, typ: str | None, sp: Span) -> ir.Literal:
    if isinstance(v, bool):
        return ir.Literal(v, "boolean", sp)
    if typ in ("number", "money"):
        return ir.Literal(v, "number", sp)
    if isinstance(v, dt.datetime):
        return ir.Literal(v, "datetime", sp)
    if isinstance(v, dt.date):
        return ir.Literal(v, "date", sp)
    return ir.Literal(v, "text", sp)
