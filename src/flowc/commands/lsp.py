"""`flowc lsp`: the language server on standard input and output."""
from __future__ import annotations

import sys

import click

from . import EXIT_USAGE


def lsp_requirements() -> list[str]:
    """The packages of flowc's `lsp` extra, as pip takes them ([] when
    flowc's metadata cannot be read: run from a source tree)."""
    from importlib import metadata

    try:
        requires = metadata.requires("flowc") or []
    except metadata.PackageNotFoundError:
        return []
    out = []
    for r in requires:
        spec, _, marker = r.partition(";")
        if marker.replace(" ", "").replace("'", '"') == 'extra=="lsp"':
            out.append(spec.strip())
    return out


def missing_server_message(error: ImportError) -> str:
    """What to do when the language server's packages are not installed:
    flowc is installed from its source folder (a requirement `flowc[lsp]`
    would look for it on PyPI), so the message names the packages, for the
    environment flowc runs from."""
    import shlex

    python = shlex.quote(sys.executable)
    what = getattr(error, "name", None) or str(error)
    lines = [f"flowc lsp needs the language server packages, and {what} is not installed "
             f"in the environment flowc runs from ({sys.prefix})."]
    need = lsp_requirements()
    if need:
        lines.append(f"Install them: {python} -m pip install {' '.join(shlex.quote(r) for r in need)}")
    lines.append(f"or, in the flowc source folder: {python} -m pip install '.[lsp]'")
    return "\n".join(lines)


@click.command()
def lsp():
    """Run the language server on stdin/stdout (for editors)."""
    try:
        from ..lsp.features import serve
    except ImportError as e:
        click.echo(missing_server_message(e), err=True)
        sys.exit(EXIT_USAGE)
    serve()
