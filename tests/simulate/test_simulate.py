"""`flowc simulate`: scenarios with expectations are executable tests, traces
are snapshots (plain-text files named after the case), the output is
byte-identical whatever the hash seed, host time zone or locale, and the JSON
lines follow the contract of docs/trace.md."""
from __future__ import annotations

import io
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from support import EXAMPLES, ROOT, subprocess_env

from flowc import interpret
from flowc.check import check
from flowc.diagnostics import Diagnostics
from flowc.interpret import KINDS, Simulation
from flowc.lower import load
from flowc.simulate import run_simulate

HERE = Path(__file__).resolve().parent
CASES = sorted((HERE / "cases").glob("*.flow"))
FAILING = sorted((HERE / "failing").glob("*.flow"))
EXAMPLE_FILES = sorted(EXAMPLES.glob("*.flow"))

#: Examples whose expectations do not hold yet, with why.  They run (and are
#: snapshotted) all the same; the mark goes away when the example is fixed.
KNOWN_MISMATCH: dict[str, str] = {}


def rel(path: Path) -> str:
    return str(path.relative_to(ROOT))


def simulate_text(files: list[str], scenarios=(), fmt="text", until=None, color=False) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = run_simulate(files, tuple(scenarios), fmt, until, color, out=out, err=err)
    return code, out.getvalue(), err.getvalue()


def scenario_names(path: Path) -> list[str]:
    diags = Diagnostics()
    project, _ = load([str(path)], diags)
    return [sc.name.value for sc in project.scenarios if sc.span.path == str(path)]


def normalized(text: str) -> str:
    """The snapshot does not depend on the version of the `holidays` package."""
    return re.sub(r"(holidays package) \S+", r"\1 <version>", text)


@pytest.fixture(autouse=True)
def _in_root(monkeypatch):
    monkeypatch.chdir(ROOT)  # paths in traces are relative to the repository


# ------------------------------------------------------------------ executable scenarios

def _params(files, prefix):
    out = []
    for f in files:
        marks = []
        if f.name in KNOWN_MISMATCH and prefix == "example":
            marks.append(pytest.mark.xfail(reason=KNOWN_MISMATCH[f.name], strict=False))
        out.append(pytest.param(f, id=f"{prefix}-{f.stem}", marks=marks))
    return out


@pytest.mark.parametrize("path", _params(EXAMPLE_FILES, "example") + _params(CASES, "case"))
def test_expectations_hold(path):
    code, out, err = simulate_text([rel(path)])
    assert code == 0, out[-3000:] + err[-3000:]
    assert "✗" not in out


@pytest.mark.parametrize("path", _params(FAILING, "failing"))
def test_failing_cases_exit_1(path):
    code, out, err = simulate_text([rel(path)])
    assert code == 1, out + err
    assert out.rstrip().splitlines()[-1].startswith("FAILED")


def test_failed_expectations_are_explained():
    code, out, _ = simulate_text(["tests/simulate/failing/expectations.flow"])
    assert code == 1
    assert "  ✗ d1 in stage won\n      at        tests/simulate/failing/expectations.flow:28:3\n" \
           '      expected  in "Won" (sales.won)\n' \
           '      actual    in "New" (sales.new) since Mon 2026-03-02 09:00\n' in out
    assert "expected  amount = 1,000.00\n      actual    amount = 800.00" in out
    assert "expected  done at Mon 2026-03-02 09:30\n      actual    done at Mon 2026-03-02 10:00" in out
    assert "✓ robot raise on d1 done" in out
    assert "✓ d1.amount = 400 at Mon 2026-03-02 09:30" in out
    assert "✗ d1.amount = 400 at Mon 2026-03-02 10:00\n" in out
    assert "FAILED: 2 of 9 expectations held" in out


def test_loop_is_cut():
    code, out, _ = simulate_text(["tests/simulate/failing/loop.flow"])
    assert code == 1
    assert ("d1  loop: new -> review -> new -> ... (16 moves at Mon 2026-03-09 10:00); record stopped"
            in out)
    assert out.count('moved "New" (new) → "Review" (review)') == 8
    assert "FAILED: the expectation held; d1 was stopped by a loop" in out


# ------------------------------------------------------------------ snapshots

