"""Helpers of the editor tests (VS Code grammar, Vim files, Pygments lexer).

Kept out of conftest.py, under a name no other test folder uses, so that test
modules can import them whatever other conftest.py files the suite grows.

The tests that need node (the TextMate engine of VS Code, vsce) skip with a
reason when node or tests/editors/node_modules is missing, except under CI
(FLOWC_CI set, as .ci/run does), where a missing tool is a failure: CI must
never skip them silently.  `require` is the one place that decides.
"""
from __future__ import annotations

import bisect
import functools
import json
import os
import re
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterable

import pytest

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
EDITORS = REPO / "editors"
VSCODE = EDITORS / "vscode"
VIM = EDITORS / "vim"
GRAMMAR_LARK = REPO / "grammar" / "flow.lark"
TM_GRAMMAR = VSCODE / "syntaxes" / "flow.tmLanguage.json"
SAMPLE = EDITORS / "sample.flow"
NODE_MODULES = HERE / "node_modules"
TOKENIZE_JS = HERE / "tokenize.js"

WORD = re.compile(r"[a-z_]+")


def require(ok: object, reason: str) -> None:
    """Skip the test when `ok` is false, or fail it under CI (FLOWC_CI set)."""
    if ok:
        return
    if os.environ.get("FLOWC_CI"):
        pytest.fail(f"{reason} (FLOWC_CI is set: in CI this test must run, not be skipped)",
                    pytrace=False)
    pytest.skip(reason)


def flow_files() -> list[Path]:
    """Every example (looked up now, so new examples are tested too), then the sample."""
    return sorted((REPO / "examples").glob("*.flow")) + [SAMPLE]


FLOW_FILES = flow_files()
#: Test ids, which are also the snapshot names: the file's stem.
FLOW_IDS = [p.stem for p in FLOW_FILES]
if len(set(FLOW_IDS)) != len(FLOW_IDS):  # pragma: no cover - an example called sample.flow
    FLOW_IDS = [p.stem if p != SAMPLE else "editors-sample" for p in FLOW_FILES]


def rel(path: Path) -> str:
    try:
        return path.relative_to(REPO).as_posix()
    except ValueError:
        return str(path)


def line_starts(text: str) -> list[int]:
    starts = [0]
    i = text.find("\n")
    while i >= 0:
        starts.append(i + 1)
        i = text.find("\n", i + 1)
    return starts


# ---------------------------------------------------------------- TextMate (node)

@dataclass(frozen=True)
class TmToken:
    line: int  # 1-based
    start: int  # 1-based column, in characters
    end: int  # inclusive
    scopes: tuple[str, ...]  # without the root scope, source.flow
    text: str

    def has(self, prefix: str) -> bool:
        """Some scope is `prefix` or starts with `prefix.`, as a theme's selector matches."""
        return any(s == prefix or s.startswith(prefix + ".") for s in self.scopes)

    def dump(self) -> str:
        scopes = " ".join(self.scopes) or "-"
        return f"{self.line}:{self.start}-{self.end} {scopes} {json.dumps(self.text, ensure_ascii=False)}"


def dump(tokens: list[TmToken]) -> str:
    return "".join(t.dump() + "\n" for t in tokens)


class TextMate:
    """Runs tests/editors/tokenize.js, one node process for many files."""

    def __init__(self, node: str) -> None:
        self.node = node
        self.cache: dict[Path, list[TmToken]] = {}

    def tokenize(self, *paths: Path) -> dict[Path, list[TmToken]]:
        todo = [p for p in dict.fromkeys(paths) if p not in self.cache]
        if todo:
            proc = subprocess.run([self.node, str(TOKENIZE_JS), "--json", *map(str, todo)],
                                  capture_output=True, text=True, encoding="utf-8",
                                  timeout=300, cwd=REPO)
            assert proc.returncode == 0, f"tokenize.js failed:\n{proc.stderr}"
            raw = json.loads(proc.stdout)
            for p in todo:
                self.cache[p] = [TmToken(l, s, e, tuple(sc), t) for l, s, e, sc, t in raw[str(p)]]
        return {p: self.cache[p] for p in paths}

    def tokenize_texts(self, texts: dict[str, str], folder: Path) -> dict[str, list[TmToken]]:
        """Tokenizes several snippets in one go; keys are names for the files."""
        paths = {}
        for name, text in texts.items():
            path = folder / f"{name}.flow"
            path.write_text(text, encoding="utf-8")
            paths[name] = path
        got = self.tokenize(*paths.values())
        return {name: got[path] for name, path in paths.items()}


