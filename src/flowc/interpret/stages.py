"""Records going through stages: a record enters a stage (its robots are
planned), moves to another (the robots still waiting are cancelled, open
activities that end with the stage are completed), is stopped by a loop, or
is created by a robot; a robot's run is planned (`plan`: scheduled for its
due time, or pending after the previous robot), planned again when the field
it counts from changes (`reschedule`), and finished (`finish`: its line in
the trace, its effect, the next robot of an `after previous` chain).
"""
from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from .. import ir, limits, workcal
from .text import show_value
from .timing import calendar, plan_due
from .values import RANGE_WORDS, EvalError
from .world import (
    Record, RobotRun, RobotState, entity_word, history_stage, new_name, snapshot_fields, stage_label,
)

if TYPE_CHECKING:  # pragma: no cover
    from .engine import Simulation

#: Stage moves of one record at one instant before it is stopped as a loop.
MAX_MOVES_PER_INSTANT = limits.MAX_MOVES_PER_INSTANT
#: Records of one scenario (declared plus created by robots).
MAX_RECORDS = limits.MAX_RECORDS_PER_SCENARIO


# ------------------------------------------------------------------ records and stages

def create(sim: "Simulation", parent: Record, robot: ir.Robot, entity: str, pipeline: ir.Pipeline | None,
           stage: ir.Stage | None, fields: dict, contacts: list[str], company: str | None,
           responsible: str | None, what: str) -> Record | None:
    """A record made by a robot (a copy, a repeat lead); None when a limit stops it."""
    if len(sim.records) >= MAX_RECORDS:
        sim.error = True
        sim.errors.append(f"more than {MAX_RECORDS:,} records")
        sim.emit("limit", parent, reason=f"the scenario already has {MAX_RECORDS:,} records (the limit): "
                                         "no more are created; the run is stopped")
        sim.stopped_run = True
        return None
    # Copies of copies at one instant are a chain like stage moves: the same
    # loop protection stops it (MAX_MOVES_PER_INSTANT).
    chain = parent.moves_path if parent.moves_at == sim.now else [parent.stage.name.value]
    if len(chain) > MAX_MOVES_PER_INSTANT:
        parent.moves_at, parent.moves_path = sim.now, list(chain)
        loop(sim, parent, stage or parent.stage, "moves and copies")
        return None
    # A record made by the robot that made its parent keeps the parent's
    # name and takes the next number (d1_r, d1_r_2, ...): names never grow.
    maker = robot.name.value
    base = parent.base if parent.maker == maker and parent.base else f"{parent.name}_{maker}"
    name = new_name(sim, base)
    rec = Record(name, entity, len(sim.records), pipeline, stage, fields, contacts, company,
                 responsible, sim.now, base=base, maker=maker)
    rec.moves_at = sim.now
    rec.moves_path = chain + [stage.name.value] if stage is not None else list(chain)
    sim.records[name] = rec
    snapshot_fields(sim, rec)
    cause = f"robot {robot.name.value} of {parent.name}"
    sim.emit("created", rec, cause=cause, detail=f'{what}, "{fields.get("title") or name}"',
             extra=(("entity", entity), ("parent", parent.name)))
    if stage is not None:
        enter(sim, rec, cause=f"created by {cause}", kind="entered")
    return rec


def enter(sim: "Simulation", rec: Record, cause: str, kind: str) -> None:
    """The record enters its (already set) stage: its robots start."""
    rec.visit += 1
    rec.since = sim.now
    history_stage(sim, rec)
    if kind == "entered":
        sim.emit("entered", rec, stage=rec.stage.name.value, pipeline=rec.pipeline.name.value, cause=cause)
    runs: list[RobotRun] = []
    for i, robot in enumerate(rec.stage.robots):
        run = RobotRun(robot, rec, rec.pipeline, rec.stage, rec.visit, i)
        if robot.timing.after_previous and runs:
            run.status = "pending"
            run.previous = runs[-1]
            runs[-1].next = run
        runs.append(run)
        sim.robot_order.setdefault(rec.name, [])
        if robot.name.value not in sim.robot_order[rec.name]:
            sim.robot_order[rec.name].append(robot.name.value)
    rec.runs = runs
    for run in runs:
        if rec.visit != run.visit or rec.stopped:
            break
        if run.status == "new":
            plan(sim, run, sim.now, "entering")
        elif run.status == "pending":
            sim.emit("scheduled", rec, robot=run.robot.name.value, stage=run.stage.name.value,
                     pipeline=run.pipeline.name.value, status="scheduled",
                     reason=f"after previous: waits for robot {run.previous.robot.name.value}")


