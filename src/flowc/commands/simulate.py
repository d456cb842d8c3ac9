"""`flowc simulate`: run the scenarios of .flow files (the work is in `flowc.simulate`)."""
from __future__ import annotations

import sys

import click

from . import color_option


@click.command()
@click.argument("files", nargs=-1, required=True, type=click.Path())
@click.option("--scenario", "scenario_names", multiple=True, help="Run only this scenario (repeatable).")
@click.option("--format", "fmt", type=click.Choice(["text", "jsonl"]), default="text", show_default=True)
@click.option("--until", "until", default=None,
              help="Stop every scenario at this local date-time (YYYY-MM-DD[ HH:MM]) instead of its own horizon.")
@color_option
def simulate(files, scenario_names, fmt, until, color):
    """Run the scenarios of .flow files and show what every robot and trigger does."""
    from ..files import collect_files
    from ..report import use_color
    from ..simulate import run_simulate
    from ..streams import for_json

    if fmt == "jsonl":
        for_json()

    code = run_simulate(collect_files(files), scenario_names, fmt, until, use_color(color, sys.stdout))
    sys.exit(code)
