"""`flowc explain`: why a robot ran (or did not) and what a record looked
like at a moment (`flowc.explain`), or the documentation of a diagnostic
code (`flowc.codes`)."""
from __future__ import annotations

import sys

import click

from . import EXIT_OK, EXIT_USAGE


@click.command()
@click.argument("target")
def explain(target):
    """Explain a diagnostic code: `flowc explain F303` prints its
    documentation (what it means, an example, the fix)."""
    from ..codes import explain as explain_code, is_code, known
    from ..diagnostics import suggest

    if not is_code(target):
        raise click.UsageError(f'"{target}" is not a diagnostic code (F followed by three digits, like F303)')
    text = explain_code(target)
    if text is None:
        hint = suggest(target.upper(), known())
        sys.stderr.write(f"flowc explain: no diagnostic {target.upper()}"
                         + (f'; did you mean "{hint}"?' if hint else "") + " (docs/diagnostics.md lists them all)\n")
        sys.exit(EXIT_USAGE)
    click.echo(text, nl=False)
    sys.exit(EXIT_OK)