# ---------------------------------------------------------------- the language itself

@functools.lru_cache(maxsize=1)
def grammar_keywords() -> frozenset[str]:
    """The keywords of grammar/flow.lark: its quoted string literals that are words."""
    from lark import Lark

    parser = Lark(GRAMMAR_LARK.read_text(encoding="utf-8"), parser="lalr")
    found = {t.pattern.value for t in parser.terminals if t.pattern.type == "str"}
    return frozenset(w for w in found if WORD.fullmatch(w))


VALUE_TERMINALS = ("NAME", "WEEKDAY", "STRING", "NUMBER", "DURATION", "DATE", "TIME", "COMMENT")


@dataclass(frozen=True)
class ParsedToken:
    type: str  # Lark's terminal name: NAME, STRING, ... or a keyword's or operator's
    text: str
    line: int
    column: int  # 1-based
    start: int  # offsets in the text
    end: int

    @property
    def role(self) -> str:
        """name, string, number, duration, date, time, weekday, comment, keyword or operator."""
        if self.type in VALUE_TERMINALS:
            return self.type.lower()
        return "keyword" if WORD.fullmatch(self.text) else "operator"


def parse_tokens(path: Path) -> list[ParsedToken]:
    """Every token of a file as flowc's parser sees it, comments included, in order."""
    from flowc.diagnostics import Diagnostics
    from flowc.parse import parse
    from flowc.syntax import Node

    diags = Diagnostics()
    module = parse(path.read_text(encoding="utf-8"), str(path), diags)
    problems = [str(d) for d in diags]
    assert not problems, f"{rel(path)} does not parse: {problems}"
    out: list[ParsedToken] = []

    def walk(node: Node) -> None:
        for p in node.parts:
            if isinstance(p, Node):
                walk(p)
            else:
                sp = p.span
                out.append(ParsedToken(p.type, str(p), sp.line, sp.column, sp.start, sp.end))

    for item in module.items:
        walk(item)
    for c in module.comments:
        sp = c.span
        out.append(ParsedToken("COMMENT", c.text, sp.line, sp.column, sp.start, sp.end))
    return sorted(out, key=lambda t: t.start)


# ---------------------------------------------------------------- highlighters vs parser

@dataclass(frozen=True)
class Piece:
    """A highlighter's token, as offsets in the text, with its label (scopes, token type)."""

    start: int
    end: int
    label: str
    data: object = None


def disagreements(tokens: Iterable[ParsedToken], pieces: list[Piece], text: str,
                  fits: Callable[[str, Piece], bool]) -> list[str]:
    """Parser tokens whose highlighting does not fit their role, one message each.

    `fits(role, piece)` says whether a highlighter's piece overlapping a parser
    token of that role is right; pieces that overlap a token only on spaces are
    not looked at.
    """
    pieces = sorted(pieces, key=lambda p: p.start)
    starts = [p.start for p in pieces]
    problems = []
    for tok in tokens:
        role = tok.role
        i = max(0, bisect.bisect_right(starts, tok.start) - 1)
        covering = []
        while i < len(pieces) and pieces[i].start < tok.end:
            p = pieces[i]
            if p.end > tok.start and text[max(p.start, tok.start):min(p.end, tok.end)].strip():
                covering.append(p)
            i += 1
        bad = sorted({p.label for p in covering if not fits(role, p)})
        where = f"{tok.line}:{tok.column} {role} {tok.text!r}"
        if not covering:
            problems.append(f"{where}: not highlighted")
        elif bad:
            problems.append(f"{where}: highlighted as {' | '.join(bad)}")
    return problems
