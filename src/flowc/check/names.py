"""Names: duplicates (F101), entities and field types (F103, F111, F117),
people (F110, F113), employees named by a robot that may be employee fields
of the record (F125), field paths (F105), list choices (F213), stage
references (F102, F104, F123), forms and document templates (F108, F109,
F124).  Every unknown name gets a "did you mean" when one is close.
"""
from __future__ import annotations

from typing import Any, Iterable

from .. import ir, schema
from ..diagnostics import Note, did_you_mean, suggest
from ..index import FieldInfo
from ..source import Span
from .context import Ctx, Run
from .messages import article, entity_desc, part_span, plain_list, quote_list, type_words


#: Common names of field types people write, and the flowc type they mean.
TYPE_ALIASES = {
    "string": "text", "str": "text", "varchar": "text", "int": "number", "integer": "number",
    "float": "number", "decimal": "number", "double": "number", "bool": "boolean",
    "currency": "money", "amount": "money", "timestamp": "datetime", "time": "datetime",
    "user": "employee", "enum": "list", "choice": "list", "select": "list",
    "person": "contact", "attachment": "file", "document": "file",
}


def duplicates(run: Run, items: Iterable[Any], what: str | Any, name_of=lambda x: x.name) -> None:
    """F101 for each item whose name an earlier item already has.
    `what` is the kind of item, or a function of the item that gives it."""
    seen: dict[str, ir.Name] = {}
    for it in items:
        name = name_of(it)
        if name is None:
            continue
        first = seen.get(name.value)
        if first is not None:
            kind = what(it) if callable(what) else what
            run.error("F101", f'duplicate {kind} "{name.value}"', name.span,
                      f"{article(kind)} with this name is already declared",
                      [Note("first declared here", first.span, "note")])
        else:
            seen[name.value] = name


def check_duplicates(run: Run) -> None:
    p = run.project
    duplicates(run, p.pipelines, "pipeline")
    duplicates(run, p.entities, "entity")
    duplicates(run, p.calendars, "calendar")
    duplicates(run, p.forms, "form")
    duplicates(run, p.templates, "template")
    duplicates(run, run.top_employees, "employee")
    duplicates(run, p.robot_defs, "robot")
    duplicates(run, [t for t in p.trigger_defs if t.name is not None], "trigger")
    duplicates(run, p.scenarios, "scenario")
    for pl in p.pipelines:
        duplicates(run, pl.stages, "stage")
    for ent in p.entities:
        duplicates(run, ent.fields, "field")


def placed_name(item: ir.Robot | ir.Trigger) -> ir.Name | None:
    """The name of a robot or trigger where it appears in a stage (for
    a reusable one: the name written after `use`)."""
    if item.name is None:
        return None
    if item.used_at is not None:
        return ir.Name(item.name.value, item.used_at)
    return item.name


def check_entity(run: Run, ent: ir.Entity) -> None:
    name = ent.name.value
    if not ent.smart and name not in schema.ENTITY_KINDS:
        run.error("F103", f'unknown entity "{name}"', ent.name.span,
                  f"the built-in entities are {plain_list(schema.ENTITY_KINDS)}",
                  [*did_you_mean(name, schema.ENTITY_KINDS),
                   Note(f"for your own kind of record, declare a smart process: entity {name} smart process {{ ... }}")])
    for f in ent.fields:
        t = f.type
        tname = t.name.value if t and t.name else None
        if tname is None:
            continue
        if tname == "list" and not t.choices:
            run.error("F111", "a list type needs its choices", t.name.span,
                      "no choices given", [Note('write the choices: list["new", "in progress", "done"]')])
            continue
        if tname not in schema.TYPES:
            best = TYPE_ALIASES.get(tname.lower()) or suggest(tname, schema.TYPES)
            notes = [Note(f'did you mean "{best}"?')] if best else []
            notes.append(Note(f"field types are {plain_list(schema.TYPES)}"))
            run.error("F111", f'unknown field type "{tname}"', t.name.span, "not a field type", notes)
            continue
        builtin = schema.BUILTIN_FIELDS.get(f.name.value)
        if builtin is not None and tname != builtin and not (builtin == "client" and tname in ("contact", "company")):
            run.error("F117", f'built-in field "{f.name.value}" redefined as {tname}', t.name.span,
                      f'every record has "{f.name.value}" as {type_words(builtin)}',
                      [Note(f"declare it as {builtin if builtin != 'client' else 'contact or company'}, "
                            "or give your field another name")])


