"""`flowc doc`: the handbook of the automation in Markdown (the pages are
made by `flowc.handbook`)."""
from __future__ import annotations

import datetime as dt
import os
import re
import sys

import click

from . import EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE


@click.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path())
@click.option("-o", "--output", type=click.Path(file_okay=False), default=None,
              help="Write the handbook into this folder (README.md and one page per pipeline) "
                   "instead of printing it as one document.")
@click.option("--from", "start", default=None, metavar="YYYY-MM-DD",
              help="The first of the twelve months whose days off are listed for each calendar "
                   "(default: the first day of the current month; SOURCE_DATE_EPOCH is honoured).")
def doc(paths, output, start):
    """Write the handbook: every pipeline's board, and each trigger and robot
    in plain words, as a checklist for configuring the CRM."""
    from ..board import build_board
    from ..files import collect_files, load_clean
    from ..handbook import handbook

    try:
        first = dt.date.fromisoformat(start) if start is not None else default_start()
    except ValueError:
        raise click.UsageError(f'bad --from "{start}": write YYYY-MM-DD') from None
    files = collect_files(paths)
    loaded = load_clean(files, "doc")
    if loaded is None:
        sys.exit(EXIT_PROBLEMS)
    board = build_board(*loaded)
    origin = ", ".join(f"`{p}`" for p in paths)
    pages = handbook(loaded[0], loaded[1], board, first, origin)
    if output is None:
        sys.stdout.write(one_document(pages))
        sys.exit(EXIT_OK)
    try:
        os.makedirs(output, exist_ok=True)
        for name, text in pages:
            with open(os.path.join(output, name), "w", encoding="utf-8", newline="\n") as fh:
                fh.write(text.rstrip("\n") + "\n")
    except OSError as e:
        sys.stderr.write(f"flowc doc: cannot write into {output}: {e.strerror}\n")
        sys.exit(EXIT_USAGE)
    sys.stderr.write(f"flowc doc: wrote {len(pages)} pages into {output}\n")
    sys.exit(EXIT_OK)


def default_start() -> dt.date:
    """The first day of this month (UTC), or of SOURCE_DATE_EPOCH's month."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    try:
        now = dt.datetime.fromtimestamp(int(epoch), dt.timezone.utc) if epoch else dt.datetime.now(dt.timezone.utc)
    except (ValueError, OverflowError, OSError):
        raise click.UsageError(f'bad SOURCE_DATE_EPOCH "{epoch}": seconds since 1970') from None
    return now.date().replace(day=1)


def one_document(pages: list[tuple[str, str]]) -> str:
    """The pages as one Markdown document: the pipeline pages a level down,
    links between pages turned into links to their headings."""
    anchors = {}
    for name, text in pages[1:]:
        title = text.split("\n", 1)[0].lstrip("# ").strip()
        anchors[name] = "#" + slug(title)
    out = []
    for i, (name, text) in enumerate(pages):
        for target, anchor in anchors.items():
            text = text.replace(f"]({target})", f"]({anchor})")
        text = text.replace("](README.md)", "](#automation-handbook)")
        out.append(text if i == 0 else demote(text))
    return "\n\n".join(t.rstrip("\n") for t in out) + "\n"


def demote(markdown: str) -> str:
    """Every heading one level down (outside code blocks)."""
    lines, fenced = [], False
    for line in markdown.split("\n"):
        if line.startswith("```"):
            fenced = not fenced
        lines.append("#" + line if not fenced and line.startswith("#") else line)
    return "\n".join(lines)


def slug(title: str) -> str:
    """A heading's anchor as GitHub makes it."""
    return re.sub(r"[^\w\- ]", "", title.lower()).replace(" ", "-")
