"""Expectations: a scenario's `expect` lines checked against the end state
of a run (a record's stage, a robot's outcome and what it did, a field's
value, its tasks and activities), at the horizon or at a given time (from
the stage and field histories), each with the expected and the actual state
in words (for `with`: the actual detail, so that it can be copied).
"""
from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

import attrs

from .. import ir
from .expr import compare, evaluate
from .text import show_value, source_text
from .values import EvalError
from .world import Record, field_value, stage_label

if TYPE_CHECKING:  # pragma: no cover
    from .engine import Simulation


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


def evaluate_expectations(sim: "Simulation") -> list[ExpectationResult]:
    """Check the scenario's expectations against the end state (call after the run)."""
    return [expect(sim, x) for x in sim.scenario.expectations]


def stage_at(sim: "Simulation", rec: Record, when: dt.datetime | None) -> tuple[str, str, dt.datetime] | None:
    """(pipeline, stage, since) of a record at the horizon (None) or at `when`."""
    if rec.stage is None:
        return None
    if when is None:
        return rec.pipeline.name.value, rec.stage.name.value, rec.since
    found = None
    for t, p, s in sim.stage_history.get(rec.name, ()):
        if t <= when:
            found = (p, s, t)
    return found


def fields_at(sim: "Simulation", rec: Record, when: dt.datetime | None) -> dict | None:
    """The record's fields (and responsible) at `when`; None before it existed."""
    if when is None:
        return None
    if rec.created > when:
        return None
    fields: dict[str, Any] = {}
    for t, f, v in sim.field_history.get(rec.name, ()):
        if t <= when:
            fields[f] = v
    return fields


def _stage_words(sim: "Simulation", p: str, s: str) -> str:
    pl = sim.index.pipelines.get(p)
    st = pl.stage(s) if pl else None
    return f"{stage_label(pl, st)} ({p}.{s})" if st is not None else f"{p}.{s}"


def expect(sim: "Simulation", x: ir.Expectation) -> ExpectationResult:
    name = x.record.value
    rec = sim.records.get(name)
    when = sim.local(x.at, x.at_offset) if x.at is not None else None
    at = when or sim.horizon
    at_words = f" at {sim.fmt(when)}" if when else ""
    if x.kind == "stage":
        return _expect_stage(sim, x, rec, when, at, at_words)
    if x.kind == "robot":
        return _expect_robot(sim, x, rec, when, at, at_words)
    if x.kind in ("task", "activity"):
        return _expect_item(sim, x, rec, when, at, at_words)
    return _expect_field(sim, x, rec, when, at, at_words)


def _contains(text: str | None, part: str | None) -> bool:
    return part is None or (text is not None and part.casefold() in text.casefold())


def _expect_stage(sim, x, rec, when, at, at_words) -> ExpectationResult:
    name = x.record.value
    text = f"{name} in stage {x.stage}{at_words}"
    found = None
    if rec is not None:
        found = sim.index.resolve_stage(x.stage, rec.pipeline, rec.entity) or \
            sim.index.resolve_stage(x.stage, None, rec.entity)
    expected = f"in {_stage_words(sim, found[0].name.value, found[1].name.value)}" if found \
        else f"in {x.stage}"
    if rec is None:
        return ExpectationResult(x, False, text, expected, f"there is no record {name}", at)
    have = stage_at(sim, rec, when)
    if have is None and rec.stage is None:
        return ExpectationResult(x, False, text, expected, f"{name} is in no stage", at)
    if have is None:
        return ExpectationResult(x, False, text, expected,
                                 f"{name} did not exist yet at {sim.fmt(when)}", at)
    p, s, since = have
    ok = found is not None and (p, s) == (found[0].name.value, found[1].name.value)
    return ExpectationResult(x, ok, text, expected,
                             f"in {_stage_words(sim, p, s)} since {sim.fmt(since)}", at)


