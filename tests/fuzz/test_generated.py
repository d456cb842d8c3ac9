"""Generated programs never crash flowc (see fuzz_support.exercise for the
properties): programs from the grammar itself, and well-formed projects that
check clean often enough to exercise the simulator and the renderers."""
from __future__ import annotations

from hypothesis import given

from flowc.diagnostics import Diagnostics
from flowc.parse import parse

from fuzz_strategies import grammar_programs, projects
from fuzz_support import PropertyFailed, exercise, failure_report, fuzz_settings


def _run(text: str, origin: str) -> str:
    try:
        return exercise(text)
    except PropertyFailed as e:
        raise AssertionError(failure_report(text, e, origin)) from e


@fuzz_settings(ci_examples=500, long_share=1.0)
@given(grammar_programs())
def test_grammar_programs(text):
    _run(text, "a program generated from grammar/flow.lark")


@fuzz_settings(ci_examples=60, long_share=0.02)
@given(grammar_programs())
def test_grammar_programs_parse(text):
    """What the grammar generates, the parser accepts: every keyword followed by
    a space, names never keywords; only values may be wrong (F2xx)."""
    diags = Diagnostics()
    parse(text, "generated.flow", diags)
    syntax = [f"{d.code} {d.summary} at {d.span.line}:{d.span.column}" for d in diags if d.code < "F100"]
    assert not syntax, failure_report(text, AssertionError("; ".join(syntax)), "a generated program")


@fuzz_settings(ci_examples=200, long_share=0.25)
@given(projects())
def test_projects(text):
    _run(text, "a generated project")
