"""`flowc diff`: what a change to the rules does to the scenarios' behaviour
(the comparison is `flowc.compare`; the versions come from `flowc.sides`)."""
from __future__ import annotations

import json
import sys

import click

from . import EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE

#: How each kind of change is written in the text report.
TEXT = {
    "robot_added": "robot {subject} now runs: {new}",
    "robot_removed": "robot {subject} no longer runs (was {old})",
    "status": "robot {subject}: {old}\n      now {new}",
    "at": "robot {subject} runs {new} (was {old})",
    "due": "robot {subject} is due {new} (was {old})",
    "action": "robot {subject}: {old}\n      now {new}",
    "stage": "ends in {new} (was {old})",
    "record_added": "only in NEW: {new}",
    "record_removed": "only in OLD: {old}",
    "expectation": "expectation {subject}: {new}; on OLD it {old}",
    "error": "run errors: {new} (OLD: {old})",
}


@click.command()
@click.argument("old")
@click.argument("new")
@click.option("--scenario", "scenario_names", multiple=True, help="Compare only this scenario (repeatable).")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
def diff(old, new, scenario_names, fmt):
    """Simulate the scenarios of two versions of a project and show what
    changes: robots that now run or no longer run, statuses, due times,
    messages and recipients, final stages.

    OLD and NEW are files, folders, or paths in a git revision
    (`HEAD~1:flows/`, read with git archive: nothing is checked out).
    Exit status 1 when behaviour differs (or a scenario could not be
    compared), 0 when it is the same."""
    from ..compare import compare, counts
    from ..sides import SideError, open_side

    sides = []
    try:
        for spec in (old, new):
            sides.append(open_side(spec))
        diffs = compare(sides[0], sides[1], list(scenario_names))
    except SideError as e:
        sys.stderr.write(f"flowc diff: {e}\n")
        sys.exit(EXIT_USAGE)
    except ValueError as e:
        sys.stderr.write(f"flowc diff: {e}\n")
        sys.exit(EXIT_USAGE)
    finally:
        for side in sides:
            side.close()
    known = {d.name for d in diffs}
    unknown = [n for n in scenario_names if n not in known]
    if unknown:
        sys.stderr.write(f"flowc diff: no scenario {', '.join(unknown)} on either side "
                         f"(scenarios: {', '.join(sorted(known)) or 'none'})\n")
        sys.exit(EXIT_USAGE)
    total = counts(diffs)
    if fmt == "json":
        click.echo(json.dumps(as_json(old, new, diffs, total), sort_keys=True, indent=2, ensure_ascii=False))
    else:
        click.echo(as_text(old, new, diffs, total), nl=False)
    same = total["changed"] == 0 and total["not_compared"] == 0
    sys.exit(EXIT_OK if same else EXIT_PROBLEMS)


def as_text(old: str, new: str, diffs, total: dict) -> str:
    from ..compare import COUNTS

    from ..words import plural

    out = [f"OLD {old}", f"NEW {new}",
           f"{plural(total['scenarios'], 'scenario')}: {total['changed']} changed, {total['same']} the same, "
           f"{total['not_compared']} not compared"]
    shown = [f"{total[k]} {words[total[k] != 1]}" for k, words in COUNTS.items() if total[k]]
    if shown:
        out.append("  " + ", ".join(shown))
    for d in diffs:
        where = f" ({d.file})" if d.file else ""
        origin = {"new": ", written in NEW only", "old": ", written in OLD only"}.get(d.origin, "")
        rewritten = ", rewritten in NEW (NEW's version ran on both)" if d.rewritten else ""
        out.append("")
        out.append(f"scenario {d.name}{where}: {d.status.replace('_', ' ')}{origin}{rewritten}")
        for p in d.problems:
            out.append(f"  {p}")
        record = object()
        for c in d.changes:
            if c.record != record:
                record = c.record
                out.append(f"  {c.record}" if c.record is not None else "  the run")
            out.append("    " + TEXT[c.kind].format(subject=c.subject, old=c.old, new=c.new))
    return "\n".join(out) + "\n"


def as_json(old: str, new: str, diffs, total: dict) -> dict:
    return {
        "old": old, "new": new, "same": total["changed"] == 0 and total["not_compared"] == 0,
        "counts": total,
        "scenarios": [{"file": d.file, "scenario": d.name, "status": d.status, "written_in": d.origin,
                       "rewritten": d.rewritten, "problems": list(d.problems),
                       "changes": [{"record": c.record, "kind": c.kind, "subject": c.subject,
                                    "old": c.old, "new": c.new} for c in d.changes]}
                      for d in diffs],
    }