def check_entity_ref(run: Run, name: ir.Name | None) -> bool:
    if name is None:
        return False
    if run.index.entity_kind(name.value) is not None:
        return True
    decl = run.index.entities.get(name.value)
    if decl is not None:
        # Declared, but neither built in nor a smart process: reported at the declaration.
        return False
    known = list(schema.ENTITY_KINDS) + [e for e, d in run.index.entities.items() if d.smart]
    notes = list(did_you_mean(name.value, known)) or [
        Note(f"for your own kind of record, declare a smart process: entity {name.value} smart process {{ ... }}")]
    run.error("F103", f'unknown entity "{name.value}"', name.span, f"entities are {plain_list(known)}", notes)
    return False


def employee_names(run: Run, scenario: ir.Scenario | None = None) -> dict[str, ir.Person]:
    def compute() -> dict[str, ir.Person]:
        return {n: p for n, p in run.index.people(scenario).items() if p.kind == "employee"}
    return run.once(("employees", id(scenario)), compute)


def check_employee(run: Run, name: ir.Name | None, ctx: Ctx, what: str = "employee") -> None:
    if name is None:
        return
    employees = employee_names(run, ctx.scenario)
    if name.value in employees:
        return
    other = run.index.people(ctx.scenario).get(name.value)
    if other is not None:
        run.error("F110", f'"{name.value}" is {article(other.kind)}, not an employee', name.span,
                  f"the {what} must be an employee", ctx.notes())
        return
    notes = list(did_you_mean(name.value, employees))
    if not employees:
        notes.append(Note(f'declare it: employee {name.value} "Full Name" {{ email "..." }}'))
    elif not notes:
        notes.append(Note(f"the employees are {plain_list(sorted(employees)[:20])}"
                          + (", ..." if len(employees) > 20 else "")))
    run.error("F110", f'unknown employee "{name.value}"', name.span, "no employee with this name",
              [*notes, *ctx.notes()])


def check_recipient(run: Run, r: Any, ctx: Ctx) -> None:
    if isinstance(r, ir.Recipient) and r.kind == "employee":
        check_employee_or_field(run, r.name, ctx)


def check_employee_or_field(run: Run, name: ir.Name | None, ctx: Ctx) -> None:
    """A robot's recipient, responsible, invitee or observer: an employee, or
    an employee field of the record (docs/language.md#recipients).  Both at
    once is ambiguous (F125); a field of another type is no employee (F110)."""
    if name is None:
        return
    info = run.index.fields(ctx.entity).get(name.value) if ctx.entity is not None else None
    if info is None or info.builtin:
        check_employee(run, name, ctx)
        return
    employee = employee_names(run, ctx.scenario).get(name.value)
    if info.type != "employee":
        if employee is None:
            run.error("F110", f'"{name.value}" is not an employee', name.span,
                      f'"{name.value}" is a field of {entity_desc(ctx.entity)} holding {type_words(info.type)}, '
                      "not an employee",
                      [Note("name an employee, or an employee field of the record"), *ctx.notes()])
        return
    if employee is not None:
        run.error("F125", f'"{name.value}" is both an employee and a field', name.span,
                  f'it could be the employee {name.value} or the employee in the field "{name.value}" '
                  f"of {entity_desc(ctx.entity)}",
                  [*([Note("the employee is declared here", employee.name.span, "note")]
                     if employee.name.span is not None else []),
                   Note("rename the field or the employee"), *ctx.notes()])


