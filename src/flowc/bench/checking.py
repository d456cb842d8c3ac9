"""Check rows: the time to check generated projects of growing size (per
stage, per operand of one condition), which must stay flat."""
from __future__ import annotations

from .inputs import check_text, generate, generate_condition
from .measure import growth


def rows(quick: bool) -> list:
    n, repeat = (25, 2) if quick else (100, 5)
    sizes = [n * k for k in (1, 2, 4, 8)]
    out = growth("growth", "stages", sizes, [generate(s) for s in sizes], check_text, repeat)
    m = 250 if quick else 1_000
    for kind in ("and", "sum", "list"):
        sizes = [m * k for k in (1, 2, 4, 8)]
        out += growth(f"expr-{kind}", "operands", sizes, [generate_condition(s, kind) for s in sizes],
                      check_text, repeat)
    return out
