"""The VS Code grammar (editors/vscode/syntaxes/flow.tmLanguage.json), run by
vscode-textmate and the Oniguruma wasm, the engine VS Code itself uses.

* snapshots: the scopes of every example and of editors/sample.flow, as text
  (tests/editors/__snapshots__/test_editors_textmate/<file stem>.txt); after a
  deliberate change, review the diff and run
  `pytest tests/editors --snapshot-update`;
* agreement with the parser: on those files, every keyword the parser sees
  is highlighted as a keyword of some kind, every name never is, and so on;
* targeted checks of the tricky cases.
"""
from __future__ import annotations

import re
import subprocess
import sys

import pytest
from editors_support import (FLOW_FILES, FLOW_IDS, REPO, TM_GRAMMAR, Piece, TmToken,
                             disagreements, dump, line_starts, parse_tokens)


def test_grammar_json_is_generated():
    """flow.tmLanguage.json is written by generate.py: edit that, then run it."""
    gen = TM_GRAMMAR.with_name("generate.py")
    proc = subprocess.run([sys.executable, str(gen), "--check"], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr or proc.stdout


@pytest.mark.parametrize("path", FLOW_FILES, ids=FLOW_IDS)
def test_scopes_snapshot(path, textmate, snapshot_text):
    """snapshot_text (tests/conftest.py): one plain-text file per case, named after it."""
    tokens = textmate.tokenize(path)[path]
    assert dump(tokens) == snapshot_text(name=FLOW_IDS[FLOW_FILES.index(path)])


# ---------------------------------------------------------------- agreement with the parser

KEYWORD_SCOPES = ("storage.type", "storage.modifier", "keyword.control", "keyword.operator",
                  "keyword.other", "support.function.action", "support.type.event",
                  "support.type.list", "entity.other.attribute-name.parameter",
                  "entity.other.attribute-name.person", "variable.language",
                  "constant.language")
ROLE_SCOPES = {
    "string": ("string.quoted.double",),
    "number": ("constant.numeric.flow",),
    "duration": ("constant.numeric.duration",),
    "date": ("constant.numeric.date",),
    "time": ("constant.numeric.time",),
    "weekday": ("constant.language.weekday",),
    "comment": ("comment.line.number-sign",),
    "operator": ("keyword.operator", "punctuation"),
    "keyword": KEYWORD_SCOPES,
}


def tm_fits(role: str, piece: Piece) -> bool:
    tok: TmToken = piece.data
    if role == "name":
        return not any(tok.has(s) for s in KEYWORD_SCOPES) and not tok.has("constant.numeric")
    return any(tok.has(s) for s in ROLE_SCOPES[role])


def tm_pieces(text: str, tokens: list[TmToken]) -> list[Piece]:
    starts = line_starts(text)
    return [Piece(starts[t.line - 1] + t.start - 1, starts[t.line - 1] + t.end,
                  " ".join(t.scopes) or "(no scope)", t) for t in tokens]


@pytest.mark.parametrize("path", FLOW_FILES, ids=FLOW_IDS)
def test_scopes_agree_with_parser(path, textmate):
    text = path.read_text(encoding="utf-8")
    pieces = tm_pieces(text, textmate.tokenize(path)[path])
    problems = disagreements(parse_tokens(path), pieces, text, tm_fits)
    assert not problems, "TextMate scopes that do not fit the parse:\n" + "\n".join(problems)


# ---------------------------------------------------------------- targeted cases

SNIPPETS = {
    "placeholder": 'robot r: notify responsible "Hi {client.name}, about { title }"\n',
    "hash_in_string": 'template t "Offer #1" # a real comment\n',
    "escapes": r'template t "q\" b\\ n\n t\t o\{ c\} e\u00e9 bad\q"' + "\n",
    "durations": "robot r: notify responsible \"x\" after 15m, 3 days before close_date\n"
                 "  if amount > 10_000 and x < 2.5\n",
    "units": "robot r: notify responsible \"x\" after 2h after 1 week after 30 minutes after 2 d\n",
    "times_dates": "robot r: notify responsible \"x\" at 09:00 at 2026-03-09 10:30\n",
    "entity_fields": "entity deal {\n  title: text\n  date: optional date\n  robot: list [\"a\"]\n}\n",
    "triple": 'template t """first line {name}\n  # not a comment\n  "quoted" \\" end"""\n'
              'timezone "UTC"\n',
    "unterminated": 'template t "no end\ntimezone "UTC"\n',
    "stage_header": "pipeline p for deal {\n  stage won \"Won\" success\n  stage lost failure\n}\n",
    "calendar": "calendar office {\n  hours mon-fri 09:00-18:00\n  closed 2026-12-24..2026-12-31\n}\n",
    "event_vs_action": "pipeline p for deal {\n  stage s {\n"
                       "    trigger email received\n"
                       "    robot r: send email \"x\" { subject \"s\" }\n  }\n}\n",
}


@pytest.fixture(scope="module")
def snippets(textmate, tmp_path_factory):
    return textmate.tokenize_texts(SNIPPETS, tmp_path_factory.mktemp("snippets"))


def find(tokens: list[TmToken], text: str, line: int | None = None, nth: int = 0) -> TmToken:
    found = [t for t in tokens if t.text == text and (line is None or t.line == line)]
    assert len(found) > nth, f"no token {text!r} in:\n{dump(tokens)}"
    return found[nth]


def test_placeholders_inside_strings(snippets):
    toks = snippets["placeholder"]
    client = find(toks, "client")
    assert client.has("string.quoted.double.flow")
    assert client.has("meta.placeholder.flow") and client.has("variable.other.placeholder.flow")
    assert find(toks, ".").has("punctuation.accessor.flow")
    assert find(toks, "title").has("variable.other.placeholder.flow")
    brace = find(toks, "{")
    assert brace.has("punctuation.definition.placeholder.begin.flow")
    assert find(toks, "Hi ").scopes == ("string.quoted.double.flow",)


def test_hash_inside_string_is_not_a_comment(snippets):
    toks = snippets["hash_in_string"]
    inside = find(toks, "Offer #1")
    assert inside.has("string.quoted.double.flow") and not inside.has("comment")
    comment = [t for t in toks if t.has("comment.line.number-sign.flow")]
    assert "".join(t.text for t in comment) == "# a real comment"


def test_escapes(snippets):
    toks = snippets["escapes"]
    escapes = [t.text for t in toks if t.has("constant.character.escape.flow")]
    assert escapes == ['\\"', "\\\\", "\\n", "\\t", "\\{", "\\}", "\\u00e9"]
    assert find(toks, "\\q").has("invalid.illegal.escape.flow")
    # `\{` is an escape, not the start of a placeholder
    assert not any(t.has("meta.placeholder.flow") for t in toks)


def test_durations_are_not_plain_numbers(snippets):
    toks = snippets["durations"]
    assert find(toks, "15").has("constant.numeric.duration.flow")
    assert find(toks, "m").has("keyword.other.unit.flow")
    three = find(toks, "3 ")
    assert three.has("constant.numeric.duration.flow")
    assert find(toks, "days").has("constant.numeric.duration.flow")
    assert find(toks, "before").has("keyword.control.timing.flow")
    assert find(toks, "close_date").has("variable.other.field.flow")
    big = find(toks, "10_000")
    assert big.scopes == ("constant.numeric.flow",)
    assert find(toks, "2.5").scopes == ("constant.numeric.flow",)


def test_every_unit(snippets):
    toks = snippets["units"]
    units = [t.text for t in toks if t.has("keyword.other.unit.flow")]
    assert units == ["h", "week", "minutes", "d"]
    assert all(t.has("constant.numeric.duration.flow") for t in toks
               if t.text.strip() in {"2", "1", "30"})


def test_times_and_dates(snippets):
    toks = snippets["times_dates"]
    assert find(toks, "09:00").scopes == ("constant.numeric.time.flow",)
    assert find(toks, "2026-03-09").scopes == ("constant.numeric.date.flow",)
    assert find(toks, "10:30").scopes == ("constant.numeric.time.flow",)
    assert [t.text for t in toks if t.has("keyword.control.timing.flow")] == ["at", "at"]


def test_fields_named_like_keywords(snippets):
    toks = snippets["entity_fields"]
    for name, line in (("title", 2), ("date", 3), ("robot", 4)):
        field = find(toks, name, line=line)
        assert field.scopes == ("entity.name.variable.field.flow",), field.dump()
    assert find(toks, "text").scopes == ("support.type.field.flow",)
    assert find(toks, "date", line=3, nth=1).scopes == ("support.type.field.flow",)
    assert find(toks, "optional").has("storage.modifier.optional.flow")
    assert find(toks, "list").has("support.type.list.flow")
    assert not any(t.has("storage.type.robot.flow") for t in toks)


def test_triple_quoted_string_spans_lines(snippets):
    toks = snippets["triple"]
    assert find(toks, '"""').has("punctuation.definition.string.begin.flow")
    body = [t for t in toks if t.line == 2]
    assert body and all(t.has("string.quoted.double.block.flow") for t in body)
    assert not any(t.has("comment") for t in toks)
    assert find(toks, "name").has("variable.other.placeholder.flow")
    assert find(toks, '\\"').has("constant.character.escape.flow")
    end = find(toks, '"""', nth=1)
    assert end.line == 3 and end.has("punctuation.definition.string.end.flow")
    # after the string, highlighting goes on normally
    assert find(toks, "timezone").has("storage.type.timezone.flow")


def test_unterminated_string_ends_with_its_line(snippets):
    toks = snippets["unterminated"]
    assert find(toks, "timezone").has("storage.type.timezone.flow")


def test_stage_flags(snippets):
    toks = snippets["stage_header"]
    assert find(toks, "won").has("entity.name.type.stage.flow")
    assert find(toks, "success").has("constant.language.final.success.flow")
    assert find(toks, "failure").has("constant.language.final.failure.flow")
    assert find(toks, "lost").has("entity.name.type.stage.flow")


def test_calendar(snippets):
    toks = snippets["calendar"]
    assert find(toks, "hours").has("keyword.other.calendar.flow")
    assert find(toks, "mon").has("constant.language.weekday.flow")
    assert find(toks, "fri").has("constant.language.weekday.flow")
    assert find(toks, "09:00").has("constant.numeric.time.flow")
    assert find(toks, "..").has("punctuation.separator.range.flow")
    assert find(toks, "2026-12-31").has("constant.numeric.date.flow")


def test_same_word_event_action_parameter(snippets):
    toks = snippets["event_vs_action"]
    assert find(toks, "email", line=3).has("support.type.event.flow")
    assert find(toks, "email", line=4).has("support.function.action.flow")
    assert find(toks, "subject").has("entity.other.attribute-name.parameter.flow")


def test_tokenize_js_prints_text(node):
    """The script is also a tool for people: plain text, one token a line."""
    proc = subprocess.run([node, "tests/editors/tokenize.js", "editors/sample.flow"],
                          capture_output=True, text=True, cwd=REPO, timeout=120)
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.splitlines()
    assert all(re.fullmatch(r'\d+:\d+-\d+ \S.* ".*"', line) for line in lines), lines[:5]
    assert any(re.fullmatch(r'\d+:1-8 storage.type.timezone.flow "timezone"', line) for line in lines)
