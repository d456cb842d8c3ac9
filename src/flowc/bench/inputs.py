"""The benchmark's inputs: generated projects that check clean (the tests
keep them so), and the one-call runs of the phases on a text."""
from __future__ import annotations


def generate(stages: int) -> str:
    """A synthetic but realistic project that checks clean: `stages` stages in
    pipelines of 20, each stage with three robots (timing in working hours,
    conditions, placeholders, an `after previous` chain) and a trigger on a
    field of its own; the last stage of each pipeline moves to a final one."""
    return "\n".join([_header(stages), *_pipelines(0, stages)]) + "\n"


def generate_files(stages: int, parts: int) -> dict[str, str]:
    """`generate(stages)` as a project of `parts` + 1 files (each well under
    the 4 MiB limit of one file): `main.flow` declares the time zone,
    calendar and entity and `use`s `part1.flow` ... , which hold the
    pipelines."""
    per = -(-stages // parts)
    per += -per % _PER_PIPELINE  # whole pipelines in each part
    files = {"main.flow": _header(stages) + "\n" + "".join(f'use "part{k + 1}.flow"\n' for k in range(parts))}
    for k in range(parts):
        lo, hi = k * per, min(stages, (k + 1) * per)
        if lo < hi:
            files[f"part{k + 1}.flow"] = "\n".join(_pipelines(lo, hi)) + "\n"
    return files


def stages_for(size: int) -> int:
    """How many stages make `generate` about `size` bytes long."""
    return max(1, round(size / len(generate(200)) * 200))


_PER_PIPELINE = 20


def _header(stages: int) -> str:
    return "\n".join(['timezone "Europe/Lisbon"',
                      "calendar office {\n  hours mon-fri 09:00-13:00, 14:00-18:00\n}",
                      "entity deal {\n  amount: money\n  close_date: date\n  source: text\n"
                      + "".join(f"  f{i}: text\n" for i in range(stages)) + "}"])


def _pipelines(first: int, stop: int) -> list[str]:
    out = []
    per = _PER_PIPELINE
    for p0 in range(first, stop, per):
        n = min(per, stop - p0)
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
    return out


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


def check_text(text: str) -> int:
    from ..check import check
    from ..diagnostics import Diagnostics
    from ..lower import lower
    from ..parse import parse

    diags = Diagnostics()
    project = lower([parse(text, "bench.flow", diags)], diags)
    check(project, diags)
    return len(diags)



def check_files(folder: str) -> int:
    """Load `main.flow` of `folder` (and what it uses) and check it."""
    import os

    from ..check import check
    from ..diagnostics import Diagnostics
    from ..lower import load

    diags = Diagnostics()
    project, _ = load([os.path.join(folder, "main.flow")], diags)
    check(project, diags)
    return len(diags)


def simulate_text(text: str) -> int:
    from ..check import check
    from ..diagnostics import Diagnostics
    from ..interpret import simulate
    from ..lower import lower
    from ..parse import parse

    diags = Diagnostics()
    project = lower([parse(text, "bench.flow", diags)], diags)
    index = check(project, diags)
    return sum(1 for _ in simulate(project, index, project.scenarios[0]))
