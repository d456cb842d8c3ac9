"""Scenarios: their people, channels and records (F116, F505, F508, F509),
record values, happenings and expectations (F112, F118, F503, F504, F510),
and how long they run (F502, F506, F507, F511).  A record a robot creates
during a run (`<parent>_<robot>`) may be named too.
"""
from __future__ import annotations

import datetime as dt

from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from .. import ir, limits, schema, workcal
from ..diagnostics import Note, did_you_mean
from ..source import Span
from .context import Ctx, Run
from .messages import plain_list, quote_list, type_words
from .names import (
    check_choice, check_employee, check_entity_ref, choices_of, duplicates, field_info, field_type,
    resolve, unknown_person)
from .triggers import check_event
from .types import RELATION_TYPES, check_assign, check_compare, check_field_write, type_of
from .values import check_person


def check_scenario(run: Run, sc: ir.Scenario) -> None:
    duplicates(run, sc.records, "record")
    duplicates(run, sc.people, lambda p: p.kind)
    for person in sc.people:
        top = run.index.employees.get(person.name.value)
        if top is not None and top is not person and id(top) in run.top_employee_ids:
            run.error("F101", f'duplicate employee "{person.name.value}"', person.name.span,
                      "an employee with this name is already declared",
                      [Note("first declared here", top.name.span, "note")])
        check_person(run, person, sc)
    for ch in sc.channels:
        if ch.kind is not None and ch.kind.value not in schema.CHANNELS:
            run.error("F116", f'unknown channel "{ch.kind.value}"', ch.kind.span,
                      f"channels are {plain_list(schema.CHANNELS)}",
                      did_you_mean(ch.kind.value, schema.CHANNELS))
    if sc.start is None:
        if sc.start_span is None:
            run.error("F502", f'scenario "{sc.name.value}" has no start', sc.name.span,
                      "a scenario needs a `start`", [Note("say when it starts: start 2026-03-09 09:00")])
    records: dict[str, tuple[ir.RecordDecl, ir.Pipeline | None, str | None]] = {}
    for i, rec in enumerate(sc.records):
        if i == limits.MAX_RECORDS_PER_SCENARIO:
            run.error("F505", f"too many records in scenario \"{sc.name.value}\"", rec.name.span,
                      f"a scenario may have at most {limits.MAX_RECORDS_PER_SCENARIO:,} records",
                      [Note("split the scenario in several")])
        info = check_record(run, rec, sc)
        records.setdefault(rec.name.value, info)
    for h in sc.happenings:
        check_happening(run, h, sc, records)
    for x in sc.expectations:
        check_expectation(run, x, sc, records)
    check_horizon(run, sc)


def check_record(run: Run, rec: ir.RecordDecl, sc: ir.Scenario) -> tuple[ir.RecordDecl, ir.Pipeline | None, str | None]:
    known = check_entity_ref(run, rec.entity)
    entity = rec.entity.value if known else None
    ctx = Ctx(entity=entity, scenario=sc)
    pipeline = None
    if known:
        found = resolve(run, rec.stage, None, ctx, entity=entity)
        if found is not None:
            tp, ts = found
            if tp.entity.value != entity:
                run.error("F508", f'pipeline "{tp.name.value}" is for {tp.entity.value}s, not {entity}s',
                          rec.stage.span, f"a {entity} cannot start in this stage",
                          [Note(f"put the record in a stage of a pipeline for {entity}s")])
            else:
                pipeline = tp
                run.reached.add(run.key(tp, ts))
    given: set[str] = set()
    for rv in rec.values:
        given.add(rv.name.value)
        check_record_value(run, rv, ctx, sc)
    if entity is not None:
        decl = run.index.entities.get(entity)
        missing = [f.name.value for f in (decl.fields if decl else ())
                   if not f.optional and f.name.value not in schema.BUILTIN_FIELDS and f.name.value not in given]
        missing = list(dict.fromkeys(missing))
        if missing:
            run.warning("F509", f'record "{rec.name.value}" has no {plain_list(missing)}', rec.name.span,
                        f"{'this field is' if len(missing) == 1 else 'these fields are'} required for {entity}s",
                        [Note("give " + ", ".join(f"{m} ..." for m in missing) + " in the record's { }, "
                              "or declare the field `optional`")])
    seen_values: dict[str, ir.RecordValue] = {}
    for rv in rec.values:
        first = seen_values.setdefault(rv.name.value, rv)
        if first is not rv:
            run.error("F101", f'field "{rv.name.value}" is given twice', rv.name.span,
                      "given again here", [Note("first given here", first.name.span, "note")])
    return rec, pipeline, entity


