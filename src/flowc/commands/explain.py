"""`flowc explain`: why a robot ran (or did not) and what a record looked
like at a moment (`flowc.explain`), or the documentation of a diagnostic
code (`flowc.codes`)."""
from __future__ import annotations

import json
import os
import sys

import click

from . import EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE


@click.command()
@click.argument("target")
@click.option("--scenario", default=None, help="The scenario (needed when the file has several).")
@click.option("--record", default=None, help="The record of the scenario to explain.")
@click.option("--robot", default=None, help="Explain this robot's runs on the record: when, why, and how they ended.")
@click.option("--at", "at", default=None, metavar='"YYYY-MM-DD HH:MM"',
              help="Explain the record at this local moment: its stage, fields, waiting robots and triggers.")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
def explain(target, scenario, record, robot, at, fmt):
    """Why did (or didn't) a robot run?  `flowc explain FILE --record R
    --robot X` tells the story of each of its runs: when its timing started
    and why, each step to its due time, how it ended, the condition with
    the values it read.  `--at "YYYY-MM-DD HH:MM"` shows the record at a
    moment instead.  `flowc explain F303` prints what a diagnostic code
    means, with an example and the fix."""
    from ..codes import is_code

    if is_code(target) and not os.path.exists(target):
        if scenario or record or robot or at:
            raise click.UsageError("a diagnostic code takes no --scenario, --record, --robot or --at")
        explain_code(target)
    if not os.path.exists(target):
        if target[:1] in "Ff" and target[1:].isdigit():
            raise click.UsageError(f'"{target}" is not a diagnostic code (F followed by three digits, like F303)')
        raise click.UsageError(f"no such file or folder: {target}")
    if record is None or (robot is None) == (at is None):
        raise click.UsageError("give --record, and either --robot or --at (or a diagnostic code like F303)")
    from ..explain import ExplainError, Run, as_text, explain_instant, explain_robot
    from ..files import collect_files, load_clean
    from ..index import Index
    from ..simulate import parse_until

    moment = None
    if at is not None:
        try:
            moment = parse_until(at)
        except ValueError as e:
            raise click.UsageError(str(e).replace("--until", "--at")) from None
    files = collect_files((target,))
    if len(files) != 1:
        raise click.UsageError(f"explain one file, not a folder of {len(files)}: {target}")
    loaded = load_clean(files, "explain")
    if loaded is None:
        sys.exit(EXIT_PROBLEMS)
    [(path, project, _)], sources = loaded
    mine = [sc for sc in project.scenarios if sc.span.path == path]
    names = ", ".join(sc.name.value for sc in mine) or "none"
    if scenario is None and len(mine) != 1:
        raise click.UsageError(f"{path} has {len(mine)} scenarios: choose one with --scenario ({names})")
    sc = next((s for s in mine if scenario is None or s.name.value == scenario), None)
    if sc is None:
        raise click.UsageError(f'no scenario "{scenario}" in {path} (scenarios: {names})')
    run = Run(project, Index(project), sc, sources, path, record, robot)
    records = [d["record"] for d in run.trace if d["kind"] == "summary"]
    if record not in records:
        raise click.UsageError(f'no record "{record}" in scenario {sc.name.value} '
                               f'(records: {", ".join(records) or "none"})')
    try:
        data = explain_robot(run, robot) if robot is not None else explain_instant(run, moment)
    except ExplainError as e:
        raise click.UsageError(str(e)) from None
    data = {"scenario": sc.name.value, **data}
    if fmt == "json":
        click.echo(json.dumps(data, sort_keys=True, indent=2, ensure_ascii=False))
    else:
        click.echo(as_text(data), nl=False)
    sys.exit(EXIT_OK)


def explain_code(code: str) -> None:
    from ..codes import explain as explain_text, known
    from ..diagnostics import suggest

    text = explain_text(code)
    if text is None:
        hint = suggest(code.upper(), known())
        sys.stderr.write(f"flowc explain: no diagnostic {code.upper()}"
                         + (f'; did you mean "{hint}"?' if hint else "") + " (docs/diagnostics.md lists them all)\n")
        sys.exit(EXIT_USAGE)
    click.echo(text, nl=False)
    sys.exit(EXIT_OK)
