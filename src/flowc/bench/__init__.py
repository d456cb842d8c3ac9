"""Benchmarks: `python -m flowc.bench [--quick] [--only GROUP ...]`.

Machines are shared and noisy, so nothing here asserts an absolute time:
every figure is a ratio against a baseline measured in the same run (the
method is in `measure`, and docs/performance.md says it with the latest
figures).  One module per group of rows, each with `rows(quick) -> list`
of `measure.Row` (a ratio, its target, pass/fail) or plain lines:

==============  ============================================================
`startup`       P1: `flowc check` on a small file and `flowc --version`, whole
                processes; what `flowc check` imports
`checking`      P2: check of 1 MB vs a bare Lark parse; P6: 0.1, 1, 10 MB;
                time per stage and per operand
`editing`       P7: the language server's diagnostics after an edit, 1 MB
`simulation`    simulation: events/s, memory of long traces, time per record
`worktime`      P5: working-time additions/s against a minute-stepping oracle
==============  ============================================================

`replay` is a benchmark of its own, long (an hour on 2 shared cores):
`python -m flowc.bench.replay` replays 1,000,000 generated records with
`--jobs 1`, `--jobs 2` and a Dask LocalCluster of 2 workers.

`inputs` generates the projects (they check clean; tests keep them so).
The groups run in the order of `GROUPS` (in `__main__`); the exit status is
1 when a row fails its target.
"""
from __future__ import annotations

from .inputs import check_text, generate, generate_condition, generate_scenario, simulate_text

__all__ = ["check_text", "generate", "generate_condition", "generate_scenario", "simulate_text"]
