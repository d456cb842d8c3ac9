"""The checker never raises, whatever the lowering left behind (partial IR,
`ir.Invalid` expressions, None after value errors, names that resolve to
nothing), and it is the entry point other phases call."""
from __future__ import annotations

import random
import time

import pytest

from check_cases import CASES, rel
from flowc import ir
from flowc.check import check
from flowc.diagnostics import Diagnostics
from flowc.index import Index
from flowc.lower import load
from support import ROOT

SOURCES = CASES + sorted((ROOT / "examples").glob("*.flow"))


def _check_text(path: str, text: str) -> Diagnostics:
    diags = Diagnostics(limit=100_000)
    project, _ = load([path], diags, overrides={path: text})
    check(project, diags)
    return diags


def _mutations(text: str, rng: random.Random, n: int):
    lines = text.split("\n")
    words = text.split(" ")
    for _ in range(n):
        kind = rng.randrange(6)
        if kind == 0 and len(lines) > 1:  # drop a line
            i = rng.randrange(len(lines))
            yield "\n".join(lines[:i] + lines[i + 1:])
        elif kind == 1:  # repeat a line
            i = rng.randrange(len(lines))
            yield "\n".join(lines[:i + 1] + lines[i:])
        elif kind == 2 and len(lines) > 2:  # swap two lines
            i, j = rng.randrange(len(lines)), rng.randrange(len(lines))
            copy = list(lines)
            copy[i], copy[j] = copy[j], copy[i]
            yield "\n".join(copy)
        elif kind == 3 and len(words) > 1:  # drop a word
            i = rng.randrange(len(words))
            yield " ".join(words[:i] + words[i + 1:])
        elif kind == 4 and len(words) > 1:  # repeat a word
            i = rng.randrange(len(words))
            yield " ".join(words[:i + 1] + words[i:])
        else:  # replace a number or a name with another one
            i = rng.randrange(len(words))
            copy = list(words)
            copy[i] = rng.choice(["0", "99999999999", "x", "2026-02-30", "25:00", "deal", "new", "amount"])
            yield " ".join(copy)


@pytest.mark.parametrize("source", SOURCES, ids=lambda p: p.stem)
def test_mutated_files_never_crash(source):
    text = source.read_text(encoding="utf-8")
    rng = random.Random(source.stem)
    for mutated in _mutations(text, rng, 12):
        _check_text(rel(source), mutated)  # must not raise


def test_check_returns_the_index_and_accepts_one():
    diags = Diagnostics()
    project, _ = load([rel(ROOT / "examples" / "sales.flow")], diags)
    index = Index(project)
    assert check(project, diags, index) is index
    assert isinstance(check(project, Diagnostics()), Index)


def test_an_empty_project():
    empty = ir.Project(files=(), timezone=None, timezones=(), uses=(), calendars=(), entities=(), pipelines=(),
                       employees=(), forms=(), templates=(), robot_defs=(), trigger_defs=(), scenarios=())
    diags = Diagnostics()
    check(empty, diags)
    assert len(diags) == 0


def test_invalid_expressions_are_skipped(tmp_path):
    """Values the lowering could not make (Invalid, None) give no diagnostic of the checker."""
    text = ('entity deal { close_date: date }\n'
            'pipeline p for deal {\n  stage s {\n'
            '    robot a: set close_date = 2026-02-30\n'
            '    robot b: notify responsible "x" if close_date > 2026-13-01 and 25:00 > 10:00\n'
            '    robot c: notify responsible "x" at 2026-02-30 10:00\n'
            '    robot d: notify responsible "x" after 1h in office hours\n'
            '  }\n  stage won success\n}\n')
    diags = _check_text(str(tmp_path / "x.flow"), text)
    assert sorted({d.code for d in diags}) == ["F106", "F201", "F202"]


def test_large_flow_is_fast(tmp_path):
    """A pipeline of 300 stages with robots, triggers and loops checks in well under a second."""
    stages = []
    for i in range(300):
        nxt = (i + 1) % 300
        stages.append(f"  stage s{i} {{\n    trigger field f{i} changed\n"
                      f"    robot r{i}: set f{nxt} = {i}\n    robot m{i}: move to s{nxt} if f{i} > 5\n  }}\n")
    fields = "".join(f"  f{i}: number\n" for i in range(300))
    text = f"entity deal {{\n{fields}}}\npipeline p for deal {{\n{''.join(stages)}}}\n"
    t = time.perf_counter()
    diags = _check_text(str(tmp_path / "big.flow"), text)
    assert time.perf_counter() - t < 5
    assert any(d.code == "F403" for d in diags)


def test_elementary_cycles():
    from flowc.check.cycles import simple_cycles as _simple_cycles

    k4 = {a: [b for b in range(4) if b != a] for a in range(4)}
    cycles = _simple_cycles(k4, limit=1000)
    assert len(cycles) == 20  # 6 of two nodes, 8 of three, 6 of four
    assert len({tuple(c) for c in cycles}) == 20
    assert all(c[0] == min(c) for c in cycles)
    assert _simple_cycles({1: [1], 2: [3], 3: [4]}, limit=10) == [[1]]
    assert _simple_cycles({1: [2], 2: [3], 3: []}, limit=10) == []
    assert len(_simple_cycles(k4, limit=5)) == 5


def test_holidays_imported_only_when_a_calendar_has_holidays(tmp_path):
    """The holidays package costs ~90 ms to import: only calendars with `holidays` need it."""
    import subprocess
    import sys

    from support import subprocess_env

    plain = tmp_path / "plain.flow"
    plain.write_text('timezone "Europe/Lisbon"\ncalendar office { hours mon-fri 09:00-18:00 }\n')
    with_holidays = tmp_path / "holidays.flow"
    with_holidays.write_text('calendar office { hours mon-fri 09:00-18:00\n holidays "PT" }\n')
    code = ("import sys\nfrom flowc.diagnostics import Diagnostics\nfrom flowc.lower import load\n"
            "from flowc.check import check\nd = Diagnostics()\np, _ = load([sys.argv[1]], d)\ncheck(p, d)\n"
            "print(len(d), 'holidays' in sys.modules)")
    for path, imported in ((plain, False), (with_holidays, True)):
        out = subprocess.run([sys.executable, "-c", code, str(path)], capture_output=True, text=True,
                             env=subprocess_env(), timeout=120)
        assert out.stdout.split() == ["0", str(imported)], out.stdout + out.stderr
