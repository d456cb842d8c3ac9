"""The board of an automation: what `flowc graph` draws and `flowc doc` lists.

`build_board(loaded)` turns checked projects into plain data: each pipeline
with its stages in order (final ones marked), each stage's robots (action,
timing and condition in a few words) and triggers (event, `allow back`,
condition), and the links automation makes between stages: moves, copies,
repeat leads, and robot effects that fire a trigger (the checker's stage
graph), with every loop the checker reports (F403) marked.  A pipeline that
several projects load (a shared file `use`d by two) appears once.

Renderers read only this model; it holds no IR node but the pipelines and
stages it describes.
"""
from __future__ import annotations

import re
from typing import Iterable

import attrs

from . import ir
from .index import Index
from .words import action_short, event_words, timing_short, trigger_text

frozen = attrs.frozen(slots=True, weakref_slot=False)


@frozen
class RobotItem:
    name: str
    action: str     # `notify supervisor`, `move to paid`
    timing: str     # `15 working min`, `after previous`
    condition: str | None  # the condition as written, or None
    robot: ir.Robot


@frozen
class TriggerItem:
    id: str
    event: str      # `invoice paid`, `form submitted contact_us`
    name: str | None
    allow_back: bool
    condition: str | None
    trigger: ir.Trigger


@frozen
class StageNode:
    id: str
    name: str
    title: str
    final: str | None  # None, "success", "failure"
    robots: tuple[RobotItem, ...]
    triggers: tuple[TriggerItem, ...]
    in_loop: bool
    stage: ir.Stage


@frozen
class PipelineNode:
    id: str
    name: str
    title: str
    entity: str
    stages: tuple[StageNode, ...]
    pipeline: ir.Pipeline


@frozen
class Link:
    """A way automation takes a record (or a new record) to a stage."""
    src: str
    dst: str
    kind: str   # "move", "copy", "lead" (a repeat lead), "event" (an effect that fires a trigger)
    robot: str
    label: str  # `move`, `copy`, `repeat lead`, `sets amount`
    trigger: str | None  # for "event": the trigger it fires
    in_loop: bool


@frozen
class Outside:
    """The end of a link that is not on the board: a stage of a pipeline left
    out by `--pipeline`, or a new lead in a project with no lead pipeline."""
    id: str
    label: str


@frozen
class Board:
    pipelines: tuple[PipelineNode, ...]
    links: tuple[Link, ...]
    outside: tuple[Outside, ...]
    loops: tuple[tuple[str, ...], ...]  # stage ids of each loop, in order

    def only(self, pipeline: str) -> "Board":
        """The board of the pipeline(s) of this name; see `only_id`."""
        return self.only_id(*(p.id for p in self.pipelines if p.name == pipeline))

    def only_id(self, *pids: str) -> "Board":
        """The board of some pipelines; links to and from other pipelines end
        at `Outside` nodes named `pipeline.stage`."""
        keep = [p for p in self.pipelines if p.id in pids]
        inside = {s.id for p in keep for s in p.stages}
        names = {s.id: f"{p.name}.{s.name}" for p in self.pipelines for s in p.stages}
        names.update({o.id: o.label for o in self.outside})
        links = [lk for lk in self.links if lk.src in inside or lk.dst in inside]
        ends = sorted({e for lk in links for e in (lk.src, lk.dst) if e not in inside}, key=_id_order)
        loops = tuple(lp for lp in self.loops if any(s in inside for s in lp))
        return Board(tuple(keep), tuple(links), tuple(Outside(e, names[e]) for e in ends), loops)


def _id_order(node_id: str) -> tuple:
    return tuple(int(n) if n.isdigit() else n for n in re.findall(r"\d+|\D+", node_id))


# ------------------------------------------------------------------ building it

def build_board(loaded: Iterable[tuple[str, ir.Project, list]], sources: dict) -> Board:
    """The board of checked projects (`flowc.files.load_projects`'s result,
    without errors); `sources` maps a path to its `Source` (for conditions)."""
    b = _Builder(sources)
    for _root, project, _modules in loaded:
        b.add(project)
    return b.board()


