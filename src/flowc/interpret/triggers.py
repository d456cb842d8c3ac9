"""Triggers: an event happens to a record (a scenario event, a robot's
e-mail, a field change...) and its pipeline's triggers may move it.  Which
triggers answer it, which are ignored and why, and which one wins (the
furthest stage; the first written on a tie).
"""
from __future__ import annotations

from typing import TYPE_CHECKING

from .. import ir
from .expr import check_condition
from .stages import move
from .words import trigger_label
from .world import Record, stage_label

if TYPE_CHECKING:  # pragma: no cover
    from .engine import Simulation


def event_kinds(sim: "Simulation", kind: str, arg: str | None) -> tuple[str, ...]:
    """The trigger events an event counts as.  A call-back form is a CRM form:
    its submission fires `callback requested` and `form submitted` triggers
    alike (the seeds: the form trigger offers every form, call-back ones too).
    The client's first chat message is a message: it fires `chat first
    message` and `chat message` triggers ("first message / each message")."""
    if kind == "callback":
        return ("callback", "form_submitted")
    if kind == "chat_first_message":  # every message, the first one included
        return ("chat_first_message", "chat_message")
    if kind == "form_submitted" and arg is not None:
        form = sim.index.forms.get(arg)
        if form is not None and form.callback:
            return ("form_submitted", "callback")
    return (kind,)


def fire(sim: "Simulation", rec: Record, kind: str, arg: str | None, cause: str,
         fields: tuple[str, ...] = ()) -> None:
    """An event happened to a record: its pipeline's triggers may move it."""
    fire_many(sim, rec, [(kind, arg, fields, cause)])


def fire_many(sim: "Simulation", rec: Record, events: list[tuple]) -> None:
    """Events that happened to a record together (a batch of robots): every
    trigger one of them matches is a candidate; at most one moves the record
    (the furthest stage).  Each event is (kind, arg, fields, cause)."""
    if rec.stopped or rec.pipeline is None:
        return
    matches = []
    seen: set[int] = set()
    for kind, arg, fields, cause in events:
        kinds = event_kinds(sim, kind, arg)
        for stage in rec.pipeline.stages:
            for ti, trig in enumerate(stage.triggers):
                if trig.event.kind not in kinds or id(trig) in seen:
                    continue
                targ = trig.event.arg
                if kind == "field_changed":
                    wanted = tuple(n.value for n in targ or ())
                    if wanted and not any(f in wanted for f in fields):
                        continue
                elif targ is not None:
                    if arg is None or str(targ.value if isinstance(targ, ir.Name) else targ) != arg:
                        continue
                seen.add(id(trig))
                matches.append((stage, trig, cause, ti))
    if not matches:
        return
    # In the pipeline's order, whatever the order of the events (docs/semantics.md, Triggers).
    matches = [m[:3] for m in sorted(matches, key=lambda m: (m[0].index, m[3]))]
    candidates = []
    here = rec.stage
    here_label = stage_label(rec.pipeline, here)
    for stage, trig, cause in matches:
        common = dict(trigger=trigger_label(trig), stage=stage.name.value,
                      pipeline=rec.pipeline.name.value, cause=cause)
        if trig.condition is not None:
            holds, why = check_condition(sim, trig.condition, rec)
            if not holds:
                sim.emit("trigger_ignored", rec, reason=why, **common)
                continue
        if stage is here:
            sim.emit("trigger_ignored", rec, reason=f"{rec.name} is already in {here_label}", **common)
        elif here.final and not trig.allow_back:
            sim.emit("trigger_ignored", rec, reason=f"{rec.name} is closed (in {here_label}) "
                                                    "and the trigger does not allow back", **common)
        elif stage.index < here.index and not trig.allow_back:
            sim.emit("trigger_ignored", rec, reason=f"{rec.name} is already further (in {here_label}); "
                                                    "it would move back and the trigger does not allow back",
                     **common)
        else:
            candidates.append((stage, trig, cause))
    if not candidates:
        return
    best_stage, best, best_cause = max(candidates, key=lambda c: c[0].index)  # max keeps the first on ties
    for stage, trig, cause in candidates:
        if trig is best:
            continue
        why = (f"another trigger moves {rec.name} further (to {stage_label(rec.pipeline, best_stage)})"
               if stage is not best_stage else
               f"another trigger of the same stage ({trigger_label(best)}) already moves {rec.name}")
        sim.emit("trigger_ignored", rec, reason=why, trigger=trigger_label(trig), stage=stage.name.value,
                 pipeline=rec.pipeline.name.value, cause=cause)
    how = f"trigger {trigger_label(best)}" + ("" if best_cause == "scenario" else f" (event from {best_cause})")
    move(sim, rec, rec.pipeline, best_stage, cause=how, trigger=trigger_label(best))
