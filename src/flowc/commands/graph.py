"""`flowc graph`: the board of the automation as a picture (the model is
`flowc.board`, the drawing `flowc.graph_render`; SVG and PNG come from
Graphviz's `dot`)."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys

import click

from . import EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE

FORMATS = ("mermaid", "dot", "svg", "png")

#: The format an output file's name asks for, when --format is not given.
SUFFIXES = {".mmd": "mermaid", ".mermaid": "mermaid", ".md": "mermaid", ".dot": "dot", ".gv": "dot",
            ".svg": "svg", ".png": "png"}

NO_DOT = ("flowc graph: --format {fmt} needs Graphviz's `dot`, which is not installed "
          "(Debian/Ubuntu: apt-get install graphviz; macOS: brew install graphviz; "
          "others: https://graphviz.org/download/); --format dot or mermaid need nothing\n")

#: Graphviz gets this long to draw; a board is small, so more means something is wrong.
DOT_TIMEOUT = 120


@click.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path())
@click.option("--pipeline", default=None, help="Draw only this pipeline (links to others end at a grey box).")
@click.option("--format", "fmt", type=click.Choice(FORMATS), default=None,
              help="mermaid (default; renders in GitHub and GitLab Markdown), dot, or svg/png (through Graphviz). "
                   "Without it, the output file's extension decides.")
@click.option("-o", "--output", type=click.Path(dir_okay=False), default=None,
              help="Write to this file instead of standard output.")
def graph(paths, pipeline, fmt, output):
    """Draw the board: stages in order, robots with their timing, triggers,
    the moves and copies robots make, and loops in red."""
    from ..board import build_board
    from ..files import collect_files, load_clean
    from ..graph_render import dot, mermaid

    if fmt is None:
        fmt = SUFFIXES.get(os.path.splitext(output)[1].lower(), "mermaid") if output else "mermaid"
    if fmt in ("svg", "png") and shutil.which("dot") is None:
        sys.stderr.write(NO_DOT.format(fmt=fmt))
        sys.exit(EXIT_USAGE)
    loaded = load_clean(collect_files(paths), "graph")
    if loaded is None:
        sys.exit(EXIT_PROBLEMS)
    board = build_board(*loaded)
    if not board.pipelines:
        sys.stderr.write("flowc graph: no pipeline in " + ", ".join(paths) + ": the picture is empty\n")
    if pipeline is not None:
        names = [p.name for p in board.pipelines]
        if pipeline not in names:
            raise click.UsageError(f'no pipeline "{pipeline}" (pipelines: {", ".join(names) or "none"})')
        board = board.only(pipeline)
    text = (dot if fmt != "mermaid" else mermaid)(board)
    data = text.encode("utf-8") if fmt in ("mermaid", "dot") else run_dot(text, fmt)
    if output is None:
        sys.stdout.flush()
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
    else:
        try:
            with open(output, "wb") as fh:
                fh.write(data)
        except OSError as e:
            sys.stderr.write(f"flowc graph: cannot write {output}: {e.strerror}\n")
            sys.exit(EXIT_USAGE)
    sys.exit(EXIT_OK)


def run_dot(text: str, fmt: str) -> bytes:
    """`dot -T<fmt>` on the DOT text; exit 2 with Graphviz's message if it fails."""
    try:
        done = subprocess.run(["dot", f"-T{fmt}"], input=text.encode("utf-8"), capture_output=True,
                              timeout=DOT_TIMEOUT, check=False)
    except (OSError, subprocess.TimeoutExpired) as e:
        sys.stderr.write(f"flowc graph: Graphviz's dot failed: {e}\n")
        sys.exit(EXIT_USAGE)
    if done.returncode != 0:
        why = done.stderr.decode("utf-8", "replace").strip()
        sys.stderr.write(f"flowc graph: Graphviz's dot failed: {why}\n")
        sys.exit(EXIT_USAGE)
    return done.stdout
