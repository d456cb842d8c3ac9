"""Phase 3: check.  `check(project, diags)` adds every problem it finds.

Every code is documented in docs/diagnostics.md (F1xx names, F2xx values and
types, F3xx timing, F4xx flow structure, F5xx scenarios); a test keeps the two
in sync.  The checker never raises: the IR may be partial (`ir.Invalid`
expressions, None values after a lowering error, names that resolve to
nothing) and every check skips what it cannot judge.

Reusable robots and triggers (top-level definitions) are checked once on their
own (what does not depend on where they are used), then again in every stage
that `use`s them, against that stage's pipeline and entity (fields,
placeholders, targets); the collector drops the repeats.

The checks are functions over a `context.Run` (the project, its index, the
diagnostics, what the checks gather) and a `context.Ctx` (where one item is
checked), one module per concern:

==============  ============================================================
`context`       `Run`, `Ctx`, `Edge`: what the checks share
`messages`      how messages name types, parameters, lists, expressions
`names`         duplicates, entities, people, fields, stage references
`values`        time zones, holidays, e-mails, URLs, phones, SMS length
`types`         expression types, conditions, comparisons, assignments
`timing`        calendars and robots' timing clauses
`actions`       robots: parameters from `flowc.schema`, per-action checks
`triggers`      triggers and their events
`pipelines`     pipelines and the walk through their stages
`structure`     the stage graph: moves, copies, reachability, overlaps, loops
`cycles`        graph algorithms (components, elementary cycles)
`scenarios`     scenarios: records, happenings, expectations, horizon
==============  ============================================================

This module runs them in order; the flow-structure rules are described in
`structure`.
"""
from __future__ import annotations

from .. import ir
from ..diagnostics import Diagnostics
from ..gcpause import paused
from ..index import Index
from .actions import check_robot
from .context import Ctx, Edge, Run, StageKey
from .names import check_duplicates, check_entity
from .pipelines import check_pipeline, check_single_pipelines
from .scenarios import check_scenario
from .structure import StageGraph, check_loops, check_reachability
from .timing import check_calendar, check_calendars_from
from .triggers import check_trigger
from .values import check_person, check_timezones

__all__ = ["check", "stage_graph", "StageGraph", "Edge", "StageKey"]


def check(project: ir.Project, diags: Diagnostics, index: Index | None = None) -> Index:
    index = index or Index(project)
    with paused():  # no reference cycles here: see flowc.gcpause
        _run(project, index, diags)
    return index


def stage_graph(project: ir.Project, diags: Diagnostics | None = None,
                index: Index | None = None) -> StageGraph:
    """The stage graph of a project (moves, copies and events between stages)
    and its loops, as the checker finds them.  Runs the whole check: its
    diagnostics go to `diags` (dropped when None)."""
    return _run(project, index or Index(project), diags if diags is not None else Diagnostics())


def _run(project: ir.Project, index: Index, diags: Diagnostics) -> StageGraph:
    run = Run(project, index, diags)
    check_duplicates(run)
    check_timezones(run)
    for cal in project.calendars:
        check_calendar(run, cal)
    for entity in project.entities:
        check_entity(run, entity)
    for person in run.top_employees:
        check_person(run, person, None)
    for robot in project.robot_defs:
        check_robot(run, robot, Ctx())
    for trigger in project.trigger_defs:
        check_trigger(run, trigger, Ctx())
    check_single_pipelines(run)
    for pipeline in project.pipelines:
        check_pipeline(run, pipeline)
    for scenario in project.scenarios:
        check_scenario(run, scenario)
        check_calendars_from(run, scenario)
    check_reachability(run)
    return check_loops(run)