def unknown_person(run: Run, name: ir.Name, kind: str, ctx: Ctx) -> None:
    """A name that should be a person of kind `kind` and is not declared."""
    if kind == "employee":
        check_employee(run, name, ctx)
        return
    people = run.index.people(ctx.scenario)
    allowed = ("contact", "company") if kind == "client" else (kind,)
    cands = [n for n, p in people.items() if p.kind in allowed]
    word = "contact or company" if kind == "client" else kind
    where = "in the scenario" if ctx.scenario is not None else "in the flow"
    run.error("F113", f'unknown {word} "{name.value}"', name.span, f"no {word} with this name {where}",
              [*did_you_mean(name.value, cands),
               Note(f'declare it in the scenario: {allowed[0]} {name.value} "Name" {{ ... }}'), *ctx.notes()])


def field_info(run: Run, path: tuple[str, ...], span: Span, ctx: Ctx, braces: bool = False,
               report: bool = True) -> tuple[str | None, FieldInfo | None]:
    """The type of a field path in the entity of `ctx` (F105 when unknown)."""
    if ctx.entity is None or not path:
        return None, None
    fields = run.index.fields(ctx.entity)
    info = fields.get(path[0])
    if info is None:
        if report:
            run.error("F105", f'unknown field "{path[0]}"', part_span(span, path, 0, braces),
                      f'{entity_desc(ctx.entity)} has no field "{path[0]}"',
                      [*did_you_mean(path[0], fields), *ctx.notes()])
        return None, None
    typ = info.type
    for i, part in enumerate(path[1:], 1):
        sub = schema.RELATION_FIELDS.get(typ)
        prefix = ".".join(path[:i])
        if sub is None:
            if report:
                run.error("F105", f'unknown field "{".".join(path[:i + 1])}"', part_span(span, path, i, braces),
                          f'"{prefix}" is {type_words(typ)}: it has no fields', ctx.notes())
            return None, None
        if part not in sub:
            if report:
                run.error("F105", f'unknown field "{".".join(path[:i + 1])}"', part_span(span, path, i, braces),
                          f'"{prefix}"' + (f" ({typ})" if typ != path[i - 1] else "") + f' has no field "{part}"',
                          [*did_you_mean(part, sub), Note(f'"{prefix}" has {plain_list(sub)}'), *ctx.notes()])
            return None, None
        typ = sub[part]
    return typ, (info if len(path) == 1 else None)


def field_type(run: Run, ref: ir.FieldRef, ctx: Ctx) -> str | None:
    return field_info(run, ref.path, ref.span, ctx)[0]


def choices_of(run: Run, e: Any, ctx: Ctx) -> tuple[str, ...]:
    if isinstance(e, ir.FieldRef) and len(e.path) == 1 and ctx.entity is not None:
        info = run.index.fields(ctx.entity).get(e.path[0])
        if info is not None and info.type == "list":
            return info.choices
    return ()


def check_choice(run: Run, value: str, span: Span, field: str, choices: tuple[str, ...], ctx: Ctx) -> None:
    if not choices or value in choices:
        return
    run.error("F213", f'"{value}" is not a choice of "{field}"', span,
              f"the choices are {quote_list(choices)}",
              [*did_you_mean(value, choices), *ctx.notes()])


def bare_name_type(run: Run, e: ir.FieldRef, ctx: Ctx, choices: tuple[str, ...]) -> str | None | bool:
    """A single name that is not a field of the entity is a person (an
    employee, or a contact or company of the scenario) or a choice of the
    list field it is compared with.  False: it is none of these."""
    if len(e.path) != 1 or ctx.entity is None or e.path[0] in run.index.fields(ctx.entity):
        return False
    person = run.index.people(ctx.scenario).get(e.path[0])
    if person is not None:
        return person.kind
    if choices:
        return "list"
    return False


def unknown_bare(run: Run, e: Any, ctx: Ctx) -> bool:
    return (isinstance(e, ir.FieldRef) and len(e.path) == 1 and ctx.entity is not None
            and e.path[0] not in run.index.fields(ctx.entity)
            and e.path[0] not in run.index.people(ctx.scenario))


