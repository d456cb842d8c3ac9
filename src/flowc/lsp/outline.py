"""The outline of a document (document symbols): calendars, entities and
their fields, employees, forms, templates, reusable robots and triggers,
pipelines with their stages, robots and triggers, scenarios with their
records and people, in the order they are written.
"""
from __future__ import annotations

import attrs

from .. import ir, schema
from ..source import Span
from .model import Analysis, source_text


@attrs.frozen
class Outline:
    """One entry of the document outline."""
    name: str
    kind: str  # calendar, entity, field, pipeline, stage, robot, trigger, scenario, record, ...
    span: Span
    selection: Span
    detail: str = ""
    children: tuple["Outline", ...] = ()



def outline(analysis: Analysis, path: str) -> list[Outline]:
    p = analysis.project
    if p is None:
        return []
    here = lambda s: s is not None and s.path == path  # noqa: E731

    def robot_entry(r: ir.Robot) -> Outline:
        spec = schema.ACTIONS.get(r.action.kind, {})
        if r.used_at is not None:
            return Outline(r.name.value, "robot", r.used_at, r.used_at, "use " + spec.get("words", ""))
        return Outline(r.name.value, "robot", r.span, r.name.span, spec.get("words", r.action.kind))

    def trigger_entry(t: ir.Trigger) -> Outline:
        written = schema.EVENTS.get(t.event.kind, (t.event.kind,))[0]
        name = t.name.value if t.name else source_text(analysis, t.event.span) or written
        if t.used_at is not None:
            return Outline(name, "trigger", t.used_at, t.used_at, "use")
        sel = t.name.span if t.name else t.event.span
        return Outline(name, "trigger", t.span, sel, source_text(analysis, t.event.span) if t.name else "")

    items: list[tuple[Span, Outline]] = []
    for c in p.calendars:
        if here(c.span):
            items.append((c.span, Outline(c.name.value, "calendar", c.span, c.name.span,
                                          c.timezone.value if c.timezone else "")))
    for e in p.entities:
        if here(e.span):
            kids = tuple(Outline(f.name.value, "field", f.span, f.name.span,
                                 ("optional " if f.optional else "") + f.type.name.value) for f in e.fields)
            items.append((e.span, Outline(e.name.value, "entity", e.span, e.name.span,
                                          "smart process" if e.smart else (e.title or ""), kids)))
    for person in p.employees:
        if person.kind == "employee" and here(person.span) and not any(
                here(sc.span) and sc.span.start <= person.span.start < sc.span.end for sc in p.scenarios):
            items.append((person.span, Outline(person.name.value, "employee", person.span, person.name.span,
                                               person.title or "")))
    for f in p.forms:
        if here(f.span):
            items.append((f.span, Outline(f.name.value, "form", f.span, f.name.span, f.title or "")))
    for t in p.templates:
        if here(t.span):
            items.append((t.span, Outline(t.name.value, "template", t.span, t.name.span, t.title or "")))
    for r in p.robot_defs:
        if here(r.span):
            items.append((r.span, robot_entry(r)))
    for t in p.trigger_defs:
        if here(t.span):
            items.append((t.span, trigger_entry(t)))
    for pl in p.pipelines:
        if not here(pl.span):
            continue
        stages = []
        for st in pl.stages:
            kids = [robot_entry(r) for r in st.robots if here(r.used_at or r.span)]
            kids += [trigger_entry(t) for t in st.triggers if here(t.used_at or t.span)]
            kids.sort(key=lambda o: o.span.start)
            # A placed robot's span is its `use`; keep children inside the stage.
            kids = [k for k in kids if st.span.start <= k.span.start and k.span.end <= st.span.end]
            stages.append(Outline(st.name.value, "stage", st.span, st.name.span, st.title or "", tuple(kids)))
        items.append((pl.span, Outline(pl.name.value, "pipeline", pl.span, pl.name.span,
                                       f"for {pl.entity.value}", tuple(stages))))
    for sc in p.scenarios:
        if not here(sc.span):
            continue
        kids = [Outline(r.name.value, "record", r.span, r.name.span, f"{r.entity.value} in {r.stage}")
                for r in sc.records]
        kids += [Outline(person.name.value, person.kind, person.span, person.name.span, person.title or "")
                 for person in sc.people if person.span is not None]
        kids.sort(key=lambda o: o.span.start)
        items.append((sc.span, Outline(sc.name.value, "scenario", sc.span, sc.name.span, sc.title or "", tuple(kids))))
    items.sort(key=lambda it: it[0].start)
    return [o for _, o in items]
