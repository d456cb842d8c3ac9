"""What the language server knows about one document: the project loaded from
it (through `flowc.lower.load` and `flowc.check.check`, the same phases as
`flowc check`), and a table of every name in it, declarations and uses, built
from the IR spans.  Hover, go to definition, find references and the outline
are answered from that table.

Hover texts are in `flowc.lsp.hover`, the outline in `flowc.lsp.outline`.
No pygls or lsprotocol import here: `flowc.lsp.features` converts to LSP types.
"""
from __future__ import annotations

import functools
import logging
import os
import re
from typing import Any

import attrs

from .. import ir, schema
from ..diagnostics import Diagnostic, Diagnostics
from ..source import Source, Span

log = logging.getLogger("flowc.lsp")

#: Codes of the parse phase: a document with one of these did not parse.
PARSE_CODES = frozenset({"F001", "F002", "F003", "F007", "F008", "F010"})

_NAME = re.compile(r"[^\W\d]\w*")


@functools.lru_cache(maxsize=4096)
def realpath(path: str) -> str:
    try:
        return os.path.realpath(path)
    except (OSError, ValueError):
        return path


# ------------------------------------------------------------------ occurrences

@attrs.frozen
class Occ:
    """One occurrence of a name: a declaration or a use.

    `key` identifies the thing named (the same key in every file and every
    analysis): ("stage", pipeline, stage), ("field", entity, field), ...
    `key` is None for names that only have a hover (relation sub-fields).
    """
    kind: str
    key: tuple | None
    span: Span
    decl: bool
    target: Any = None
    context: Any = None
    name: str = ""


@attrs.frozen
class Area:
    """A region with a hover but no name: a robot's action words, a trigger's
    event words, the `robot` / `trigger` keywords."""
    kind: str  # "robot", "trigger"
    span: Span
    target: Any
    context: Any = None


@attrs.frozen
class RobotPlace:
    """Where a robot runs: its stage and pipeline (None for a reusable
    definition), and the robot before it in the stage."""
    pipeline: ir.Pipeline | None
    stage: ir.Stage | None
    previous: ir.Robot | None = None
    placements: tuple = ()  # for a definition: ((pipeline, stage), ...) where it is used


# ------------------------------------------------------------------ analysis

class Analysis:
    """One run of load + check for a root document."""

    def __init__(self, root: str, text: str, version: int | None,
                 overrides: dict[str, str]) -> None:
        from ..lower import load

        self.root = root
        self.text = text
        self.version = version
        self.diags = Diagnostics()
        self.index = None
        self.project: ir.Project | None = None
        self.modules: dict[str, Any] = {}
        self.failed = False
        all_overrides = dict(overrides)
        all_overrides[root] = text
        try:
            project, modules = load([root], self.diags, overrides=all_overrides)
            self.project = project
            self.modules = {m.path: m for m in modules}
        except Exception:  # a bug in a phase: keep serving, say so in the log
            log.exception("flowc: loading %s failed", root)
            self.failed = True
            return
        try:
            from ..check import check

            self.index = check(project, self.diags)
            # What `flowc check` shows: suppressions and the project's ignored codes.
            from .. import config, suppress

            try:
                ignore = config.load(config.find(os.path.dirname(root))).ignore
            except Exception:  # a broken configuration: `flowc check` says what is wrong
                ignore = ()
            self.diags = suppress.apply(suppress.without_consequences(self.diags, modules), modules, ignore)
        except Exception:
            log.exception("flowc: checking %s failed", root)
            from ..index import Index

            try:
                self.index = Index(project)
            except Exception:
                log.exception("flowc: indexing %s failed", root)

    # -- state ------------------------------------------------------------
    @property
    def parsed(self) -> bool:
        """The root document parsed (its names and spans can be trusted)."""
        if self.failed or self.project is None:
            return False
        return not any(d.code in PARSE_CODES and d.span.path == self.root for d in self.diags)

    @property
    def paths(self) -> list[str]:
        return list(self.modules)

    def source(self, path: str) -> Source | None:
        m = self.modules.get(path)
        return m.source if m is not None else None

    def diagnostics(self) -> list[Diagnostic]:
        shown, _ = self.diags.shown()
        return shown

    # -- the symbol table ---------------------------------------------------
    @functools.cached_property
    def table(self) -> "SymbolTable":
        table = SymbolTable(self)
        if self.project is not None and self.index is not None:
            try:
                table.build()
            except Exception:
                log.exception("flowc: building the symbol table of %s failed", self.root)
        return table