def check_record_value(run: Run, rv: ir.RecordValue, ctx: Ctx, sc: ir.Scenario) -> None:
    name = rv.name.value
    if ctx.entity is None:
        return
    ftype, info = field_info(run, (name,), rv.name.span, ctx)
    if info is None:
        return
    if info.builtin and name in ("stage", "pipeline"):
        run.error("F216", f'cannot give the built-in field "{name}"', rv.name.span,
                  f'"{name}" is read-only', [Note("the record's stage is the one after `in`")])
        return
    values = rv.values
    if len(values) > 1 and ftype != "contact":
        run.error("F217", f'field "{name}" takes one value', getattr(values[1], "span", rv.span),
                  f"{len(values)} values given", [])
    people = run.index.people(sc)
    for v in values:
        if ftype in RELATION_TYPES:
            if not isinstance(v, ir.Name):
                run.error("F217", f'field "{name}" needs {type_words(ftype)}', getattr(v, "span", rv.span),
                          f"write the name of {type_words(ftype)} declared in the scenario")
                continue
            person = people.get(v.value)
            allowed = ("contact", "company") if ftype == "client" else (ftype,)
            if ftype == "employee":
                check_employee(run, v, ctx, f'field "{name}"')
            elif person is None:
                unknown_person(run, v, ftype, ctx)
            elif person.kind not in allowed:
                run.error("F217", f'"{v.value}" is {type_words(person.kind)}, not {type_words(ftype)}', v.span,
                          f'field "{name}" needs {type_words(ftype)}')
            continue
        if isinstance(v, ir.Name):
            if ftype == "list":
                check_choice(run, v.value, v.span, name, info.choices, ctx)
            else:
                run.error("F217", f'field "{name}" needs {type_words(ftype)}, not a name', v.span,
                          f'"{v.value}" is not a value of {type_words(ftype)}',
                          [Note('write text in quotes: "..."')] if ftype == "text" else [])
            continue
        vtype = type_of(run, v, ctx)
        if ftype == "file" and vtype == "text":
            continue
        if name == "id" and info.builtin and vtype == "number":
            continue  # `id 4711`: CRM IDs are numbers, kept as text
        check_assign(run, ftype, info.choices, v, vtype, name, getattr(v, "span", rv.span), ctx)


def _record(run: Run, name: ir.Name | None, sc: ir.Scenario, records: dict) -> tuple | None:
    if name is None:
        return None
    info = records.get(name.value)
    if info is None:
        info = _created_record(run, name, records)
    if info is None:
        run.error("F112", f'unknown record "{name.value}"', name.span,
                  f'no record with this name in scenario "{sc.name.value}"',
                  did_you_mean(name.value, [*records, *_creatable_names(run, records)]))
    return info


def _creatable_names(run: Run, records: dict) -> list[str]:
    """`<record>_<robot>` for every robot that copies or creates leads."""
    out = []
    for base, info in records.items():
        if info is None:
            continue
        for pipeline in run.project.pipelines:
            if pipeline.entity.value == info[2]:
                out.extend(f"{base}_{r.name.value}" for st in pipeline.stages for r in st.robots
                           if r.action.kind in ("copy_record", "create_repeat_lead"))
    return out


def _created_record(run: Run, name: ir.Name, records: dict) -> tuple | None:
    """A record a robot creates during the run: `<parent>_<robot>` or
    `<parent>_<robot>_<N>`, where the robot copies records or creates repeat
    leads in a pipeline of the parent's entity (docs/language.md, Records)."""
    for base, info in records.items():
        if info is None or not name.value.startswith(base + "_"):
            continue
        rest = name.value[len(base) + 1:]
        head, _, tail = rest.rpartition("_")
        numbered = tail.isascii() and tail.isdigit() and len(tail) < 10 and int(tail) >= 2  # never int() 5,000 digits
        wanted = {rest} | ({head} if head and numbered else set())
        parent, parent_pipeline, parent_entity = info
        for pipeline in run.project.pipelines:
            if pipeline.entity.value != parent_entity:
                continue
            for stage in pipeline.stages:
                for robot in stage.robots:
                    if robot.name.value not in wanted:
                        continue
                    kind = robot.action.kind
                    if kind == "copy_record":
                        entity = robot.action.get("entity")
                        entity = entity.value if entity is not None else parent_entity
                        ref = robot.action.get("stage")
                        found = run.index.resolve_stage(ref, pipeline) if ref is not None else None
                        target = found[0] if found else pipeline
                    elif kind == "create_repeat_lead":
                        entity = "lead"
                        leads = run.index.pipelines_for("lead")
                        target = leads[0] if leads else None
                    else:
                        continue
                    decl = ir.RecordDecl(name, ir.Name(entity, name.span),
                                         ir.StageRef(None, ir.Name("", name.span), name.span), (), name.span)
                    return decl, target, entity
    return None


