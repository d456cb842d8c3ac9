"""`flowc fmt`: lay .flow files out canonically (the layout is in `flowc.fmt`)."""
from __future__ import annotations

import sys

import click

from . import EXIT_OK, EXIT_PROBLEMS


@click.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(allow_dash=True))
@click.option("--check", "check_only", is_flag=True, help="Change nothing; exit 1 if a file is not formatted.")
@click.option("--diff", is_flag=True, help="Print what would change as a unified diff; change nothing.")
def fmt(paths, check_only, diff):
    """Lay out .flow files canonically (comments and strings are kept).

    Files are rewritten in place; `-` reads standard input and writes the
    result to standard output.  Files with syntax errors are left alone."""
    import difflib

    from ..diagnostics import Diagnostics
    from ..files import collect_files
    from ..fmt import format_text
    from ..lower import read_file
    from ..report import print_diagnostics

    if paths == ("-",):
        text = sys.stdin.read()
        diags = Diagnostics()
        out = format_text(text, "<stdin>", diags)
        if out is None:
            print_diagnostics(diags, {}, "short", False, ["<stdin>"], 50)
            sys.exit(EXIT_PROBLEMS)
        click.echo(out, nl=False)
        sys.exit(EXIT_OK)
    files = collect_files(paths)
    diags = Diagnostics()
    changed, broken = [], []
    for f in files:
        text = read_file(f, diags)
        if text is None:
            broken.append(f)
            continue
        out = format_text(text, f, diags)
        if out is None:
            broken.append(f)
            continue
        if out == text:
            continue
        changed.append(f)
        if diff:
            click.echo("".join(difflib.unified_diff(text.splitlines(True), out.splitlines(True),
                                                    f"a/{f}", f"b/{f}")), nl=False)
        elif not check_only:
            with open(f, "w", encoding="utf-8", newline="") as fh:
                fh.write(out)
    if broken:
        print_diagnostics(diags, {}, "short", False, files, 50)
    for f in changed:
        click.echo(f"{'would reformat' if (check_only or diff) else 'reformatted'} {f}", err=True)
    if broken or ((check_only or diff) and changed):
        sys.exit(EXIT_PROBLEMS)
    sys.exit(EXIT_OK)
