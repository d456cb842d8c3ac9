"""Hover texts: what a robot does and when (its timing in words), a
trigger, a field, a stage, a pipeline, a calendar, an entity, a person, a
record or scenario, and the keyword under the cursor.  Read from an
`Analysis` of `flowc.lsp.model`; plain Markdown strings, no LSP types.
"""
from __future__ import annotations

from .. import ir, schema
from ..source import Span
from ..syntax import Tok
from ..words import hours_words, plural, stage_title, timing_words
from .model import Analysis, Area, Occ, RobotPlace, source_text


def robot_hover(analysis: Analysis, robot: ir.Robot, place: RobotPlace | None) -> str:
    spec = schema.ACTIONS.get(robot.action.kind, {})
    lines = [f"**robot {robot.name.value}**: {spec.get('words', robot.action.kind)}"]
    if spec.get("doc"):
        lines.append(spec["doc"])
    if place is not None and place.stage is None:
        where = ", ".join(f"{p.name.value}.{s.name.value}" for p, s in place.placements)
        lines.append("Reusable robot" + (f", placed in {where}." if where else ", not placed in any stage yet."))
        ctx = None
        if place.placements:
            p, s = place.placements[0]
            prev = None
            for r in s.robots:
                if r.name.value == robot.name.value:
                    break
                prev = r
            ctx = RobotPlace(p, s, prev)
        lines.append("When: " + timing_words(robot, ctx, analysis.index))
    else:
        lines.append("When: " + timing_words(robot, place, analysis.index))
    if robot.condition is not None:
        lines.append("Condition: `if " + source_text(analysis, robot.condition.span) + "`")
    return "\n\n".join(lines)


def trigger_hover(analysis: Analysis, trig: ir.Trigger, place: RobotPlace | None) -> str:
    written, desc, _ = schema.EVENTS.get(trig.event.kind, (trig.event.kind, "", None))
    title = f"**trigger {trig.name.value}**" if trig.name else "**trigger**"
    lines = [f"{title}: `{source_text(analysis, trig.event.span) or written}`"]
    stage = place.stage if place else None
    what = f"when {desc}" if desc else ""
    if stage is not None:
        lines.append(f"Moves the {place.pipeline.entity.value} to {stage_title(stage)} {what}.".replace("  ", " "))
    else:
        lines.append(f"Moves the record to the stage it is placed in {what}.")
    lines.append("Can move the record back to an earlier stage (`allow back`)." if trig.allow_back
                 else "Moves forward only (add `allow back` to also move records back).")
    if trig.condition is not None:
        lines.append("Condition: `if " + source_text(analysis, trig.condition.span) + "`")
    return "\n\n".join(lines)


def field_hover(name: str, info, entity: str | None) -> str:
    if info is None:
        return f"**{name}**: unknown field" + (f" of {entity}" if entity else "")
    typ = info.type
    desc = schema.TYPES.get(typ) or ("the record's client: its contact, else its company" if typ == "client" else "")
    if info.choices:
        typ = "list[" + ", ".join(f'"{c}"' for c in info.choices) + "]"
    where = f" of {entity}" if entity else ""
    kind = "built-in field" if info.builtin else "field"
    req = "optional (may be empty)" if info.optional else "required"
    out = f"**{info.name}**: {typ}, {req}\n\n{kind}{where}" + (f": {desc}" if desc else "")
    sub = schema.RELATION_FIELDS.get(info.type)
    if sub:
        out += "\n\nsub-fields: " + ", ".join(f"`{info.name}.{k}` ({v})" for k, v in sub.items())
    return out


def stage_hover(stage: ir.Stage, pipeline: ir.Pipeline | None) -> str:
    head = f"**stage {stage.name.value}**" + (f' "{stage.title}"' if stage.title else "")
    where = f" of pipeline {pipeline.name.value} ({pipeline.entity.value})" if pipeline else ""
    pos = f", stage {stage.index + 1} of {len(pipeline.stages)}" if pipeline else ""
    final = {"success": ", final: won", "failure": ", final: lost"}.get(stage.final or "", "")
    return (f"{head}{where}{pos}{final}\n\n"
            f"{plural(len(stage.robots), 'robot')}, {plural(len(stage.triggers), 'trigger')}")


def pipeline_hover(pl: ir.Pipeline) -> str:
    robots = sum(len(s.robots) for s in pl.stages)
    triggers = sum(len(s.triggers) for s in pl.stages)
    title = f' "{pl.title}"' if pl.title else ""
    return (f"**pipeline {pl.name.value}**{title} for {pl.entity.value}\n\n"
            f"{plural(len(pl.stages), 'stage')}: " + ", ".join(s.name.value for s in pl.stages) +
            f"\n\n{plural(robots, 'robot')}, {plural(triggers, 'trigger')}")


def calendar_hover(cal: ir.Calendar, index) -> str:
    tz = index.calendar_timezone(cal) if index else (cal.timezone.value if cal.timezone else "UTC")
    lines = [f"**calendar {cal.name.value}**, time zone {tz}"]
    for h in cal.hours:
        lines.append(f"hours {hours_words(h)}")
    if cal.holidays:
        lines.append("holidays " + ", ".join(h.country + (f"-{h.subdivision}" if h.subdivision else "")
                                            for h in cal.holidays))
    if cal.closed:
        lines.append("closed " + ", ".join(f"{d.first}" if d.first == d.last else f"{d.first}..{d.last}"
                                          for d in cal.closed))
    if cal.open:
        lines.append("open " + ", ".join(str(d) for o in cal.open for d in o.dates))
    if not cal.hours:
        lines.append("no working hours declared")
    return "\n\n".join(lines)


