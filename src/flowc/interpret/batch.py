"""Robots of one record due at one instant run as one batch (docs/semantics.md,
"One batch per record and instant"; the help pages: the robots of a stage
fire simultaneously):

1. each robot's condition, then its action, on the record as it was when the
   batch started (what an action does is returned as an `Outcome`, not done),
   and its line, in the order the robots are written;
2. the effects on the record, in that order;
3. the stage changes: a robot's `move to` (the last one written), then the
   triggers of all the batch's events looked at together (`fire_many`);
4. the robots chained to a robot of the batch (`after previous`).

So no robot's status depends on the order the robots are written in (the
property test tests/simulate/test_batch_property.py).
"""
from __future__ import annotations

from typing import TYPE_CHECKING

from .actions import Outcome, act
from .expr import check_condition
from .stages import finish, move, plan
from .triggers import fire_many
from .values import EvalError
from .words import action_words
from .world import RobotRun

if TYPE_CHECKING:  # pragma: no cover
    from .engine import Simulation


def due_now(sim: "Simulation", run: RobotRun) -> bool:
    """Still waiting for this instant: not cancelled, finished or rescheduled."""
    rec = run.record
    return run.status == "scheduled" and rec.visit == run.visit and not rec.stopped and run.due == sim.now


def run_batch(sim: "Simulation", runs: list[RobotRun]) -> None:
    """Run the robots of one record due now (in any order: they run in the
    order written in their stage)."""
    unique = {id(r): r for r in runs if due_now(sim, r)}
    batch = sorted(unique.values(), key=lambda r: r.position)
    if not batch:
        return
    rec = batch[0].record
    outcomes: list[Outcome] = []
    for run in batch:
        cond = run.robot.condition
        if cond is not None:
            holds, why = check_condition(sim, cond, rec)
            if not holds:
                finish(sim, run, "skipped", why, chain=False)
                continue
        try:
            out = act(sim, run)
        except EvalError as e:
            out = Outcome("failed", action_words(run.robot.action), str(e))
        finish(sim, run, out.status, out.reason, out.detail, chain=False)
        outcomes.append(out)
    for out in outcomes:
        if out.effect is not None:
            out.effect()
    moves = [out.move for out in outcomes if out.move is not None]
    if moves and not rec.stopped:
        pipeline, stage, cause = moves[-1]
        if stage is not rec.stage:
            move(sim, rec, pipeline, stage, cause=cause)
    events = [e for out in outcomes for e in out.events]
    if events:
        fire_many(sim, rec, events)
    for run in batch:
        nxt = run.next
        if nxt is not None and nxt.status == "pending" and rec.visit == run.visit and not rec.stopped:
            plan(sim, nxt, sim.now, f"robot {run.robot.name.value} finished")
