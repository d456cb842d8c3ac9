"""Case files of tests/check: where they are, and their inline expectations
(see test_cases.py for the syntax)."""
from __future__ import annotations

import os
import re
from pathlib import Path

from flowc.check import check
from flowc.diagnostics import Diagnostics, Severity
from flowc.lower import load
from support import ROOT

HERE = Path(__file__).parent
CASES = sorted((HERE / "cases").glob("*.flow"))
CODE_IN_NAME = re.compile(r"\A(F\d{3})_")

_SEVERITY = {"E": Severity.ERROR, "W": Severity.WARNING, "N": Severity.NOTE}
_COMMENT = re.compile(r"#\s*(?=[EWN]:\s*F\d{3})(?P<tail>.*)\Z")
ONE = re.compile(r"(?P<sev>[EWN]):\s*(?P<code>F\d{3})(?P<msg>.*?)(?=\s+[EWN]:\s*F\d{3}|\Z)")


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
        for e in ONE.finditer(m.group("tail")):
            out.append((n, _SEVERITY[e.group("sev")], e.group("code"), e.group("msg").strip()))
    return out


def run_check(path: Path) -> Diagnostics:
    """What `flowc check` reports for one case file (suppressions applied)."""
    from flowc import suppress

    diags = Diagnostics(limit=10_000)
    project, modules = load([rel(path)], diags)
    check(project, diags)
    return suppress.apply(suppress.without_consequences(diags, modules), modules)


def matches(pattern: str, summary: str) -> bool:
    if not pattern or pattern in summary:
        return True
    try:
        return re.search(pattern, summary) is not None
    except re.error:
        return False


