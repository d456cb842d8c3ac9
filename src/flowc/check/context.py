"""What every check shares: one run of the checker (`Run`: the project, its
index, the diagnostics collector, and what the checks gather on the way: the
stages records are brought into, the edges of the stage graph) and the place
one item is checked in (`Ctx`: pipeline, stage, entity, scenario).

The checks are plain functions over these two objects; no class holds the
phase.  Reporting goes through `Run.error` / `warning` / `note`, which skip
an item without a span (a lowering error already said what is wrong there).
"""
from __future__ import annotations

from typing import Iterable

import attrs

from .. import ir
from ..diagnostics import Diagnostic, Diagnostics, Note, Severity
from ..index import Index
from ..source import Span

#: A stage in the stage graph: (pipeline number, stage number) in the project.
StageKey = tuple[int, int]


@attrs.frozen
class Ctx:
    """Where a robot, trigger or expression is checked."""
    pipeline: ir.Pipeline | None = None
    stage: ir.Stage | None = None
    entity: str | None = None  # a known entity: its fields can be resolved
    used_at: Span | None = None  # a reusable robot or trigger, placed here with `use`
    scenario: ir.Scenario | None = None

    def notes(self) -> list[Note]:
        if self.used_at is not None and self.stage is not None and self.pipeline is not None:
            return [Note(f'used in stage "{self.stage.name.value}" of pipeline "{self.pipeline.name.value}"',
                         self.used_at, "note")]
        return []


@attrs.frozen
class Edge:
    """A way automation takes a record (or its copy) from one stage to another."""
    src: StageKey
    dst: StageKey
    text: str
    span: Span
    kind: str  # "move", "copy" or "event"
    robot: ir.Robot | None = attrs.field(default=None, eq=False, repr=False)  # the robot that moves or copies
    trigger: ir.Trigger | None = attrs.field(default=None, eq=False, repr=False)  # "event": the trigger it fires


class Run:
    """One run of the checker over a project."""

    def __init__(self, project: ir.Project, index: Index, diags: Diagnostics) -> None:
        self.project = project
        self.index = index
        self.diags = diags
        self.pipeline_ids = {id(p): i for i, p in enumerate(project.pipelines)}
        self.reached: set[StageKey] = set()  # stages automation or scenarios bring records into
        self.edges: list[Edge] = []
        scenario_people = {id(p) for sc in project.scenarios for p in sc.people}
        self.top_employees = [e for e in project.employees if id(e) not in scenario_people]
        self.top_employee_ids = {id(e) for e in self.top_employees}
        self.cache: dict = {}  # what several checks look up, computed once (see `once`)

    def once(self, key, compute):
        """`compute()`, computed once per run for `key`."""
        try:
            return self.cache[key]
        except KeyError:
            value = self.cache[key] = compute()
            return value

    # -- reporting -----------------------------------------------------------
    def error(self, code: str, summary: str, span: Span | None, detail: str = "",
              notes: Iterable[Note] = ()) -> None:
        if span is not None:
            self.diags.error(code, summary, span, detail, notes)

    def warning(self, code: str, summary: str, span: Span | None, detail: str = "",
                notes: Iterable[Note] = ()) -> None:
        if span is not None:
            self.diags.warning(code, summary, span, detail, notes)

    def note(self, code: str, summary: str, span: Span | None, detail: str = "",
             notes: Iterable[Note] = ()) -> None:
        if span is not None:
            self.diags.add(Diagnostic(code, Severity.NOTE, summary, span, detail, tuple(notes)))

    def error_within(self, span: Span, codes: tuple[str, ...]) -> bool:
        """Whether an earlier phase reported one of `codes` inside `span`."""
        return any(d.code in codes and d.span.path == span.path and span.start <= d.span.start < span.end
                   for d in self.diags)

    # -- stages as graph nodes -----------------------------------------------
    def key(self, pipeline: ir.Pipeline, stage: ir.Stage) -> StageKey:
        return (self.pipeline_ids.get(id(pipeline), -1), stage.index)

    def stage_label(self, key: StageKey, qualify: bool) -> str:
        p = self.project.pipelines[key[0]]
        s = p.stages[key[1]]
        return f"{p.name.value}.{s.name.value}" if qualify else s.name.value
