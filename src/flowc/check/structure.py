"""The stage graph and the flow-structure checks (F4xx).

* `move to` and `copy ... to` add an edge S -> T and mark T reached (F405,
  F406, F407 on the way);
* a trigger on stage T moves a record from stage S when S comes before T and
  is not final, or, with `allow back`, from any other stage (F401: none);
* a robot on S whose action causes an event (`schema.ACTION_EVENTS`) that a
  trigger on T matches and may act on adds the edge S -> T;
* each elementary cycle of the graph is one F403;
* a stage no trigger, move, copy or scenario brings records into is F402;
* triggers of one pipeline that fire on the same event are F404;
* an `email link clicked` trigger in a pipeline whose entity no robot sends
  an e-mail with `track clicks` can never see a click (F408).

`build_graph(run)` gives the edges and the cycles as a `StageGraph` (for
`flowc graph`, through `flowc.check.stage_graph`).
"""
from __future__ import annotations

from typing import Any

import attrs

from .. import ir, schema
from ..words import event_words, trigger_text
from ..diagnostics import Note
from ..source import Span
from .context import Ctx, Edge, Run, StageKey
from .cycles import simple_cycles
from .names import check_entity_ref, resolve
from .triggers import event_arg


def check_move(run: Run, robot: ir.Robot, ctx: Ctx) -> None:
    p = robot.action.param("stage")
    if p is None or not isinstance(p.value, ir.StageRef):
        return
    if ctx.pipeline is None:
        # A reusable robot: a qualified target can be checked on its own.
        if p.value.pipeline is not None:
            resolve(run, p.value, None, ctx)
        return
    found = resolve(run, p.value, ctx.pipeline, ctx)
    if found is None:
        return
    tp, ts = found
    src = run.key(ctx.pipeline, ctx.stage)
    dst = run.key(tp, ts)
    run.reached.add(dst)
    if tp.entity.value != ctx.pipeline.entity.value and ctx.entity is not None:
        run.error("F406", f'pipeline "{tp.name.value}" is for {tp.entity.value}s, not {ctx.pipeline.entity.value}s',
                  p.value.span, f"a {ctx.pipeline.entity.value} cannot be moved into it",
                  [Note("a record moves only between pipelines of its own entity"), *ctx.notes()])
        return
    if src == dst:
        run.warning("F405", f'robot "{robot.name.value}" moves the record to its own stage', p.value.span,
                    f'the record is already in "{ts.name.value}"',
                    [Note("moving a record to the stage it is in does nothing; remove the robot or pick another stage"),
                     *ctx.notes()])
        return
    if ctx.stage is not None and ctx.stage.final is not None:
        run.note("F407", f'robot "{robot.name.value}" moves the record out of final stage "{ctx.stage.name.value}"',
                 p.value.span, "the closed record is reopened", ctx.notes())
    run.edges.append(Edge(src, dst, f'robot "{robot.name.value}" on "{run.stage_label(src, False)}" moves '
                                     f'the record to "{run.stage_label(dst, src[0] != dst[0])}"',
                          robot.used_at or robot.name.span, "move", robot))


def check_copy(run: Run, robot: ir.Robot, ctx: Ctx) -> None:
    action = robot.action
    ent = action.get("entity")
    known = isinstance(ent, ir.Name) and check_entity_ref(run, ent)
    if known and ctx.pipeline is not None and ent.value != ctx.pipeline.entity.value:
        run.error("F406", f"a {ctx.pipeline.entity.value} cannot be copied as a {ent.value}", ent.span,
                  f'this pipeline is for {ctx.pipeline.entity.value}s', [
                       Note(f"write `copy {ctx.pipeline.entity.value}`: a copy is a record of the same entity"),
                       *ctx.notes()])
        return
    p = action.param("stage")
    if p is None or not isinstance(p.value, ir.StageRef):
        return
    if ctx.pipeline is None:
        if p.value.pipeline is not None:
            found = resolve(run, p.value, None, ctx)
            if found and known and found[0].entity.value != ent.value:
                _copy_entity_error(run, found[0], ent.value, p.value.span, ctx)
        return
    found = resolve(run, p.value, ctx.pipeline, ctx)
    if found is None:
        return
    tp, ts = found
    entity = ent.value if known else ctx.pipeline.entity.value
    if tp.entity.value != entity:
        if known or ctx.entity is not None:
            _copy_entity_error(run, tp, entity, p.value.span, ctx)
        return
    src, dst = run.key(ctx.pipeline, ctx.stage), run.key(tp, ts)
    run.reached.add(dst)
    run.edges.append(Edge(src, dst, f'robot "{robot.name.value}" on "{run.stage_label(src, False)}" copies '
                                     f'the record to "{run.stage_label(dst, src[0] != dst[0])}"'
                                     + (" (every copy is copied again)" if src == dst else ""),
                          robot.used_at or robot.name.span, "copy", robot))


