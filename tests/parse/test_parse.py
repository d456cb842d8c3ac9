"""Parser and lowering: golden IR dumps, grammar coverage, hostile input."""
from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from flowc.diagnostics import Diagnostics
from flowc.dump import dump
from flowc.lower import load
from flowc.parse import _lark, grammar_path, parse

HERE = Path(__file__).parent
CASES = sorted((HERE / "cases").glob("*.flow"))
ROOT = HERE.parent.parent


def _rel(p: Path) -> str:
    return os.path.relpath(p, ROOT)


@pytest.fixture(autouse=True)
def _at_root(monkeypatch):
    monkeypatch.chdir(ROOT)


@pytest.mark.parametrize("case", CASES, ids=lambda p: p.stem)
def test_ir_dump(case, snapshot_text):
    """Every construct lowers to the documented IR (see the snapshot)."""
    diags = Diagnostics()
    project, _ = load([_rel(case)], diags)
    assert [f"{d.span}: {d.code} {d.summary}" for d in diags] == []
    assert dump(project) == snapshot_text(name=case.stem)


def _grammar_rule_names() -> set[str]:
    """The node kinds the grammar can produce (aliases, and rules that are
    neither inlined `_rules` nor `?rules` that always collapse)."""
    names: set[str] = set()
    for rule in _lark().rules:
        origin = rule.origin.name
        origin = origin if isinstance(origin, str) else origin.value
        if origin.startswith("_") or origin == "start":
            continue
        if rule.alias:
            names.add(rule.alias)
        elif not rule.options.expand1 or len(rule.expansion) > 1:
            names.add(origin)
    return names


def test_every_grammar_rule_is_exercised():
    """The parse cases (with the examples) use every rule of the grammar."""
    seen: set[str] = set()
    for f in CASES + sorted((ROOT / "examples").glob("*.flow")):
        module = parse(f.read_text(encoding="utf-8"), str(f), Diagnostics())
        for item in module.items:
            seen.update(n.kind for n in item.walk())
    missing = _grammar_rule_names() - seen
    assert not missing, f"grammar rules no parse case uses: {sorted(missing)}"


def test_grammar_is_conflict_free():
    """LALR(1) without shift/reduce resolution and without terminal collisions."""
    pytest.importorskip("interegular")
    from lark import Lark

    Lark(grammar_path().read_text(), parser="lalr", strict=True, keep_all_tokens=True,
         maybe_placeholders=False)


def test_comments_are_kept():
    module = parse((HERE / "cases" / "strings.flow").read_text(), "strings.flow", Diagnostics())
    assert [(c.span.line, c.text) for c in module.comments] == [
        (1, "# Comments run to the end of the line."),
        (2, "# a comment after code"),
    ]


def test_syntax_error_names_expected_tokens_and_open_block():
    diags = Diagnostics()
    parse('pipeline p for deal {\n  stage s {\n    robot r: notify responsible "x" after 5\n', "t.flow", diags)
    (d,) = list(diags)
    assert (d.code, d.summary, d.span.line, d.span.column) == ("F003", "a duration needs a unit", 3, 43)
    assert "5m, 5h, 5 days" in d.notes[0].message


def test_unexpected_end_of_file_names_the_unclosed_block():
    diags = Diagnostics()
    parse("calendar office {\n  hours mon-fri 09:00-18:00\n", "t.flow", diags)
    (d,) = list(diags)
    assert d.summary == "unexpected end of file"
    assert d.notes[0].message == "the calendar office block opened here is never closed"
    assert (d.notes[0].span.line, d.notes[0].span.column) == (1, 17)


def test_unterminated_string():
    diags = Diagnostics()
    parse('pipeline p for deal {\n stage s {\n  robot r: notify responsible "oops\n }\n}\n', "t.flow", diags)
    (d,) = list(diags)
    assert (d.code, d.span.line, d.span.column) == ("F002", 3, 31)


@pytest.mark.parametrize("depth", [64, 65, 5000])
def test_expression_depth_limit(depth):
    cond = "(" * depth + "a = 1" + ")" * depth
    src = f'pipeline p for deal {{\n stage s {{\n  robot r: notify responsible "x" if {cond}\n }}\n}}\n'
    diags = Diagnostics()
    load_diags = diags
    parse(src, "t.flow", load_diags)
    codes = [d.code for d in diags]
    assert codes == ([] if depth <= 64 else ["F008"])


