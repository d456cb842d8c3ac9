"""`flowc check`: report every problem of .flow files."""
from __future__ import annotations

import sys

import click

from . import EXIT_OK, EXIT_PROBLEMS, color_option

FORMATS = ["text", "short", "json", "sarif", "github"]


@click.command()
@click.argument("paths", nargs=-1, type=click.Path(allow_dash=True))
@click.option("--strict", is_flag=True, help="Treat warnings as errors.")
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="text", show_default=True,
              help="text: with source lines; short: one line each (path:line:col); json; "
                   "sarif (SARIF 2.1.0, for code scanning); github (GitHub Actions annotations).")
@color_option
@click.option("--max-diagnostics", type=click.IntRange(1), default=200, show_default=True,
              help="Show at most this many diagnostics.")
@click.option("--stdin-filename", default=None,
              help="With `-` (standard input): the file name to report, and to find `use`d files from.")
@click.option("--mapping", "mappings", multiple=True, type=click.Path(dir_okay=False),
              help="Also check a Bitrix24 mapping (bitrix24.toml of `flowc replay`) against the files' project.")
def check(paths, strict, fmt, color, max_diagnostics, stdin_filename, mappings):
    """Check .flow files (folders: every *.flow inside; `-`: standard input)
    and report every problem.

    Without a path, the files of the project configuration (`files` in
    flowc.toml or [tool.flowc] of pyproject.toml) are checked."""
    from .. import config as config_
    from .. import suppress
    from ..diagnostics import Diagnostics
    from ..files import collect_files, load_projects
    from ..report import print_diagnostics, strict as make_strict, use_color

    if fmt in ("json", "sarif"):
        from ..streams import for_json

        for_json()
    config = config_.load()
    if not paths:
        paths = config.files
        if not paths:
            raise click.UsageError("give the files or folders to check (or `files` in flowc.toml)")
    overrides = {}
    diags = Diagnostics(max_diagnostics)
    if "-" in paths:
        from ..files import read_stdin

        name = stdin_filename or "<stdin>"
        text = read_stdin(diags, name)  # like a file: the size limit, F007
        if text is not None:
            overrides[name] = text
    files = collect_files(tuple(p for p in paths if p != "-")) + list(overrides)
    loaded, sources = load_projects(files, diags, overrides)
    if mappings:
        from ..check.mapping import check_mapping_files
        check_mapping_files(mappings, [project for _, project, _ in loaded], diags)
    diags = suppress.apply(diags, [m for _, _, modules in loaded for m in modules], config.ignore)
    if strict or config.strict:
        diags = make_strict(diags)
    print_diagnostics(diags, sources, fmt, use_color(color, sys.stdout), files, max_diagnostics)
    sys.exit(EXIT_PROBLEMS if diags.has_errors else EXIT_OK)
