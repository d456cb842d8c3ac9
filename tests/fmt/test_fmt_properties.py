"""`flowc fmt` on every file of the repository and on perturbed copies of
them: idempotent, meaning-preserving (same IR), comment-preserving (each
comment between the same tokens, on the line it annotated) and
line-ending preserving (tests/fmt_properties.py says exactly what is
checked).  The grammar fuzzer (tests/fuzz) checks the same properties on
generated programs and mutants."""
from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import fmt_properties
from flowc.diagnostics import Diagnostics
from flowc.parse import parse
from support import EXAMPLES, ROOT

SOURCES = sorted(
    [*EXAMPLES.glob("*.flow"), *(ROOT / "editors").glob("*.flow")]
    + [p for d in ("parse/cases", "check/cases", "simulate/cases", "simulate/failing", "fuzz/regressions")
       for p in sorted((ROOT / "tests" / d).glob("*.flow"))])
#: Line endings: LF (Unix), CRLF (Windows). Lone CR (classic Mac OS) below.
NEWLINES = {"lf": "\n", "crlf": "\r\n"}


def _read(path: Path) -> str:
    return path.read_bytes().decode("utf-8", "replace")


def _rel(path: Path) -> str:
    return os.path.relpath(path, ROOT)


def test_there_are_sources():
    assert len(SOURCES) > 100 and EXAMPLES / "sales.flow" in SOURCES


@pytest.mark.parametrize("newline", NEWLINES.values(), ids=NEWLINES.keys())
@pytest.mark.parametrize("path", SOURCES, ids=_rel)
def test_every_file(path, newline):
    fmt_properties.check(_read(path).replace("\n", newline), _rel(path))


def _without_comments(text: str) -> str:
    module = parse(text, "x.flow", Diagnostics())
    for c in reversed(module.comments):
        text = text[:c.span.start] + text[c.span.start + len(c.text.rstrip()):]
    return text


@pytest.mark.parametrize("path", [p for p in SOURCES if p.parent == EXAMPLES], ids=_rel)
def test_lone_cr_line_endings(path):
    # A comment runs to the end of the line, and a lone CR does not end one
    # for the parser yet (issue 13): the files without their comments.
    text = _without_comments(_read(path)).replace("\n", "\r")
    out = fmt_properties.check(text, _rel(path))
    assert out is not None and "\n" not in out.replace('"""', "")[:200]


# ------------------------------------------------------------------ perturbed files

SEPARATORS = (" ", "   ", "\t", "\n", "\n\n", "\n\n\n", "\n      ", "  # note\n", "\n# own line\n  ", " # a, b\n ")


@st.composite
def perturbed(draw) -> str:
    """A file of the repository with the white space between some of its
    tokens replaced: other line breaks, blank lines, new comments."""
    path = draw(st.sampled_from(SOURCES[:40] if os.environ.get("FLOWC_FMT_FAST") else SOURCES))
    text = _read(path)
    module = parse(text, "x.flow", Diagnostics())
    toks = fmt_properties.tokens(module)
    gaps = [(a.span.end, b.span.start) for a, b in zip(toks, toks[1:]) if "#" not in text[a.span.end:b.span.start]]
    if not gaps:
        return text
    changes = draw(st.lists(st.tuples(st.integers(0, len(gaps) - 1), st.sampled_from(SEPARATORS)),
                            min_size=1, max_size=12, unique_by=lambda c: c[0]))
    for i, sep in sorted(changes, reverse=True):
        start, end = gaps[i]
        text = text[:start] + sep + text[end:]
    return text.replace("\n", draw(st.sampled_from(list(NEWLINES.values()))))


@settings(max_examples=int(os.environ.get("FLOWC_FMT_EXAMPLES", "150")), deadline=None, derandomize=not os.environ.get("FLOWC_FMT_RANDOM"),
          database=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(perturbed())
def test_perturbed_files(text):
    fmt_properties.check(text, "perturbed.flow")