def move(sim: "Simulation", rec: Record, pipeline: ir.Pipeline, stage: ir.Stage, cause: str,
         trigger: str | None = None) -> bool:
    """The record moves to `stage` (False when it is stopped, or a loop stops it)."""
    if rec.stopped:
        return False
    if rec.stage is None:  # a record created without a stage is put in one
        rec.pipeline, rec.stage = pipeline, stage
        enter(sim, rec, cause=cause, kind="entered")
        return True
    if rec.moves_at != sim.now:
        rec.moves_at = sim.now
        rec.moves_path = [rec.stage.name.value]
    if len(rec.moves_path) > MAX_MOVES_PER_INSTANT:
        loop(sim, rec, stage)
        return False
    rec.moves_path.append(stage.name.value)
    old_p, old_s = rec.pipeline, rec.stage
    sim.emit("moved", rec, from_stage=old_s.name.value,
             from_pipeline=old_p.name.value if old_p is not pipeline else None,
             to_stage=stage.name.value, stage=stage.name.value, pipeline=pipeline.name.value,
             cause=cause, trigger=trigger)
    leave(sim, rec, pipeline, stage)
    rec.pipeline, rec.stage = pipeline, stage
    enter(sim, rec, cause=cause, kind="moved")
    return True


def loop(sim: "Simulation", rec: Record, stage: ir.Stage, what: str = "moves") -> None:
    """Too many moves at one instant: the record is stopped, its robots cancelled."""
    path = rec.moves_path + [stage.name.value]
    shown = path
    for p in range(1, len(path)):
        if all(path[i] == path[i + p] for i in range(len(path) - p)):
            shown = path[:p + 1] + ["..."]
            break
    sim.error = True
    sim.errors.append(f"{rec.name} was stopped by a loop")
    rec.stopped = "loop"
    sim.emit("loop", rec, stage=rec.stage.name.value, pipeline=rec.pipeline.name.value,
             reason=f"loop: {' -> '.join(shown)} ({MAX_MOVES_PER_INSTANT} {what} at {sim.fmt(sim.now)}); "
                    "record stopped",
             extra=(("path", tuple(path)),))
    for run in rec.runs:
        if run.status in ("scheduled", "pending"):
            finish(sim, run, "cancelled", "the record was stopped (loop)", chain=False)


def leave(sim: "Simulation", rec: Record, pipeline: ir.Pipeline, stage: ir.Stage) -> None:
    what = entity_word(sim, rec)
    to = stage_label(pipeline, stage)
    frm = stage_label(rec.pipeline, rec.stage)
    for run in rec.runs:
        if run.status == "scheduled" and run.due <= sim.now:  # due this very minute: not run yet
            why = f"the {what} moved on at {sim.fmt_short(sim.now)} before this robot ran: it left {frm} for {to}"
        elif run.status == "scheduled":
            why = (f"the {what} moved on before it was due at {sim.fmt_short(run.due)}: "
                   f"it left {frm} for {to}")
        elif run.status == "pending":
            why = f"the {what} moved on before it started: it left {frm} for {to}"
        else:
            continue
        finish(sim, run, "cancelled", why, chain=False, to_stage=stage.name.value)
    for act in rec.activities:
        if act.open and act.complete_on_stage_change:
            act.open = False
            act.completed = sim.now
            sim.emit("activity_completed", rec, stage=rec.stage.name.value, pipeline=rec.pipeline.name.value,
                     detail=f'activity "{act.title}"', reason=f"the {what} left {frm} for {to}")


# ------------------------------------------------------------------ robot runs

def _due(sim: "Simulation", run: RobotRun) -> tuple[dt.datetime | None, str]:
    """The run's due time from its base (None, why: it has none)."""
    try:
        return plan_due(sim, run, run.base, run.base_what)
    except workcal.NoWorkingTime as e:
        if e.limit:  # the search for working time went past its bound
            sim.error = True
            sim.errors.append(str(e))
            sim.emit("limit", run.record, reason=f"{e}: robot {run.robot.name.value} fails")
        return None, str(e)
    except (ValueError, EvalError) as e:
        return None, str(e)
    except OverflowError:  # a calendar search that runs past year 9999
        return None, f"the due time is out of range ({RANGE_WORDS})"


