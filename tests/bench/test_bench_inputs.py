"""The benchmark measures realistic work: its generated projects check clean.
(No timing is asserted here: speed lives in `python -m flowc.bench`.)"""
from __future__ import annotations

from flowc.bench import check_text, generate


def test_generated_projects_check_clean():
    for n in (1, 5, 21, 45):
        assert check_text(generate(n)) == 0


def test_the_replay_benchmark_data_replays(tmp_path):
    """The generated data set of `python -m flowc.bench.replay` checks and
    replays cleanly, with a run of every mode the benchmark times (small)."""
    from flowc.bench.replay import generate, run

    flow = generate(str(tmp_path), 120)
    reports = {run(flow, str(tmp_path), mode, 50)["report"] for mode in ("jobs1", "jobs2")}
    assert len(reports) == 1
    import json
    rep = json.loads(reports.pop())
    assert rep["records"]["replayed"] == 120 and rep["problems"]["total"] == 0
    assert rep["messages"]["sms"] > 0
