"""`flowc init`: a new project that checks and simulates clean (the files
are in `flowc/starter/`)."""
from __future__ import annotations

import os
import sys
from importlib import resources

import click

from . import EXIT_OK, EXIT_USAGE

#: What `flowc init` writes: path in the new project -> file in flowc/starter/.
FILES = {
    "flows/common.flow": "flows/common.flow",
    "flows/sales.flow": "flows/sales.flow",
    ".gitignore": "gitignore",
    ".pre-commit-config.yaml": "pre-commit-config.yaml",
    "README.md": "README.md",
}


@click.command()
@click.argument("folder", default=".", type=click.Path(file_okay=False))
def init(folder):
    """Start a project in FOLDER (default: here): a calendar and the team, a
    pipeline with robots and triggers, a scenario with expectations, a
    .gitignore and a pre-commit configuration.  Nothing is overwritten."""
    starter = resources.files("flowc") / "starter"
    there = [name for name in FILES if os.path.lexists(os.path.join(folder, name))]
    if there:
        sys.stderr.write(f"flowc init: {folder} already has {', '.join(there)}; nothing was written "
                         "(remove them, or choose another folder)\n")
        sys.exit(EXIT_USAGE)
    try:
        for name, source in FILES.items():
            path = os.path.join(folder, name)
            os.makedirs(os.path.dirname(path) or ".", exist_ok=True)
            with open(path, "w", encoding="utf-8", newline="\n") as fh:
                fh.write((starter / source).read_text(encoding="utf-8"))
    except OSError as e:
        sys.stderr.write(f"flowc init: cannot write into {folder}: {e.strerror}\n")
        sys.exit(EXIT_USAGE)
    flows = os.path.join(folder, "flows")
    click.echo(f"Created a flowc project in {folder}: " + ", ".join(FILES) + ".\nNext:\n"
               f"  flowc check {flows}\n  flowc simulate {flows}\n  flowc graph {os.path.join(flows, 'sales.flow')}")
    sys.exit(EXIT_OK)
