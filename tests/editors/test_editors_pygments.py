"""The Pygments lexer, flowc.pygments_lexer.FlowLexer (`pygmentize -l flow FILE`)."""
from __future__ import annotations

import importlib.metadata
import os
import subprocess
import sys
import tomllib

import pytest
from pygments.token import (Comment, Error, Keyword, Literal, Name, Number, Operator, Punctuation,
                            String)

from editors_support import (FLOW_FILES, FLOW_IDS, REPO, SAMPLE, Piece, disagreements,
                             parse_tokens, require)
from flowc.pygments_lexer import FlowLexer


def lex(text: str):
    return list(FlowLexer().get_tokens_unprocessed(text))


@pytest.mark.parametrize("path", FLOW_FILES, ids=FLOW_IDS)
def test_no_error_tokens(path):
    text = path.read_text(encoding="utf-8")
    tokens = lex(text)
    errors = [(text.count("\n", 0, i) + 1, v) for i, t, v in tokens if t in Error]
    assert not errors, f"Error tokens (line, text): {errors}"
    assert "".join(v for _, _, v in tokens) == text


# ---------------------------------------------------------------- agreement with the parser

KEYWORD_TOKENS = (Keyword, Operator.Word, Name.Builtin, Name.Attribute)
NAME_TOKENS = (Name.Class, Name.Function, Name.Variable, Name.Label, Name.Constant,
               Name.Property)
ROLE_TOKENS = {
    "string": (String,),
    "number": (Number.Integer, Number.Float),
    "duration": (Number.Other,),
    "date": (Literal.Date,),
    "time": (Literal.Date,),
    "weekday": (Keyword.Constant,),
    "comment": (Comment.Single,),
    "keyword": KEYWORD_TOKENS,
}


def pygments_fits(role: str, piece: Piece) -> bool:
    ttype = piece.data
    if role == "name":
        return ttype is Name or any(ttype in t for t in NAME_TOKENS)
    if role == "operator":
        return (ttype in Operator and ttype not in Operator.Word) or ttype in Punctuation
    return any(ttype in t for t in ROLE_TOKENS[role])


@pytest.mark.parametrize("path", FLOW_FILES, ids=FLOW_IDS)
def test_tokens_agree_with_parser(path):
    text = path.read_text(encoding="utf-8")
    pieces = [Piece(i, i + len(v), str(t), t) for i, t, v in lex(text) if v]
    problems = disagreements(parse_tokens(path), pieces, text, pygments_fits)
    assert not problems, "Pygments tokens that do not fit the parse:\n" + "\n".join(problems)


# ---------------------------------------------------------------- targeted cases

def kinds(text: str) -> dict[str, list]:
    out: dict[str, list] = {}
    for _, t, v in lex(text):
        out.setdefault(v, []).append(t)
    return out


def test_placeholders_and_escapes():
    k = kinds(r'robot r: notify responsible "Hi {client.name} { title } \"x\" \{no\} \u00e9 #1"' + "\n")
    assert k["{client.name}"] == [String.Interpol]
    assert k["{ title }"] == [String.Interpol]  # spaces inside the braces are allowed
    assert k['\\"'] == [String.Escape, String.Escape]
    assert k["\\{"] == [String.Escape] and k["\\}"] == [String.Escape]
    assert k["\\u00e9"] == [String.Escape]
    assert k[" #1"] == [String.Double]  # a `#` in a string is no comment
    assert not any(t in Comment for ts in k.values() for t in ts)


def test_triple_quoted_string():
    text = 'template t """one {x}\n# two\n"""\ntimezone "UTC"\n'
    toks = lex(text)
    assert not any(t in Comment for _, t, _ in toks)
    assert kinds(text)["timezone"] == [Keyword.Declaration]


def test_durations_numbers_dates_times():
    k = kinds('robot r: notify responsible "x" after 15m, 3 days before close_date at 09:00\n'
              "  if amount > 10_000 and d < 2026-03-09 and x = 2.5\n")
    assert k["15m"] == [Number.Other] and k["3 days"] == [Number.Other]
    assert k["10_000"] == [Number.Integer] and k["2.5"] == [Number.Float]
    assert k["2026-03-09"] == [Literal.Date] and k["09:00"] == [Literal.Date]
    assert k["close_date"] == [Name.Variable]


def test_field_named_like_a_keyword():
    k = kinds("entity deal {\n  title: text\n  date: optional date\n}\n")
    assert k["title"] == [Name.Property]
    assert k["date"] == [Name.Property, Name.Class]
    assert k["text"] == [Name.Class]
    assert k["optional"] == [Keyword.Pseudo]


# ---------------------------------------------------------------- packaging

def test_entry_point_is_declared():
    """pyproject.toml registers the lexer under the name Pygments looks for."""
    project = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))
    target = project["project"]["entry-points"]["pygments.lexers"]["flow"]
    module, _, attr = target.partition(":")
    assert getattr(__import__(module, fromlist=[attr]), attr) is FlowLexer


def test_lexer_metadata():
    assert FlowLexer.name == "Flow"
    assert FlowLexer.aliases == ["flow", "flowc"]
    assert FlowLexer.filenames == ["*.flow"]


def test_import_is_light():
    """Importing the lexer loads Pygments only: no Lark, no other flowc module."""
    code = ("import sys; import flowc.pygments_lexer; "
            "print(sorted(m for m in sys.modules if m.split('.')[0] in ('lark', 'flowc', 'attrs', "
            "'pendulum', 'click', 'holidays')))")
    env = {**os.environ, "PYTHONPATH": str(REPO / "src")}
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "['flowc', 'flowc.pygments_lexer']"


def installed() -> bool:
    try:
        dist = importlib.metadata.distribution("flowc")
    except importlib.metadata.PackageNotFoundError:
        return False
    return any(ep.group == "pygments.lexers" and ep.name == "flow" for ep in dist.entry_points)


def test_lookup_by_name_when_installed():
    require(installed(), "flowc is not installed (pip install -e .): Pygments finds lexers "
                         "through the entry points of installed packages")
    from pygments.lexers import get_lexer_by_name, get_lexer_for_filename

    assert type(get_lexer_by_name("flow")).__name__ == "FlowLexer"
    assert type(get_lexer_by_name("flowc")).__name__ == "FlowLexer"
    assert type(get_lexer_for_filename("sales.flow")).__name__ == "FlowLexer"
    proc = subprocess.run([sys.executable, "-m", "pygments", "-l", "flow", "-f", "html",
                           str(SAMPLE)], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert '<span class="kd">pipeline</span>' in proc.stdout
    assert 'class="err"' not in proc.stdout
