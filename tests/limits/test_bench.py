"""`python -m flowc.bench` is not run by the tests (too slow, and timing
asserts flake on shared machines); its pieces are: the generated inputs check
clean (and simulate without an error), and the growth verdict flags a
per-unit time that is not flat."""
from __future__ import annotations

import pytest

from flowc import bench
from flowc.check import check
from flowc.diagnostics import Diagnostics
from flowc.index import Index
from flowc.interpret import Simulation
from flowc.lower import lower
from flowc.parse import parse


def diagnostics(text: str):
    diags = Diagnostics()
    project = lower([parse(text, "bench.flow", diags)], diags)
    check(project, diags)
    return [f"{d.code} {d.summary} at {d.span.line}" for d in diags], project


def test_generate_checks_clean():
    assert diagnostics(bench.generate(5))[0] == []


def test_generate_scenario_checks_clean_and_simulates():
    got, project = diagnostics(bench.generate_scenario(6))
    assert got == []
    sim = Simulation(project, Index(project), project.scenarios[0])
    kinds = [ev.kind for ev in sim.run()]
    assert kinds[-1] == "scenario_end" and not sim.error
    assert kinds.count("done") > 6


@pytest.mark.parametrize("kind", ["and", "sum", "list"])
def test_generate_condition_checks_clean(kind):
    assert diagnostics(bench.generate_condition(20, kind))[0] == []


@pytest.mark.parametrize("times, ok", [
    ([1.0, 2.0, 4.0, 8.0], True),     # linear: flat per unit
    ([1.0, 1.5, 2.5, 5.0], True),     # better than linear (warm-up)
    ([1.0, 4.0, 16.0, 64.0], False),  # quadratic
])
def test_growth_verdict(monkeypatch, times, ok):
    it = iter(times)
    monkeypatch.setattr(bench, "_best", lambda fn, repeat: next(it))
    lines, good = bench._ratios("growth", "records", [10, 20, 40, 80], ["a", "b", "c", "d"], len, 1)
    assert good is ok
    assert len(lines) == 4 and all("per-record ratio" in line for line in lines)
    assert ("<< not linear" in lines[-1]) is (not ok)