def test_value_errors_are_positioned():
    src = ('calendar c { hours mon-fri 09:00-25:00  closed 2026-02-30 }\n'
           'pipeline p for deal { stage s { robot r: notify responsible "bad \\q {}" after 0m } }\n')
    diags = Diagnostics()
    from flowc.lower import lower
    lower([parse(src, "t.flow", diags)], diags)
    got = sorted((d.code, d.span.line, d.span.column) for d in diags)
    assert got == [("F201", 1, 48), ("F202", 1, 34), ("F203", 2, 66), ("F204", 2, 69), ("F301", 2, 79)]
    feb = next(d for d in diags if d.code == "F201")
    assert feb.detail == "February 2026 has 28 days"


def test_random_bytes_and_invalid_utf8(tmp_path):
    import random

    rng = random.Random(1234)
    for i in range(200):
        data = bytes(rng.randrange(256) for _ in range(rng.randrange(1, 200)))
        p = tmp_path / f"r{i}.flow"
        p.write_bytes(data)
        diags = Diagnostics()
        load([str(p)], diags)  # must not raise
        for d in diags:
            assert d.span.line >= 1 and d.span.column >= 1
    p = tmp_path / "bad.flow"
    p.write_bytes(b'pipeline p for deal {\n stage s "Caf\xe9" }\n')
    diags = Diagnostics()
    load([str(p)], diags)
    (d,) = list(diags)
    assert (d.code, d.span.line) == ("F007", 2)


def test_parse_is_fast_to_rebuild_from_cache():
    assert _lark() is _lark()


def test_recovery_reports_each_broken_item_and_keeps_the_rest():
    src = ('pipeline sales for deal {\n'
           '  stage new {\n'
           '    robot a: notify responsible "x" after 5\n'          # broken clause: dropped
           '    robot b: notify responsible "ok" after 5m\n'        # kept
           '  }\n'
           '  stage paid {\n'
           '    robot d: send email "x" { subject "y" bogus "z" }\n'  # broken parameter: skipped
           '  }\n'
           '}\n'
           'calendar office {\n'
           '  hours mon-fri 09:00-18:00 10\n'
           '}\n'
           'scenario s { start 2026-03-02 }\n')
    diags = Diagnostics()
    module = parse(src, "t.flow", diags)
    assert [(d.code, d.span.line, d.summary) for d in diags] == [
        ("F003", 3, "a duration needs a unit"),
        ("F003", 7, 'unexpected "bogus"'),
        ("F003", 11, 'unexpected "10"'),
    ]
    assert [n.kind for n in module.items] == ["pipeline", "calendar", "scenario"]
    robots = {str(r.tok("NAME")): r for r in module.items[0].walk() if r.kind == "robot"}
    assert list(robots) == ["a", "b", "d"]
    # Only the broken clause went: robot a keeps its action, without timing.
    assert [n.kind for n in robots["a"].nodes()] == ["act_notify"]


def test_recovery_does_not_report_consequences():
    """Tokens skipped while resynchronising are not reported again."""
    diags = Diagnostics()
    parse('pipeline p for deal {\n stage s {\n  robot r: notify responsible "x" after 5 6 7 "x" 8\n }\n}\n',
          "t.flow", diags)
    assert [d.span.line for d in diags] == [3]


def test_recovery_stops_at_the_end_and_keeps_complete_items():
    diags = Diagnostics()
    module = parse('calendar c { hours mon 09:00-10:00 }\npipeline p for deal {\n stage s {\n', "t.flow", diags)
    assert [d.summary for d in diags] == ["unexpected end of file"]
    assert [n.kind for n in module.items] == ["calendar"]


def test_syntax_errors_per_file_are_capped():
    from flowc.parse import MAX_SYNTAX_ERRORS

    src = "".join(f"pipeline p{i} for deal {{ stage s {{ robot r: notify responsible \"x\" after 5 }} }}\n"
                  for i in range(3 * MAX_SYNTAX_ERRORS))
    diags = Diagnostics()
    parse(src, "t.flow", diags)
    assert len(diags) == MAX_SYNTAX_ERRORS


def test_same_tree_with_and_without_the_grammar_cache(tmp_path):
    """A fresh grammar (no cache yet) and a cached one give the same IR: Lark
    names rules with Tokens when it builds the grammar and with plain strings
    when it loads it from the cache; node kinds must be plain strings."""
    import subprocess
    import sys

    case = _rel(HERE / "cases" / "actions.flow")
    code = ("import sys; from flowc.diagnostics import Diagnostics; from flowc.dump import dump; "
            "from flowc.lower import load; print(dump(load([sys.argv[1]], Diagnostics())[0]))")
    env = dict(os.environ, XDG_CACHE_HOME=str(tmp_path / "cache"))
    fresh = subprocess.run([sys.executable, "-c", code, case], env=env, capture_output=True, text=True)
    cached = subprocess.run([sys.executable, "-c", code, case], env=env, capture_output=True, text=True)
    assert fresh.returncode == 0 and cached.returncode == 0, fresh.stderr + cached.stderr
    assert (tmp_path / "cache" / "flowc" / "flow.lark.cache").is_file()
    assert "Token(" not in fresh.stdout
    assert fresh.stdout == cached.stdout


