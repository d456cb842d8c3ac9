"""Every limit of flowc.limits, exactly at its value and just past it.

At the limit, an input works in every phase: `flowc check` is clean, `flowc
fmt` lays it out, `flowc simulate` runs it (exit 0).  Past the limit, `flowc
check` gives a positioned diagnostic (the code docs/reliability.md names),
`flowc simulate` refuses the file or stops the run with a `loop` or `limit`
trace line (exit 1), and nothing raises (no RecursionError, no
OverflowError).  Inputs are generated here, compactly: no big file is
committed.
"""
from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

import pytest
from click.testing import CliRunner

from flowc import limits, workcal
from flowc.check import check
from flowc.cli import main
from flowc.diagnostics import Diagnostics, Severity
from flowc.fmt import format_text
from flowc.index import Index
from flowc.interpret import Simulation
from flowc.lower import load, lower
from flowc.parse import parse

HEAD = 'timezone "UTC"\nemployee ana\n'


# ------------------------------------------------------------------ helpers

def write(tmp_path: Path, text: str, name: str = "limit.flow") -> Path:
    p = tmp_path / name
    p.write_text(text, encoding="utf-8")
    return p


def diagnostics(path: Path) -> list[tuple[str, int, int]]:
    """(code, line, column) of every error and warning of `flowc check`."""
    diags = Diagnostics(limit=100_000)
    project, _ = load([str(path)], diags)
    check(project, diags)
    return [(d.code, d.span.line, d.span.column) for d in diags if d.severity <= Severity.WARNING]


def cli(*args: str) -> tuple[int, str]:
    r = CliRunner().invoke(main, list(args), catch_exceptions=False)
    assert "Traceback" not in r.output and "internal error" not in r.output, r.output[-3000:]
    return r.exit_code, r.output


def simulate(path: Path, *args: str) -> tuple[int, str]:
    return cli("simulate", "--color", "never", *args, str(path))


def run_events(text: str) -> tuple[list[str], Simulation]:
    """Simulate the only scenario of a text through the API; the event kinds."""
    diags = Diagnostics()
    project = lower([parse(text, "limit.flow", diags)], diags)
    index = check(project, diags)
    assert not diags.has_errors, [f"{d.code} {d.summary}" for d in diags]
    sim = Simulation(project, index, project.scenarios[0])
    return [ev.kind for ev in sim.run()], sim


def line_of(text: str, needle: str) -> int:
    return text[:text.index(needle)].count("\n") + 1


def scenario(body: str, start: str = "2026-01-05 09:00", end: str = "run for 1 day") -> str:
    return f"scenario t {{\n  start {start}\n  {end}\n{body}}}\n"


# ------------------------------------------------------------------ F008: expression depth

def _shape(kind: str, depth: int) -> str:
    """A condition of `depth` levels, each level as deep in the IR as the
    grammar allows between two counted levels (the worst case for recursion)."""
    if kind == "parens":
        return "(" * depth + "amount > 0" + ")" * depth
    if kind == "not":
        return "not " * depth + "amount > 0"
    if kind == "minus":
        return "amount > " + "-" * depth + "1"
    if kind == "lists":
        return "yes in " + "[yes in " * (depth - 1) + "[yes]" + "]" * (depth - 1)
    if kind == "or-and-paren":  # or > and > ( per level
        e = "amount > 0"
        for _ in range(depth):
            e = f"amount = 1 or amount = 2 and ({e})"
        return e
    if kind == "arith":  # + > * > ( per level
        e = "1"
        for _ in range(depth):
            e = f"amount + amount * ({e})"
        return f"amount > {e}"
    raise AssertionError(kind)


SHAPES = ("parens", "not", "minus", "lists", "or-and-paren", "arith")


def _deep_flow(kind: str, depth: int) -> str:
    return (HEAD + "entity deal {\n  amount: number\n}\n"
            "pipeline p for deal {\n  stage s {\n"
            f"    robot r: notify responsible \"x\" if {_shape(kind, depth)}\n"
            "  }\n}\n" + scenario("  record d: deal in s {\n    amount 5\n  }\n"))