class _Builder:
    def __init__(self, sources: dict) -> None:
        self.sources = sources
        self.pipelines: list[PipelineNode] = []
        self.links: dict[tuple, Link] = {}
        self.outside: dict[str, Outside] = {}
        self.loops: dict[tuple[str, ...], None] = {}
        self.by_place: dict[tuple, str] = {}  # (path, offset) of a pipeline -> its id

    def text(self, span) -> str | None:
        if span is None:
            return None
        src = self.sources.get(span.path)
        return " ".join(src.text[span.start:span.end].split()) if src is not None else None

    def add(self, project: ir.Project) -> None:
        index = Index(project)
        ids: dict[tuple[int, int], str] = {}  # (pipeline no., stage no.) -> stage id
        fresh: list[int] = []
        for pi, p in enumerate(project.pipelines):
            place = (p.span.path, p.span.start)
            pid = self.by_place.get(place)
            if pid is None:
                pid = f"p{len(self.pipelines)}"
                self.by_place[place] = pid
                self.pipelines.append(None)  # filled in below, once loops are known
                fresh.append(pi)
            for s in p.stages:
                ids[(pi, s.index)] = f"{pid}s{s.index}"
        edges, cycles = _stage_graph(project, index)
        loop_pairs = set()
        for cyc in cycles:
            loop = tuple(ids[k] for k in cyc)
            self.loops.setdefault(loop, None)
            loop_pairs.update((loop[i], loop[(i + 1) % len(loop)]) for i in range(len(loop)))
        in_loop = {s for pair in loop_pairs for s in pair} | {s for lp in self.loops for s in lp}
        for pi in fresh:
            p = project.pipelines[pi]
            pid = self.by_place[(p.span.path, p.span.start)]
            self.pipelines[int(pid[1:])] = self.pipeline(pid, p, ids, pi, in_loop)
        for e in edges:
            src, dst = ids[e.src], ids[e.dst]
            self.link(Link(src, dst, e.kind, e.robot, e.label, e.trigger, (src, dst) in loop_pairs))
        self.extra_links(project, index, ids)

    def pipeline(self, pid: str, p: ir.Pipeline, ids: dict, pi: int, in_loop: set) -> PipelineNode:
        stages = []
        for s in p.stages:
            sid = ids[(pi, s.index)]
            robots = tuple(RobotItem(r.name.value, action_short(r.action), timing_short(r.timing),
                                     self.text(r.condition.span) if r.condition is not None else None, r)
                           for r in s.robots)
            triggers = tuple(TriggerItem(f"{sid}t{k}", event_words(t.event, quote=True), t.name.value if t.name else None,
                                         t.allow_back,
                                         self.text(t.condition.span) if t.condition is not None else None, t)
                             for k, t in enumerate(s.triggers) if t.event is not None)
            stages.append(StageNode(sid, s.name.value, s.title or s.name.value, s.final, robots, triggers,
                                    sid in in_loop, s))
        return PipelineNode(pid, p.name.value, p.title or p.name.value, p.entity.value, tuple(stages), p)

    def link(self, lk: Link) -> None:
        key = (lk.src, lk.dst, lk.kind, lk.robot, lk.label, lk.trigger)
        old = self.links.get(key)
        if old is None or (lk.in_loop and not old.in_loop):
            self.links[key] = lk

    def extra_links(self, project: ir.Project, index: Index, ids: dict) -> None:
        """Links the checker's stage graph leaves out, by the interpreter's
        rules: a repeat lead goes to the first stage of the lead pipeline
        (outside the board when there is none); a copy with no stage goes to
        the first stage of its own pipeline."""
        leads = index.pipelines_for("lead")
        lead_stage = None
        if leads and leads[0].stages:
            lead_stage = ids.get((project.pipelines.index(leads[0]), 0))
        for pi, p in enumerate(project.pipelines):
            for s in p.stages:
                for r in s.robots:
                    src = ids[(pi, s.index)]
                    if r.action.kind == "create_repeat_lead":
                        dst = lead_stage
                        if dst is None:
                            dst = "new_lead"
                            self.outside.setdefault(dst, Outside(dst, "a new lead (no lead pipeline here)"))
                        self.link(Link(src, dst, "lead", r.name.value, "repeat lead", None, False))
                    elif r.action.kind == "copy_record" and r.action.get("stage") is None:
                        self.link(Link(src, ids[(pi, 0)], "copy", r.name.value, "copy", None, False))

    def board(self) -> Board:
        links = sorted(self.links.values(), key=lambda lk: (_id_order(lk.src), _id_order(lk.dst), lk.kind, lk.robot))
        return Board(tuple(self.pipelines), tuple(links), tuple(self.outside.values()), tuple(self.loops))


# ------------------------------------------------------------------ the checker's stage graph

@frozen
class StageEdge:
    src: tuple[int, int]
    dst: tuple[int, int]
    kind: str    # "move", "copy", "event"
    robot: str
    label: str   # what the robot does: `move`, `copy`, `sets amount`
    trigger: str | None


def _stage_graph(project: ir.Project, index: Index) -> tuple[list[StageEdge], list[tuple[tuple[int, int], ...]]]:
    """The stage graph and its loops, as the checker finds them for F403."""
    from .check import stage_graph
    from .check.structure import robot_effect

    graph = stage_graph(project, index=index)
    edges = []
    for e in graph.edges:
        robot = e.robot.name.value if e.robot is not None else "?"
        if e.kind == "event" and e.trigger is not None:
            cause = robot_effect(e.robot, e.trigger.event) or "fires a trigger"
            edges.append(StageEdge(e.src, e.dst, e.kind, robot, cause, trigger_text(e.trigger)))
        else:
            edges.append(StageEdge(e.src, e.dst, e.kind, robot, e.kind, None))
    return edges, list(graph.cycles)
