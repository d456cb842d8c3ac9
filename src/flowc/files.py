"""Which files a command works on, and loading them as projects.

`collect_files` turns the paths of a command line into `.flow` files (folders
are searched recursively, in a stable order); `load_projects` loads each file
as the root of its own project (the files it `use`s come along) and checks it;
`read_stdin` reads standard input as a file is read (`flowc check -`,
`flowc fmt -`).
"""
from __future__ import annotations

import os

import click


def collect_files(paths: tuple[str, ...]) -> list[str]:
    """Files and folders (recursing into *.flow), in a stable order, each
    file once however its path is spelt (`./a.flow`, `a.flow`, a symbolic
    link).  A path that does not exist, or a folder without a .flow file,
    is a usage error (exit 2)."""
    out: list[str] = []
    for p in paths:
        if os.path.isdir(p):
            found = []
            for root, dirs, files in os.walk(p):
                dirs[:] = sorted(d for d in dirs if not d.startswith(".") and d != "node_modules")
                found.extend(os.path.join(root, f) for f in files if f.endswith(".flow"))
            if not found:
                raise click.UsageError(f"no .flow file in {p}")
            out.extend(sorted(found))
        elif os.path.exists(p):
            out.append(p)
        else:
            raise click.UsageError(f"no such file or folder: {p}")
    seen: set[str] = set()
    unique = []
    for f in out:
        key = os.path.realpath(f)
        if key not in seen:
            seen.add(key)
            unique.append(os.path.normpath(f))
    return unique


def load_projects(files: list[str], diags, overrides: dict[str, str] | None = None):
    """Load each file as the root of a project (files it `use`s come along).
    Returns [(root, project, modules)] and a path -> Source map.
    `overrides`: path -> text to use instead of reading the file (stdin).

    A file `use`d by several roots is checked with each, and its problems
    are reported once: under one spelling of its path (the first one met)."""
    from .check import check
    from .diagnostics import Diagnostics
    from .lower import load
    from .suppress import without_consequences

    results = []
    sources = {}
    spelling: dict[str, str] = {}
    for f in files:
        spelling.setdefault(f if f.startswith("<") else os.path.realpath(f), f)
    for f in files:
        mine = Diagnostics(limit=diags.limit)
        project, modules = load([f], mine, overrides)
        for m in modules:
            sources[m.path] = m.source
            spelling.setdefault(m.path if m.path.startswith("<") else os.path.realpath(m.path), m.path)
        check(project, mine)
        mine = without_consequences(mine, modules)
        diags.extend(_respelt(d, spelling) for d in mine.sorted())
        results.append((f, project, modules))
    return results, sources


def _respelt(diag, spelling: dict[str, str]):
    """A diagnostic with its paths in the spelling of `spelling`."""
    import attrs

    def span(s):
        if s is None or s.path.startswith("<"):
            return s
        p = spelling.get(os.path.realpath(s.path), s.path)
        return s if p == s.path else attrs.evolve(s, path=p)

    return attrs.evolve(diag, span=span(diag.span), notes=tuple(attrs.evolve(n, span=span(n.span))
                                                                for n in diag.notes))


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


def read_stdin(diags, name: str = "<stdin>") -> str | None:
    """Standard input as the text of a file called `name`: at most the file
    size limit (F005), UTF-8 with an optional byte order mark (F007 at the
    first bad byte); None after a diagnostic."""
    import sys

    from .limits import MAX_FILE_BYTES
    from .lower import decode_file, too_large
    from .source import Span, TooLarge, read_limited

    try:
        stream = sys.stdin.buffer
        try:
            fd = stream.fileno()
        except (OSError, ValueError):  # not a real file (a test's stream): read it bounded
            data = stream.read(MAX_FILE_BYTES + 1)
            if len(data) > MAX_FILE_BYTES:
                raise TooLarge(name, len(data)) from None
        else:
            data = read_limited(fd, MAX_FILE_BYTES, name)
    except TooLarge as e:
        too_large(diags, Span(name, 1, 1, 1, 1), e.size)
        return None
    except (OSError, AttributeError, ValueError) as e:  # closed, or not a stream at all
        raise click.ClickException(f"cannot read standard input: {getattr(e, 'strerror', None) or e}")
    return decode_file(name, data, diags)
