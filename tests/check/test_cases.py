"""`flowc check` case files: expected diagnostics written inline.

Every `tests/check/cases/*.flow` is loaded and checked; the diagnostics must
be exactly the ones its comments announce, on the line each diagnostic points
at (mypy / starlark style):

    robot x: move to paidd   # E: F104 unknown stage "paidd"

`E:` is an error, `W:` a warning, `N:` a note; after the code, optional text
that must appear in the summary (a substring, or else a regular expression).
Several expectations may share a line: `# E: F105 "amont"  W: F303`.
A case file without expectations must check clean.

The full text output of each case (what a user sees) is also compared with a
plain-text snapshot named after the case: `__snapshots__/test_cases/<case>.txt`.
Update the snapshots with `pytest tests/check --snapshot-update` and read the
diff as a user would: carets under the right token, helpful help.
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
from support import ROOT

HERE = Path(__file__).parent
CASES = sorted((HERE / "cases").glob("*.flow"))
CODE_IN_NAME = re.compile(r"\A(F\d{3})_")

_SEVERITY = {"E": Severity.ERROR, "W": Severity.WARNING, "N": Severity.NOTE}
_COMMENT = re.compile(r"#\s*(?=[EWN]:\s*F\d{3})(?P<tail>.*)\Z")
_ONE = re.compile(r"(?P<sev>[EWN]):\s*(?P<code>F\d{3})(?P<msg>.*?)(?=\s+[EWN]:\s*F\d{3}|\Z)")


def rel(p: Path) -> str:
    return os.path.relpath(p, ROOT)


def expectations(path: Path) -> list[tuple[int, Severity, str, str]]:
    """(line, severity, code, message pattern) for every inline expectation."""
    out = []
    text = path.read_bytes().decode("utf-8", "replace")
    for n, line in enumerate(text.split("\n"), 1):
        m = _COMMENT.search(line)
        if not m:
            continue
        for e in _ONE.finditer(m.group("tail")):
            out.append((n, _SEVERITY[e.group("sev")], e.group("code"), e.group("msg").strip()))
    return out


def run_check(path: Path) -> Diagnostics:
    diags = Diagnostics(limit=10_000)
    project, _ = load([rel(path)], diags)
    check(project, diags)
    return diags


def _matches(pattern: str, summary: str) -> bool:
    if not pattern or pattern in summary:
        return True
    try:
        return re.search(pattern, summary) is not None
    except re.error:
        return False


@pytest.fixture(autouse=True)
def _at_root(monkeypatch):
    monkeypatch.chdir(ROOT)


def test_there_are_cases():
    assert len(CASES) > 50
    for case in CASES:
        assert CODE_IN_NAME.match(case.name) or case.stem.startswith("clean"), \
            f"{case.name}: name case files after their code (F104_unknown_stage.flow) or clean*.flow"


@pytest.mark.parametrize("case", CASES, ids=lambda p: p.stem)
def test_case(case):
    """The diagnostics are exactly the inline expectations."""
    diags = run_check(case)
    want = expectations(case)
    path = rel(case)
    got = collections.Counter((d.span.path, d.span.line, d.severity, d.code) for d in diags)
    expected = collections.Counter((path, line, sev, code) for line, sev, code, _ in want)
    show = lambda c: sorted(f"{p}:{line}: {str(s)[0].upper()}: {code}" for (p, line, s, code), k in c.items()  # noqa: E731
                            for _ in range(k))
    unexpected = show(got - expected)
    missing = show(expected - got)
    detail = "\n".join(f"  {d.span}: {d.severity}[{d.code}] {d.summary}" for d in diags)
    assert not unexpected and not missing, (
        f"unexpected: {unexpected}\nmissing: {missing}\nall diagnostics:\n{detail}")
    for line, sev, code, pattern in want:
        summaries = [d.summary for d in diags if d.span.line == line and d.code == code and d.severity is sev]
        assert any(_matches(pattern, s) for s in summaries), \
            f"line {line}: no {code} summary matches {pattern!r}: {summaries}"
    if CODE_IN_NAME.match(case.name):
        code = CODE_IN_NAME.match(case.name).group(1)
        assert any(c == code for _, _, c, _ in want), f"{case.name} never expects {code}"


@pytest.mark.parametrize("case", CASES, ids=lambda p: p.stem)
def test_case_output(case, snapshot_text):
    """What a user sees: the full text output of `flowc check <case>`."""
    result = CliRunner().invoke(main, ["check", "--color", "never", rel(case)])
    assert result.exit_code in (0, 1), result.output
    assert result.output == snapshot_text(name=case.stem)


def test_expectation_syntax():
    """The harness itself: several expectations on one line, with and without text."""
    sample = HERE / "cases" / "F105_unknown_field.flow"
    want = expectations(sample)
    assert want, "the sample case has expectations"
    parsed = [m.groupdict() for m in _ONE.finditer('E: F105 "amont"  W: F303 may be empty N: F402')]
    assert [(p["sev"], p["code"], p["msg"].strip()) for p in parsed] == [
        ("E", "F105", '"amont"'), ("W", "F303", "may be empty"), ("N", "F402", "")]
