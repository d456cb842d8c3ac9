"""Which files a command works on, and loading them as projects.

`collect_files` turns the paths of a command line into `.flow` files (folders
are searched recursively, in a stable order); `load_projects` loads each file
as the root of its own project (the files it `use`s come along) and checks it.
"""
from __future__ import annotations

import os

import click


def collect_files(paths: tuple[str, ...]) -> list[str]:
    """Files and folders (recursing into *.flow), in a stable order."""
    out: list[str] = []
    for p in paths:
        if os.path.isdir(p):
            found = []
            for root, dirs, files in os.walk(p):
                dirs[:] = sorted(d for d in dirs if not d.startswith(".") and d != "node_modules")
                found.extend(os.path.join(root, f) for f in files if f.endswith(".flow"))
            out.extend(sorted(found))
        elif os.path.exists(p):
            out.append(p)
        else:
            raise click.UsageError(f"no such file or folder: {p}")
    seen: set[str] = set()
    unique = []
    for f in out:
        if f not in seen:
            seen.add(f)
            unique.append(f)
    return unique


def load_projects(files: list[str], diags):
    """Load each file as the root of a project (files it `use`s come along).
    Returns [(root, project, modules)] and a path -> Source map."""
    from .check import check
    from .lower import load

    results = []
    sources = {}
    for f in files:
        project, modules = load([f], diags)
        for m in modules:
            sources[m.path] = m.source
        check(project, diags)
        results.append((f, project, modules))
    return results, sources


def load_clean(files: list[str], command: str, err=None):
    """`load_projects` for the commands that show a project (graph, doc...):
    errors and warnings go to standard error; with errors, a line saying that
    nothing was made and None.  Returns (loaded, sources) otherwise."""
    import sys

    from .diagnostics import Diagnostics, Severity
    from .report import print_diagnostics

    err = err or sys.stderr
    diags = Diagnostics()
    loaded, sources = load_projects(files, diags)
    shown = Diagnostics(diags.limit)
    shown.extend(d for d in diags if d.severity <= Severity.WARNING)  # notes are for `flowc check`
    if len(shown):
        print_diagnostics(shown, sources, "text", False, files, diags.limit, out=err)
    if diags.has_errors:
        err.write(f"flowc {command}: the files have errors; nothing was made\n")
        return None
    return loaded, sources
