"""`flowc check`: report every problem of .flow files."""
from __future__ import annotations

import sys

import click

from . import EXIT_OK, EXIT_PROBLEMS, color_option


@click.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path())
@click.option("--strict", is_flag=True, help="Treat warnings as errors.")
@click.option("--format", "fmt", type=click.Choice(["text", "short", "json"]), default="text",
              show_default=True, help="text: with source lines; short: one line each (path:line:col); json.")
@color_option
@click.option("--max-diagnostics", type=click.IntRange(1), default=200, show_default=True,
              help="Show at most this many diagnostics.")
@click.option("--mapping", "mappings", multiple=True, type=click.Path(dir_okay=False),
              help="Also check a Bitrix24 mapping (bitrix24.toml of `flowc replay`) against the files' project.")
def check(paths, strict, fmt, color, max_diagnostics, mappings):
    """Check .flow files (folders: every *.flow inside) and report every problem."""
    from ..diagnostics import Diagnostics
    from ..files import collect_files, load_projects
    from ..report import print_diagnostics, strict as make_strict, use_color

    files = collect_files(paths)
    diags = Diagnostics(max_diagnostics)
    loaded, sources = load_projects(files, diags)
    if mappings:
        from ..replay.checking import check_mappings
        check_mappings(mappings, [project for _, project, _ in loaded], diags)
    if strict:
        diags = make_strict(diags)
    print_diagnostics(diags, sources, fmt, use_color(color, sys.stdout), files, max_diagnostics)
    sys.exit(EXIT_PROBLEMS if diags.has_errors else EXIT_OK)
