"""Name resolution shared by the checker, the interpreter and the LSP.

`Index(project)` builds the lookup tables once: the first declaration of a
name wins (the checker reports the duplicates).  Resolution never raises; it
returns None for unknown names.
"""
from __future__ import annotations

from typing import Iterable

import attrs

from . import ir, schema


@attrs.frozen
class FieldInfo:
    name: str
    type: str  # a schema.TYPES key, or "client"
    optional: bool
    choices: tuple[str, ...] = ()
    decl: ir.Field | None = None  # None for built-in fields

    @property
    def builtin(self) -> bool:
        return self.decl is None


def _first(items: Iterable, key) -> dict:
    out: dict = {}
    for it in items:
        out.setdefault(key(it), it)
    return out


class Index:
    def __init__(self, project: ir.Project) -> None:
        self.project = project
        by_name = lambda x: x.name.value  # noqa: E731
        self.pipelines: dict[str, ir.Pipeline] = _first(project.pipelines, by_name)
        self.entities: dict[str, ir.Entity] = _first(project.entities, by_name)
        self.calendars: dict[str, ir.Calendar] = _first(project.calendars, by_name)
        # The project's employees: those declared at the top level.  People a
        # scenario declares belong to that scenario only (see `people`).
        in_scenarios = {id(p) for sc in project.scenarios for p in sc.people}
        self.employees: dict[str, ir.Person] = _first(
            (e for e in project.employees if id(e) not in in_scenarios), by_name)
        self.forms: dict[str, ir.Form] = _first(project.forms, by_name)
        self.templates: dict[str, ir.DocTemplate] = _first(project.templates, by_name)
        self.robot_defs: dict[str, ir.Robot] = _first(project.robot_defs, by_name)
        self.trigger_defs: dict[str, ir.Trigger] = _first(
            (t for t in project.trigger_defs if t.name is not None), by_name)
        self.scenarios: dict[str, ir.Scenario] = _first(project.scenarios, by_name)
        self.timezone: str = project.timezone.value if project.timezone else "UTC"
        self._fields: dict[str, dict[str, FieldInfo]] = {}
        self._people: dict[int, tuple] = {}

    # -- entities and fields ---------------------------------------------------
    def entity_kind(self, entity: str) -> str | None:
        """lead/deal/quote/invoice, "smart" for a declared smart process, None if unknown."""
        decl = self.entities.get(entity)
        if decl is not None and decl.smart:
            return "smart"
        if entity in schema.ENTITY_KINDS:
            return entity
        return None

    def fields(self, entity: str) -> dict[str, FieldInfo]:
        """Every field of an entity: the built-in ones, then the declared ones."""
        cached = self._fields.get(entity)
        if cached is not None:
            return cached
        out: dict[str, FieldInfo] = {
            name: FieldInfo(name, typ, optional=name not in ("title", "responsible", "created", "stage", "pipeline"))
            for name, typ in schema.BUILTIN_FIELDS.items()
        }
        decl = self.entities.get(entity)
        for f in decl.fields if decl else ():
            typ = f.type.name.value
            if f.name.value in schema.BUILTIN_FIELDS and f.name.value in out and not out[f.name.value].builtin:
                continue
            if f.name.value in out and out[f.name.value].builtin:
                builtin_type = out[f.name.value].type
                compatible = typ == builtin_type or (builtin_type == "client" and typ in ("contact", "company"))
                if not compatible:
                    continue  # the checker reports F117; keep the built-in meaning
            out[f.name.value] = FieldInfo(f.name.value, typ, f.optional, f.type.choices, f)
        self._fields[entity] = out
        return out

    def field_type(self, entity: str, path: tuple[str, ...]) -> str | None:
        """The type of `amount` or `client.email` on an entity, None if unknown."""
        info = self.fields(entity).get(path[0])
        if info is None:
            return None
        typ = info.type
        for part in path[1:]:
            sub = schema.RELATION_FIELDS.get(typ)
            if sub is None or part not in sub:
                return None
            typ = sub[part]
        return typ

    # -- pipelines and stages ------------------------------------------------
    def pipelines_for(self, entity: str) -> list[ir.Pipeline]:
        return [p for p in self.pipelines.values() if p.entity.value == entity]

    def resolve_stage(self, ref: ir.StageRef, current: ir.Pipeline | None,
                      entity: str | None = None) -> tuple[ir.Pipeline, ir.Stage] | None:
        """`todo` in the current pipeline, or `installation.todo`; with no current
        pipeline, a bare name resolves when exactly one pipeline (of `entity`, if
        given) has that stage."""
        if ref.pipeline is not None:
            p = self.pipelines.get(ref.pipeline.value)
            if p is None:
                return None
            s = p.stage(ref.stage.value)
            return (p, s) if s is not None else None
        if current is not None:
            s = current.stage(ref.stage.value)
            return (current, s) if s is not None else None
        found = [(p, p.stage(ref.stage.value)) for p in self.pipelines.values()
                 if p.stage(ref.stage.value) is not None and (entity is None or p.entity.value == entity)]
        return found[0] if len(found) == 1 else None

    def stage_names(self, pipeline: ir.Pipeline | None) -> list[str]:
        if pipeline is None:
            return sorted({s.name.value for p in self.pipelines.values() for s in p.stages})
        return [s.name.value for s in pipeline.stages]

    def calendar_timezone(self, cal: ir.Calendar | None) -> str:
        if cal is not None and cal.timezone is not None:
            return cal.timezone.value
        return self.timezone

    def people(self, scenario: ir.Scenario | None = None) -> dict[str, ir.Person]:
        """Employees of the project plus the people one scenario declares
        (a scenario's people never leak into another scenario)."""
        key = id(scenario)
        cached = self._people.get(key)
        if cached is not None and cached[0] is scenario:
            return cached[1]
        out = dict(self.employees)
        if scenario is not None:
            for p in scenario.people:
                out.setdefault(p.name.value, p)
        self._people[key] = (scenario, out)  # shared: callers only read it
        return out

    def forget(self, scenario: ir.Scenario) -> None:
        """Drop what was computed for one scenario: `flowc replay` runs a
        scenario per record, a million of them on one index."""
        self._people.pop(id(scenario), None)
