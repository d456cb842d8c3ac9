"""`flowc replay`, from the command line's options to the report: load and
check the project, open the data set, cut it into partitions, run them (here,
in N processes, or on Dask), merge the summaries, write the trace in
partition order, print the report.

Exit codes: 0 the replay ran and every row of the data was used; 1 the
project has errors (nothing runs), rows of the data could not be used (they
are reported, counted and skipped), or a record's replay hit a loop or a
limit; 2 usage or I/O (a data folder or file that cannot be read, an
unreachable scheduler, a bad option).
"""
from __future__ import annotations

import datetime as dt
import os
import sys
import zlib
from typing import TextIO

import attrs

from .problems import ProblemLog

EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE = 0, 1, 2


@attrs.frozen
class Options:
    files: tuple[str, ...]
    data: str
    source: str = "neutral"  # or "bitrix24"
    mapping: str | None = None  # the Bitrix24 mapping, when not the export's bitrix24.toml
    fmt: str = "text"
    trace: str | None = None
    jobs: int = 1
    dask: bool = False
    scheduler: str | None = None
    partition_size: int = 2_000
    until: dt.datetime | None = None
    channels: tuple[tuple[str, str | None], ...] | None = None  # None: every channel is connected
    top: int = 10


def load_project(files: tuple[str, ...], err: TextIO):
    """(project, sources) of the flow files as one project, or None when
    they have errors (printed as `flowc check` prints them)."""
    from ..check import check
    from ..diagnostics import Diagnostics, Severity
    from ..lower import load
    from ..report import print_diagnostics

    diags = Diagnostics()
    project, modules = load(list(files), diags)
    check(project, diags)
    sources = {m.path: m.source for m in modules}
    shown = Diagnostics(diags.limit)
    shown.extend(d for d in diags if d.severity <= Severity.WARNING)
    if len(shown):
        print_diagnostics(shown, sources, "text", False, list(files), diags.limit, out=err)
    if diags.has_errors:
        return None
    return project, tuple((m.path, m.source.text) for m in modules)


def replay(o: Options, out: TextIO | None = None, err: TextIO | None = None) -> int:
    from ..index import Index
    from ..schema import CHANNELS
    from . import report
    from .formats import DataSetError, find_files
    from .join import open_data_set, partitions
    from .run import Job, run_here, run_processes
    from .summary import Summary

    out = out or sys.stdout
    err = err or sys.stderr
    loaded = load_project(o.files, err)
    if loaded is None:
        err.write("flowc replay: the files have errors; nothing was replayed\n")
        return EXIT_PROBLEMS
    project, sources = loaded
    index = Index(project)

    log = ProblemLog()
    try:
        if o.source == "bitrix24":
            from ..diagnostics import Diagnostics
            from ..report import print_diagnostics
            from .bitrix24 import open_export
            diags = Diagnostics()
            opened = open_export(o.data, index, log, diags, o.mapping)
            if len(diags):
                print_diagnostics(diags, {}, "text", False, [o.mapping or o.data], diags.limit, out=err)
            if opened is None or diags.has_errors:
                err.write("flowc replay: the mapping has errors; nothing was replayed\n")
                return EXIT_PROBLEMS
            store, rows, have_people, described, _ = opened
        else:
            files = find_files(o.data)
            store, rows = open_data_set(files, log)
            have_people = "people" in files
            described = ", ".join(os.path.basename(files[k]) for k in ("records", "history", "people")
                                  if k in files)
    except DataSetError as e:
        err.write(f"flowc replay: {e}\n")
        return EXIT_USAGE

    channels = o.channels if o.channels is not None else tuple((k, None) for k in CHANNELS)
    job = Job(tuple(o.files), sources, channels, o.until, o.trace is not None, have_people)
    trace_file = None
    try:
        if o.trace is not None:
            try:
                trace_file = open(o.trace, "wb")
            except OSError as e:
                err.write(f"flowc replay: cannot write the trace to {o.trace}: {e.strerror or e}\n")
                return EXIT_USAGE
        parts = partitions(rows, store, log, o.partition_size)
        if o.dask or o.scheduler:
            from .cluster import run_dask
            results = run_dask(job, parts, o.scheduler, o.jobs)
        elif o.jobs > 1:
            results = run_processes(job, parts, o.jobs)
        else:
            results = run_here(job, parts)
        total = Summary()
        try:
            for result in results:
                total.merge(result.summary)
                if trace_file is not None and result.trace:
                    trace_file.write(zlib.decompress(result.trace))
        except DataSetError as e:
            err.write(f"flowc replay: {e}\n")
            return EXIT_USAGE
        except Exception as e:
            from .cluster import ClusterError
            if isinstance(e, ClusterError):
                err.write(f"flowc replay: {e}\n")
                return EXIT_USAGE
            raise
        orphans, n_orphans = store.orphans()
        log.extend(orphans)
        if n_orphans > len(orphans):
            log.dropped["R105"] = log.dropped.get("R105", 0) + n_orphans - len(orphans)
    finally:
        store.close()
        if trace_file is not None:
            trace_file.close()

    skipped_rows = log.skipped_records
    total.records += skipped_rows
    total.skipped += skipped_rows
    total.add_problems(log.kept)
    total.problem_counts.update(log.dropped)

    r = report.build(total, index, o.top)
    if o.fmt == "json":
        report.write_json(r, out)
    else:
        report.write_text(r, out, f"Replay of {o.data} ({described}) with {', '.join(o.files)}")
    out.flush()
    bad = any(c for code, c in total.problem_counts.items() if _is_error(code))
    return EXIT_PROBLEMS if bad or total.error_count else EXIT_OK


def _is_error(code: str) -> bool:
    from .problems import CODES
    return CODES[code][0] == "error"

