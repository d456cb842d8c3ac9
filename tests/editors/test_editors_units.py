"""The units of durations are the same everywhere: flowc.schema.DURATION_UNITS
(what the lowering reads), the DURATION token of grammar/flow.lark, the three
highlighters and the completion's tokenizer.  A unit added to one and not the
others would be highlighted (or parsed) as a name followed by a number."""
from __future__ import annotations

import re

import pytest

from editors_support import GRAMMAR_LARK, TM_GRAMMAR, VIM
from flowc import pygments_lexer
from flowc.lsp import scan
from flowc.schema import DURATION_UNITS

UNITS = set(DURATION_UNITS)


def _alternatives(text: str) -> set[str]:
    """The words of the first `(?:minutes|...)`-like alternation in `text` that holds `minutes`."""
    m = re.search(r"(minutes(?:\\?\|[a-z]+)+)", text)
    assert m, "no alternation of units found"
    return set(re.split(r"\\?\|", m.group(1)))


@pytest.mark.parametrize("where,text", [
    ("grammar/flow.lark", lambda: GRAMMAR_LARK.read_text(encoding="utf-8")),
    ("flow.tmLanguage.json", lambda: TM_GRAMMAR.read_text(encoding="utf-8")),
    ("flow.vim", lambda: (VIM / "syntax" / "flow.vim").read_text(encoding="utf-8")),
    ("pygments_lexer.UNITS", lambda: pygments_lexer.UNITS),
    ("flowc.lsp.scan", lambda: scan._TOKEN.pattern),
])
def test_every_unit_everywhere(where, text):
    found = _alternatives(text())
    assert found == UNITS, f"{where}: missing {sorted(UNITS - found)}, unknown {sorted(found - UNITS)}"


@pytest.mark.parametrize("unit", sorted(UNITS))
def test_no_unit_is_shadowed_by_a_shorter_one(unit):
    """In an ordered alternation, `m` before `months` would stop at `m`: the
    lookahead `(?!\\w)` then fails and the duration is not recognised."""
    alternation = pygments_lexer.UNITS
    m = re.fullmatch(r"\d+\s*(?:" + alternation + r")(?!\w)", f"3 {unit}")
    assert m is not None