@pytest.mark.parametrize("kind", SHAPES)
def test_expression_depth_at_the_limit(tmp_path, kind):
    text = _deep_flow(kind, limits.MAX_EXPR_DEPTH)
    p = write(tmp_path, text)
    assert diagnostics(p) == []
    code, out = simulate(p)
    assert code == 0, out[-2000:]
    assert "robot r done" in out or "robot r skipped" in out
    formatted = format_text(text)
    assert formatted is not None
    assert format_text(formatted) == formatted
    assert cli("fmt", "--check", str(p))[0] in (0, 1)


@pytest.mark.parametrize("kind", SHAPES)
def test_expression_depth_past_the_limit(tmp_path, kind):
    text = _deep_flow(kind, limits.MAX_EXPR_DEPTH + 1)
    p = write(tmp_path, text)
    codes = diagnostics(p)
    assert [c for c, _, _ in codes] == ["F008"]
    assert codes[0][1] == line_of(text, "robot r:")
    code, out = simulate(p)
    assert code == 1 and "error[F008]" in out
    assert format_text(text) is None  # fmt leaves a file with a syntax error alone
    code, out = cli("fmt", "--check", str(p))
    assert code == 1 and "F008" in out


@pytest.mark.parametrize("kind", SHAPES)
def test_expression_depth_far_past_the_limit(tmp_path, kind):
    """Thousands of levels: still one F008, never a RecursionError."""
    p = write(tmp_path, _deep_flow(kind, 3_000))
    assert [c for c, _, _ in diagnostics(p)] == ["F008"]
    assert cli("check", str(p))[0] == 1


# ------------------------------------------------------------------ F005: file size

def _padded(size: int) -> str:
    """A small clean project padded with one long comment to exactly `size` bytes."""
    body = HEAD + "pipeline p for deal {\n  stage s {\n    robot r: notify responsible \"x\"\n  }\n}\n" + \
        scenario("  record d: deal in s\n  expect robot r on d done\n")
    pad = size - len(body.encode()) - 2
    return body + "#" + "x" * pad + "\n"


def test_file_size_at_the_limit(tmp_path):
    text = _padded(limits.MAX_FILE_BYTES)
    p = write(tmp_path, text)
    assert p.stat().st_size == limits.MAX_FILE_BYTES
    assert diagnostics(p) == []
    code, out = simulate(p)
    assert code == 0, out[-2000:]
    assert cli("fmt", "--check", str(p))[0] == 0


def test_file_size_past_the_limit(tmp_path):
    p = write(tmp_path, _padded(limits.MAX_FILE_BYTES + 1))
    assert diagnostics(p) == [("F005", 1, 1)]
    code, out = simulate(p)
    assert code == 1 and "error[F005]" in out
    code, out = cli("fmt", "--check", str(p))
    assert code == 1 and "F005" in out
    # Loaded through `use`: reported at the `use`.
    main_file = write(tmp_path, 'use "limit.flow"\n', "main.flow")
    assert diagnostics(main_file) == [("F005", 1, 5)]


# ------------------------------------------------------------------ F005: files per project

def _project(tmp_path: Path, files: int) -> tuple[Path, str]:
    """main.flow and files - 1 others, each `use`d by main.flow."""
    for i in range(1, files):
        write(tmp_path, f"employee e{i}\n", f"f{i}.flow")
    text = "".join(f'use "f{i}.flow"\n' for i in range(1, files))
    return write(tmp_path, text, "main.flow"), text


def test_files_at_the_limit(tmp_path):
    main_file, _ = _project(tmp_path, limits.MAX_FILES)
    diags = Diagnostics(limit=100_000)
    project, modules = load([str(main_file)], diags)
    assert len(modules) == limits.MAX_FILES
    assert not len(diags)
    assert cli("check", str(main_file))[0] == 0
    assert cli("fmt", "--check", str(main_file))[0] == 0


def test_files_past_the_limit(tmp_path):
    main_file, text = _project(tmp_path, limits.MAX_FILES + 1)
    diags = Diagnostics(limit=100_000)
    load([str(main_file)], diags)
    f005 = [d for d in diags if d.code == "F005"]
    assert [(d.span.path, d.span.line, d.span.column) for d in f005] == \
        [(str(main_file), limits.MAX_FILES, 5)]  # the `use` of the 501st file
    code, out = simulate(main_file)
    assert code == 1 and "error[F005]" in out


