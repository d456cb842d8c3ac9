"""`flowc lsp`: the language server on standard input and output."""
from __future__ import annotations

import sys

import click

from . import EXIT_USAGE


@click.command()
def lsp():
    """Run the language server on stdin/stdout (for editors)."""
    try:
        from ..lsp.features import serve
    except ImportError as e:
        click.echo(f"flowc lsp needs the language server extras: pip install 'flowc[lsp]' ({e})", err=True)
        sys.exit(EXIT_USAGE)
    serve()
