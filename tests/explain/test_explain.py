"""`flowc explain FILE --record R --robot X | --at T`: the story of a robot's
runs (snapshots), each step to its due time, the condition's values, a
record at a moment with its waiting robots and triggers; every robot run of
every example is explained; bad questions get a usage error."""
from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from flowc.cli import main
from support import EXAMPLES

EXAMPLE_FILES = [p for p in sorted(EXAMPLES.glob("*.flow")) if p.stem != "common"]

CASES = {
    "legal": ("sales.flow", None, "d1", ["--robot", "legal"]),
    "renewal": ("sales.flow", None, "d1", ["--robot", "renewal"]),
    "reminder": ("invoices.flow", "paid_in_time", "i1", ["--robot", "reminder"]),
    "escalate": ("invoices.flow", "overdue", "i2", ["--robot", "escalate"]),
    "nobody": ("leads.flow", None, "l2", ["--robot", "nobody"]),
    "never": ("invoices.flow", "paid_in_time", "i1", ["--robot", "escalate"]),
    "instant": ("sales.flow", None, "d1", ["--at", "2026-03-07 12:00"]),
}


def explain(*args: str):
    result = CliRunner().invoke(main, ["explain", *args])
    assert "Traceback" not in result.output
    return result


def args_of(case: str) -> list[str]:
    file, scenario, record, rest = CASES[case]
    return [str(EXAMPLES / file), *(["--scenario", scenario] if scenario else []), "--record", record, *rest]


@pytest.mark.parametrize("case", CASES)
def test_stories(case: str, snapshot_text):
    result = explain(*args_of(case))
    assert result.exit_code == 0, result.output
    assert result.stdout == snapshot_text(name=case)


def test_json(snapshot_text):
    result = explain(*args_of("escalate"), "--format", "json")
    assert result.exit_code == 0
    data = json.loads(result.stdout)
    assert data["scenario"] == "overdue" and data["runs"][0]["outcome"]["status"] == "skipped"
    assert data["runs"][0]["condition"] == {"checked_at": "Tue 2026-04-14 09:00", "held": False,
                                            "values": [{"field": "amount", "value": "1,100.00"}]}
    assert result.stdout == snapshot_text(name="escalate-json")


def test_what_the_stories_say():
    legal = explain(*args_of("legal")).stdout
    assert "counts 10 working minutes: Fri 2026-03-06 17:50–18:00" in legal
    assert "skips Sat 2026-03-07: weekend: no hours on Saturday" in legal
    assert "counts 5 working minutes: Mon 2026-03-09 09:00–09:05" in legal
    assert 'The condition held at Mon 2026-03-09 09:05: amount = 25,000.00, client.email = "maria@farm.example".' in legal
    assert "its timing starts (the record entered the stage)" in legal
    assert "the clocks go forward on Sun 2026-03-29 (UTC+00:00 → UTC+01:00)" in explain(*args_of("renewal")).stdout
    reminder = explain(*args_of("reminder")).stdout
    assert "due_date is 2026-04-08 (its value at Tue 2026-03-31 10:00)" in reminder
    assert "skips Fri 2026-04-03: public holiday: Sexta-feira Santa" in reminder
    assert "skips Mon 2026-04-06: closed day" in reminder
    escalate = explain(*args_of("escalate")).stdout
    assert "its timing starts (robot call finished (done))" in escalate
    assert "skipped — the condition was false: amount >= 5_000 is false (amount = 1,100.00)" in escalate
    assert "cancelled — the lead moved on before it was due" in explain(*args_of("nobody")).stdout
    assert "It never ran: i1 never entered Overdue (overdue)" in explain(*args_of("never")).stdout
    instant = explain(*args_of("instant")).stdout
    assert "in Contract approval (contract) since Fri 2026-03-06 17:50 (trigger form submitted)." in instant
    assert "Waiting: robot legal, due Mon 2026-03-09 09:05" in instant
    assert "  · to Paid (paid) on invoice paid" in instant


@pytest.mark.parametrize("path", EXAMPLE_FILES, ids=lambda p: p.stem)
def test_every_robot_run_of_every_example(path: Path):
    trace = [json.loads(line) for line in
             CliRunner().invoke(main, ["simulate", str(path), "--format", "jsonl"]).stdout.splitlines()]
    outcomes: dict[tuple, list[str]] = {}
    for d in trace:
        if d["kind"] in ("done", "failed", "skipped", "cancelled", "waiting"):
            outcomes.setdefault((d["scenario"], d["record"], d["robot"]), []).append(d["kind"])
    assert outcomes
    for (scenario, record, robot), kinds in outcomes.items():
        result = explain(str(path), "--scenario", scenario, "--record", record, "--robot", robot, "--format", "json")
        assert result.exit_code == 0, result.output
        data = json.loads(result.stdout)
        assert [r["outcome"]["status"] for r in data["runs"]] == kinds, (scenario, record, robot)


def test_a_rescheduled_run():
    case = EXAMPLES.parent / "tests" / "simulate" / "cases" / "rescheduled.flow"
    out = explain(str(case), "--record", "d4", "--robot", "call").stdout
    assert "Sat 2026-03-14 10:00: rescheduled; due Mon 2026-03-16 09:00 — due_date changed to 2026-03-16" in out
    assert "due_date is 2026-03-16 (its value at Sat 2026-03-14 10:00)" in out
    assert "Mon 2026-03-16 09:00: done" in out


def test_bad_questions(tmp_path: Path):
    sales = str(EXAMPLES / "sales.flow")
    cases = [
        ([sales, "--record", "d1"], "either --robot or --at"),
        ([sales, "--record", "d1", "--robot", "legal", "--at", "2026-03-07 12:00"], "either --robot or --at"),
        ([sales, "--record", "d9", "--robot", "legal"], 'no record "d9"'),
        ([sales, "--record", "d1", "--robot", "legall"], 'no robot "legall"'),
        ([sales, "--scenario", "nope", "--record", "d1", "--robot", "legal"], 'no scenario "nope"'),
        ([str(EXAMPLES / "invoices.flow"), "--record", "i1", "--robot", "mail"], "has 3 scenarios"),
        ([sales, "--record", "d1", "--at", "March"], 'bad --at "March"'),
        ([sales, "--record", "d1", "--at", "2027-01-01 00:00"], "outside the run"),
        ([str(EXAMPLES), "--record", "d1", "--robot", "legal"], "not a folder"),
        ([str(tmp_path / "missing.flow"), "--record", "d1", "--robot", "x"], "no such file"),
        (["F303", "--record", "d1"], "a diagnostic code takes no"),
    ]
    for args, message in cases:
        result = explain(*args)
        assert result.exit_code == 2, (args, result.output)
        assert message in result.output, (args, result.output)
    bad = tmp_path / "bad.flow"
    bad.write_text("pipeline p for deal {\n  stage a { robot x: move to nowhere }\n  stage b success\n}\n")
    result = explain(str(bad), "--record", "r", "--robot", "x")
    assert result.exit_code == 1 and "error[F104]" in result.stderr