def _check_time(run: Run, when: dt.datetime | None, span: Span | None, sc: ir.Scenario, what: str,
                offset: int | None = None) -> None:
    """F503 / F504: a time before the start or after the end, compared as
    instants (in a DST gap 02:15 and 02:30 are the same instant, 03:00), the
    way the simulator takes them."""
    if when is None or span is None or sc.start is None:
        return
    try:
        at, start = _instant(run, when, offset), _instant(run, sc.start, sc.start_offset)
    except (OverflowError, ValueError, KeyError):  # a bad time zone: reported elsewhere
        return
    if at < start:
        run.error("F503", f"{what} before the scenario starts", span,
                  f"{when:%Y-%m-%d %H:%M} is before the start, {sc.start:%Y-%m-%d %H:%M}")
        return
    end = _end(run, sc)
    if end is not None and at > end[0] and (sc.until is not None or sc.run_for is not None):
        run.warning("F504", f"{what} after the scenario ends", span,
                    f"{when:%Y-%m-%d %H:%M} is after the end, {end[1]}: it is never simulated",
                    [Note("run the scenario longer (`run until` / `run for`), or move this earlier")])


def _instant(run: Run, wall: dt.datetime, offset: int | None = None) -> dt.datetime:
    if offset is not None:
        return (wall - dt.timedelta(minutes=offset)).replace(tzinfo=dt.timezone.utc)
    return workcal.localize(wall, run.index.timezone)


def _offset_words(minutes: int) -> str:
    sign = "-" if minutes < 0 else "+"
    return f"{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"


