"""The `flowc` command: check, simulate, lsp.

Exit codes, for every command: 0 all good; 1 the input has errors (or a
simulation expectation failed); 2 usage or I/O problems (a path that does not
exist, an unknown option).  No Python traceback reaches the user.
"""
from __future__ import annotations

import os
import sys

import click

from . import __version__

EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE = 0, 1, 2


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


def _use_color(choice: str, stream) -> bool:
    if choice == "always":
        return True
    if choice == "never" or os.environ.get("NO_COLOR"):
        return False
    return hasattr(stream, "isatty") and stream.isatty() and os.environ.get("TERM") != "dumb"


class _Group(click.Group):
    def main(self, *args, **kwargs):
        # Usage errors exit 2 (click's default); anything unexpected is reported
        # as an internal error with exit code 2, never a traceback.
        try:
            return super().main(*args, standalone_mode=False, **kwargs)
        except click.exceptions.Exit as e:
            sys.exit(e.exit_code)
        except click.ClickException as e:
            e.show()
            sys.exit(EXIT_USAGE)
        except click.exceptions.Abort:
            click.echo("Aborted.", err=True)
            sys.exit(EXIT_USAGE)
        except (BrokenPipeError, KeyboardInterrupt):
            sys.exit(EXIT_PROBLEMS)
        except RecursionError:
            click.echo("flowc: internal error: input nested too deeply", err=True)
            sys.exit(EXIT_USAGE)
        except Exception as e:  # pragma: no cover - a bug; say so plainly
            if os.environ.get("FLOWC_DEBUG"):
                raise
            click.echo(f"flowc: internal error: {type(e).__name__}: {e}\n"
                       "This is a bug in flowc; set FLOWC_DEBUG=1 to see the details.", err=True)
            sys.exit(EXIT_USAGE)


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="flowc")
def main() -> None:
    """flowc: CRM automation rules as code.

    \b
    flowc check FILES...     report everything wrong, before it goes live
    flowc simulate FILE...   show what every robot and trigger will do, and when
    flowc fmt FILES...       lay files out canonically
    flowc lsp                the language server, for editors
    """


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


def print_diagnostics(diags, sources, fmt: str, color: bool, files: list[str], limit: int, out=None) -> None:
    from .report import render_json, render_short, render_text, summary_line
    from .source import Source

    def line_of(path: str, n: int) -> str:
        src = sources.get(path)
        if src is None:
            try:
                with open(path, encoding="utf-8", errors="replace") as fh:
                    src = sources[path] = Source(path, fh.read())
            except OSError:
                return ""
        return src.line_text(n)

    diags.limit = limit
    shown, cut = diags.shown()
    from .diagnostics import Severity
    if fmt == "json":
        click.echo(render_json(shown, files, cut, diags.count(Severity.ERROR), diags.count(Severity.WARNING)), file=out)
        return
    if fmt == "short":
        for d in shown:
            click.echo(render_short(d), file=out)
        return
    from .report import _highlighter
    hl = _highlighter(color)
    for d in shown:
        click.echo(render_text(d, line_of, color, hl) + "\n", file=out)
    click.echo(summary_line(diags, cut, len(files)), file=out)


def _strict(diags):
    import attrs

    from .diagnostics import Diagnostics, Severity
    out = Diagnostics(diags.limit)
    for d in diags.sorted():
        out.add(attrs.evolve(d, severity=Severity.ERROR) if d.severity is Severity.WARNING else d)
    return out


@main.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path())
@click.option("--strict", is_flag=True, help="Treat warnings as errors.")
@click.option("--format", "fmt", type=click.Choice(["text", "short", "json"]), default="text",
              show_default=True, help="text: with source lines; short: one line each (path:line:col); json.")
@click.option("--color", type=click.Choice(["auto", "always", "never"]), default="auto", show_default=True)
@click.option("--max-diagnostics", type=click.IntRange(1), default=200, show_default=True,
              help="Show at most this many diagnostics.")
def check(paths, strict, fmt, color, max_diagnostics):
    """Check .flow files (folders: every *.flow inside) and report every problem."""
    from .diagnostics import Diagnostics

    files = collect_files(paths)
    diags = Diagnostics(max_diagnostics)
    _, sources = load_projects(files, diags)
    if strict:
        diags = _strict(diags)
    print_diagnostics(diags, sources, fmt, _use_color(color, sys.stdout), files, max_diagnostics)
    sys.exit(EXIT_PROBLEMS if diags.has_errors else EXIT_OK)


@main.command()
@click.argument("files", nargs=-1, required=True, type=click.Path())
@click.option("--scenario", "scenario_names", multiple=True, help="Run only this scenario (repeatable).")
@click.option("--format", "fmt", type=click.Choice(["text", "jsonl"]), default="text", show_default=True)
@click.option("--until", "until", default=None,
              help="Stop every scenario at this local date-time (YYYY-MM-DD[ HH:MM]) instead of its own horizon.")
@click.option("--color", type=click.Choice(["auto", "always", "never"]), default="auto", show_default=True)
def simulate(files, scenario_names, fmt, until, color):
    """Run the scenarios of .flow files and show what every robot and trigger does."""
    from .simulate import run_simulate

    code = run_simulate(collect_files(files), scenario_names, fmt, until, _use_color(color, sys.stdout))
    sys.exit(code)


@main.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(allow_dash=True))
@click.option("--check", "check_only", is_flag=True, help="Change nothing; exit 1 if a file is not formatted.")
@click.option("--diff", is_flag=True, help="Print what would change as a unified diff; change nothing.")
def fmt(paths, check_only, diff):
    """Lay out .flow files canonically (comments and strings are kept).

    Files are rewritten in place; `-` reads standard input and writes the
    result to standard output.  Files with syntax errors are left alone."""
    import difflib

    from .diagnostics import Diagnostics
    from .fmt import format_text
    from .lower import read_file

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


@main.command()
def lsp():
    """Run the language server on stdin/stdout (for editors)."""
    try:
        from .lsp import serve
    except ImportError as e:
        click.echo(f"flowc lsp needs the language server extras: pip install 'flowc[lsp]' ({e})", err=True)
        sys.exit(EXIT_USAGE)
    serve()


if __name__ == "__main__":  # pragma: no cover
    main()
