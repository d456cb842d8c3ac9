"""`flowc replay`: run a project's rules against CRM data (the work is in `flowc.replay`)."""
from __future__ import annotations

import sys

import click

from . import EXIT_USAGE


def _channel(text: str) -> tuple[str, str | None]:
    kind, _, label = text.partition(":")
    return kind.strip(), (label.strip() or None)


@click.command()
@click.argument("files", nargs=-1, required=True, type=click.Path())
@click.option("--data", "data", type=click.Path(), default=None,
              help="A data set in the CRM-neutral format: the folder of records.jsonl or records.csv.")
@click.option("--bitrix24", "bitrix24", type=click.Path(), default=None,
              help="A folder of Bitrix24 REST answers (crm.deal.list, crm.stagehistory.list... pages) "
                   "with its mapping bitrix24.toml.")
@click.option("--mapping", "mapping", type=click.Path(dir_okay=False), default=None,
              help="The Bitrix24 mapping (default: bitrix24.toml in the --bitrix24 folder).")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@click.option("--trace", "trace", type=click.Path(dir_okay=False), default=None,
              help="Write the full trace to this file, as JSON lines.")
@click.option("--jobs", "jobs", type=click.IntRange(1, 1024), default=1, show_default=True,
              help="Processes on this machine (with --dask: workers of a LocalCluster).")
@click.option("--dask", "dask", is_flag=True, help="Run on Dask distributed: a LocalCluster of --jobs workers.")
@click.option("--scheduler", "scheduler", default=None,
              help="Run on the Dask cluster of this scheduler (tcp://host:8786).")
@click.option("--partition-size", "partition_size", type=click.IntRange(1, 10_000_000), default=2_000,
              show_default=True, help="Records per partition (a partition is the unit of work).")
@click.option("--until", "until", default=None,
              help="Replay every record up to this local date-time (YYYY-MM-DD[ HH:MM]); "
                   "default: 30 days after its last history item.")
@click.option("--channel", "channels", multiple=True,
              help="A connected channel, KIND[:LABEL] (repeatable); default: every kind is connected.")
@click.option("--top", "top", type=click.IntRange(1, 10_000), default=10, show_default=True,
              help="How many reasons, contacts, employees and examples the report lists.")
def replay(files, data, bitrix24, mapping, fmt, trace, jobs, dask, scheduler, partition_size, until, channels, top):
    """Run the rules of .flow files against CRM records and report what they would have done."""
    from ..schema import CHANNELS
    from ..simulate import parse_until
    from ..replay.driver import Options, replay as run

    if (data is None) == (bitrix24 is None):
        click.echo("flowc replay: give the data: --data FOLDER (CRM-neutral format) or --bitrix24 FOLDER", err=True)
        sys.exit(EXIT_USAGE)
    until_at = None
    if until is not None:
        try:
            until_at = parse_until(until)
        except ValueError as e:
            click.echo(f"flowc replay: {e}", err=True)
            sys.exit(EXIT_USAGE)
    chans = tuple(_channel(c) for c in channels) if channels else None
    for kind, _ in chans or ():
        if kind not in CHANNELS:
            click.echo(f"flowc replay: unknown channel kind {kind!r} (kinds: {', '.join(CHANNELS)})", err=True)
            sys.exit(EXIT_USAGE)
    options = Options(tuple(files), data or bitrix24, "bitrix24" if bitrix24 else "neutral", mapping, fmt, trace,
                      jobs, dask, scheduler, partition_size, until_at, chans, top)
    sys.exit(run(options))
