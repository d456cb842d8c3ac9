"""Every keyword of grammar/flow.lark is known to every highlighter.

The keywords are the grammar's double-quoted literals that are words, read
with Lark itself.  When the grammar gains a keyword, these tests name it until
the TextMate grammar (editors/vscode/syntaxes/generate.py), the Vim syntax
file and the Pygments lexer all highlight it.
"""
from __future__ import annotations

import json
import re

from pygments.lexer import words as pygments_words

from editors_support import SAMPLE, TM_GRAMMAR, VIM, grammar_keywords, parse_tokens
from flowc.pygments_lexer import FlowLexer

ESCAPES = re.compile(r"\\.")
WORDS = re.compile(r"[a-z_]+")


def words_in_regexes(regexes) -> set[str]:
    """The words a set of regexes spells out (escapes like \\b, \\s, \\d removed)."""
    found: set[str] = set()
    for rx in regexes:
        found.update(WORDS.findall(ESCAPES.sub(" ", rx)))
    return found


def missing(where: str, found: set[str]) -> str:
    gone = sorted(grammar_keywords() - found)
    return f"{where} misses these keywords of grammar/flow.lark: {', '.join(gone)}" if gone else ""


def test_the_grammar_has_keywords():
    kws = grammar_keywords()
    assert {"pipeline", "stage", "robot", "trigger", "after", "notify", "if"} <= kws
    assert all(WORDS.fullmatch(k) for k in kws)


def tm_regexes(node) -> list[str]:
    out = []
    if isinstance(node, dict):
        for key, value in node.items():
            if key in ("match", "begin", "end", "while") and isinstance(value, str):
                out.append(value)
            else:
                out.extend(tm_regexes(value))
    elif isinstance(node, list):
        for item in node:
            out.extend(tm_regexes(item))
    return out


def test_textmate_grammar_knows_every_keyword():
    grammar = json.loads(TM_GRAMMAR.read_text(encoding="utf-8"))
    problem = missing("editors/vscode/syntaxes/flow.tmLanguage.json", words_in_regexes(tm_regexes(grammar)))
    assert not problem, problem


def test_vim_syntax_knows_every_keyword():
    found: set[str] = set()
    options = re.compile(r"^(contained|containedin|nextgroup|skipwhite|skipnl|skipempty|transparent|conceal|cchar)\b")
    for line in (VIM / "syntax" / "flow.vim").read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if line.startswith('"'):
            continue
        m = re.match(r"syn(?:tax)?\s+keyword\s+\w+\s+(.*)", line)
        if m:
            found.update(w for w in m.group(1).split() if not options.match(w))
        elif re.match(r"(syn(?:tax)?\s+(match|region)|exe|let\s+s:)", line):
            # patterns: between delimiters, or in the strings an `exe` line builds
            found.update(words_in_regexes(re.findall(r"/((?:[^/\\]|\\.)*)/", line)
                                          + re.findall(r"'((?:[^']|'')*)'", line)))
    problem = missing("editors/vim/syntax/flow.vim", found)
    assert not problem, problem


def pygments_regexes() -> list[str]:
    out = []
    for rules in FlowLexer.tokens.values():
        for rule in rules:
            if isinstance(rule, tuple):
                rx = rule[0]
                out.extend(rx.words if isinstance(rx, pygments_words) else [rx])
    return out


def test_pygments_lexer_knows_every_keyword():
    problem = missing("src/flowc/pygments_lexer.py", words_in_regexes(pygments_regexes()))
    assert not problem, problem


def test_sample_uses_every_keyword():
    """editors/sample.flow shows every keyword (as the parser reads it), to check by eye."""
    used = {t.text for t in parse_tokens(SAMPLE) if t.role == "keyword"}
    gone = sorted(grammar_keywords() - used)
    assert not gone, f"editors/sample.flow does not use: {', '.join(gone)}"


def test_the_check_catches_a_missing_word():
    assert "zebra" in words_in_regexes([r"(?<![\w.])(?:zebra|x)(?![\w.])"])
    assert "on" not in words_in_regexes([r"\bonly\b"])
