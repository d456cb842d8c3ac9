"""docs/language.md cannot drift from the grammar and the domain schema.

* every keyword of grammar/flow.lark (its quoted word literals) appears in
  the reference inside backticks;
* every action has its own subsection, headed by its words, that gives the
  syntax of each of its block parameters; every trigger event is documented
  in its written form; built-in fields, relation sub-fields, types, channels
  and statuses are all named;
* every ```flow code block is a complete program that parses, lowers and
  checks without errors (fragments are marked ```flow-fragment), and the
  expectations of its scenarios hold in the simulator;
* the headings other documents link to exist, and the limits quoted are the
  constants of the code.
"""
from __future__ import annotations

import functools
import re
from pathlib import Path

import pytest

from flowc import schema
from flowc.diagnostics import Diagnostics, Severity
from flowc.lower import MAX_FILE_BYTES, MAX_FILES, lower
from flowc.parse import MAX_EXPR_DEPTH, grammar_path, parse

ROOT = Path(__file__).resolve().parents[2]
DOC = ROOT / "docs" / "language.md"
WORD = re.compile(r"[A-Za-z_]+")
FENCE = re.compile(r"^```([^\n`]*)\n(.*?)^```[ \t]*$", re.S | re.M)
KNOWN_FENCES = {"flow", "flow-fragment", "text", "console", "sh", ""}

# Parameters that an action takes only inline, before its `{ ... }` block
# (`notify bruno "..."`, `change responsible to ana or bruno`): their
# PARAM_SYNTAX describes another action's block parameter of the same name.
INLINE_ONLY = {"notify": {"to"}, "change_responsible": {"to"}}

# Headings that other documents and tests link to (docs/language.md#working-hours).
LINKED_HEADINGS = [
    "## Timing",
    "### Order of timing clauses",
    "### Working hours",
    "### Time zones and DST",
    "### Date fields",
    "### Due times in the past",
    "### After previous",
    "## Stage changes and cancellation",
    "## Triggers",
    "### Forward only and allow back",
]


@functools.lru_cache(maxsize=1)
def doc() -> str:
    return DOC.read_text(encoding="utf-8")


@functools.lru_cache(maxsize=1)
def prose() -> str:
    """The document without its fenced code blocks."""
    return FENCE.sub("", doc())


@functools.lru_cache(maxsize=1)
def code_spans() -> list[str]:
    """Inline code spans of the prose, with table escapes (`\\|`) undone."""
    return [s.replace("\\|", "|") for s in re.findall(r"`([^`\n]+)`", prose())]


@functools.lru_cache(maxsize=1)
def backticked_words() -> frozenset[str]:
    return frozenset(w for span in code_spans() for w in WORD.findall(span))


def in_backticks(text: str) -> bool:
    return any(text in span for span in code_spans())


@functools.lru_cache(maxsize=1)
def grammar_keywords() -> frozenset[str]:
    from lark import Lark

    parser = Lark(grammar_path().read_text(encoding="utf-8"), parser="lalr")
    found = {t.pattern.value for t in parser.terminals if t.pattern.type == "str"}
    return frozenset(w for w in found if WORD.fullmatch(w))


def section(heading: str) -> str:
    """The text under `heading` up to the next heading of the same or a higher level."""
    level = len(heading) - len(heading.lstrip("#"))
    text = doc()
    start = text.find("\n" + heading + "\n")
    assert start >= 0, f"no heading {heading!r} in docs/language.md"
    rest = text[start + len(heading) + 2:]
    end = re.search(r"^#{1,%d} " % level, rest, re.M)
    return (rest[:end.start()] if end else rest).replace("\\|", "|")


def blocks(kind: str) -> list[tuple[int, str]]:
    """(line number, code) of every fenced block of the given kind."""
    out = []
    for m in FENCE.finditer(doc()):
        if m.group(1).strip() == kind:
            out.append((doc().count("\n", 0, m.start()) + 2, m.group(2)))
    return out


# ------------------------------------------------------------------ the grammar

def test_grammar_has_keywords():
    # The extraction itself must work, or the next test proves nothing.
    assert {"robot", "trigger", "scenario", "previous", "allow", "between"} <= grammar_keywords()


@pytest.mark.parametrize("keyword", sorted(grammar_keywords()))
def test_every_keyword_is_documented(keyword):
    assert keyword in backticked_words(), (
        f"the keyword `{keyword}` of grammar/flow.lark is not mentioned in backticks in docs/language.md")


# ------------------------------------------------------------------ the schema

@pytest.mark.parametrize("kind", sorted(schema.ACTIONS))
def test_every_action_has_a_subsection(kind):
    spec = schema.ACTIONS[kind]
    heading = f"### `{spec['words']}`"
    body = section(heading)
    block_params = [p for p in spec["params"]
                    if p in schema.PARAM_SYNTAX and p not in INLINE_ONLY.get(kind, ())]
    missing = [schema.PARAM_SYNTAX[p] for p in block_params if schema.PARAM_SYNTAX[p] not in body]
    assert not missing, f"{heading} does not give the syntax of: {missing}"
    assert "```flow" in body, f"{heading} has no example"


