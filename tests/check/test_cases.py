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
from pathlib import Path

import pytest
from click.testing import CliRunner

from check_cases import ONE, CASES, CODE_IN_NAME, expectations, matches, rel, run_check
from flowc.cli import main
from support import ROOT

HERE = Path(__file__).parent


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
        assert any(matches(pattern, s) for s in summaries), \
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
    parsed = [m.groupdict() for m in ONE.finditer('E: F105 "amont"  W: F303 may be empty N: F402')]
    assert [(p["sev"], p["code"], p["msg"].strip()) for p in parsed] == [
        ("E", "F105", '"amont"'), ("W", "F303", "may be empty"), ("N", "F402", "")]