def _copy_entity_error(run: Run, tp: ir.Pipeline, entity: str, span: Span, ctx: Ctx) -> None:
    run.error("F406", f'pipeline "{tp.name.value}" is for {tp.entity.value}s, not {entity}s', span,
              f"a {entity} cannot be copied into it",
              [Note(f"copy into a pipeline for {entity}s"), *ctx.notes()])


def check_trigger_can_fire(run: Run, trigger: ir.Trigger, stage: ir.Stage, pipeline: ir.Pipeline, ctx: Ctx) -> None:
    # Some stage the trigger may move a record from (`trigger_moves`), in
    # constant time: any other stage with `allow back`, else an open stage
    # before this one.
    if trigger.allow_back:
        can_fire = len(pipeline.stages) > 1
    else:
        can_fire = run.once(("first open", id(pipeline)), lambda: next(
            (s.index for s in pipeline.stages if s.final is None), len(pipeline.stages))) < stage.index
    where = trigger.used_at or trigger.event.span
    if can_fire:
        run.reached.add(run.key(pipeline, stage))
        return
    if len(pipeline.stages) == 1:
        why = "the pipeline has no other stage to move records from"
        help_ = "add stages to the pipeline"
    elif stage.index == 0:
        why = "a trigger only moves records forward, and nothing is before the first stage"
        help_ = "add `allow back` to bring records back to this stage, or put the trigger on a later stage"
    else:
        why = "every stage before it is final: a closed record only moves with `allow back`"
        help_ = "add `allow back`, or put the trigger on a later stage"
    run.warning("F401", f'trigger "{trigger_text(trigger)}" on "{stage.name.value}" can never fire', where,
                why, [Note(help_), *ctx.notes()])


def check_clicks_are_tracked(run: Run, trigger: ir.Trigger, pipeline: ir.Pipeline, ctx: Ctx) -> None:
    """F408: clicks are seen only in e-mails sent with `track clicks`
    (docs/language.md#send-email); some robot of a pipeline of the same
    entity must send one."""
    if trigger.event is None or trigger.event.kind != "link_clicked":
        return
    entity = pipeline.entity.value
    for pl in run.project.pipelines:
        if pl.entity.value != entity:
            continue
        for st in pl.stages:
            for robot in st.robots:
                if robot.action.kind == "send_email" and robot.action.get("track_clicks"):
                    return
    run.warning("F408", f'trigger "{trigger_text(trigger)}" can never see a click', trigger.used_at or trigger.event.span,
                f"no robot sends {entity}s an e-mail with `track clicks`: only such an e-mail makes a click visible",
                [Note("add `track clicks` to the `send email` robot whose links the client clicks"), *ctx.notes()])


def trigger_moves(src: ir.Stage, dst: ir.Stage, allow_back: bool) -> bool:
    """Whether a trigger on `dst` may move a record that is in `src`."""
    if src is dst:
        return False
    if allow_back:
        return True
    return src.final is None and src.index < dst.index


