"""Running partitions: the work of one partition, and running many of them
in this process or in `--jobs N` processes on this machine.

`run_partition(job, number, bundles)` is what a worker does, wherever it
runs (here, a process of the pool, a Dask worker): turn each bundle into a
replay record, replay it, add it to the partition's `Summary`, and write its
trace lines (compressed) when a trace is asked for.  A worker loads the
project once, from the files' text carried by the `Job`, so that a worker on
another machine needs nothing but flowc installed.

`in_order` runs partitions through any `submit` (a pool's, Dask's) with a
bounded number in flight, and hands the results back in partition order: the
client's memory holds a few partitions, never the data set.
"""
from __future__ import annotations

import datetime as dt
import zlib
from typing import Callable, Iterable, Iterator

import attrs

from .join import Bundle
from .problems import Problem
from .summary import Summary


@attrs.frozen
class Job:
    """Everything a worker needs besides its partition (sent once per worker)."""
    files: tuple[str, ...]
    sources: tuple[tuple[str, str], ...]  # (path, text) of every .flow file loaded
    channels: tuple[tuple[str, str | None], ...] = ()
    until: dt.datetime | None = None
    trace: bool = False
    have_people: bool = True


@attrs.frozen
class Result:
    number: int
    summary: Summary
    trace: bytes | None  # zlib-compressed JSON lines
    seconds: float = 0.0  # wall time of the partition on its worker
    cpu: float = 0.0      # CPU time of the partition on its worker


_CONTEXT: dict = {}


def _context(job: Job):
    """(reader, engine, tz) for a job, built once per process."""
    key = (job.files, job.sources, job.channels, job.until)
    ctx = _CONTEXT.get(key)
    if ctx is None:
        from ..diagnostics import Diagnostics
        from ..index import Index
        from ..lower import load
        from .engine import Engine
        from .records import Reader
        project, _ = load(list(job.files), Diagnostics(), overrides=dict(job.sources))
        index = Index(project)
        ctx = (Reader(index), Engine(project, index, job.channels, job.until), index.timezone)
        _CONTEXT.clear()
        _CONTEXT[key] = ctx
    return ctx


def run_partition(job: Job, number: int, bundles: list[Bundle]) -> Result:
    import time
    from ..render import dumps, event_dict, iso

    started, cpu = time.perf_counter(), time.process_time()
    reader, engine, tz = _context(job)
    summary = Summary()
    lines: list[str] = []
    for position, b in enumerate(bundles):
        summary.records += 1
        problems: list[Problem] = []
        rec = reader.record(b, problems, job.have_people)
        if problems:
            summary.add_problems(problems)
        if rec is None:
            summary.skipped += 1
            continue
        steps, outcome, summaries = engine.run(rec)
        names = {rec.id: "<record>"}
        names.update((p.name.value, "<person>") for p in rec.people)
        summary.add_record((number, position), rec.id, rec.final, steps, outcome, tz, names)
        if job.trace:
            lines.extend(dumps(event_dict(s.event, tz)) for s in steps)
            for d in summaries:
                d["at"] = iso(d["at"], tz)
                lines.append(dumps(d))
    trace = zlib.compress(("\n".join(lines) + "\n").encode("utf-8"), 1) if job.trace and lines else (
        b"" if job.trace else None)
    return Result(number, summary, trace, time.perf_counter() - started, time.process_time() - cpu)


def in_order(submit: Callable[[int, list[Bundle]], object], wait_any: Callable[[list], list],
             partitions: Iterable[list[Bundle]], window: int) -> Iterator[Result]:
    """Submit partitions, at most `window` in flight; yield their results in
    partition order.  `submit(number, bundles)` returns a future;
    `wait_any(futures)` returns the finished ones as (future, Result) pairs."""
    pending: dict = {}   # future -> number
    done: dict[int, Result] = {}
    next_out = 0
    it = iter(enumerate(partitions))
    exhausted = False
    while True:
        while not exhausted and len(pending) + len(done) < window:
            try:
                number, bundles = next(it)
            except StopIteration:
                exhausted = True
                break
            pending[submit(number, bundles)] = number
        if not pending and next_out not in done:
            return
        if next_out not in done:
            for fut, result in wait_any(list(pending)):
                pending.pop(fut)
                done[result.number] = result
        while next_out in done:
            yield done.pop(next_out)
            next_out += 1


def run_here(job: Job, partitions: Iterable[list[Bundle]]) -> Iterator[Result]:
    for number, bundles in enumerate(partitions):
        yield run_partition(job, number, bundles)


def run_processes(job: Job, partitions: Iterable[list[Bundle]], jobs: int) -> Iterator[Result]:
    """`--jobs N`: a pool of N processes on this machine."""
    import concurrent.futures as cf
    import multiprocessing

    ctx = multiprocessing.get_context("spawn")
    with cf.ProcessPoolExecutor(max_workers=jobs, mp_context=ctx) as pool:
        def submit(number, bundles):
            return pool.submit(run_partition, job, number, bundles)

        def wait_any(futures):
            finished, _ = cf.wait(futures, return_when=cf.FIRST_COMPLETED)
            return [(f, f.result()) for f in finished]

        yield from in_order(submit, wait_any, partitions, window=2 * jobs)
