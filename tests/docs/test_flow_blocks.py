"""Every complete ```flow block of the README and the docs checks clean: it is
what people copy first; and every block is laid out as `flowc fmt` lays it out.

A ```flow block is a complete program (fragments are marked
```flow-fragment).  `flowc check` must report nothing on it: no error, no
warning, no note.  The one exception is docs/diagnostics.md, whose examples
are there to produce their code: each produces its own code and nothing else
(tests/check/test_docs.py::test_the_example_produces_only_its_code).
"""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from flowc.check import check
from flowc.diagnostics import Diagnostics
from flowc.fmt import format_text
from flowc.lower import load
from support import ROOT

FENCE = re.compile(r"^```([^\n`]*)\n(.*?)^```[ \t]*$", re.S | re.M)
#: Documents whose ```flow blocks are examples of errors (tested elsewhere).
ERROR_EXAMPLES = {"docs/diagnostics.md"}


def documents() -> list[Path]:
    found = [ROOT / "README.md", *sorted((ROOT / "docs").rglob("*.md")), *sorted((ROOT / "editors").rglob("*.md"))]
    return [p for p in found if "node_modules" not in p.parts]


def flow_blocks(kinds=("flow",), skip=ERROR_EXAMPLES) -> list[tuple[str, int, str]]:
    """(document, line of the block's first line, code) of every ```flow block."""
    out = []
    for doc in documents():
        rel = doc.relative_to(ROOT).as_posix()
        if rel in skip:
            continue
        text = doc.read_text(encoding="utf-8")
        for m in FENCE.finditer(text):
            if m.group(1).strip() in kinds:
                out.append((rel, text.count("\n", 0, m.start()) + 2, m.group(2)))
    return out


BLOCKS = flow_blocks()
#: Every block, fragments and error examples included: those that parse on
#: their own must be laid out as `flowc fmt` lays them out.
ALL_BLOCKS = flow_blocks(("flow", "flow-fragment"), skip=())


def test_the_readme_has_a_complete_block():
    # The README's showcase is a ```flow block: if it were re-marked as a
    # fragment, the test below would not see it.
    assert any(doc == "README.md" for doc, _, _ in BLOCKS)
    assert len({doc for doc, _, _ in BLOCKS}) >= 2


@pytest.mark.parametrize("doc,line,code", BLOCKS, ids=[f"{d}:{n}" for d, n, _ in BLOCKS])
def test_block_checks_clean(doc, line, code, tmp_path):
    path = tmp_path / "block.flow"
    path.write_text(code, encoding="utf-8")
    diags = Diagnostics(limit=10_000)
    project, _ = load([str(path)], diags)
    check(project, diags)
    found = [f"{doc}:{line + d.span.line - 1}: {d.severity}[{d.code}] {d.summary}" for d in diags.sorted()]
    assert not found, "the block does not check clean:\n" + "\n".join(found)


def test_fragments_are_there():
    assert len(ALL_BLOCKS) > len(BLOCKS) + 50


@pytest.mark.parametrize("doc,line,code", ALL_BLOCKS, ids=[f"{d}:{n}" for d, n, _ in ALL_BLOCKS])
def test_block_is_formatted(doc, line, code):
    out = format_text(code)
    if out is None:  # a fragment that does not parse on its own, or a syntax-error example
        return
    assert out == code, f"{doc}:{line} is not laid out as `flowc fmt` would:\n{out}"
