"""Simulation rows: events per second, peak memory of a long trace against
a short one (traces are streamed), and the time per record of scenarios of
growing size."""
from __future__ import annotations

import tracemalloc

from .inputs import generate_scenario, simulate_text
from .measure import Row, best, growth, info


def simulation(repeat: int) -> list:
    try:
        from ..simulate import run_simulate  # noqa: F401
    except ImportError:
        return [info("simulate", "(not available)")]
    from ..check import check
    from ..diagnostics import Diagnostics
    from ..interpret import simulate
    from ..lower import lower
    from ..parse import parse

    def scenario_text(days: int, records: int) -> str:
        recs = "\n".join(f"  record d{i}: deal in loop.a {{ amount {i} }}" for i in range(records))
        return ('timezone "UTC"\nentity deal { amount: money }\n'
                "pipeline loop for deal {\n"
                "  stage a { robot go: move to b after 1h }\n"
                "  stage b { robot back: move to a after 1h\n"
                "            robot note: notify responsible \"{amount}\" }\n}\n"
                f"scenario s {{\n  start 2026-01-05 09:00\n{recs}\n  run for {days} days\n}}\n")

    def run(text: str) -> int:
        diags = Diagnostics()
        project = lower([parse(text, "sim.flow", diags)], diags)
        index = check(project, diags)
        n = 0
        for _ in simulate(project, index, project.scenarios[0]):
            n += 1
        return n

    lines: list = []
    small, big = scenario_text(2, 20), scenario_text(16, 20)
    events = run(small)
    t = best(lambda: run(small), repeat)
    lines.append(info("simulate", f"{events} events in {t * 1000:.1f} ms ({events / t:,.0f} events/s)"))
    peaks = []
    for text in (small, big):
        tracemalloc.start()
        run(text)
        peaks.append(tracemalloc.get_traced_memory()[1])
        tracemalloc.stop()
    ratio = peaks[1] / max(peaks[0], 1)
    lines.append(Row("simulate", "peak memory, 8x longer trace vs short", ratio, 2.0,
                     f"{peaks[0] / 1024:.0f} KiB -> {peaks[1] / 1024:.0f} KiB"))
    return lines


def rows(quick: bool) -> list:
    repeat = 2 if quick else 5
    n = 25 if quick else 100
    sizes = [n * k for k in (1, 2, 4, 8)]
    return simulation(repeat) + growth("simgrowth", "records", sizes, [generate_scenario(s) for s in sizes],
                                       simulate_text, repeat)
