"""Pipelines and stages: one pipeline per entity where the CRM has one (F120),
empty pipelines (F121), robots and triggers used in a stage (F107,
duplicates), and the walk through each stage's robots and triggers.
"""
from __future__ import annotations


from .. import ir, schema
from ..diagnostics import Note, did_you_mean
from .actions import check_robot
from .context import Ctx, Run
from .names import check_entity_ref, duplicates, placed_name
from .structure import check_clicks_are_tracked, check_overlapping_triggers, check_trigger_can_fire
from .triggers import check_trigger


def check_single_pipelines(run: Run) -> None:
    first: dict[str, ir.Pipeline] = {}
    for p in run.project.pipelines:
        ent = p.entity.value
        if ent not in schema.SINGLE_PIPELINE:
            continue
        if ent in first and first[ent].name.value != p.name.value:
            run.error("F120", f'a second pipeline for {ent}s', p.name.span,
                      f'{ent}s have only one pipeline; "{first[ent].name.value}" is already theirs',
                      [Note("first declared here", first[ent].name.span, "note"),
                       Note("add the stages to that pipeline, or use deals or a smart process for a second one")])
        first.setdefault(ent, p)


def check_pipeline(run: Run, pipeline: ir.Pipeline) -> None:
    known = check_entity_ref(run, pipeline.entity)
    entity = pipeline.entity.value if known else None
    if not pipeline.stages:
        run.error("F121", f'pipeline "{pipeline.name.value}" has no stages', pipeline.name.span,
                  "records need at least one stage to be in",
                  [Note("add stages: stage new \"New\" ... stage won \"Won\" success")])
        return
    pi = run.pipeline_ids[id(pipeline)]
    run.reached.add((pi, 0))
    for stage in pipeline.stages:
        check_stage(run, stage, pipeline, entity)
    check_overlapping_triggers(run, pipeline)


def check_stage(run: Run, stage: ir.Stage, pipeline: ir.Pipeline, entity: str | None) -> None:
    duplicates(run, [r for r in stage.robots], "robot", placed_name)
    duplicates(run, [t for t in stage.triggers if t.name is not None], "trigger", placed_name)
    names = list(run.index.robot_defs) + list(run.index.trigger_defs) if stage.unresolved else []
    for ref in stage.unresolved:
        notes = list(did_you_mean(ref.name.value, names))
        if not names:
            notes.append(Note(f"define it at the top level: robot {ref.name.value}: ... or trigger {ref.name.value}: ..."))
        run.error("F107", f'unknown robot or trigger "{ref.name.value}"', ref.name.span,
                  "no reusable robot or trigger with this name", notes)
    for i, robot in enumerate(stage.robots):
        ctx = Ctx(pipeline, stage, entity, robot.used_at)
        check_robot(run, robot, ctx, first=(i == 0))
    for trigger in stage.triggers:
        ctx = Ctx(pipeline, stage, entity, trigger.used_at)
        check_trigger(run, trigger, ctx)
        check_trigger_can_fire(run, trigger, stage, pipeline, ctx)
        check_clicks_are_tracked(run, trigger, pipeline, ctx)