def _snapshot_params():
    out = []
    for prefix, files in (("example", EXAMPLE_FILES), ("case", CASES), ("failing", FAILING)):
        for f in files:
            for name in scenario_names(f):
                out.append(pytest.param(f, name, id=f"{prefix}-{f.stem}-{name}"))
    return out


@pytest.mark.parametrize("path,scenario", _snapshot_params())
def test_trace_snapshot(path, scenario, snapshot_text):
    _, out, _ = simulate_text([rel(path)], [scenario])
    assert normalized(out) == snapshot_text(name=f"{path.parent.name}-{path.stem}-{scenario}")


# ------------------------------------------------------------------ determinism

def _run(args: list[str], **env: str) -> bytes:
    proc = subprocess.run([sys.executable, "-m", "flowc", "simulate", *args], cwd=ROOT,
                          env=subprocess_env(**env), capture_output=True, timeout=300)
    assert proc.returncode in (0, 1), proc.stderr.decode()
    assert b"Traceback" not in proc.stderr
    return proc.stdout


@pytest.mark.parametrize("fmt", ["text", "jsonl"])
def test_byte_identical_across_hash_seeds_and_time_zones(fmt):
    files = [rel(p) for p in EXAMPLE_FILES + CASES + FAILING]
    a = _run(["--format", fmt, "--color", "never", *files],
             PYTHONHASHSEED="1", TZ="Pacific/Kiritimati", LC_ALL="C", LANG="C")
    b = _run(["--format", fmt, "--color", "never", *files],
             PYTHONHASHSEED="4242", TZ="America/Los_Angeles", LC_ALL="C.UTF-8", LANG="pt_PT.UTF-8")
    assert a == b
    assert len(a) > 10_000


# ------------------------------------------------------------------ the JSON-lines contract

#: Keys each kind carries besides at, scenario, record, kind (docs/trace.md).
REQUIRED = {
    "scenario_start": {"title", "timezone", "start", "horizon", "horizon_reason", "file", "holidays"},
    "entered": {"stage", "pipeline", "cause"},
    "created": {"cause", "detail", "entity", "parent"},
    "moved": {"from", "to", "stage", "pipeline", "cause"},
    "event": {"event", "detail", "cause"},
    "trigger_ignored": {"trigger", "stage", "pipeline", "reason", "cause"},
    "scheduled": {"robot", "stage", "pipeline", "status", "reason"},
    "rescheduled": {"robot", "stage", "pipeline", "status", "reason", "due"},
    "done": {"robot", "stage", "pipeline", "status", "detail"},
    "failed": {"robot", "stage", "pipeline", "status", "reason"},
    "skipped": {"robot", "stage", "pipeline", "status", "reason"},
    "cancelled": {"robot", "stage", "pipeline", "status", "reason"},
    "activity_completed": {"stage", "pipeline", "detail", "reason"},
    "waiting": {"robot", "stage", "pipeline", "status", "reason"},
    "loop": {"stage", "pipeline", "reason", "path"},
    "limit": {"reason"},
    "error": {"reason"},
    "scenario_end": {"error", "records"},
    "summary": {"entity", "robots", "stopped"},
    "expectation": {"ok", "expectation", "expected", "actual", "position", "path", "line", "column"},
    "result": {"ok", "error", "expectations", "failed"},
}
ISO = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}[+-]\d{2}:\d{2}\Z")