class SymbolTable:
    def __init__(self, analysis: Analysis) -> None:
        self.analysis = analysis
        self.occs: list[Occ] = []
        self.areas: list[Area] = []
        self.placements: dict = {}
        self._by_path: dict[str, list] | None = None

    # -- queries ----------------------------------------------------------
    def in_path(self, path: str) -> list:
        if self._by_path is None:
            by: dict[str, list] = {}
            for o in self.occs:
                by.setdefault(o.span.path, []).append(o)
            for a in self.areas:
                by.setdefault(a.span.path, []).append(a)
            self._by_path = by
        return self._by_path.get(path, [])

    def at(self, path: str, offset: int) -> list:
        """Occurrences and areas containing `offset`, innermost first
        (names before areas)."""
        hits = [x for x in self.in_path(path) if x.span.start <= offset <= x.span.end]
        hits.sort(key=lambda x: (isinstance(x, Area), x.span.end - x.span.start))
        return hits

    def occ_at(self, path: str, offset: int) -> Occ | None:
        for x in self.at(path, offset):
            if isinstance(x, Occ):
                return x
        return None

    def with_key(self, key: tuple) -> list[Occ]:
        return [o for o in self.occs if o.key == key]

    # -- building -----------------------------------------------------------
    def add(self, kind: str, key: tuple | None, name: ir.Name | Span | None, decl: bool = False,
            target: Any = None, context: Any = None, text: str | None = None) -> None:
        if name is None:
            return
        span = name.span if isinstance(name, ir.Name) else name
        if span is None:
            return
        value = text if text is not None else (name.value if isinstance(name, ir.Name) else "")
        self.occs.append(Occ(kind, key, span, decl, target, context, value))

    def build(self) -> None:
        a = self.analysis
        p = a.project
        idx = a.index
        self.placements = self._placements()
        for u in p.uses:
            key = ("file", realpath(u.resolved)) if u.resolved else None
            self.occs.append(Occ("file", key, u.span, False, u, None, u.path))
        for c in p.calendars:
            self.add("calendar", ("calendar", c.name.value), c.name, True, c)
        for e in p.entities:
            self.add("entity", ("entity", e.name.value), e.name, True, e)
            for f in e.fields:
                info = idx.fields(e.name.value).get(f.name.value)
                self.add("field", ("field", e.name.value, f.name.value), f.name, True,
                         info or f, e.name.value)
        for person in p.employees:
            if person.kind == "employee":
                self._person(person, None)
        for form in p.forms:
            self.add("form", ("form", form.name.value), form.name, True, form)
        for t in p.templates:
            self.add("template", ("template", t.name.value), t.name, True, t)
        for r in p.robot_defs:
            places = self.placements.get(("robot", r.name.value), ())
            entity = places[0][0].entity.value if places else None
            self.add("robot", ("robot", r.name.value), r.name, True, r,
                     RobotPlace(None, None, None, tuple(places)))
            self._robot_body(r, places[0][0] if places else None, entity, RobotPlace(None, None, None, tuple(places)))
        for t in p.trigger_defs:
            places = self.placements.get(("trigger", t.name.value), ()) if t.name else ()
            entity = places[0][0].entity.value if places else None
            ctx = RobotPlace(None, None, None, tuple(places))
            if t.name is not None:
                self.add("trigger", ("trigger", t.name.value), t.name, True, t, ctx)
            self._trigger_body(t, places[0][0] if places else None, entity, ctx)
        for pl in p.pipelines:
            self._pipeline(pl)
        for sc in p.scenarios:
            self._scenario(sc)

    def _placements(self) -> dict:
        out: dict = {}
        for pl in self.analysis.project.pipelines:
            for st in pl.stages:
                for r in st.robots:
                    if r.used_at is not None:
                        out.setdefault(("robot", r.name.value), []).append((pl, st))
                for t in st.triggers:
                    if t.used_at is not None and t.name is not None:
                        out.setdefault(("trigger", t.name.value), []).append((pl, st))
        return out

    # -- pipelines ----------------------------------------------------------
    def _pipeline(self, pl: ir.Pipeline) -> None:
        entity = pl.entity.value
        self.add("pipeline", ("pipeline", pl.name.value), pl.name, True, pl)
        self.add("entity", ("entity", entity), pl.entity, False, entity)
        for st in pl.stages:
            self.add("stage", ("stage", pl.name.value, st.name.value), st.name, True, st, pl)
            previous = None
            for r in st.robots:
                place = RobotPlace(pl, st, previous)
                if r.used_at is not None:
                    self.add("robot", ("robot", r.name.value), r.used_at, False, r, place, r.name.value)
                else:
                    self.add("robot", ("robot", r.name.value), r.name, True, r, place)
                    self._robot_body(r, pl, entity, place)
                previous = r
            for t in st.triggers:
                place = RobotPlace(pl, st)
                if t.used_at is not None:
                    self.add("trigger", ("trigger", t.name.value) if t.name else None, t.used_at, False,
                             t, place, t.name.value if t.name else "")
                    continue
                if t.name is not None:
                    self.add("trigger", ("trigger", t.name.value), t.name, True, t, place)
                self._trigger_body(t, pl, entity, place)

    def _keyword_area(self, kind: str, span: Span, target: Any, place: RobotPlace) -> None:
        src = self.analysis.source(span.path)
        if src is not None and src.text.startswith(kind, span.start):
            self.areas.append(Area(kind, src.span(span.start, span.start + len(kind)), target, place))

    def _robot_body(self, r: ir.Robot, pl: ir.Pipeline | None, entity: str | None, place: RobotPlace) -> None:
        self.areas.append(Area("robot", self._action_words(r), r, place))
        self._keyword_area("robot", r.span, r, place)
        for param in r.action.params:
            self._value(param.value, pl, entity, param.name, r.action.kind)
        tm = r.timing
        if tm.calendar is not None:
            cal = self.analysis.index.calendars.get(tm.calendar.value)
            self.add("calendar", ("calendar", tm.calendar.value), tm.calendar, False, cal)
        if tm.relative is not None:
            self._field_ref(tm.relative.field, entity)
        if r.condition is not None:
            self._expr(r.condition, entity)

    def _action_words(self, r: ir.Robot) -> Span:
        """The span of the words that name a robot's action (`send email`)."""
        span = r.action.span
        src = self.analysis.source(span.path)
        words = schema.ACTIONS.get(r.action.kind, {}).get("words", "")
        if src is None or not words:
            return span
        text = src.text
        pos = span.start
        for w in words.split():
            m = re.compile(r"\s*(?:#[^\n]*\n\s*)*" + re.escape(w) + r"\b").match(text, pos)
            if m is None:
                return span
            pos = m.end()
        return src.span(span.start, pos)

    def _trigger_body(self, t: ir.Trigger, pl: ir.Pipeline | None, entity: str | None, place: RobotPlace) -> None:
        self.areas.append(Area("trigger", t.event.span, t, place))
        self._keyword_area("trigger", t.span, t, place)
        ev = t.event
        if ev.kind == "field_changed" and isinstance(ev.arg, tuple):
            for n in ev.arg:
                self._field_name(n, entity)
        elif isinstance(ev.arg, ir.Name) and not self._is_string(ev.arg):
            what = schema.EVENTS.get(ev.kind, ("", "", None))[2]
            if what in ("form", "template"):
                table = self.analysis.index.forms if what == "form" else self.analysis.index.templates
                self.add(what, (what, ev.arg.value), ev.arg, False, table.get(ev.arg.value))
        if t.condition is not None:
            self._expr(t.condition, entity)

    def _is_string(self, name: ir.Name) -> bool:
        src = self.analysis.source(name.span.path)
        return src is not None and src.text[name.span.start:name.span.start + 1] == '"'

    # -- values ---------------------------------------------------------------
    def _value(self, value: Any, pl: ir.Pipeline | None, entity: str | None, param: str, action: str) -> None:
        if isinstance(value, ir.Template):
            for ph in value.placeholders:
                self._placeholder(ph, entity)
        elif isinstance(value, ir.Recipient):
            if value.kind == "employee" and value.name is not None:
                self._employee_or_field(value.name, entity)
        elif isinstance(value, ir.Deadline):
            if value.relative is not None:
                self._field_ref(value.relative.field, entity)
            if value.calendar is not None:
                cal = self.analysis.index.calendars.get(value.calendar.value)
                self.add("calendar", ("calendar", value.calendar.value), value.calendar, False, cal)
        elif isinstance(value, ir.StageRef):
            # `copy deal to p.s` may target another entity's pipeline.
            self._stage_ref(value, pl, None if action == "copy_record" else entity)
        elif isinstance(value, ir.FieldRef):
            self._field_ref(value, entity)
        elif isinstance(value, ir.Name):
            if param == "template":
                self.add("template", ("template", value.value), value, False,
                         self.analysis.index.templates.get(value.value))
            elif param == "entity":
                self.add("entity", ("entity", value.value), value, False, value.value)
        elif isinstance(value, tuple):
            for v in value:
                if isinstance(v, ir.Recipient):
                    self._value(v, pl, entity, param, action)
                elif isinstance(v, ir.Name) and param in ("invite", "observers"):
                    self._employee_or_field(v, entity)
                elif isinstance(v, ir.Attachment) and v.kind == "field":
                    self._field_name(ir.Name(v.value, v.span), entity)
        elif _is_expr(value):
            self._expr(value, entity)

    def _employee_or_field(self, name: ir.Name, entity: str | None) -> None:
        """A robot's recipient, responsible, invitee or observer: an employee,
        or an employee field of the record (docs/language.md#recipients)."""
        info = self._field_info(entity, name.value) if entity is not None else None
        if info is not None and not getattr(info, "builtin", False) and name.value not in self.analysis.index.employees:
            self._field_name(name, entity)
        else:
            self._employee(name)

    def _employee(self, name: ir.Name) -> None:
        self.add("employee", ("employee", name.value), name, False,
                 self.analysis.index.employees.get(name.value))

    def _person(self, person: ir.Person, scenario: ir.Scenario | None) -> None:
        if person.kind == "employee":
            key = ("employee", person.name.value)
        else:
            key = ("person", scenario.name.value if scenario else "", person.name.value)
        self.add(person.kind, key, person.name, True, person)
        if person.supervisor is not None:
            self._employee(person.supervisor)
        if person.company is not None and scenario is not None:  # `contact joana { company quinta }`
            company = next((p for p in scenario.people if p.name.value == person.company.value), None)
            self.add("company", ("person", scenario.name.value, person.company.value), person.company, False,
                     company)

    def _stage_ref(self, ref: ir.StageRef, current: ir.Pipeline | None, entity: str | None) -> None:
        idx = self.analysis.index
        found = idx.resolve_stage(ref, current, entity)
        if ref.pipeline is not None:
            self.add("pipeline", ("pipeline", ref.pipeline.value), ref.pipeline, False,
                     idx.pipelines.get(ref.pipeline.value))
        if found is not None:
            pl, st = found
            self.add("stage", ("stage", pl.name.value, st.name.value), ref.stage, False, st, pl)
        else:
            owner = ref.pipeline.value if ref.pipeline else (current.name.value if current else "")
            self.add("stage", ("stage", owner, ref.stage.value), ref.stage, False, None, None)

    # -- fields -------------------------------------------------------------
    def _field_info(self, entity: str | None, name: str):
        idx = self.analysis.index
        if entity is not None:
            return idx.fields(entity).get(name)
        for e in idx.entities:
            info = idx.fields(e).get(name)
            if info is not None and not info.builtin:
                return info
        return idx.fields("deal").get(name)

    def _field_key(self, entity: str | None, name: str) -> tuple:
        if entity is None:
            owners = [e.name.value for e in self.analysis.project.entities
                      if any(f.name.value == name for f in e.fields)]
            entity = owners[0] if len(owners) == 1 else None
        return ("field", entity, name)

    def _field_name(self, name: ir.Name, entity: str | None) -> None:
        self.add("field", self._field_key(entity, name.value), name, False,
                 self._field_info(entity, name.value), entity)

    def _path_parts(self, span: Span, path: tuple[str, ...]) -> list[Span]:
        """Spans of each name of a field path written at `span`."""
        src = self.analysis.source(span.path)
        if src is None:
            return []
        out = []
        pos = span.start
        for part in path:
            m = re.compile(re.escape(part) + r"(?!\w)").search(src.text, pos, span.end)
            if m is None:
                break
            out.append(src.span(m.start(), m.end()))
            pos = m.end()
        return out

    def _path(self, path: tuple[str, ...], span: Span, entity: str | None) -> None:
        parts = self._path_parts(span, path)
        if not parts:
            return
        self.add("field", self._field_key(entity, path[0]), parts[0], False,
                 self._field_info(entity, path[0]), entity, path[0])
        info = self._field_info(entity, path[0])
        typ = info.type if info is not None else None
        for name, sp in zip(path[1:], parts[1:]):
            sub = schema.RELATION_FIELDS.get(typ or "", {})
            typ = sub.get(name)
            self.add("subfield", None, sp, False, (name, typ), ".".join(path[:path.index(name) + 1]), name)

    def _field_ref(self, ref: ir.FieldRef, entity: str | None) -> None:
        self._path(ref.path, ref.span, entity)

    def _placeholder(self, ph: ir.Placeholder, entity: str | None) -> None:
        self._path(ph.path, ph.span, entity)

    def _expr(self, expr: Any, entity: str | None) -> None:
        for e in ir.walk(expr):
            if isinstance(e, ir.FieldRef):
                self._field_ref(e, entity)

    # -- scenarios ------------------------------------------------------------
    def _scenario(self, sc: ir.Scenario) -> None:
        idx = self.analysis.index
        self.add("scenario", ("scenario", sc.name.value), sc.name, True, sc)
        people = {}
        for person in sc.people:
            if person.kind != "employee":
                self._person(person, sc)
            people[person.name.value] = person
        records = {}
        for rec in sc.records:
            entity = rec.entity.value
            found = idx.resolve_stage(rec.stage, None, entity)
            records[rec.name.value] = (rec, found[0] if found else None)
            self.add("record", ("record", sc.name.value, rec.name.value), rec.name, True, rec, sc)
            self.add("entity", ("entity", entity), rec.entity, False, entity)
            self._stage_ref(rec.stage, None, entity)
            for rv in rec.values:
                self._field_name(rv.name, entity)
                info = idx.fields(entity).get(rv.name.value)
                if info is not None and info.type in schema.RELATIONS:
                    for v in rv.values:
                        if isinstance(v, ir.Name):
                            if v.value in people and people[v.value].kind != "employee":
                                self.add(people[v.value].kind, ("person", sc.name.value, v.value), v, False,
                                         people[v.value])
                            else:
                                self._employee(v)

        def record(name: ir.Name):
            rec = records.get(name.value)
            self.add("record", ("record", sc.name.value, name.value), name, False,
                     rec[0] if rec else None, sc)
            return rec

        for h in sc.happenings:
            rec = record(h.record)
            entity = rec[0].entity.value if rec else None
            pipeline = rec[1] if rec else None
            if h.stage is not None:
                self._stage_ref(h.stage, pipeline, entity)
            if h.field is not None:
                self._field_ref(h.field, entity)
            if h.value is not None:
                self._expr(h.value, entity)
            if h.event is not None and isinstance(h.event.arg, ir.Name) and not self._is_string(h.event.arg):
                what = schema.EVENTS.get(h.event.kind, ("", "", None))[2]
                if what in ("form", "template"):
                    table = idx.forms if what == "form" else idx.templates
                    self.add(what, (what, h.event.arg.value), h.event.arg, False, table.get(h.event.arg.value))
        for x in sc.expectations:
            rec = record(x.record)
            entity = rec[0].entity.value if rec else None
            pipeline = rec[1] if rec else None
            if x.stage is not None:
                self._stage_ref(x.stage, pipeline, entity)
            if x.robot is not None:
                self.add("robot", ("robot", x.robot.value), x.robot, False, None)
            if x.field is not None:
                self._field_ref(x.field, entity)
            if x.value is not None:
                self._expr(x.value, entity)


def _is_expr(value: Any) -> bool:
    return isinstance(value, (ir.FieldRef, ir.Not, ir.BoolOp, ir.Compare, ir.InList, ir.Contains,
                              ir.IsSet, ir.Between, ir.Arith, ir.Neg))


def source_text(analysis: Analysis, span: Span | None) -> str:
    if span is None:
        return ""
    src = analysis.source(span.path)
    if src is None:
        return ""
    return " ".join(src.text[span.start:span.end].split())
