"""`flowc simulate`: load and check each file, run its scenarios, render the
trace, check the expectations.

Exit codes: 0 every scenario ran and every expectation held; 1 the files have
errors (nothing runs), an expectation failed, or a run hit an error (a loop, a
limit); 2 bad input on the command line (an unknown `--scenario`, a bad
`--until`).  Diagnostics go to standard error, so that standard output is the
trace only (JSON lines stay parseable).
"""
from __future__ import annotations

import datetime as dt
import re
import sys
from typing import TextIO

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2

_UNTIL = re.compile(r"\s*(\d{4}-\d{2}-\d{2})(?:[ T](\d{1,2}:\d{2}))?\s*\Z")


def parse_until(text: str) -> dt.datetime:
    """`2026-03-20` (midnight) or `2026-03-20 14:00`, a local time; ValueError if not."""
    m = _UNTIL.match(text)
    if m is None:
        raise ValueError(f'bad --until "{text}": write YYYY-MM-DD or "YYYY-MM-DD HH:MM"')
    try:
        day = dt.date.fromisoformat(m.group(1))
        clock = dt.time.fromisoformat(f"{int(m.group(2).split(':')[0]):02d}:{m.group(2).split(':')[1]}") \
            if m.group(2) else dt.time(0, 0)
    except ValueError as e:
        raise ValueError(f'bad --until "{text}": {e}') from None
    return dt.datetime.combine(day, clock)


def holidays_version() -> str:
    from importlib.metadata import PackageNotFoundError, version
    try:
        return version("holidays")
    except PackageNotFoundError:  # pragma: no cover - a dependency
        return "not installed"


def run_simulate(files: list[str], scenario_names, fmt: str, until: str | None, color: bool,
                 out: TextIO | None = None, err: TextIO | None = None, also: list | None = None) -> int:
    """Run the scenarios; `also` are more renderers fed the same run (the
    HTML report of `--html`)."""
    from .files import load_projects
    from .report import print_diagnostics
    from .diagnostics import Diagnostics, Severity
    from .index import Index
    from .interpret import Simulation
    from .render import JsonRenderer, TextRenderer

    out = out or sys.stdout
    err = err or sys.stderr
    until_at = None
    if until is not None:
        try:
            until_at = parse_until(until)
        except ValueError as e:
            err.write(f"flowc simulate: {e}\n")
            return EXIT_USAGE

    diags = Diagnostics()
    loaded, sources = load_projects(files, diags)
    shown = Diagnostics(diags.limit)
    shown.extend(d for d in diags if d.severity <= Severity.WARNING)  # notes are for `flowc check`
    if len(shown):
        print_diagnostics(shown, sources, "text", False, files, diags.limit, out=err)
    if diags.has_errors:
        err.write("flowc simulate: the files have errors; nothing was simulated\n")
        return EXIT_FAILED

    runs = []
    for path, project, _modules in loaded:
        index = Index(project)
        for sc in project.scenarios:
            if sc.span.path != path:
                continue  # the scenarios of a file that this one `use`s run with that file
            runs.append((path, project, index, sc))
    wanted = list(scenario_names or ())
    if wanted:
        known = {sc.name.value for _, _, _, sc in runs}
        unknown = [n for n in wanted if n not in known]
        if unknown:
            names = ", ".join(sorted(known)) or "none"
            err.write(f"flowc simulate: unknown scenario {', '.join(unknown)} (scenarios: {names})\n")
            return EXIT_USAGE
        runs = [r for r in runs if r[3].name.value in wanted]
    if not runs:
        err.write("flowc simulate: no scenario to run\n")
        return EXIT_OK

    version = holidays_version()
    code = EXIT_OK
    for i, (path, project, index, sc) in enumerate(runs):
        sim = Simulation(project, index, sc, until_at, sources)
        renderer = JsonRenderer(out) if fmt == "jsonl" else TextRenderer(out, color, index)
        if i and fmt != "jsonl":
            out.write("\n")
        renderers = [renderer, *(also or ())]
        for r in renderers:
            r.start(sim, path, version)
        for ev in sim.run():
            for r in renderers:
                r.event(ev)
        results = sim.evaluate_expectations()
        for r in renderers:
            r.finish(sim, results)
        if sim.error or any(not r.ok for r in results):
            code = EXIT_FAILED
        out.flush()
    return code
