"""One scenario run for the views that read a trace (`flowc diff`,
`flowc explain`): its JSON-lines objects (docs/trace.md, the public
contract) and the finished simulation, with the values of a record's fields
at a moment.

This is the one module of those views that reaches into the interpreter
(`flowc.interpret`): how a run is started and fed to a renderer, a record's
field history, and the hook that records the steps of a robot's due time.
"""
from __future__ import annotations

import datetime as dt
import io
import json
from typing import Any

from . import ir


def run_scenario(project: ir.Project, index, sc: ir.Scenario, sources: dict, path: str,
                 watch: tuple[str, str | None] | None = None) -> tuple[list[dict], Any]:
    """The scenario's trace as JSON-lines objects, and the simulation after
    the run.  `watch` = (record, robot): keep that record's field history
    (for values at a moment) and the steps of that robot's due times."""
    from .interpret import Simulation
    from .render import JsonRenderer
    from .simulate import holidays_version

    buf = io.StringIO()
    sim = Simulation(project, index, sc, None, sources)
    if watch is not None:
        sim.field_history_for.add(watch[0])
        if watch[1] is not None and hasattr(sim, "watch_steps"):
            sim.watch_steps(*watch)
    renderer = JsonRenderer(buf)
    renderer.start(sim, path, holidays_version())
    events = sim.events() if callable(getattr(sim, "events", None)) else sim.run()
    for ev in events:
        renderer.event(ev)
    renderer.finish(sim, sim.evaluate_expectations())
    return [json.loads(line) for line in buf.getvalue().splitlines()], sim


def _when(sim: Any, iso: str) -> Any:
    """An ISO instant in the simulation's own form of instants."""
    t = dt.datetime.fromisoformat(iso)
    return int(t.timestamp()) if hasattr(sim, "clock") else t.astimezone(dt.timezone.utc)


def _record(sim: Any, name: str):
    rec = sim.records.get(name)
    if rec is None:
        raise KeyError(name)
    return rec


def field_at(sim: Any, record: str, path: tuple[str, ...], iso: str | None) -> str:
    """A field's value (`amount`, `client.email`) at a moment, as the trace
    shows values (`25,000.00`, `empty`)."""
    from .interpret.expect import fields_at
    from .interpret.text import show_value
    from .interpret.world import field_value

    rec = _record(sim, record)
    fields = fields_at(sim, rec, _when(sim, iso)) if iso is not None else None
    value = field_value(sim, rec, path, fields)
    info = sim.index.fields(rec.entity).get(path[0]) if len(path) == 1 else None
    return show_value(sim, value, info.type if info else None, quote=True)


def field_raw(sim: Any, record: str, path: tuple[str, ...], iso: str | None) -> Any:
    """A field's value at a moment, as the interpreter holds it."""
    from .interpret.expect import fields_at
    from .interpret.world import field_value

    rec = _record(sim, record)
    fields = fields_at(sim, rec, _when(sim, iso)) if iso is not None else None
    return field_value(sim, rec, path, fields)


def fields_at_iso(sim: Any, record: str, iso: str) -> dict[str, str]:
    """Every declared field of the record, and its responsible, at a moment."""
    rec = _record(sim, record)
    names = ["responsible", *(f for f, info in sim.index.fields(rec.entity).items() if not info.builtin)]
    return {f: field_at(sim, record, (f,), iso) for f in names}