def _catch_up(sim: "Simulation", run: RobotRun, due: dt.datetime,
              words: str) -> tuple[dt.datetime | None, str]:
    """A due time already past: now; with a calendar, never outside its working
    time (docs/language.md#due-times-in-the-past).  (when, words) or (None, why)."""
    cal = calendar(sim, run.robot.timing.calendar.value) if run.robot.timing.calendar is not None else None
    try:
        when = cal.next_working(sim.now) if cal is not None else sim.now
    except workcal.NoWorkingTime as e:
        return None, str(e)
    except OverflowError:
        return None, f"the due time is out of range ({RANGE_WORDS})"
    then = "waits for the next working moment" if when > sim.now else "runs now"
    return when, f"{words}: was due {sim.fmt(due)}, which had passed; {then}"


def plan(sim: "Simulation", run: RobotRun, base: dt.datetime, base_what: str) -> None:
    """Schedule a robot run counting from `base` (failed when it has no due time)."""
    rec = run.record
    run.base, run.base_what = base, base_what
    due, words = _due(sim, run)
    past = due is not None and due < sim.now
    if past:
        due, words = _catch_up(sim, run, due, words)
    if due is None:
        finish(sim, run, "failed", words)
        return
    run.status = "scheduled"
    run.due = due
    if due > sim.now or past:  # due at once: no line, its outcome follows
        sim.emit("scheduled", rec, status="scheduled", due=due, reason=words, robot=run.robot.name.value,
                 stage=run.stage.name.value, pipeline=run.pipeline.name.value)
    set_state(sim, run, "scheduled", words, due=due)
    sim.push(due, ("robot", run))


def reschedule(sim: "Simulation", rec: Record, field: str, old: Any, new: Any) -> None:
    """A field changed: the waiting robots counted from it follow it
    (docs/language.md#when-the-date-changes): a new due time, `rescheduled`;
    an emptied field fails them.  A stale queue entry is skipped by the engine
    (its instant is no longer the run's due time)."""
    for run in list(rec.runs):
        rel = run.robot.timing.relative
        if run.status != "scheduled" or run.visit != rec.visit or rec.stopped or rel is None \
                or rel.field.path[0] != field:
            continue
        if new is None:
            finish(sim, run, "failed", f"{field} was emptied, so `{rel.duration} {rel.direction} "
                                       f"{rel.field.text}` has no date")
            continue
        typ = sim.index.field_type(rec.entity, (field,))
        change = (f"{field} changed to {show_value(sim, new, typ, quote=True)} "
                  f"(was {show_value(sim, old, typ, quote=True)})")
        due, words = _due(sim, run)
        if due is not None and due < sim.now:
            due, words = _catch_up(sim, run, due, words)
        if due is None:
            finish(sim, run, "failed", f"{change}: {words}")
            continue
        if due == run.due:
            continue
        run.due = due
        sim.emit("rescheduled", rec, status="rescheduled", due=due, reason=f"{change}: {words}",
                 robot=run.robot.name.value, stage=run.stage.name.value, pipeline=run.pipeline.name.value)
        set_state(sim, run, "scheduled", f"{change}: {words}", due=due)
        sim.push(due, ("robot", run))


def set_state(sim: "Simulation", run: RobotRun, status: str, reason: str | None,
              due: dt.datetime | None = None, detail: str | None = None) -> None:
    sim.robot_states[(run.robot.name.value, run.record.name)] = RobotState(
        status, sim.now, reason, run.stage.name.value, due, detail)


def finish(sim: "Simulation", run: RobotRun, status: str, reason: str | None, detail: str | None = None,
           chain: bool = True, to_stage: str | None = None, effect: Any = None) -> None:
    """A run ends (done, failed, skipped, cancelled): its line, then its effect,
    then the next robot of its `after previous` chain is planned."""
    run.status = status
    set_state(sim, run, status, reason, detail=detail)
    sim.emit(status, run.record, robot=run.robot.name.value, stage=run.stage.name.value,
             pipeline=run.pipeline.name.value, status=status, reason=reason, detail=detail,
             to_stage=to_stage)
    if effect is not None:
        effect()
    if chain and run.next is not None and run.next.status == "pending" \
            and run.record.visit == run.visit and not run.record.stopped:
        plan(sim, run.next, sim.now, f"robot {run.robot.name.value} finished")
