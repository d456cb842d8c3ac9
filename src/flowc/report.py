"""Rendering diagnostics for people (Rust/hurl style), editors and CI (one
line each), and programs (JSON).

    error[F104]: unknown stage "paidd"
      --> examples/sales.flow:12:22
       |
    12 |     robot x: move to paidd
       |                      ^^^^^ no stage with this name in pipeline "sales"
       = help: did you mean "paid"?
"""
from __future__ import annotations

import json
from typing import Callable, Iterable

from .diagnostics import Diagnostic, Diagnostics, Severity

_COLORS = {Severity.ERROR: "\x1b[1;31m", Severity.WARNING: "\x1b[1;33m", Severity.NOTE: "\x1b[1;36m"}
_BLUE = "\x1b[1;34m"
_BOLD = "\x1b[1m"
_RESET = "\x1b[0m"


def _display_width(text: str) -> int:
    return len(text.expandtabs(4))


def _highlighter(color: bool) -> Callable[[str], str]:
    if not color:
        return lambda s: s
    try:
        from pygments import highlight
        from pygments.formatters import TerminalFormatter

        from .pygments_lexer import FlowLexer
    except Exception:  # the lexer is optional here
        return lambda s: s
    lexer, fmt = FlowLexer(), TerminalFormatter()
    return lambda s: highlight(s, lexer, fmt).rstrip("\n")


def render_text(diag: Diagnostic, lines: Callable[[str, int], str], color: bool = False,
                highlight: Callable[[str], str] | None = None) -> str:
    """The long form. `lines(path, n)` returns line n of a file ('' if unknown)."""
    c = (lambda code, s: f"{code}{s}{_RESET}") if color else (lambda code, s: s)
    hl = highlight or (lambda s: s)
    sev = str(diag.severity)
    span = diag.span
    out = [c(_COLORS[diag.severity], f"{sev}[{diag.code}]") + c(_BOLD, f": {diag.summary}")]
    gutter = len(str(span.end_line if span.end_line - span.line < 3 else span.line))
    pad = " " * gutter
    out.append(f"{pad}{c(_BLUE, '-->')} {span.path}:{span.line}:{span.column}")
    text = lines(span.path, span.line)
    if text or span.line >= 1:
        out.append(f"{pad} {c(_BLUE, '|')}")
        shown = text.expandtabs(4)
        out.append(f"{c(_BLUE, str(span.line).rjust(gutter) + ' |')} {hl(shown)}".rstrip())
        start = _display_width(text[: span.column - 1])
        if span.end_line == span.line:
            width = max(1, _display_width(text[: max(span.end_column - 1, span.column)]) - start)
        else:
            width = max(1, _display_width(text) - start)
        marks = "^" * width
        label = f" {diag.detail}" if diag.detail else ""
        out.append(f"{pad} {c(_BLUE, '|')} {' ' * start}{c(_COLORS[diag.severity], marks + label)}".rstrip())
    for note in diag.notes:
        if note.span is not None and (note.span.path, note.span.line) != (span.path, span.line):
            out.append(f"{pad} {c(_BLUE, '=')} {note.kind}: {note.message}")
            out.append(f"{pad}   {c(_BLUE, '-->')} {note.span.path}:{note.span.line}:{note.span.column}")
        else:
            out.append(f"{pad} {c(_BLUE, '=')} {note.kind}: {note.message}")
    hint = explain_hint(diag.code)
    if hint:
        out.append(f"{pad} {c(_BLUE, '=')} help: {hint}")
    return "\n".join(out)


def explain_hint(code: str) -> str | None:
    """The last help line of every diagnostic of the language (F codes, all
    documented in docs/diagnostics.md): where its documentation is."""
    if not (len(code) == 4 and code[0] == "F" and code[1:].isdigit()):
        return None
    return f"for more on {code}, run `flowc explain {code}`"


def render_short(diag: Diagnostic) -> str:
    """`path:line:col: error[F104]: summary (help)` — one line, for editors and CI."""
    s = diag.span
    extra = ""
    helps = [n.message for n in diag.notes if n.kind == "help"]
    if diag.detail and not helps:
        extra = f" ({diag.detail})"
    elif helps:
        extra = f" ({helps[0]})"
    return f"{s.path}:{s.line}:{s.column}: {diag.severity}[{diag.code}]: {diag.summary}{extra}"


def summary_line(diags: Diagnostics, cut: int, files: int) -> str:
    e, w = diags.count(Severity.ERROR), diags.count(Severity.WARNING)
    parts = []
    plural = lambda n, word: f"{n} {word}{'' if n == 1 else 's'}"  # noqa: E731
    if e or w:
        parts.append(f"{plural(e, 'error')}, {plural(w, 'warning')}")
    else:
        parts.append("no problems")
    parts.append(f"in {plural(files, 'file')}")
    line = " ".join(parts)
    if cut:
        line += f" ({cut} more not shown; raise --max-diagnostics to see them)"
    return line


def render_json(diags: Iterable[Diagnostic], files: Iterable[str], cut: int, errors: int, warnings: int) -> str:
    return json.dumps({
        "version": 1,
        "files": list(files),
        "diagnostics": [d.as_dict() for d in diags],
        "errors": errors,
        "warnings": warnings,
        "truncated": cut,
    }, ensure_ascii=False, indent=2)


def use_color(choice: str, stream) -> bool:
    """`--color auto|always|never` for one output stream."""
    import os

    if choice == "always":
        return True
    if choice == "never" or os.environ.get("NO_COLOR"):
        return False
    return hasattr(stream, "isatty") and stream.isatty() and os.environ.get("TERM") != "dumb"


def print_diagnostics(diags: Diagnostics, sources: dict, fmt: str, color: bool, files: list[str],
                      limit: int, out=None) -> None:
    """Print the diagnostics of a run in one of the formats (`text`, `short`,
    `json`; `sarif`, `github`: flowc.report_ci), at most `limit` of them,
    with the summary line (text)."""
    import click

    from .limits import MAX_FILE_BYTES
    from .source import Source, read_bytes

    def line_of(path: str, n: int) -> str:
        src = sources.get(path)
        if src is None:
            try:  # only a regular file, never a FIFO or a device
                data = read_bytes(path, MAX_FILE_BYTES)
            except OSError:
                data = b""
            src = sources[path] = Source(path, data.decode("utf-8", "replace"))
        return src.line_text(n)

    diags.limit = limit
    shown, cut = diags.shown()
    if fmt == "json":
        click.echo(render_json(shown, files, cut, diags.count(Severity.ERROR), diags.count(Severity.WARNING)), file=out)
        return
    if fmt == "short":
        for d in shown:
            click.echo(render_short(d), file=out)
        return
    if fmt == "sarif":
        from .report_ci import render_sarif

        click.echo(render_sarif(shown), file=out)
        return
    if fmt == "github":
        from .report_ci import render_github

        for d in shown:
            click.echo(render_github(d), file=out)
        return
    hl = _highlighter(color)
    # click strips colour codes on their way to a pipe unless told otherwise:
    # `--color always` is told.
    for d in shown:
        click.echo(render_text(d, line_of, color, hl) + "\n", file=out, color=color)
    click.echo(summary_line(diags, cut, len(files)), file=out, color=color)


def strict(diags: Diagnostics) -> Diagnostics:
    """The same diagnostics with every warning made an error (`--strict`)."""
    import attrs

    out = Diagnostics(diags.limit)
    for d in diags.sorted():
        out.add(attrs.evolve(d, severity=Severity.ERROR) if d.severity is Severity.WARNING else d)
    return out
