"""Mutants of every example and every case file never crash flowc.

Seeds: examples/*.flow and the case files of tests/parse, tests/check and
tests/simulate (fuzz_support.corpus).  Mutations work on the tokens of the
grammar's own lexer and on lines: delete, duplicate and swap tokens (and runs
of tokens), delete, duplicate and swap lines; and truncation at token
boundaries (every boundary of a small file, a deterministic sample of a big
one).  Each mutant goes through every phase (fuzz_support.exercise).

Budget: 12 mutants and 10 cuts per seed in CI; 600 and every boundary in a
long campaign (FLOWC_FUZZ=long).
"""
from __future__ import annotations

import pytest

from fuzz_support import (PropertyFailed, ROOT, budget, corpus, exercise, failure_report, long_campaign,
                          mutations, rng_for, truncation_points)

SEEDS = corpus()


def _id(path) -> str:
    return str(path.relative_to(ROOT)).replace("/", ":")


def _run(text: str, origin: str) -> str:
    try:
        return exercise(text)
    except PropertyFailed as e:
        raise AssertionError(failure_report(text, e, origin)) from e


@pytest.mark.parametrize("seed", SEEDS, ids=_id)
def test_mutants(seed):
    text = seed.read_text(encoding="utf-8")
    rng = rng_for("mutants", seed.name)
    for what, mutant in mutations(text, rng, budget(ci=12, long=600)):
        _run(mutant, f"{_id(seed)} mutated ({what})")


@pytest.mark.parametrize("seed", SEEDS, ids=_id)
def test_truncations(seed):
    text = seed.read_text(encoding="utf-8")
    rng = rng_for("cuts", seed.name)
    limit = 1_000_000 if long_campaign() else budget(ci=10, long=10)
    for cut in truncation_points(text, limit, rng):
        _run(text[:cut], f"{_id(seed)} cut at offset {cut}")