def test_jsonl_follows_the_contract():
    files = [rel(p) for p in EXAMPLE_FILES + CASES + FAILING]
    _, out, _ = simulate_text(files, fmt="jsonl")
    seen = set()
    for line in out.splitlines():
        obj = json.loads(line)
        assert line == json.dumps(obj, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
        kind = obj["kind"]
        seen.add(kind)
        assert kind in REQUIRED, kind
        for key in ("at", "scenario", "record", "kind"):
            assert key in obj
        assert ISO.match(obj["at"]), obj["at"]
        missing = REQUIRED[kind] - obj.keys()
        assert not missing, (kind, missing, obj)
        if "status" in obj:
            assert obj["status"] in ("scheduled", "rescheduled", "done", "failed", "skipped", "cancelled", "waiting")
            assert obj["status"] == kind or kind == "scheduled"
        if "due" in obj:
            assert ISO.match(obj["due"])
        if kind in ("done", "failed", "skipped", "cancelled", "waiting", "scheduled", "rescheduled"):
            assert obj["status"] == kind
    # Every kind shows up somewhere in the examples and cases, but the limits.
    assert seen >= set(REQUIRED) - {"limit", "error"}


def test_docs_list_every_kind():
    text = (ROOT / "docs" / "trace.md").read_text(encoding="utf-8")
    for kind in list(KINDS) + ["summary", "expectation", "result"]:
        assert f"`{kind}`" in text, kind


def test_json_at_carries_the_offset_of_the_flow_time_zone():
    _, out, _ = simulate_text(["tests/simulate/cases/dst.flow"], ["spring"], fmt="jsonl")
    ats = [json.loads(line)["at"] for line in out.splitlines()]
    assert "2026-03-28T10:00:00+00:00" in ats
    assert "2026-03-29T02:00:00+01:00" in ats


# ------------------------------------------------------------------ the command line

def test_unknown_scenario_is_bad_input():
    code, out, err = simulate_text(["examples/sales.flow"], ["nope"])
    assert code == 2
    assert "unknown scenario nope" in err and "deal_to_installation" in err
    assert out == ""


@pytest.mark.parametrize("until", ["tomorrow", "2026-13-01", "2026-03-01 25:00", "2026-03-01T9"])
def test_bad_until_is_bad_input(until):
    code, out, err = simulate_text(["examples/sales.flow"], until=until)
    assert code == 2
    assert "bad --until" in err


def test_until_overrides_the_horizon():
    code, out, _ = simulate_text(["examples/sales.flow"], until="2026-03-09 10:00")
    assert "horizon    Mon 2026-03-09 10:00 (--until)" in out
    assert "robot sms" not in out.split("Summary")[0]
    assert code == 1  # the expectations after that time fail


def test_files_with_errors_do_not_run(tmp_path):
    bad = tmp_path / "bad.flow"
    bad.write_text('timezone "Europe/Lisbon"\nentity deal { amount: money }\n'
                   "pipeline p for deal { stage s { robot r: move to nowhere } }\n", encoding="utf-8")
    code, out, err = simulate_text([str(bad)])
    assert code == 1
    assert out == ""
    assert 'unknown stage "nowhere"' in err and "nothing was simulated" in err


def test_color_only_when_asked():
    _, plain, _ = simulate_text(["examples/sales.flow"])
    _, colored, _ = simulate_text(["examples/sales.flow"], color=True)
    assert "\x1b[" not in plain
    assert "\x1b[32m" in colored
    assert re.sub(r"\x1b\[[0-9;]*m", "", colored) == plain


def test_cli_entry_point():
    proc = subprocess.run([sys.executable, "-m", "flowc", "simulate", "examples/sales.flow", "--format", "jsonl"],
                          cwd=ROOT, env=subprocess_env(), capture_output=True, timeout=120)
    assert proc.returncode == 0, proc.stderr.decode()
    last = json.loads(proc.stdout.decode().splitlines()[-1])
    assert last["kind"] == "result" and last["ok"] is True and last["expectations"] == 8


# ------------------------------------------------------------------ the engine through its API

def _project(text: str, tmp_path: Path, checked: bool = True):
    path = tmp_path / "t.flow"
    path.write_text(text, encoding="utf-8")
    diags = Diagnostics()
    project, modules = load([str(path)], diags)
    index = check(project, diags)
    if checked:
        assert not diags.has_errors, [d.summary for d in diags]
    return project, index, {m.path: m.source for m in modules}


HEAD = '''timezone "Europe/Lisbon"
employee ana "Ana Ferreira"
entity deal { amount: money }
'''


def test_malformed_webhook_fails_at_run_time(tmp_path):
    # The checker reports these (F210); a simulation of such a flow says why the robot fails.
    project, index, sources = _project(HEAD + '''
pipeline p for deal { stage s {
  robot ftp: webhook "ftp://example.com/hook"
  robot nohost: webhook "https:///hook"
  robot good: webhook "https://example.com/hook?x=1"
} }
scenario w { start 2026-03-02 09:00 record d1: deal in s { amount 1 responsible ana } run for 1h }
''', tmp_path, checked=False)
    events = list(Simulation(project, index, project.scenarios[0], sources=sources).run())
    by_robot = {e.robot: e for e in events if e.kind in ("done", "failed")}
    assert by_robot["ftp"].kind == "failed"
    assert "malformed" in by_robot["ftp"].reason and "http:// or https://" in by_robot["ftp"].reason
    assert by_robot["nohost"].kind == "failed"
    assert by_robot["good"].kind == "done"


def test_simulate_streams(tmp_path):
    project, index, _ = _project(HEAD + '''
pipeline p for deal {
  stage a { robot go: move to b after 1h }
  stage b { robot back: move to a after 1h }
}
scenario s { start 2026-03-02 09:00 record d1: deal in a { amount 1 responsible ana } run for 3650 days }
''', tmp_path)
    gen = interpret.simulate(project, index, project.scenarios[0])
    first = [next(gen) for _ in range(5)]
    assert [e.kind for e in first][:2] == ["scenario_start", "entered"]
    gen.close()


def test_event_limit_stops_the_run(tmp_path, monkeypatch):
    monkeypatch.setattr(interpret.engine, "MAX_EVENTS", 50)
    project, index, _ = _project(HEAD + '''
pipeline p for deal {
  stage a { robot go: move to b after 1h }
  stage b { robot back: move to a after 1h }
}
scenario s { start 2026-03-02 09:00 record d1: deal in a { amount 1 responsible ana } run for 30 days }
''', tmp_path)
    sim = Simulation(project, index, project.scenarios[0])
    events = list(sim.run())
    assert sim.error
    assert [e.kind for e in events].count("limit") == 1
    assert len(events) < 60
    assert events[-1].kind == "scenario_end"


def test_record_limit_stops_the_run(tmp_path, monkeypatch):
    monkeypatch.setattr(interpret.stages, "MAX_RECORDS", 5)
    project, index, _ = _project(HEAD + '''
pipeline p for deal {
  stage a { robot twin: copy deal to a }
}
scenario s { start 2026-03-02 09:00 record d1: deal in a { amount 1 responsible ana } run for 1h }
''', tmp_path, checked=False)
    sim = Simulation(project, index, project.scenarios[0])
    events = list(sim.run())
    assert sim.error and len(sim.records) == 5
    limit = [e for e in events if e.kind == "limit"]
    assert len(limit) == 1 and "5 records" in limit[0].reason


def test_no_wall_clock_and_no_host_time_zone(tmp_path, monkeypatch):
    import datetime as dt
    import time

    monkeypatch.setenv("TZ", "Asia/Tokyo")
    if hasattr(time, "tzset"):
        time.tzset()

    class Frozen(dt.datetime):
        @classmethod
        def now(cls, tz=None):  # pragma: no cover - must not be called
            raise AssertionError("the simulation read the wall clock")

        utcnow = today = now

    project, index, _ = _project(HEAD + '''
pipeline p for deal { stage s { robot r: notify responsible "hello" at 09:00 } }
scenario s { start 2026-03-02 10:00 record d1: deal in s { amount 1 responsible ana } run for 2 days }
''', tmp_path)
    monkeypatch.setattr(dt, "datetime", Frozen)
    events = list(Simulation(project, index, project.scenarios[0]).run())
    monkeypatch.undo()
    if hasattr(time, "tzset"):
        time.tzset()
    done = [e for e in events if e.kind == "done"]
    assert interpret.format_local(done[0].at, "Europe/Lisbon") == "Tue 2026-03-03 09:00"


def test_created_records_can_be_named_by_happenings_and_expectations(tmp_path):
    # `flowc check` does not know these names yet (F112); the simulator does.
    project, index, sources = _project(HEAD + '''
pipeline sales for deal { stage new stage won success { robot install: copy deal to installation.todo } }
pipeline installation for deal { stage todo stage done success }
scenario s {
  start 2026-03-02 09:00
  record d1: deal in won { amount 1 responsible ana }
  at 2026-03-02 10:00 move d1_install to installation.done
  run for 1 day
  expect d1_install in stage installation.done
  expect d1_install in stage installation.todo at 2026-03-02 09:30
}
''', tmp_path, checked=False)
    sim = Simulation(project, index, project.scenarios[0], sources=sources)
    events = list(sim.run())
    assert [e.to_stage for e in events if e.kind == "moved"] == ["done"]
    assert [r.ok for r in sim.evaluate_expectations()] == [True, True]