# ------------------------------------------------------------------ an expectation's `at`

def _first_terminals(symbol: str) -> set[str]:
    """The terminals a rule of the grammar can start with (FIRST set)."""
    rules = _lark().rules
    seen: set[str] = set()
    out: set[str] = set()
    todo = [symbol]
    while todo:
        name = todo.pop()
        if name in seen:
            continue
        seen.add(name)
        for rule in rules:
            if rule.origin.name == name and rule.expansion:
                first = rule.expansion[0]
                (out.add if first.is_term else todo.append)(first.name)
    return out


def test_expect_at_lookahead_lists_the_words_that_start_a_happening():
    """EXPECT_AT is not taken when a happening follows the date and time:
    its list of words is FIRST(happening)."""
    lark = _lark()
    words = {lark.get_terminal(t).pattern.value for t in _first_terminals("happening")}
    pattern = lark.get_terminal("EXPECT_AT").pattern.value
    listed = set(re.search(r"\(\?!\(\?:([a-z|]+)\)", pattern).group(1).split("|"))
    assert {"move", "invoice", "field"} <= words
    assert listed == words


def test_expect_at_retyping_is_sound():
    """Where LALR merged lookaheads, the lexer may take a keyword `at` for
    EXPECT_AT; parse.py then feeds it again as AT. That is right only if,
    in every state, EXPECT_AT reduces by the rule AT reduces by (or AT has
    no action there): then the reductions already made are AT's too."""
    from lark.parsers.lalr_analysis import Reduce

    states = _lark().parser.parser.parser.parse_table.states
    wrong = [(s, acts["EXPECT_AT"], acts.get("AT")) for s, acts in states.items()
             if "EXPECT_AT" in acts and acts["EXPECT_AT"][0] is Reduce
             and acts.get("AT") not in (None, acts["EXPECT_AT"])]
    assert not wrong
    assert any(acts.get("EXPECT_AT", (None,))[0] is Reduce for acts in states.values())


_SCENARIO = '''pipeline p for deal {
  stage a
  stage b success
}
scenario s {
  start 2026-03-09 09:00
  record d1: deal in a
%s
}
'''


def _scenario(body: str):
    from flowc.lower import lower

    diags = Diagnostics()
    project = lower([parse(_SCENARIO % body, "t.flow", diags)], diags)
    sc = project.scenarios[0]
    expectations = [(x.kind, x.at and x.at.strftime("%d %H:%M"), x.because) for x in sc.expectations]
    happenings = [(h.kind, h.at.strftime("%d %H:%M")) for h in sc.happenings]
    return expectations, happenings, [(d.code, d.span.line, d.span.column) for d in diags]


@pytest.mark.parametrize("body,expectations,happenings", [
    ('expect robot x on d1 done at 2026-03-09 09:30',
     [("robot", "09 09:30", None)], []),
    ('expect robot x on d1 done at 2026-03-09 09:30 because "y"',
     [("robot", "09 09:30", "y")], []),
    ('expect robot x on d1 done because "y" at 2026-03-09 09:30',
     [("robot", "09 09:30", "y")], []),
    ('expect robot x on d1 skipped because "y"\n    at 2026-03-09 09:30   # on the next line',
     [("robot", "09 09:30", "y")], []),
    ('expect d1 in stage b at 2026-03-09 09:30', [("stage", "09 09:30", None)], []),
    ('expect d1 in stage p.b at 2026-03-09', [("stage", "09 00:00", None)], []),
    ('expect d1.title = "x" at 2026-03-09 09:30', [("field", "09 09:30", None)], []),
    ('expect robot x on d1 done at 2026-03-09 09:30 expect d1 in stage b',
     [("robot", "09 09:30", None), ("stage", None, None)], []),
    # A happening after the date and time: a timed event, not the expectation's time.
    ('expect robot x on d1 done at 2026-03-09 09:30 move d1 to b',
     [("robot", None, None)], [("move", "09 09:30")]),
    ('expect robot x on d1 done\n  at 2026-03-09\n  09:30  # the time\n  invoice paid for d1',
     [("robot", None, None)], [("event", "09 09:30")]),
    ('expect d1 in stage b\n  at 2026-03-09 09:30 set d1.title = "y"',
     [("stage", None, None)], [("set", "09 09:30")]),
    ('expect d1.title = "x"\n  at 2026-03-10 complete task for d1',
     [("field", None, None)], [("task_done", "10 00:00")]),
])
def test_expectation_clauses(body, expectations, happenings):
    assert _scenario(body) == (expectations, happenings, [])


