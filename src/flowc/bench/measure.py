"""How the benchmark measures: every figure is a ratio against a baseline
measured in the same run, so that a shared, noisy machine slows both alike.

* `paired(subject, baseline)`: the two run alternately, `repeat` times each,
  after a warm-up; the medians are compared.  `process_cpu(args)` times a
  whole child process in CPU seconds (user + system), which a busy machine
  disturbs far less than wall-clock time.
* `growth(...)`: the time per unit of inputs of growing size, against the
  smallest input's (flat when the work is linear).
* a `Row` is one line of the report: what was measured, against what, the
  ratio, the target and a pass/fail word.
"""
from __future__ import annotations

import gc
import os
import resource
import statistics
import subprocess
import sys
import time
from typing import Callable, Sequence

import attrs


def best(fn: Callable[[], object], repeat: int) -> float:
    """The shortest of `repeat` wall-clock timings of `fn()`, in seconds."""
    times = []
    for _ in range(repeat):
        gc.collect()
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return min(times)


def timed(fn: Callable[[], object]) -> float:
    """One wall-clock timing of `fn()`, in seconds, after a collection."""
    gc.collect()
    t0 = time.perf_counter()
    fn()
    return time.perf_counter() - t0


def paired(subject: Callable[[], float], baseline: Callable[[], float], repeat: int,
           warmup: int = 1) -> tuple[float, float]:
    """Medians of `subject()` and `baseline()`, each a function that runs once
    and returns the seconds it took, run alternately `repeat` times."""
    for _ in range(warmup):
        baseline()
        subject()
    s, b = [], []
    for i in range(repeat):
        if i % 2:
            s.append(subject())
            b.append(baseline())
        else:
            b.append(baseline())
            s.append(subject())
    return statistics.median(s), statistics.median(b)


def cpu(fn: Callable[[], object]) -> float:
    """CPU seconds of one run of `fn()` in this process, after a collection."""
    gc.collect()
    t0 = time.process_time()
    fn()
    return time.process_time() - t0


def process_cpu(args: Sequence[str], env: dict | None = None, cwd: str | None = None) -> float:
    """CPU seconds (user + system) of one run of `python args...`."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    subprocess.run([sys.executable, *args], env=env, cwd=cwd, stdout=subprocess.DEVNULL,
                   stderr=subprocess.DEVNULL, check=False)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def source_env() -> dict:
    """The environment for child processes: this flowc first on the path."""
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    env = dict(os.environ, PYTHONPATH=root + os.pathsep + os.environ.get("PYTHONPATH", ""))
    # An installed flowc has its bytecode compiled: let the warm-up runs write it.
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    return env


@attrs.frozen
class Row:
    """One line of the report.  `ratio` is the measure against its baseline;
    `target` the largest ratio that passes (None: a figure for information)."""
    key: str
    what: str
    ratio: float
    target: float | None = None
    detail: str = ""
    at_least: bool = False  # the ratio must be >= target (a throughput), not <=
    unit: str = "x"  # "x" for a ratio; "s" when the row is a time with no baseline

    @property
    def ok(self) -> bool | None:
        if self.target is None:
            return None
        return self.ratio >= self.target if self.at_least else self.ratio <= self.target

    def line(self) -> str:
        if self.target is None:
            verdict = ""
        else:
            sign = ">=" if self.at_least else "<="
            verdict = f"  target {sign} {self.target:g}{self.unit}  {'pass' if self.ok else 'FAIL'}"
        return (f"{self.key:<10} {self.what:<46} {self.ratio:7.2f}{self.unit}{verdict}"
                + (f"   {self.detail}" if self.detail else ""))


def info(key: str, text: str) -> str:
    """A line of the report that is not a ratio."""
    return f"{key:<10} {text}"


def growth(label: str, unit: str, sizes: list[int], texts: list[str], fn: Callable[[str], object],
           repeat: int, limit: float = 2.0) -> list[Row]:
    """Time `fn` on each text; the time per unit against the smallest size's
    (a row fails past `limit`: the work is not linear)."""
    rows: list[Row] = []
    base = None
    fn(texts[0])  # warm up: imports, caches
    for n, text in zip(sizes, texts):
        t = best(lambda: fn(text), repeat)
        per = t / n
        base = base or per
        rows.append(Row(label, f"{n} {unit}: time per {unit.rstrip('s')} vs {sizes[0]}", per / base, limit,
                        f"{t * 1000:.1f} ms"))
    return rows