def check_overlapping_triggers(run: Run, pipeline: ir.Pipeline) -> None:
    """F404.  Triggers overlap when they fire on the same event (same kind,
    and the same form/line/... or one of them for any; for `field ...
    changed`, a shared field).  Each trigger is reported once: as repeating
    the first overlapping trigger before it on the same stage, else as
    losing to the nearest overlapping trigger on a later stage (the
    furthest stage wins).  Linear in the number of triggers: each one's
    partner comes from scans over its event groups, never from all pairs."""
    placed = [(s, t) for s in pipeline.stages for t in s.triggers if t.event is not None]
    # Groups of mutually comparable triggers, in pipeline order.  Within a
    # field group every pair overlaps; within a kind group two triggers
    # overlap when their arguments are equal or one of them has none.
    groups: dict[tuple, list[int]] = {}
    for n, (s, t) in enumerate(placed):
        if t.event.kind == "field_changed":
            for f in sorted(event_arg(t.event) or ()):
                groups.setdefault(("field", f), []).append(n)
        else:
            groups.setdefault(("kind", t.event.kind), []).append(n)
    args = [None if t.event.kind == "field_changed" else event_arg(t.event) for _, t in placed]
    stage_of = [s.index for s, _ in placed]
    first_before: dict[int, int] = {}   # n -> first overlapping trigger before it, same stage
    next_after: dict[int, int] = {}     # n -> nearest overlapping trigger after it, later stage
    for key, members in groups.items():
        field = key[0] == "field"
        # Forward, per stage: the first member seen with each argument, and the first at all.
        first_any: dict[int, int] = {}
        first_none: dict[int, int] = {}
        first_arg: dict[tuple[int, Any], int] = {}
        for n in members:
            st = stage_of[n]
            if field:
                cand = first_any.get(st)
            else:
                options = [first_none.get(st)]
                options.append(first_any.get(st) if args[n] is None else first_arg.get((st, args[n])))
                cand = min((c for c in options if c is not None), default=None)
            if cand is not None and cand < n:
                first_before[n] = min(first_before.get(n, cand), cand)
            first_any.setdefault(st, n)
            if args[n] is None:
                first_none.setdefault(st, n)
            else:
                first_arg.setdefault((st, args[n]), n)
        # Backward: the nearest member on a later stage (with an overlapping
        # argument).  Members of the stage being scanned wait in `pending`
        # until the scan reaches an earlier stage.
        near_any = near_none = None
        near_arg: dict[Any, int] = {}
        pending: list[int] = []
        for n in reversed(members):
            if pending and stage_of[pending[-1]] != stage_of[n]:
                for m in pending:  # descending: the nearest is written last
                    near_any = m
                    if args[m] is None:
                        near_none = m
                    else:
                        near_arg[args[m]] = m
                pending = []
            if field:
                cand = near_any
            else:
                options = [near_none, near_any if args[n] is None else near_arg.get(args[n])]
                cand = min((c for c in options if c is not None), default=None)
            if cand is not None:
                next_after[n] = min(next_after.get(n, cand), cand)
            pending.append(n)
    for n, (sn, tn) in enumerate(placed):
        if n in first_before:
            k = first_before[n]
            sk, tk = placed[k]
            what = _overlap_words(tk.event, tn.event)
            run.warning("F404", f'two triggers on "{sn.name.value}" fire on "{what}"',
                        tn.used_at or tn.event.span, "this trigger repeats the one before",
                        [Note("the other trigger", tk.used_at or tk.event.span, "note"),
                         Note("remove one of them")])
        elif n in next_after:
            m = next_after[n]
            sm, tm = placed[m]
            what = _overlap_words(tn.event, tm.event)
            run.warning("F404", f'triggers on "{sn.name.value}" and "{sm.name.value}" both fire on "{what}"',
                        tn.used_at or tn.event.span,
                        f'when both match, the record goes to "{sm.name.value}" (the furthest stage wins)',
                        [Note(f'the trigger on "{sm.name.value}"', tm.used_at or tm.event.span, "note"),
                         Note("give the triggers different events, forms or fields, or remove one")])


def _overlap_words(a: ir.Event, b: ir.Event) -> str:
    if a.kind == "field_changed":
        shared = sorted(event_arg(a) & event_arg(b))
        return f"field{'s' if len(shared) > 1 else ''} {', '.join(shared)} changed"
    return event_words(a if event_arg(b) is None else b)


def check_reachability(run: Run) -> None:
    for pi, p in enumerate(run.project.pipelines):
        if run.index.pipelines.get(p.name.value) is not p:
            continue  # a duplicate pipeline (F101)
        for s in p.stages[1:]:
            if s.final is not None or (pi, s.index) in run.reached:
                continue
            if run.index.pipelines.get(p.name.value) is not p or p.stage(s.name.value) is not s:
                continue
            run.warning("F402", f'no automation moves records into stage "{s.name.value}"', s.name.span,
                        "records reach it only when someone moves them by hand",
                        [Note(f"add a trigger to the stage, or a robot that moves records here: move to {s.name.value}")])


#: At most this many loops are reported (the search for more is bounded too).
MAX_LOOPS = 50


@attrs.frozen
class StageGraph:
    """The stage graph of a project as the checker sees it: the ways automation
    takes a record from one stage to another (moves and copies in the order
    the checker met them, then edges through events), and its elementary
    cycles, each as the stages around it from its smallest `StageKey`.
    A key is (pipeline number, stage number) in `project.pipelines`."""
    edges: tuple[Edge, ...]
    cycles: tuple[tuple[StageKey, ...], ...]

    def first_edge(self, src: StageKey, dst: StageKey) -> Edge | None:
        """The first edge from `src` to `dst` (the one a loop is explained by)."""
        return next((e for e in self.edges if e.src == src and e.dst == dst), None)


