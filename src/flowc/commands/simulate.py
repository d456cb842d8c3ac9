"""`flowc simulate`: run the scenarios of .flow files (the work is in `flowc.simulate`)."""
from __future__ import annotations

import sys

import click

from . import EXIT_USAGE, color_option


@click.command()
@click.argument("files", nargs=-1, required=True, type=click.Path())
@click.option("--scenario", "scenario_names", multiple=True, help="Run only this scenario (repeatable).")
@click.option("--format", "fmt", type=click.Choice(["text", "jsonl"]), default="text", show_default=True)
@click.option("--until", "until", default=None,
              help="Stop every scenario at this local date-time (YYYY-MM-DD[ HH:MM]) instead of its own horizon.")
@click.option("--html", "html_path", type=click.Path(dir_okay=False), default=None,
              help="Also write the run as one self-contained HTML page: a timeline per scenario.")
@color_option
def simulate(files, scenario_names, fmt, until, html_path, color):
    """Run the scenarios of .flow files and show what every robot and trigger does."""
    from ..files import collect_files
    from ..report import use_color
    from ..simulate import run_simulate
    from ..streams import for_json

    if fmt == "jsonl":
        for_json()

    html = None
    if html_path is not None:
        from ..report_html import HtmlRenderer
        html = HtmlRenderer()
    code = run_simulate(collect_files(files), scenario_names, fmt, until, use_color(color, sys.stdout),
                        also=[html] if html else None)
    if html is not None and html.scenarios:
        try:
            with open(html_path, "w", encoding="utf-8", newline="\n") as fh:
                fh.write(html.page())
        except OSError as e:
            sys.stderr.write(f"flowc simulate: cannot write {html_path}: {e.strerror}\n")
            sys.exit(EXIT_USAGE)
        sys.stderr.write(f"flowc simulate: wrote {html_path}\n")
    sys.exit(code)
