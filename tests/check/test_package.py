"""The checker's public pieces besides `check`: the stage graph that
`flowc graph` draws, and the tables the per-action checks come from."""
from __future__ import annotations

from flowc import schema
from flowc.check import check, stage_graph
from flowc.check.actions import ACTION_CHECKS, VALUE_KINDS
from flowc.diagnostics import Diagnostics
from flowc.lower import load
from support import ROOT

LOOPS = ROOT / "tests" / "check" / "cases" / "F403_loop.flow"


def _project(path):
    diags = Diagnostics()
    project, _ = load([str(path)], diags)
    return project, diags


def test_stage_graph_gives_the_edges_and_the_loops_the_checker_reports():
    project, _ = _project(LOOPS)
    graph = stage_graph(project)
    names = {(pi, si): f"{p.name.value}.{s.name.value}"
             for pi, p in enumerate(project.pipelines) for si, s in enumerate(p.stages)}
    loops = sorted(tuple(names[k] for k in c) for c in graph.cycles)
    assert loops == [("copies.new",), ("docs.draft", "docs.signed"), ("sales.review", "sales.approval")]
    kinds = sorted((names[e.src], names[e.dst], e.kind) for e in graph.edges)
    assert kinds == [("copies.new", "copies.new", "copy"),
                     ("docs.draft", "docs.signed", "event"), ("docs.signed", "docs.draft", "move"),
                     ("sales.approval", "sales.review", "move"), ("sales.review", "sales.approval", "event")]
    for e in graph.edges:
        assert graph.first_edge(e.src, e.dst) is e  # one edge per pair here
    assert graph.first_edge((0, 2), (0, 0)) is None


def test_stage_graph_reports_to_the_given_collector_like_check():
    project, _ = _project(LOOPS)
    with_graph, plain = Diagnostics(), Diagnostics()
    stage_graph(project, with_graph)
    check(project, plain)
    assert [d.as_dict() for d in with_graph] == [d.as_dict() for d in plain]
    assert sum(d.code == "F403" for d in plain) == 3


def test_the_action_tables_name_only_actions_and_value_kinds_of_the_schema():
    assert set(ACTION_CHECKS) <= set(schema.ACTIONS)
    kinds = {k for spec in schema.ACTIONS.values() for k in spec["params"].values()}
    assert set(VALUE_KINDS) <= kinds


def test_stage_graph_edges_name_their_robot_and_trigger():
    project, _ = _project(LOOPS)
    graph = stage_graph(project)
    for e in graph.edges:
        assert e.robot is not None and e.robot.name.value in e.text
        assert (e.trigger is not None) == (e.kind == "event")
    event = next(e for e in graph.edges if e.kind == "event" and e.robot.name.value == "doc")
    assert event.trigger.event.kind == "document_created"