def build_graph(run: Run) -> StageGraph:
    """The stage graph, once every pipeline has been checked (the moves and
    copies are in `run.edges` by then)."""
    edges = [*run.edges, *event_edges(run)]
    seen: set[tuple[StageKey, StageKey]] = set()
    succ: dict[StageKey, list[StageKey]] = {}
    for e in edges:
        if (e.src, e.dst) not in seen:
            seen.add((e.src, e.dst))
            succ.setdefault(e.src, []).append(e.dst)
    cycles = simple_cycles(succ, limit=MAX_LOOPS)
    return StageGraph(tuple(edges), tuple(tuple(c) for c in cycles))


def event_edges(run: Run) -> list[Edge]:
    """Edges through events: a robot on S causes an event that a trigger on T
    matches, and that trigger may move the record from S to T."""
    out: list[Edge] = []
    for pi, p in enumerate(run.project.pipelines):
        by_kind: dict[str, list[tuple[ir.Stage, ir.Trigger]]] = {}
        by_field: dict[str, list[tuple[ir.Stage, ir.Trigger]]] = {}
        for t_stage in p.stages:
            for trig in t_stage.triggers:
                if trig.event is None:
                    continue
                by_kind.setdefault(trig.event.kind, []).append((t_stage, trig))
                if trig.event.kind == "field_changed":
                    for f in event_arg(trig.event) or ():
                        by_field.setdefault(f, []).append((t_stage, trig))
        for s in p.stages:
            for robot in s.robots:
                ev = schema.ACTION_EVENTS.get(robot.action.kind)
                if ev is None:
                    continue
                if ev == "field_changed":
                    ref = robot.action.get("field")
                    candidates = by_field.get(ref.path[0], []) if isinstance(ref, ir.FieldRef) and ref.path else []
                else:
                    candidates = by_kind.get(ev, [])
                for t_stage, trig in candidates:
                    if t_stage is s or not trigger_moves(s, t_stage, trig.allow_back):
                        continue
                    cause = robot_effect(robot, trig.event)
                    if cause is None:
                        continue
                    out.append(Edge(
                        (pi, s.index), (pi, t_stage.index),
                        f'robot "{robot.name.value}" on "{s.name.value}" {cause}, which fires trigger '
                        f'"{trigger_text(trig)}" on "{t_stage.name.value}"',
                        robot.used_at or robot.name.span, "event", robot, trig))
    return out


def check_loops(run: Run) -> StageGraph:
    """F403 for each loop of the stage graph; returns the graph."""
    graph = build_graph(run)
    first_edge: dict[tuple[StageKey, StageKey], Edge] = {}
    for e in graph.edges:
        first_edge.setdefault((e.src, e.dst), e)
    for cycle in graph.cycles:
        edges = [first_edge[(cycle[i], cycle[(i + 1) % len(cycle)])] for i in range(len(cycle))]
        qualify = len({k[0] for k in cycle}) > 1
        names = [run.stage_label(k, qualify) for k in cycle] + [run.stage_label(cycle[0], qualify)]
        summary = "stages " + " -> ".join(f'"{n}"' for n in names) + " form a loop"
        notes = [Note(e.text, e.span, "note") for e in edges[1:]]
        notes.append(Note("a record would go round this loop for ever; add a condition that stops it"))
        run.warning("F403", summary, edges[0].span, edges[0].text, notes)
    return graph


def robot_effect(robot: ir.Robot, ev: ir.Event) -> str | None:
    """What a robot does that a trigger's event matches (None: no match)."""
    a = robot.action
    if a.kind == "set_field":
        ref = a.get("field")
        if not isinstance(ref, ir.FieldRef) or not ref.path:
            return None
        fields = event_arg(ev)
        if fields and ref.path[0] in fields:
            return f"sets {ref.path[0]}"
        return None
    if a.kind == "change_responsible":
        return "changes the responsible"
    if a.kind == "create_document":
        tpl = a.get("template")
        want = event_arg(ev)
        if want is None or (isinstance(tpl, ir.Name) and tpl.value == want):
            return f"creates document {tpl.value}" if isinstance(tpl, ir.Name) else "creates a document"
        return None
    if a.kind == "send_email":
        return "sends an e-mail"
    return None
