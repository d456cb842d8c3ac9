"""Check rows: `flowc check` against a bare Lark parse of the same 1 MB text
(P2 of issue 9), the time to check 0.1, 1 and 10 MB (P6: at most 11 times
longer for 10 times the size), and the time per stage and per operand of
one condition, which must stay flat."""
from __future__ import annotations

import os
import statistics
import tempfile

from .inputs import check_files, check_text, generate, generate_condition, generate_files, generate_scenario, stages_for
from .measure import Row, cpu, growth, paired

MB = 1_000_000


def _bare_parser():
    """The baseline: Lark's LALR parser of the same grammar, as it comes."""
    from lark import Lark

    from ..parse import grammar_path

    return Lark(grammar_path().read_text(encoding="utf-8"), parser="lalr")


def records_for(size: int) -> int:
    """How many records make `generate_scenario` about `size` bytes long."""
    base = len(generate_scenario(0))
    return max(1, round((size - base) / (len(generate_scenario(100)) - base) * 100))


def p2(quick: bool) -> list:
    size, repeat = (MB // 4, 3) if quick else (MB, 5)
    bare = _bare_parser()
    out = []
    inputs = (("stage-heavy", generate(stages_for(size))), ("scenario-heavy", generate_scenario(records_for(size))))
    for label, text in inputs:
        s, b = paired(lambda: cpu(lambda: check_text(text)), lambda: cpu(lambda: bare.parse(text)), repeat)
        out.append(Row("P2", f"check {len(text) / MB:.2f} MB {label} vs bare Lark parse", s / b, 1.5,
                       f"{s:.2f} s vs {b:.2f} s CPU"))
    return out


def p6(quick: bool) -> list:
    sizes = (MB // 30, MB // 3, 10 * MB // 3) if quick else (MB // 10, MB, 10 * MB)
    repeat = 1 if quick else 3
    with tempfile.TemporaryDirectory() as tmp:
        folders = []
        for size in sizes:
            folder = os.path.join(tmp, str(size))
            os.mkdir(folder)
            for name, text in generate_files(stages_for(size), max(1, -(-size // MB))).items():
                with open(os.path.join(folder, name), "w", encoding="utf-8") as f:
                    f.write(text)
            folders.append(folder)
        check_files(folders[0])  # warm up
        times: list[list[float]] = [[] for _ in sizes]
        for _ in range(repeat):  # interleaved: each round checks every size
            for i, folder in enumerate(folders):
                times[i].append(cpu(lambda: check_files(folder)))
    t = [statistics.median(x) for x in times]
    return [Row("P6", f"check {sizes[i + 1] / MB:g} MB vs {sizes[i] / MB:g} MB (10x the size)", t[i + 1] / t[i],
                11.0, f"{t[i]:.2f} s -> {t[i + 1]:.2f} s CPU") for i in range(len(sizes) - 1)]


def rows(quick: bool) -> list:
    n, repeat = (25, 2) if quick else (100, 5)
    out = p2(quick) + p6(quick)
    sizes = [n * k for k in (1, 2, 4, 8)]
    out += growth("growth", "stages", sizes, [generate(s) for s in sizes], check_text, repeat)
    m = 250 if quick else 1_000
    for kind in ("and", "sum", "list"):
        sizes = [m * k for k in (1, 2, 4, 8)]
        out += growth(f"expr-{kind}", "operands", sizes, [generate_condition(s, kind) for s in sizes],
                      check_text, repeat)
    return out
