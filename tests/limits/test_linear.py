"""The largest inputs of each shape the limits accept check at all, and
without a quadratic step (issue 13 item 12).  Times are not asserted here
(the benchmark measures growth, docs/reliability.md gives the figures); the
sizes are large enough that the quadratic stage lookup of before (64,000
stages: 51 s) would show as a timeout of the suite, small enough to run in
CI in a few seconds."""
from __future__ import annotations

from flowc import limits
from flowc.bench.inputs import check_text


def one_pipeline(stages: int) -> str:
    body = "".join(f"  stage s{i} {{\n    trigger field amount changed\n"
                   f"    robot r{i}: move to s{i + 1} if amount > {i}\n  }}\n" for i in range(stages))
    return "entity deal {\n  amount: money\n}\npipeline p for deal {\n" + body + f"  stage s{stages} success\n}}\n"


def test_many_stages_in_one_pipeline_check():
    text = one_pipeline(8_000)
    # every stage's trigger fires on the same field: one F404 each, nothing else
    assert check_text(text) == 8_000


def test_a_list_of_millions_of_items_stops_at_the_limit():
    items = ",".join("1" for _ in range(2_000_000))  # ~4 MB: what one file may hold
    text = ("entity deal {\n  amount: money\n}\npipeline p for deal {\n  stage s {\n"
            f'    robot r: notify responsible "x" if amount in [{items}]\n  }}\n  stage won success\n}}\n')
    assert len(text) < limits.MAX_FILE_BYTES
    assert check_text(text) == 1  # F010, at once