# ------------------------------------------------------------------ F505 and the records limit

def _records(n: int, copy: bool = False) -> str:
    robot = "    robot c: copy deal to done\n" if copy else "    robot r: notify responsible \"x\"\n"
    recs = "".join(f"  record r{i}: deal in s\n" for i in range(n))
    return (HEAD + f"pipeline p for deal {{\n  stage s {{\n{robot}  }}\n  stage done\n}}\n"
            + scenario(recs))


def test_records_at_the_limit(tmp_path):
    p = write(tmp_path, _records(limits.MAX_RECORDS_PER_SCENARIO))
    assert [c for c in diagnostics(p) if c[0] != "F402"] == []
    code, out = simulate(p, "--format", "jsonl")
    assert code == 0, out[-2000:]
    assert out.count('"kind":"entered"') == limits.MAX_RECORDS_PER_SCENARIO


def test_records_past_the_limit(tmp_path):
    n = limits.MAX_RECORDS_PER_SCENARIO + 1
    text = _records(n)
    p = write(tmp_path, text)
    assert [c[:2] for c in diagnostics(p) if c[0] == "F505"] == [("F505", line_of(text, f"record r{n - 1}:"))]
    code, out = simulate(p)
    assert code == 1 and "error[F505]" in out


def test_created_records_at_the_limit():
    """Half the limit declared, each copied once: exactly the limit."""
    kinds, sim = run_events(_records(limits.MAX_RECORDS_PER_SCENARIO // 2, copy=True))
    assert len(sim.records) == limits.MAX_RECORDS_PER_SCENARIO
    assert "limit" not in kinds and not sim.error


def test_created_records_past_the_limit():
    kinds, sim = run_events(_records(limits.MAX_RECORDS_PER_SCENARIO // 2 + 1, copy=True))
    assert len(sim.records) == limits.MAX_RECORDS_PER_SCENARIO
    assert kinds.count("limit") == 1 and kinds[-1] == "scenario_end"
    assert sim.error and any("records" in e for e in sim.errors)


# ------------------------------------------------------------------ loops: moves and copies at one instant

def _chain(moves: int, action: str = "move to") -> str:
    stages = []
    for i in range(moves + 1):
        robot = f" {{\n    robot go{i}: {action} s{i + 1}\n  }}" if i < moves else ""
        stages.append(f"  stage s{i}{robot}")
    return (HEAD + "pipeline p for deal {\n" + "\n".join(stages) + "\n}\n"
            + scenario("  record d: deal in s0\n"))


@pytest.mark.parametrize("action", ["move to", "copy deal to"])
def test_chain_at_the_limit(tmp_path, action):
    p = write(tmp_path, _chain(limits.MAX_MOVES_PER_INSTANT, action))
    kinds, sim = run_events(p.read_text())
    assert "loop" not in kinds and not sim.error
    code, out = simulate(p)
    assert code == 0, out[-2000:]


@pytest.mark.parametrize("action", ["move to", "copy deal to"])
def test_chain_past_the_limit(tmp_path, action):
    p = write(tmp_path, _chain(limits.MAX_MOVES_PER_INSTANT + 1, action))
    kinds, sim = run_events(p.read_text())
    assert kinds.count("loop") == 1 and sim.error
    code, out = simulate(p)
    assert code == 1 and f"({limits.MAX_MOVES_PER_INSTANT} moves" in out


# ------------------------------------------------------------------ the events limit

def _events(extra: int) -> str:
    """Exactly MAX_EVENTS_PER_SCENARIO + extra trace events before scenario_end:
    scenario_start, then per record `entered` and one `done` per robot."""
    n = limits.MAX_EVENTS_PER_SCENARIO
    per, records = 100, limits.MAX_RECORDS_PER_SCENARIO - 1
    rest = n - 1 - records * per - 1  # robots of the last record
    assert rest > 0
    a = "\n".join(f'    robot a{i}: notify responsible "x"' for i in range(per - 1))
    b = "\n".join(f'    robot b{i}: notify responsible "x"' for i in range(rest + extra))
    recs = "".join(f"  record r{i}: deal in a\n" for i in range(records))
    return (HEAD + f"pipeline p for deal {{\n  stage a {{\n{a}\n  }}\n  stage b {{\n{b}\n  }}\n}}\n"
            + scenario(recs + "  record last: deal in b\n"))


def test_events_at_the_limit():
    kinds, sim = run_events(_events(0))
    assert len(kinds) == limits.MAX_EVENTS_PER_SCENARIO + 1  # and scenario_end
    assert "limit" not in kinds and not sim.error


def test_events_past_the_limit():
    kinds, sim = run_events(_events(1))
    assert kinds[-2:] == ["limit", "scenario_end"]
    assert sim.error and any("trace events" in e for e in sim.errors)


# ------------------------------------------------------------------ F506 and the horizon

def _horizon(end: str) -> str:
    return (HEAD + "pipeline p for deal {\n  stage s {\n    robot r: notify responsible \"x\" after 1 day\n  }\n}\n"
            + scenario("  record d: deal in s\n", start="2026-03-09 09:00", end=end))


def test_horizon_at_the_limit(tmp_path):
    latest = limits.latest_end(dt.datetime(2026, 3, 9, 9, 0))
    for end in (f"run until {latest:%Y-%m-%d %H:%M}", "run for 3653 days"):  # 2028, 2032, 2036 are leap years
        p = write(tmp_path, _horizon(end))
        assert diagnostics(p) == [], end
        code, out = simulate(p)
        assert code == 0 and "stopped:" not in out, out[-2000:]
    code, out = simulate(p, "--until", f"{latest:%Y-%m-%d %H:%M}")
    assert code == 0 and "stopped:" not in out


def test_horizon_past_the_limit(tmp_path):
    latest = limits.latest_end(dt.datetime(2026, 3, 9, 9, 0))
    past = latest + dt.timedelta(minutes=1)
    for end in (f"run until {past:%Y-%m-%d %H:%M}", "run for 3654 days"):
        text = _horizon(end)
        p = write(tmp_path, text)
        got = diagnostics(p)
        assert [c for c, _, _ in got] == ["F506"], end
        assert got[0][1] in (line_of(text, "scenario t"), line_of(text, end.split()[0] + " " + end.split()[1]))
        assert simulate(p)[0] == 1
    p = write(tmp_path, _horizon("run for 1 day"))
    code, out = simulate(p, "--until", f"{past:%Y-%m-%d %H:%M}")
    assert code == 1
    assert f"stopped: --until is more than {limits.MAX_HORIZON_YEARS} years after the start" in out


def test_horizon_far_past_year_9999_through_the_api():
    """An unchecked scenario (the API) running 9,999,999 weeks: cut, no OverflowError."""
    diags = Diagnostics()
    text = _horizon("run for 9999999 weeks")
    project = lower([parse(text, "limit.flow", diags)], diags)
    index = Index(project)
    sim = Simulation(project, index, project.scenarios[0])
    kinds = [ev.kind for ev in sim.run()]
    assert kinds[1] == "limit" and kinds[-1] == "scenario_end"
    assert sim.horizon == workcal.localize(limits.latest_end(dt.datetime(2026, 3, 9, 9, 0)), "UTC")


# ------------------------------------------------------------------ values: durations, years, numbers, texts

@pytest.mark.parametrize("value, code", [
    (f"{limits.MAX_DURATION_UNITS:_}m", None),
    (f"{limits.MAX_DURATION_UNITS + 1:_}m", "F301"),
])
def test_duration_limit(tmp_path, value, code):
    text = (HEAD + f"pipeline p for deal {{\n  stage s {{\n    robot r: notify responsible \"x\" after {value}\n"
            "  }\n}\n" + scenario("  record d: deal in s\n  expect robot r on d waiting\n"))
    p = write(tmp_path, text)
    assert [c for c, _, _ in diagnostics(p)] == ([code] if code else [])
    assert simulate(p)[0] == (1 if code else 0)


@pytest.mark.parametrize("year, code", [
    (limits.MIN_YEAR, None), (limits.MAX_YEAR, None), (limits.MIN_YEAR - 1, "F201"), (limits.MAX_YEAR + 1, "F201"),
])
def test_year_limit(tmp_path, year, code):
    start = f"{year}-01-01 09:00" if year <= limits.MIN_YEAR else f"{year}-12-31 09:00"
    text = (HEAD + "pipeline p for deal {\n  stage s {\n    robot r: notify responsible \"x\" after 1 day\n"
            "  }\n}\n" + scenario("  record d: deal in s\n", start=start, end="run for 1 week"))
    p = write(tmp_path, text)
    got = diagnostics(p)
    if code is None:
        assert got == []
        code_, out = simulate(p)
        assert code_ == 0 and "robot r done" in out
    else:
        assert code in [c for c, _, _ in got]
        assert simulate(p)[0] == 1


def test_number_limit(tmp_path):
    ok = "9" * limits.MAX_NUMBER_DIGITS
    text = (HEAD + "entity deal {\n  n: number\n  m: number\n}\n"
            "pipeline p for deal {\n  stage s {\n"
            f"    robot at: set n = {ok}\n"
            f"    robot past: set m = {ok} + 1 if n is set\n"
            "  }\n}\n" + scenario(f"  record d: deal in s {{\n    n 1\n    m 1\n  }}\n"
                                  f"  expect d.n = {ok}\n"
                                  "  expect robot past on d failed because \"too large\"\n"))
    p = write(tmp_path, text)
    assert diagnostics(p) == []
    code, out = simulate(p)
    assert code == 0, out[-2000:]
    bad = write(tmp_path, text.replace(f"set n = {ok}", f"set n = {ok}9"), "bad.flow")
    assert diagnostics(bad)[0][:2] == ("F223", line_of(text, "robot at:"))
    assert simulate(bad)[0] == 1


@pytest.mark.parametrize("length, status", [(limits.MAX_TEXT_LENGTH, "done"), (limits.MAX_TEXT_LENGTH + 1, "failed")])
def test_text_limit(tmp_path, length, status):
    """The title of a copy, placeholders filled in: 10,000 characters at most."""
    title = "x" * (length - 1)
    text = (HEAD + "pipeline p for deal {\n  stage s {\n    robot c: copy deal to done { title \"{title}!\" }\n"
            "  }\n  stage done\n}\n"
            + scenario(f"  record d: deal in s {{\n    title \"{title}\"\n  }}\n  expect robot c on d {status}\n"))
    p = write(tmp_path, text)
    assert [c for c in diagnostics(p) if c[0] != "F402"] == []
    code, out = simulate(p)
    assert code == 0, out[-2000:]


# ------------------------------------------------------------------ the language server's model at the limits

@pytest.mark.parametrize("kind", SHAPES)
@pytest.mark.parametrize("depth", [limits.MAX_EXPR_DEPTH, limits.MAX_EXPR_DEPTH + 1, 3_000])
def test_language_server_model_at_and_past_the_depth_limit(tmp_path, caplog, kind, depth):
    """What the editor asks for (diagnostics, symbols, hover everywhere on the
    deep line, the outline) never fails: no exception logged by the model."""
    pytest.importorskip("pygls")
    from flowc.lsp.hover import hover
    from flowc.lsp.model import Analysis
    from flowc.lsp.outline import outline

    text = _deep_flow(kind, depth)
    path = str(tmp_path / "deep.flow")
    analysis = Analysis(path, text, 1, {})
    assert not analysis.failed
    codes = [d.code for d in analysis.diagnostics()]
    assert codes == ([] if depth <= limits.MAX_EXPR_DEPTH else ["F008"])
    analysis.table  # noqa: B018 - builds the symbol table
    line_start = text.index("robot r:")
    for offset in range(line_start, text.index("\n", line_start), 7):
        hover(analysis, path, offset, None)
    outline(analysis, path)
    assert not [r for r in caplog.records if r.levelname in ("ERROR", "CRITICAL")], caplog.text[-2000:]
