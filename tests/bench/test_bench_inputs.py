"""The benchmark measures realistic work: its generated projects check clean.
(No timing is asserted here: speed lives in `python -m flowc.bench`.)"""
from __future__ import annotations

from flowc.bench import check_text, generate


def test_generated_projects_check_clean():
    for n in (1, 5, 21, 45):
        assert check_text(generate(n)) == 0