def resolve(run: Run, ref: ir.StageRef | None, current: ir.Pipeline | None, ctx: Ctx,
            entity: str | None = None) -> tuple[ir.Pipeline, ir.Stage] | None:
    """Resolve a stage reference, reporting F102/F104/F123."""
    if ref is None or ref.stage is None:
        return None
    if ref.pipeline is not None:
        p = run.index.pipelines.get(ref.pipeline.value)
        if p is None:
            run.error("F102", f'unknown pipeline "{ref.pipeline.value}"', ref.pipeline.span,
                      "no pipeline with this name",
                      [*did_you_mean(ref.pipeline.value, run.index.pipelines), *ctx.notes()])
            return None
        s = p.stage(ref.stage.value)
        if s is None:
            run.error("F104", f'unknown stage "{ref.stage.value}"', ref.stage.span,
                      f'no stage with this name in pipeline "{p.name.value}"',
                      [*did_you_mean(ref.stage.value, run.index.stage_names(p)), *ctx.notes()])
            return None
        return p, s
    if current is not None:
        s = current.stage(ref.stage.value)
        if s is None:
            other = [p for p in run.index.pipelines.values()
                     if p is not current and p.stage(ref.stage.value) is not None]
            notes = list(did_you_mean(ref.stage.value, run.index.stage_names(current)))
            if other:
                notes.append(Note(f'for the stage of another pipeline, write '
                                  f'{other[0].name.value}.{ref.stage.value}'))
            run.error("F104", f'unknown stage "{ref.stage.value}"', ref.stage.span,
                      f'no stage with this name in pipeline "{current.name.value}"', [*notes, *ctx.notes()])
            return None
        return current, s
    pipelines = [p for p in run.index.pipelines.values() if entity is None or p.entity.value == entity]
    found = [(p, p.stage(ref.stage.value)) for p in pipelines if p.stage(ref.stage.value) is not None]
    if len(found) == 1:
        return found[0]  # type: ignore[return-value]
    if len(found) > 1:
        run.error("F123", f'stage "{ref.stage.value}" is in several pipelines', ref.stage.span,
                  f"pipelines {quote_list(p.name.value for p, _ in found)} all have this stage",
                  [Note(f"name the pipeline: {found[0][0].name.value}.{ref.stage.value}"), *ctx.notes()])
        return None
    if entity is not None and not pipelines:
        run.error("F104", f'unknown stage "{ref.stage.value}"', ref.stage.span,
                  f'there is no pipeline for {entity}s', ctx.notes())
        return None
    everything = sorted({s.name.value for p in pipelines for s in p.stages})
    anywhere = [p for p in run.index.pipelines.values() if p.stage(ref.stage.value) is not None]
    if anywhere and entity is not None:
        return anywhere[0], anywhere[0].stage(ref.stage.value)  # another entity's: the caller says so
    run.error("F104", f'unknown stage "{ref.stage.value}"', ref.stage.span,
              "no stage with this name" + (f" in a pipeline for {entity}s" if entity else ""),
              [*did_you_mean(ref.stage.value, everything), *ctx.notes()])
    return None


def check_template_ref(run: Run, name: Any, ctx: Ctx) -> None:
    if not isinstance(name, ir.Name):
        return
    if name.value not in run.index.templates:
        notes = list(did_you_mean(name.value, run.index.templates))
        if not run.index.templates:
            notes.append(Note(f'declare it: template {name.value} "Title"'))
        run.error("F109", f'unknown document template "{name.value}"', name.span,
                  "no template with this name", [*notes, *ctx.notes()])


def check_form_ref(run: Run, name: Any, ctx: Ctx, callback: bool = False) -> None:
    if not isinstance(name, ir.Name):
        return
    form = run.index.forms.get(name.value)
    if form is None:
        notes = list(did_you_mean(name.value, run.index.forms))
        if not run.index.forms:
            notes.append(Note(f'declare it: form {name.value} "Title"'))
        run.error("F108", f'unknown form "{name.value}"', name.span, "no form with this name",
                  [*notes, *ctx.notes()])
    elif callback and not form.callback:
        callbacks = [n for n, f in run.index.forms.items() if f.callback]
        run.error("F124", f'form "{name.value}" is not a callback form', name.span,
                  "`callback requested` only fires for callback forms",
                  [Note("declared here", form.name.span, "note"),
                   Note(f"declare it with `callback` (form {name.value} \"...\" callback), "
                        "or use `form submitted`"
                        + (f"; callback forms: {plain_list(callbacks)}" if callbacks else "")),
                   *ctx.notes()])