def _expect_robot(sim, x, rec, when, at, at_words) -> ExpectationResult:
    name = x.record.value
    robot = x.robot.value
    status = x.status.value
    because = f' because "{x.because}"' if x.because else ""
    with_ = f' with "{x.with_text}"' if x.with_text else ""
    text = f"robot {robot} on {name} {status}{with_}{because}{at_words}"
    expected = f"{status}{at_words}{with_}{because}"
    if rec is None:
        return ExpectationResult(x, False, text, expected, f"there is no record {name}", at)
    st = sim.robot_states.get((robot, name))
    if st is None:
        return ExpectationResult(x, False, text, expected, f"robot {robot} never started on {name}", at)
    moment = st.due if st.status == "waiting" else st.at
    ok = st.status == status
    if when is not None and moment != when:
        ok = False
    if not _contains(st.reason, x.because) or not _contains(st.detail, x.with_text):
        ok = False
    if st.status == "waiting":
        actual = f"waiting at the horizon (due {sim.fmt(st.due)})" if st.due else "waiting at the horizon"
    else:
        actual = f"{st.status} at {sim.fmt(st.at)}"
    said = [w for w in ((st.detail if x.with_text else None), st.reason) if w]
    if said:
        actual += ": " + "; ".join(said)
    return ExpectationResult(x, ok, text, expected, actual, at)


def _expect_item(sim, x, rec, when, at, at_words) -> ExpectationResult:
    """`expect task "title" on d1 open|completed [with "..."] [at T]`: one of the
    record's tasks (activities) whose title contains the text has that status
    at the horizon, got it at T, and its robot's detail contains the `with`."""
    name = x.record.value
    status = x.status.value
    with_ = f' with "{x.with_text}"' if x.with_text else ""
    text = f'{x.kind} "{x.title}" on {name} {status}{with_}{at_words}'
    expected = f"{status}{at_words}{with_}"
    if rec is None:
        return ExpectationResult(x, False, text, expected, f"there is no record {name}", at)
    items = rec.tasks if x.kind == "task" else rec.activities
    if not items:
        return ExpectationResult(x, False, text, expected, f"{name} has no {x.kind}", at)
    described = []
    ok = False
    for item in items:
        state = "open" if item.open else "completed"
        since = item.created if item.open else item.completed
        label = (f'task #{item.id} "{item.title}"' if x.kind == "task" else f'activity "{item.title}"')
        described.append(f"{label} {state} since {sim.fmt(since)}: {item.detail}")
        if _contains(item.title, x.title) and state == status and _contains(item.detail, x.with_text) \
                and (when is None or since == when):
            ok = True
    return ExpectationResult(x, ok, text, expected, "; ".join(described), at)


def _expect_field(sim, x, rec, when, at, at_words) -> ExpectationResult:
    name = x.record.value
    path = x.field.path
    value_text = source_text(sim, x.value) if x.value is not None else "?"
    text = f"{name}.{x.field.text} {x.op} {value_text}{at_words}"
    if rec is None:
        return ExpectationResult(x, False, text, f"{x.field.text} {x.op} {value_text}",
                                 f"there is no record {name}", at)
    fields = fields_at(sim, rec, when)
    if when is not None and fields is None:
        return ExpectationResult(x, False, text, f"{x.field.text} {x.op} {value_text}",
                                 f"{name} did not exist yet at {sim.fmt(when)}", at)
    actual_v = field_value(sim, rec, path, fields)
    try:
        want_v = evaluate(sim, x.value, rec)
    except EvalError as e:
        return ExpectationResult(x, False, text, f"{x.field.text} {x.op} {value_text}",
                                 f"the expected value cannot be computed: {e}", at)
    typ = sim.index.field_type(rec.entity, path)
    ok = compare(sim, x.op, actual_v, want_v)
    expected = f"{x.field.text} {x.op} {show_value(sim, want_v, typ, quote=True)}"
    actual = f"{x.field.text} is empty" if actual_v is None or actual_v == "" else \
        f"{x.field.text} = {show_value(sim, actual_v, typ, quote=True)}"
    return ExpectationResult(x, ok, text, expected, actual, at)