@pytest.mark.parametrize("body", [
    "at 2026-03-09 09:30",                                     # after a record
    "at 2026-03-09 09:30 move d1 to b\n  at 2026-03-09 10:00",  # after a happening ending in a stage
    'at 2026-03-09 09:30 set d1.title = "y"\n  at 2026-03-09 10:00',  # ... ending in an expression
])
def test_a_bare_at_after_no_expectation_is_f501(body):
    *_, diags = _scenario(body)
    assert [code for code, _, _ in diags] == ["F501"]


def test_timing_at_a_date_after_a_field_is_still_timing():
    # `before due_date` ends in a field path, as an expectation can: the
    # lexer's EXPECT_AT there is fed again as the keyword.
    diags = Diagnostics()
    module = parse('pipeline p for deal {\n  stage a {\n    robot r: notify responsible "x" '
                   '1 day before due_date at 2026-03-10 09:00\n  }\n}\n', "t.flow", diags)
    assert list(diags) == []
    robot = next(n for n in module.items[0].walk() if n.kind == "robot")
    assert [n.kind for n in robot.nodes()] == ["act_notify", "t_before_field", "t_at_datetime"]


@pytest.mark.parametrize("body,where", [
    ('expect robot x on d1 done at 2026-03-09 09:30 at 2026-03-09 10:00', (8, 47)),
    ('expect robot x on d1 done because "a" at 2026-03-09 09:30 because "b"', (8, 59)),
])
def test_a_clause_given_twice_is_f513(body, where):
    expectations, _, diags = _scenario(body)
    assert diags == [("F513", *where)]
    assert len(expectations) == 1


def test_because_is_only_for_robots():
    diags = Diagnostics()
    parse(_SCENARIO % 'expect d1 in stage b at 2026-03-09 09:30 because "x"', "t.flow", diags)
    assert [(d.code, d.summary) for d in diags] == [("F003", 'unexpected "because"')]



# ------------------------------------------------------------------ messages a person understands

def _error(body: str, where: str = "robot"):
    src = {"robot": 'pipeline p for deal {{\n  stage a {{\n    {}\n  }}\n}}\n',
           "top": "{}"}[where].format(body)
    diags = Diagnostics()
    parse(src, "t.flow", diags)
    (d,) = list(diags)
    text = src.splitlines()[d.span.line - 1][d.span.column - 1:d.span.end_column - 1]
    return d, text


@pytest.mark.parametrize("body,summary,marked,note", [
    ('robto r: notify responsible "x"', 'unexpected "robto"', "robto", 'did you mean "robot"?'),
    ('robot r: notify responsible "x" if amount == 5', '"==" is not an operator', "==", "`=` compares"),
    ('robot r: notify responsible "x" if a = b = c', "comparisons do not chain", "=", "joined with `and`"),
    ('robot r: notify responsible "x" after 2 hrs', 'unknown duration unit "hrs"', "2 hrs", 'did you mean "hours"?'),
    ('robot r: notify responsible "x" after 90s', 'unknown duration unit "s"', "90s", "the units are minutes (m,"),
    ('robot r: notify responsible "x" after 1.5h', "a duration is a whole number of hours", "1.5h", "90m"),
    ('robot r: notify responsible "x" if\n    robot s: notify responsible "y"',
     "the condition after `if` is missing", "if", "write the condition"),
    ('pipeline p for deal {\n  stage a {\n    robot r: notify responsible "x"\n  stage b\n}\n',
     "the stage a block is not closed", "stage", "the stage a block opened here"),
])
def test_targeted_syntax_errors(body, summary, marked, note):
    d, text = _error(body, "top" if body.startswith("pipeline") else "robot")
    assert d.code == "F003" and d.summary == summary
    assert text == marked
    assert any(note in n.message for n in d.notes), d.notes


def test_expected_tokens_are_what_can_really_follow():
    # After `if a = b` only `and`, `or`, the next item or the end of the
    # block can follow: no `calendar`, `channel`, `expect`, ... of LALR's
    # merged lookaheads, and never "at" twice.
    d, _ = _error('robot r: notify responsible "x" if a = b 7')
    assert d.detail == 'expected one of: an operator (+, -, *, /), ".", "and", "or", "robot", "trigger", "use", "}"'
    d, _ = _error('robot r: notify responsible "x" if a 7')
    assert "a comparison (=, !=, <, <=, >, >=)" in d.detail and '"<="' not in d.detail


@pytest.mark.parametrize("char,help_", [(";", "no `;` is needed"), ("'", "double quotes")])
def test_unexpected_characters_say_what_to_write(char, help_):
    d, _ = _error(f'robot r: notify responsible "x"{char}')
    assert d.code == "F001" and help_ in d.notes[0].message