def check_offset(run: Run, wall: dt.datetime | None, offset: int | None, span: Span | None) -> None:
    """F224: a scenario time written with an offset from UTC that its time
    zone does not have at that wall time (`01:30-03:00` in New York)."""
    if wall is None or offset is None or span is None:
        return
    tz = run.index.timezone
    try:
        back = workcal.to_local(_instant(run, wall, offset), tz)
        if back.replace(fold=0) == wall:
            return
        zone = ZoneInfo(tz)
        have = sorted({int(wall.replace(tzinfo=zone, fold=f).utcoffset().total_seconds()) // 60 for f in (0, 1)},
                      reverse=True)
    except (OverflowError, ValueError, KeyError, ZoneInfoNotFoundError):
        return
    exists = workcal.to_local(workcal.localize(wall, tz), tz) == wall
    if not exists:
        detail = f"{wall:%Y-%m-%d %H:%M} does not exist in {tz}: the clocks skip it"
        notes = [Note("write a time outside the gap, or no offset (a time in a gap means its end)")]
    else:
        words = " or ".join(f"{wall:%H:%M}{_offset_words(o)}" + (f" ({'first' if i == 0 else 'second'})"
                                                                   if len(have) > 1 else "")
                            for i, o in enumerate(have))
        detail = f"{tz} is at {' or '.join(_offset_words(o) for o in have)} then"
        notes = [Note(f"write {words}")]
    run.error("F224", f"no offset {_offset_words(offset)} at {wall:%Y-%m-%d %H:%M} in {tz}", span, detail, notes)


def _horizon(run: Run, sc: ir.Scenario) -> dt.datetime | None:
    """The end of a scenario with `run until` / `run for`, as a wall time."""
    if sc.start is None:
        return None
    if sc.until is not None:
        return sc.until
    if sc.run_for is not None:
        try:
            if sc.run_for.is_months:
                day = workcal.add_months_to_date(sc.start.date(), sc.run_for.months)
                return dt.datetime.combine(day, sc.start.time())
            if sc.run_for.is_days:
                return sc.start + dt.timedelta(days=sc.run_for.days)
            return sc.start + dt.timedelta(minutes=sc.run_for.minutes)
        except OverflowError:
            return dt.datetime.max
    return None


def _end(run: Run, sc: ir.Scenario) -> tuple[dt.datetime, str] | None:
    """The end of a scenario with `run until` / `run for`, as the simulator
    computes it: (the instant, in words)."""
    if sc.start is None:
        return None
    try:
        if sc.until is not None:
            return _instant(run, sc.until, sc.until_offset), f"{sc.until:%Y-%m-%d %H:%M}"
        if sc.run_for is not None:
            start = _instant(run, sc.start, sc.start_offset)
            d = sc.run_for
            end = workcal.add_days(start, d.days, run.index.timezone) if d.is_days \
                else start + dt.timedelta(minutes=d.minutes)
            return end, f"{workcal.to_local(end, run.index.timezone):%Y-%m-%d %H:%M}"
    except (OverflowError, ValueError, KeyError):
        return dt.datetime.max.replace(tzinfo=dt.timezone.utc), "the end of time"
    return None


def _record_pipelines(run: Run, rec_info: tuple, sc: ir.Scenario) -> list[ir.Pipeline]:
    """The pipelines a record of a scenario can be in: where it starts, and
    wherever a robot or the scenario moves it from there."""
    rec, pipeline, entity = rec_info
    if pipeline is None:
        return []
    out = [pipeline]
    todo = [pipeline]
    moves: dict[int, set[int]] = {}
    for e in run.edges:
        if e.src[0] != e.dst[0] and e.kind == "move":
            moves.setdefault(e.src[0], set()).add(e.dst[0])
    for h in sc.happenings:
        if h.kind == "move" and h.record.value == rec.name.value and h.stage is not None and h.stage.pipeline:
            p = run.index.pipelines.get(h.stage.pipeline.value)
            if p is not None and p not in out and p.entity.value == entity:
                out.append(p)
                todo.append(p)
    while todo:
        p = todo.pop()
        for qi in moves.get(run.pipeline_ids.get(id(p), -1), ()):
            q = run.project.pipelines[qi]
            if q not in out:
                out.append(q)
                todo.append(q)
    return out


def _resolve_for_record(run: Run, ref: ir.StageRef | None, rec_info: tuple, ctx: Ctx) -> None:
    rec, pipeline, entity = rec_info
    if ref is None or pipeline is None:
        return
    if ref.pipeline is None and pipeline.stage(ref.stage.value) is None:
        others = [p for p in run.index.pipelines.values()
                  if p.entity.value == entity and p.stage(ref.stage.value) is not None]
        if len(others) == 1:
            return
    found = resolve(run, ref, pipeline if ref.pipeline is None else None, ctx)
    if found is not None and found[0].entity.value != entity:
        run.error("F508", f'pipeline "{found[0].name.value}" is for {found[0].entity.value}s, not {entity}s',
                  ref.span, f'record "{rec.name.value}" is a {entity}: it is never in this stage')
    elif found is not None:
        run.reached.add(run.key(*found))


def check_happening(run: Run, h: ir.Happening, sc: ir.Scenario, records: dict) -> None:
    info = _record(run, h.record, sc, records)
    check_offset(run, h.at, h.offset, h.span)
    _check_time(run, h.at, h.span, sc, "this happens", h.offset)
    entity = info[2] if info else None
    ctx = Ctx(entity=entity, scenario=sc)
    if h.kind == "move":
        if info is not None:
            _resolve_for_record(run, h.stage, info, ctx)
    elif h.kind == "set" and h.field is not None:
        if info is not None:
            check_field_write(run, h.field, h.value, ctx, "set")
    elif h.kind == "event" and h.event is not None:
        check_event(run, h.event, ctx)


def check_expectation(run: Run, x: ir.Expectation, sc: ir.Scenario, records: dict) -> None:
    info = _record(run, x.record, sc, records)
    check_offset(run, x.at, x.at_offset, x.at_span)
    _check_time(run, x.at, x.at_span, sc, "this expectation is", x.at_offset)
    entity = info[2] if info else None
    ctx = Ctx(entity=entity, scenario=sc)
    if x.kind == "stage":
        if info is not None:
            _resolve_for_record(run, x.stage, info, ctx)
    elif x.kind == "robot":
        if x.status is not None and x.status.value not in schema.ROBOT_STATUSES:
            run.error("F119", f'unknown status "{x.status.value}"', x.status.span,
                      f"robot statuses are {plain_list(schema.ROBOT_STATUSES)}",
                      did_you_mean(x.status.value, schema.ROBOT_STATUSES))
        if x.robot is None:
            return
        everywhere = run.once("robot pipelines", lambda: _robot_pipelines(run))
        if x.robot.value not in everywhere:
            run.error("F118", f'unknown robot "{x.robot.value}"', x.robot.span, "no stage has a robot with this name",
                      did_you_mean(x.robot.value, everywhere))
            return
        if info is not None and info[1] is not None:
            pipelines = _record_pipelines(run, info, sc)
            if not any(p in pipelines for p in everywhere[x.robot.value]):
                names = [r.name.value for p in pipelines for s in p.stages for r in s.robots]
                run.error("F510", f'robot "{x.robot.value}" never runs on "{x.record.value}"', x.robot.span,
                          f'it is in no stage of pipeline {quote_list(p.name.value for p in pipelines)}',
                          [*did_you_mean(x.robot.value, names),
                           Note(f'"{x.robot.value}" is in pipeline '
                                f"{quote_list(p.name.value for p in everywhere[x.robot.value])}")])
    elif x.kind in ("task", "activity"):
        if x.status is not None and x.status.value not in schema.TASK_EXPECT_STATUSES:
            run.error("F119", f'unknown status "{x.status.value}"', x.status.span,
                      f"{x.kind} statuses are {plain_list(schema.TASK_EXPECT_STATUSES)}",
                      did_you_mean(x.status.value, schema.TASK_EXPECT_STATUSES))
    elif x.kind == "field" and x.field is not None:
        ft = field_type(run, x.field, ctx)
        vt = type_of(run, x.value, ctx, choices_of(run, x.field, ctx), ft) if x.value is not None else None
        check_compare(run, x.op or "=", x.field, ft, x.value, vt, ctx)


def _robot_pipelines(run: Run) -> dict[str, list[ir.Pipeline]]:
    """Robot name -> the pipelines that have a robot of this name."""
    everywhere: dict[str, list[ir.Pipeline]] = {}
    for p in run.project.pipelines:
        for s in p.stages:
            for r in s.robots:
                where = everywhere.setdefault(r.name.value, [])
                if not where or where[-1] is not p:
                    where.append(p)
    return everywhere


def check_horizon(run: Run, sc: ir.Scenario) -> None:
    check_offset(run, sc.start, sc.start_offset, sc.start_span)
    check_offset(run, sc.until, sc.until_offset, sc.until_span)
    if sc.start is None:
        return
    if sc.until is not None and sc.run_for is not None:
        run.error("F511", "both `run until` and `run for`", sc.run_for.span,
                  "say how long the scenario runs once", [Note("keep one of them")])
        return
    end = _horizon(run, sc)
    where = sc.run_for.span if sc.run_for is not None else (sc.until_span or sc.name.span)
    if end is not None and end <= sc.start:
        run.error("F511", f'scenario "{sc.name.value}" ends before it starts', where,
                  f"it runs until {end:%Y-%m-%d %H:%M}, and starts at {sc.start:%Y-%m-%d %H:%M}",
                  [Note("`run until` takes a date after the start")])
        return
    latest = limits.latest_end(sc.start)
    if end is not None and end > latest:
        run.error("F506", f'scenario "{sc.name.value}" runs for more than {limits.MAX_HORIZON_YEARS} years',
                  where, f"it would run until {end:%Y-%m-%d %H:%M}; the latest is {latest:%Y-%m-%d %H:%M}",
                  [Note(f"a scenario simulates at most {limits.MAX_HORIZON_YEARS} years")])
        return
    if end is None and not run.error_within(sc.span, ("F201", "F202", "F301")):
        # (an invalid `run until` / `run for` is already reported: it is not missing)
        times = [h.at for h in sc.happenings if h.at is not None] + \
            [x.at for x in sc.expectations if x.at is not None]
        last = max(times) if times else None
        default = limits.default_end(sc.start, last)
        days = limits.DEFAULT_HORIZON_AFTER_LAST_EVENT.days
        run.note("F507", f'scenario "{sc.name.value}" has no end', sc.name.span,
                 f"it runs until {default:%Y-%m-%d %H:%M}, {days} days after "
                 + ("its last event or expectation" if last and last > sc.start else "its start"),
                 [Note("say how long it runs: run until 2026-03-31, or run for 30 days")])