@pytest.mark.parametrize("kind", sorted(schema.EVENTS))
def test_every_event_is_documented(kind):
    written = schema.EVENTS[kind][0]
    assert in_backticks(written), f"the event `{written}` is not in docs/language.md"
    assert written in section("## Triggers")


@pytest.mark.parametrize("group,names", [
    ("built-in field", schema.BUILTIN_FIELDS),
    ("type", schema.TYPES),
    ("entity kind", schema.ENTITY_KINDS),
    ("channel", schema.CHANNELS),
    ("robot status", schema.ROBOT_STATUSES),
    ("task status", schema.TASK_STATUSES),
    ("e-mail type", schema.EMAIL_TYPES),
    ("phone type", schema.PHONE_TYPES),
    ("relation sub-field", sorted({f for sub in schema.RELATION_FIELDS.values() for f in sub})),
])
def test_domain_names_are_documented(group, names):
    missing = [n for n in names if not in_backticks(n)]
    assert not missing, f"{group}s missing from docs/language.md: {missing}"


# ------------------------------------------------------------------ code blocks

def test_code_blocks_are_marked():
    kinds = {m.group(1).strip() for m in FENCE.finditer(doc())}
    assert kinds <= KNOWN_FENCES, f"unknown code block kinds: {kinds - KNOWN_FENCES}"
    assert len(blocks("flow")) >= 5
    assert len(blocks("flow-fragment")) >= 20


@pytest.mark.parametrize("line,code", blocks("flow"), ids=[f"line{n}" for n, _ in blocks("flow")])
def test_complete_blocks_parse(line, code):
    diags = Diagnostics()
    module = parse(code, f"docs/language.md:{line}", diags)
    lower([module], diags)
    errors = [d for d in diags.sorted() if d.severity is Severity.ERROR]
    assert not errors, "\n".join(f"docs/language.md block at line {line}: {d.code} {d.message}"
                                 for d in errors)
    assert module.items, f"the block at line {line} is empty"


# ------------------------------------------------------------------ structure and limits

@pytest.mark.parametrize("heading", LINKED_HEADINGS)
def test_linked_headings_exist(heading):
    assert re.search(r"^" + re.escape(heading) + r"$", doc(), re.M), f"missing heading {heading!r}"


def test_sections_are_in_order():
    order = ["## Overview", "## Lexical rules", "## Files and `use`", "## Time zone", "## Calendars",
             "## Entities and fields", "## Pipelines and stages", "## Robots", "## Actions", "## Timing",
             "## Conditions", "## Stage changes and cancellation", "## Triggers", "## Reuse",
             "## Scenarios", "## Limits"]
    positions = [doc().find("\n" + h + "\n") for h in order]
    assert all(p >= 0 for p in positions), [h for h, p in zip(order, positions) if p < 0]
    assert positions == sorted(positions)


def test_limits_are_the_code_constants():
    limits = section("## Limits")
    assert f"{MAX_EXPR_DEPTH} levels" in limits
    assert f"{MAX_FILE_BYTES // (1024 * 1024)} MiB ({MAX_FILE_BYTES:,} bytes)" in limits
    assert f"| {MAX_FILES} |" in limits


def test_overview_starts_with_a_complete_example():
    overview = section("## Overview")
    assert "```flow\n" in overview and "scenario" in overview


# ------------------------------------------------------------------ complete examples run

def _load_block(code: str, tmp_path: Path):
    from flowc.check import check
    from flowc.lower import load

    path = tmp_path / "example.flow"
    path.write_text(code, encoding="utf-8")
    diags = Diagnostics()
    project, _ = load([str(path)], diags)
    index = check(project, diags)
    return project, index, diags


@pytest.mark.parametrize("line,code", blocks("flow"), ids=[f"line{n}" for n, _ in blocks("flow")])
def test_complete_blocks_check_without_errors(line, code, tmp_path):
    _, _, diags = _load_block(code, tmp_path)
    errors = [d for d in diags.sorted() if d.severity is Severity.ERROR]
    assert not errors, "\n".join(f"docs/language.md block at line {line}: {d.code} {d.message}"
                                 for d in errors)


SCENARIO_BLOCKS = [(n, c) for n, c in blocks("flow") if re.search(r"^scenario ", c, re.M)]


@pytest.mark.parametrize("line,code", SCENARIO_BLOCKS, ids=[f"line{n}" for n, _ in SCENARIO_BLOCKS])
def test_scenarios_of_the_reference_hold(line, code, tmp_path):
    """The expectations written in the reference are what the simulator finds."""
    from flowc.interpret import Simulation

    project, index, _ = _load_block(code, tmp_path)
    assert project.scenarios
    for sc in project.scenarios:
        sim = Simulation(project, index, sc)
        for _ in sim.run():
            pass
        failed = [f"{r.text}: expected {r.expected}, got {r.actual}"
                  for r in sim.evaluate_expectations() if not r.ok]
        assert not sim.error and not failed, f"block at line {line}, scenario {sc.name.value}: {failed}"