def hover(analysis: Analysis, path: str, offset: int, keyword: str | None) -> tuple[str, Span] | None:
    """Markdown hover text and the span it is about, or None."""
    table = analysis.table
    idx = analysis.index
    for x in table.at(path, offset):
        if isinstance(x, Area):
            if x.kind == "robot":
                return robot_hover(analysis, x.target, x.context), x.span
            if x.kind == "trigger":
                return trigger_hover(analysis, x.target, x.context), x.span
            continue
        o: Occ = x
        k = o.kind
        if k == "robot" and isinstance(o.target, ir.Robot):
            return robot_hover(analysis, o.target, o.context), o.span
        if k == "robot":  # `expect robot legal ...`: the robot it names
            decls = [d for d in table.with_key(o.key) if d.decl and isinstance(d.target, ir.Robot)]
            if not decls:
                return f"**robot {o.name}**: no robot with this name", o.span
            return robot_hover(analysis, decls[0].target, decls[0].context), o.span
        if k == "trigger" and isinstance(o.target, ir.Trigger):
            return trigger_hover(analysis, o.target, o.context), o.span
        if k == "field":
            return field_hover(o.name, o.target, o.context), o.span
        if k == "subfield":
            name, typ = o.target
            return (f"**{o.context}**: {typ or 'unknown'}" + (f" ({schema.TYPES.get(typ, '')})" if typ in schema.TYPES else "")
                    if typ else f"**{o.context}**: unknown sub-field"), o.span
        if k == "stage":
            if o.target is None:
                return f"**stage {o.name}**: no stage with this name", o.span
            return stage_hover(o.target, o.context), o.span
        if k == "pipeline":
            pl = o.target if isinstance(o.target, ir.Pipeline) else (idx.pipelines.get(o.name) if idx else None)
            return (pipeline_hover(pl) if pl else f"**pipeline {o.name}**: unknown pipeline"), o.span
        if k == "calendar":
            cal = o.target if isinstance(o.target, ir.Calendar) else None
            return (calendar_hover(cal, idx) if cal else f"**calendar {o.name}**: unknown calendar"), o.span
        if k == "entity":
            return entity_hover(o.name, idx), o.span
        if k in ("employee", "contact", "company"):
            person = o.target
            if person is None:
                return f"**{o.name}**: unknown employee", o.span
            return person_hover(person), o.span
        if k in ("form", "template"):
            t = o.target
            if t is None:
                return f"**{k} {o.name}**: unknown {k}", o.span
            extra = " (call-back form)" if k == "form" and t.callback else ""
            return f"**{k} {t.name.value}**" + (f' "{t.title}"' if t.title else "") + extra, o.span
        if k == "record":
            rec = o.target
            if rec is None:
                return f"**record {o.name}**: unknown record", o.span
            return (f"**record {rec.name.value}**: a {rec.entity.value}, starts in stage {rec.stage}\n\n"
                    f"{plural(len(rec.values), 'field value')}"), o.span
        if k == "scenario":
            sc = o.target
            return (f"**scenario {sc.name.value}**" + (f' "{sc.title}"' if sc.title else "") +
                    f"\n\n{plural(len(sc.records), 'record')}, {plural(len(sc.happenings), 'event')}, "
                    f"{plural(len(sc.expectations), 'expectation')}"), o.span
        if k == "file":
            u: ir.UseFile = o.target
            return f"**use** `{u.path}`\n\n{u.resolved}", o.span
    if keyword and keyword in schema.KEYWORD_DOCS:
        return f"**{keyword}**: {schema.KEYWORD_DOCS[keyword]}", None
    return None


def keyword_at(analysis: Analysis, path: str, offset: int) -> str | None:
    """The keyword token of the syntax tree at `offset`, if any."""
    module = analysis.modules.get(path)
    if module is None:
        return None
    for item in module.items:
        if item.span is None or not (item.span.start <= offset <= item.span.end):
            continue
        for node in item.walk():
            for part in node.parts:
                if isinstance(part, Tok) and part.is_keyword and part.span.start <= offset <= part.span.end:
                    return str(part)
    return None


def entity_hover(name: str, index) -> str:
    decl = index.entities.get(name) if index else None
    kind = schema.ENTITY_KINDS.get(name)
    if decl is None:
        return f"**{name}**: " + (f"built-in entity ({kind})" if kind else "unknown entity")
    head = f"**entity {name}**" + (" (smart process)" if decl.smart else (f" ({kind})" if kind else ""))
    fields = ", ".join(f.name.value + ("?" if f.optional else "") + f": {f.type.name.value}" for f in decl.fields)
    return f"{head}\n\n{plural(len(decl.fields), 'declared field')}" + (f": {fields}" if fields else "")


def person_hover(p: ir.Person) -> str:
    head = f"**{p.kind} {p.name.value}**" + (f' "{p.title}"' if p.title else "")
    lines = [head]
    if p.emails:
        lines.append("e-mail " + ", ".join(c.value for c in p.emails))
    if p.phones:
        lines.append("phone " + ", ".join(c.value for c in p.phones))
    if p.supervisor:
        lines.append(f"supervisor {p.supervisor.value}")
    return "\n\n".join(lines)


