"""`python -m flowc.bench` is not run by the tests (too slow, and timing
asserts flake on shared machines); its pieces are: the generated inputs check
clean (and simulate without an error), and the growth verdict flags a
per-unit time that is not flat."""
from __future__ import annotations

import pytest

from flowc import bench
from flowc.bench import measure
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
    monkeypatch.setattr(measure, "best", lambda fn, repeat: next(it))
    rows = measure.growth("growth", "records", [10, 20, 40, 80], ["a", "b", "c", "d"], len, 1)
    assert len(rows) == 4 and all("time per record" in row.what for row in rows)
    assert all(row.ok for row in rows) is ok
    assert ("FAIL" in rows[-1].line()) is (not ok) and ("pass" in rows[-1].line()) is ok


@pytest.mark.parametrize("ratio, target, at_least, ok", [
    (1.2, 1.3, False, True), (1.4, 1.3, False, False), (0.6, 0.5, True, True), (0.4, 0.5, True, False),
])
def test_row_verdict(ratio, target, at_least, ok):
    row = measure.Row("P0", "something", ratio, target, at_least=at_least)
    assert row.ok is ok
    assert row.line().endswith("pass" if ok else "FAIL")
    assert measure.Row("P0", "a figure", ratio).ok is None


def test_paired_runs_both_alternately_and_takes_medians():
    calls = []
    s = iter([5.0, 1.0, 3.0, 9.0])
    b = iter([2.0, 2.0, 4.0, 6.0])
    subject = lambda: calls.append("s") or next(s)  # noqa: E731
    baseline = lambda: calls.append("b") or next(b)  # noqa: E731
    assert measure.paired(subject, baseline, repeat=3, warmup=1) == (3.0, 4.0)
    assert calls == ["b", "s", "b", "s", "s", "b", "b", "s"]


def test_the_worktime_reference_agrees_with_workcal():
    """P5's minute-stepping reference (the oracle of `python -m flowc.bench
    --only worktime`) and flowc.workcal give the same results (a small
    sample: the reference is slow by design)."""
    from flowc.bench import worktime

    cal, ref = worktime.calendar(), worktime.Reference()
    sample = worktime.additions(4, seed=3) + [(worktime.additions(1)[0][0], "minutes", 0, 1)]
    assert worktime.run_workcal(cal, sample) == worktime.run_reference(ref, sample)
