"""Every input a fuzz campaign found, kept as a file of tests/fuzz/regressions/.

One input per file (starlark / cel style).  What must happen is written in
the file itself:

* inline, on the line a diagnostic points at, as in tests/check:
  ``# E: F008`` (error), ``# W: F403`` (warning), ``# N: F507`` (note), with
  optional text that the summary must contain: ``# E: F223 too large``.
  The diagnostics of `flowc check` must be exactly these;
* header comments, before the first line of code:
  ``# expect: clean`` -- no diagnostics at all;
  ``# expect: exit N`` -- `flowc simulate` exits with N;
  ``# expect: trace TEXT`` -- the text trace of `flowc simulate` contains TEXT;
  ``# expect: F007 at 6:13`` -- a diagnostic with this code starts at this
  line and column (inline expectations give the line only);
  ``# simulate: ARGS`` -- more arguments for `flowc simulate` (``--until 2040-01-01``).

Every file must also satisfy every fuzz property (fuzz_support.exercise), and
`flowc check`, `flowc fmt --check` and `flowc simulate` must exit 0, 1 or 2
without a traceback or an internal error.
"""
from __future__ import annotations

import collections
import os
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from flowc.check import check
from flowc.cli import main
from flowc.diagnostics import Diagnostics, Severity
from flowc.lower import load

from fuzz_support import REGRESSIONS, ROOT, exercise

CASES = sorted(REGRESSIONS.glob("*.flow"))

_SEVERITY = {"E": Severity.ERROR, "W": Severity.WARNING, "N": Severity.NOTE}
_INLINE = re.compile(r"#\s*(?=[EWN]:\s*F\d{3})(?P<tail>.*)\Z")
_ONE = re.compile(r"(?P<sev>[EWN]):\s*(?P<code>F\d{3})(?P<msg>.*?)(?=\s+[EWN]:\s*F\d{3}|\Z)")
_HEADER = re.compile(r"#\s*(?:expect:\s*(?P<what>clean|exit|trace|F\d{3})\b|(?P<args>simulate):)\s*(?P<arg>.*?)\s*\Z")


def directives(path: Path) -> tuple[list[tuple[int, Severity, str, str]], list[tuple[str, str]]]:
    """(inline expectations, header directives) of a regression file."""
    text = path.read_bytes().decode("utf-8", "replace").removeprefix("\ufeff")
    inline, header = [], []
    in_header = True
    for n, line in enumerate(re.split(r"\r\n?|\n", text), 1):  # LF, CRLF, a lone CR
        stripped = line.strip()
        if in_header and stripped and not stripped.startswith("#"):
            in_header = False
        if in_header:
            m = _HEADER.match(stripped)
            if m:
                header.append((m.group("what") or m.group("args"), m.group("arg")))
                continue
        m = _INLINE.search(line)
        if m:
            for e in _ONE.finditer(m.group("tail")):
                inline.append((n, _SEVERITY[e.group("sev")], e.group("code"), e.group("msg").strip()))
    return inline, header


def rel(path: Path) -> str:
    return os.path.relpath(path, ROOT)


@pytest.fixture(autouse=True)
def _at_root(monkeypatch):
    monkeypatch.chdir(ROOT)


def test_there_are_regressions():
    assert CASES, "tests/fuzz/regressions/ is empty"
    for case in CASES:
        inline, header = directives(case)
        assert inline or header, f"{case.name}: say what is expected (# E: ... inline, or # expect: ...)"
        if ("clean", "") in header:
            assert not inline, f"{case.name}: `# expect: clean` with inline diagnostics"


@pytest.mark.parametrize("case", CASES, ids=lambda p: p.stem)
def test_diagnostics(case):
    """`flowc check` reports exactly what the file announces."""
    inline, header = directives(case)
    diags = Diagnostics(limit=100_000)
    project, _ = load([rel(case)], diags)
    check(project, diags)
    got = collections.Counter((d.span.line, d.severity, d.code) for d in diags if d.span.path == rel(case))
    want = collections.Counter((line, sev, code) for line, sev, code, _ in inline)
    shown = "\n".join(f"  {d.span}: {d.severity}[{d.code}] {d.summary}" for d in diags)
    assert got == want, f"unexpected: {sorted(got - want)}\nmissing: {sorted(want - got)}\nall:\n{shown}"
    assert all(d.span.path == rel(case) for d in diags), shown
    for what, arg in header:
        if what.startswith("F"):
            at = tuple(int(x) for x in arg.removeprefix("at").strip().split(":"))
            assert any((d.code, d.span.line, d.span.column) == (what, *at) for d in diags), \
                f"no {what} at {arg.removeprefix('at').strip()}:\n{shown}"
    for line, sev, code, text in inline:
        if text:
            summaries = [d.summary for d in diags if (d.span.line, d.severity, d.code) == (line, sev, code)]
            assert any(text in s for s in summaries), f"line {line}: no {code} summary contains {text!r}: {summaries}"


@pytest.mark.parametrize("case", CASES, ids=lambda p: p.stem)
def test_properties(case):
    """Every fuzz property holds on the file."""
    exercise(case.read_bytes().decode("utf-8", "replace"), rel(case))


@pytest.mark.parametrize("case", CASES, ids=lambda p: p.stem)
def test_cli(case):
    """check, fmt --check and simulate: exit 0/1/2, no traceback; the announced
    exit status and trace text of `flowc simulate`."""
    _, header = directives(case)
    extra = [a for what, arg in header if what == "simulate" for a in arg.split()]
    runner = CliRunner()
    outputs = {}
    for args in (["check", rel(case)], ["fmt", "--check", rel(case)],
                 ["simulate", "--color", "never", *extra, rel(case)],
                 ["simulate", "--format", "jsonl", *extra, rel(case)]):
        r = runner.invoke(main, args, catch_exceptions=False)
        out = r.output
        assert r.exit_code in (0, 1), (args, r.exit_code, out[-2000:])
        assert "Traceback" not in out and "internal error" not in out, (args, out[-2000:])
        outputs[args[0] if args[1] != "--format" else "jsonl"] = (r.exit_code, out)
    code, trace = outputs["simulate"]
    for what, arg in header:
        if what == "exit":
            assert code == int(arg), f"flowc simulate exited {code}, not {arg}:\n{trace[-3000:]}"
        elif what == "trace":
            assert arg in trace, f"{arg!r} is not in the trace:\n{trace[-3000:]}"
