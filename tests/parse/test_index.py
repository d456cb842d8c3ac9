"""Name resolution (flowc.index)."""
from __future__ import annotations

from flowc.diagnostics import Diagnostics
from flowc.index import Index
from flowc.lower import lower
from flowc.parse import parse


def project(text: str):
    diags = Diagnostics()
    return lower([parse(text, "t.flow", diags)], diags)


def test_scenario_people_do_not_leak_into_other_scenarios():
    p = project('employee bruno "Bruno"\n'
                'scenario a { start 2026-03-02  employee ana "Ana A" }\n'
                'scenario b { start 2026-03-02  employee ana "Ana B" }\n')
    index = Index(p)
    a, b = p.scenarios
    assert index.people(a)["ana"].title == "Ana A"
    assert index.people(b)["ana"].title == "Ana B"
    assert list(index.employees) == ["bruno"]  # the project's own employees


def test_stage_resolution():
    p = project("pipeline sales for deal { stage new stage won success }\n"
                "pipeline install for deal { stage todo }\n")
    index = Index(p)
    from flowc.ir import Name, StageRef
    from flowc.source import Span

    sp = Span("t.flow", 1, 1, 1, 1)
    ref = lambda pl, st: StageRef(Name(pl, sp) if pl else None, Name(st, sp), sp)  # noqa: E731
    assert index.resolve_stage(ref("install", "todo"), None)[1].name.value == "todo"
    assert index.resolve_stage(ref(None, "won"), index.pipelines["sales"])[1].name.value == "won"
    assert index.resolve_stage(ref(None, "todo"), index.pipelines["sales"]) is None
    assert index.resolve_stage(ref(None, "todo"), None)[0].name.value == "install"
    assert index.field_type("deal", ("client", "email")) == "text"
    assert index.field_type("deal", ("client", "nope")) is None
