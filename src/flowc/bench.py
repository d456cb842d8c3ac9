"""Benchmarks: `python -m flowc.bench [--quick]`.

Machines are shared and noisy, so nothing here asserts an absolute time.
Every figure is a ratio against a baseline measured in the same run:

* start-up: `flowc check` on a small file vs `python -c pass`, and the
  modules `flowc check` imports (pygls must not be among them);
* growth: checking generated projects of N, 2N, 4N, 8N stages; the time per
  stage must stay flat (LALR parsing and the checks are linear), so the
  ratio t(8N) / (8 t(N)) should stay near 1;
* throughput: parse + lower + check vs a plain `re` scan of the same text;
* simulation: events per second, and peak memory for a long trace vs a short
  one (traces are streamed, so memory must not grow with the trace);
* simulation growth: scenarios of N, 2N, 4N, 8N records on the project of
  `generate`; the time per record must stay flat;
* expression growth: one condition of N, 2N, 4N, 8N operands (`and`, `+`,
  list items); the time per operand must stay flat.

Exit status 1 when a growth or memory ratio is far off (> 2.0), else 0.
"""
from __future__ import annotations

import argparse
import gc
import io
import os
import re
import subprocess
import sys
import time
import tracemalloc


def _best(fn, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        gc.collect()
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return min(times)


def generate(stages: int) -> str:
    """A synthetic but realistic project that checks clean: `stages` stages in
    pipelines of 20, each stage with three robots (timing in working hours,
    conditions, placeholders, an `after previous` chain) and a trigger on a
    field of its own; the last stage of each pipeline moves to a final one."""
    out = ['timezone "Europe/Lisbon"',
           "calendar office {\n  hours mon-fri 09:00-13:00, 14:00-18:00\n}",
           "entity deal {\n  amount: money\n  close_date: date\n  source: text\n"
           + "".join(f"  f{i}: text\n" for i in range(stages)) + "}"]
    per = 20
    for p0 in range(0, stages, per):
        n = min(per, stages - p0)
        out.append(f'pipeline big{p0 // per} for deal "Big {p0 // per}" {{')
        for i in range(p0, p0 + n):
            nxt = f"s{i + 1}" if i + 1 < p0 + n else "won"
            trig = f"    trigger field f{i} changed if source = \"s{i}\"\n" if i > p0 else ""
            out.append(f'  stage s{i} "Stage {i}" {{\n{trig}'
                       f'    robot r{i}a: notify responsible "Deal {{title}} at stage {i} ({{amount}})"'
                       f' after {i % 50 + 1}m in office hours if amount > {i * 10} and close_date is set\n'
                       f'    robot r{i}b: create task "Call {{client.name}}" {{ deadline tomorrow 14:00 }}'
                       f' after previous\n'
                       f'    robot r{i}c: move to {nxt} 1 day before close_date\n'
                       f'  }}')
        out.append('  stage won "Won" success\n}')
    return "\n".join(out) + "\n"


def generate_scenario(records: int, stages: int = 20) -> str:
    """`generate(stages)` and a scenario of `records` deals spread over its
    stages: robots in working hours, `after previous` chains, triggers fired
    by happenings; two weeks long (the date-relative robots are due later:
    they wait)."""
    out = [generate(stages), "scenario bench {", "  start 2026-03-02 08:30", "  run for 14 days",
           '  employee ana "Ana"', '  contact c1 "Rui" {\n    email "rui@example.com"\n  }']
    for i in range(records):
        out.append(f"  record d{i}: deal in s{i % stages} {{\n    amount {i * 7 % 5_000}\n"
                   f"    close_date 2026-03-{20 + i % 9:02d}\n    source \"s{(i + 1) % stages}\"\n"
                   f"    client c1\n" + "".join(f'    f{k} "-"\n' for k in range(stages)) + "  }")
    for i in range(0, records, 3):
        out.append(f"  at 2026-03-0{3 + i % 5} 10:00 set d{i}.f{(i + 1) % stages} = \"x\"")
    out.append("}")
    return "\n".join(out) + "\n"


def generate_condition(operands: int, kind: str = "and") -> str:
    """A clean project whose one robot has a condition of `operands` parts."""
    if kind == "and":
        cond = " and ".join(f"amount > {i}" for i in range(operands))
    elif kind == "sum":
        cond = "amount > " + " + ".join(str(i) for i in range(operands))
    else:  # a list
        cond = "amount in [" + ", ".join(str(i) for i in range(operands)) + "]"
    return ("entity deal {\n  amount: money\n}\n"
            f'pipeline p for deal {{\n  stage s {{\n    robot r: notify responsible "x" if {cond}\n  }}\n'
            "  stage won success\n}\n")


def _check_text(text: str) -> int:
    from .check import check
    from .diagnostics import Diagnostics
    from .lower import lower
    from .parse import parse

    diags = Diagnostics()
    project = lower([parse(text, "bench.flow", diags)], diags)
    check(project, diags)
    return len(diags)


def bench_startup(repeat: int) -> list[str]:
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    env = dict(os.environ, PYTHONPATH=root + os.pathsep + os.environ.get("PYTHONPATH", ""))
    sample = os.path.join(os.getcwd(), "_bench_startup.flow")
    with open(sample, "w", encoding="utf-8") as f:
        f.write(generate(3))
    try:
        def run(args):
            subprocess.run([sys.executable, *args], env=env, stdout=subprocess.DEVNULL,
                           stderr=subprocess.DEVNULL, check=False)
        base = _best(lambda: run(["-c", "pass"]), repeat)
        chk = _best(lambda: run(["-m", "flowc", "check", sample]), repeat)
        mods = subprocess.run(
            [sys.executable, "-c",
             "import sys, os, runpy; sys.argv=['flowc','check',%r]\n"
             "out, sys.stdout = sys.stdout, open(os.devnull, 'w')\n"
             "try:\n runpy.run_module('flowc', run_name='__main__')\n"
             "except SystemExit: pass\n"
             "sys.stdout = out\n"
             "print(' '.join(sorted(m for m in sys.modules if m.split('.')[0] in "
             "('pygls','lsprotocol','holidays','pendulum','pygments'))))" % sample],
            env=env, capture_output=True, text=True).stdout.strip()
    finally:
        os.unlink(sample)
    heavy = sorted({m.split(".")[0] for m in mods.split()})
    lines = [f"startup   python -c pass           {base * 1000:8.1f} ms   (baseline)",
             f"startup   flowc check small file   {chk * 1000:8.1f} ms   ratio {chk / base:5.1f}x",
             f"startup   heavy modules loaded by check: {', '.join(heavy) or 'none'}"]
    if "pygls" in heavy or "lsprotocol" in heavy:
        lines.append("FAIL      flowc check imports the language server")
    return lines


def bench_growth(n: int, repeat: int) -> tuple[list[str], bool]:
    lines, ok = [], True
    base_t = None
    for k in (1, 2, 4, 8):
        text = generate(n * k)
        t = _best(lambda: _check_text(text), repeat)
        scan = _best(lambda: sum(1 for _ in re.finditer(r"\w+|\S", text)), repeat)
        per = t / (n * k)
        if base_t is None:
            base_t = per
        growth = per / base_t
        flag = ""
        if growth > 2.0:
            ok, flag = False, "  << not linear"
        lines.append(f"growth    {n * k:6d} stages  {len(text) / 1024:8.0f} KiB  check {t * 1000:8.1f} ms"
                     f"  vs regex scan {t / scan:6.1f}x  per-stage ratio {growth:4.2f}{flag}")
    return lines, ok


def bench_simulate(repeat: int) -> tuple[list[str], bool]:
    try:
        from .simulate import run_simulate  # noqa: F401
    except ImportError:
        return ["simulate  (not available)"], True
    from .check import check
    from .diagnostics import Diagnostics
    from .index import Index
    from .interpret import simulate
    from .lower import lower
    from .parse import parse

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

    lines, ok = [], True
    small, big = scenario_text(2, 20), scenario_text(16, 20)
    events = run(small)
    t = _best(lambda: run(small), repeat)
    lines.append(f"simulate  {events} events in {t * 1000:.1f} ms ({events / t:,.0f} events/s)")
    peaks = []
    for text in (small, big):
        tracemalloc.start()
        run(text)
        peaks.append(tracemalloc.get_traced_memory()[1])
        tracemalloc.stop()
    ratio = peaks[1] / max(peaks[0], 1)
    flag = ""
    if ratio > 2.0:
        ok, flag = False, "  << memory grows with the trace"
    lines.append(f"simulate  peak memory, 8x longer trace: {peaks[0] / 1024:.0f} KiB -> {peaks[1] / 1024:.0f} KiB"
                 f"  ratio {ratio:4.2f}{flag}")
    return lines, ok


def _simulate_text(text: str) -> int:
    from .check import check
    from .diagnostics import Diagnostics
    from .interpret import simulate
    from .lower import lower
    from .parse import parse

    diags = Diagnostics()
    project = lower([parse(text, "bench.flow", diags)], diags)
    index = check(project, diags)
    return sum(1 for _ in simulate(project, index, project.scenarios[0]))


def _ratios(label: str, unit: str, sizes: list[int], texts: list[str], fn, repeat: int) -> tuple[list[str], bool]:
    """Time `fn` on each text; the time per unit against the smallest size's."""
    lines, ok, base = [], True, None
    fn(texts[0])  # warm up: imports, caches
    for n, text in zip(sizes, texts):
        t = _best(lambda: fn(text), repeat)
        per = t / n
        base = base or per
        growth = per / base
        flag = ""
        if growth > 2.0:
            ok, flag = False, "  << not linear"
        lines.append(f"{label:<9} {n:6d} {unit:<8} {t * 1000:8.1f} ms  per-{unit.rstrip('s')} ratio {growth:4.2f}{flag}")
    return lines, ok


def bench_simulate_growth(n: int, repeat: int) -> tuple[list[str], bool]:
    sizes = [n * k for k in (1, 2, 4, 8)]
    return _ratios("simgrowth", "records", sizes, [generate_scenario(s) for s in sizes], _simulate_text, repeat)


def bench_expressions(n: int, repeat: int) -> tuple[list[str], bool]:
    lines, ok = [], True
    for kind in ("and", "sum", "list"):
        sizes = [n * k for k in (1, 2, 4, 8)]
        more, good = _ratios(f"expr-{kind}", "operands", sizes, [generate_condition(s, kind) for s in sizes],
                             _check_text, repeat)
        lines += more
        ok &= good
    return lines, ok


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m flowc.bench", description=__doc__.split("\n\n")[0])
    ap.add_argument("--quick", action="store_true", help="smaller sizes, fewer repeats")
    args = ap.parse_args(argv)
    n, repeat = (25, 2) if args.quick else (100, 5)
    out = io.StringIO()
    ok = True
    for line in bench_startup(3 if args.quick else 7):
        print(line, file=out)
        ok &= not line.startswith("FAIL")
    lines, good = bench_growth(n, repeat)
    ok &= good
    for line in lines:
        print(line, file=out)
    for bench, size in ((bench_simulate, None), (bench_simulate_growth, 25 if args.quick else 100),
                        (bench_expressions, 250 if args.quick else 1_000)):
        lines, good = bench(repeat) if size is None else bench(size, repeat)
        ok &= good
        for line in lines:
            print(line, file=out)
    sys.stdout.write(out.getvalue())
    print("ok" if ok else "FAILED: a ratio is out of bounds")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
