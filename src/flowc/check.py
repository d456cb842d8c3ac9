"""Phase 3: check.  `check(project, diags)` adds every problem it finds.

Each check is a method of `Checker`; codes are documented in
docs/diagnostics.md (F1xx names, F2xx values and types, F3xx timing,
F4xx flow structure, F5xx scenarios).
"""
from __future__ import annotations

from . import ir, schema
from .diagnostics import Diagnostics, Note, did_you_mean
from .index import Index


def check(project: ir.Project, diags: Diagnostics, index: Index | None = None) -> Index:
    index = index or Index(project)
    Checker(project, index, diags).run()
    return index


class Checker:
    def __init__(self, project: ir.Project, index: Index, diags: Diagnostics) -> None:
        self.project = project
        self.index = index
        self.diags = diags

    def run(self) -> None:
        self.check_duplicates()
        for pipeline in self.project.pipelines:
            self.check_pipeline(pipeline)

    # -- names ---------------------------------------------------------------
    def _dups(self, items, what: str) -> None:
        seen: dict[str, ir.Name] = {}
        for it in items:
            name = it.name
            if name.value in seen:
                first = seen[name.value]
                self.diags.error("F101", f'duplicate {what} "{name.value}"', name.span,
                                 f"a {what} with this name is already declared",
                                 [Note("first declared here", first.span, "note")])
            else:
                seen[name.value] = name

    def check_duplicates(self) -> None:
        p = self.project
        self._dups(p.pipelines, "pipeline")
        self._dups(p.entities, "entity")
        self._dups(p.calendars, "calendar")
        self._dups(p.forms, "form")
        self._dups(p.templates, "template")
        self._dups(p.robot_defs, "robot")
        self._dups([t for t in p.trigger_defs if t.name], "trigger")
        self._dups(p.scenarios, "scenario")
        for pl in p.pipelines:
            self._dups(pl.stages, "stage")

    def check_pipeline(self, pipeline: ir.Pipeline) -> None:
        for stage in pipeline.stages:
            for robot in stage.robots:
                self.check_robot(robot, stage, pipeline)

    def check_robot(self, robot: ir.Robot, stage: ir.Stage, pipeline: ir.Pipeline) -> None:
        stage_param = robot.action.param("stage")
        if stage_param is not None:
            ref: ir.StageRef = stage_param.value
            if self.index.resolve_stage(ref, pipeline) is None:
                target = self.index.pipelines.get(ref.pipeline.value) if ref.pipeline else pipeline
                if ref.pipeline is not None and target is None:
                    self.diags.error("F102", f'unknown pipeline "{ref.pipeline.value}"', ref.pipeline.span,
                                     "no pipeline with this name",
                                     did_you_mean(ref.pipeline.value, self.index.pipelines))
                else:
                    self.diags.error("F104", f'unknown stage "{ref.stage.value}"', ref.stage.span,
                                     f'no stage with this name in pipeline "{target.name.value}"',
                                     did_you_mean(ref.stage.value, self.index.stage_names(target)))
