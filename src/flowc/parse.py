"""Phase 1: parse.  Text -> syntax tree (`flowc.syntax.Module`).

Lark LALR(1) with the contextual lexer; the node builder is handed to the
parser so nodes are built during the parse itself.  Comments are collected by
a lexer callback and kept on the module for the formatter and the LSP.
Syntax errors become diagnostics (F001-F009); nothing escapes as an exception.
"""
from __future__ import annotations

import functools
import os
from pathlib import Path

from . import limits
from .diagnostics import Diagnostics, Note
from .source import Source, Span
from .syntax import Comment, Module, Node, Tok

#: Deepest nesting of parentheses, `not`, unary minus and lists in one expression (docs/reliability.md).
MAX_EXPR_DEPTH = limits.MAX_EXPR_DEPTH

# Expression node kinds: nesting depth is tracked through these.  Each
# parenthesis, `not`, unary minus and list is one level: every way an
# expression can hold another one without bound.
_EXPR_LEVEL = frozenset({"e_group", "e_not", "e_neg", "list"})
_EXPR_KINDS = frozenset({
    "e_or", "e_and", "e_not", "e_compare", "e_in", "e_not_in", "e_contains", "e_is_set",
    "e_is_empty", "e_between", "e_arith", "e_neg", "e_string", "e_number", "e_duration",
    "e_date", "e_time", "e_true", "e_false", "e_today", "e_now", "e_group", "list",
    "field_path", "cmp_op", "too_deep",
})

# Block openers, for "this block is still open" notes.
_BLOCK_WORDS = ("calendar", "entity", "pipeline", "stage", "robot", "trigger", "scenario",
                "record", "employee", "contact", "company")

_TOKEN_WORDS = {
    "NAME": "a name",
    "STRING": "a string",
    "NUMBER": "a number",
    "DURATION": "a duration (like 15m, 2h or 3 days)",
    "DATE": "a date (YYYY-MM-DD)",
    "TIME": "a time (HH:MM)",
    "WEEKDAY": "a weekday (mon, tue, wed, thu, fri, sat, sun)",
    "$END": "the end of the file",
}


def grammar_path() -> Path:
    """grammar/flow.lark: inside the installed package, or in the source tree."""
    here = Path(__file__).resolve().parent
    for candidate in (here / "grammar" / "flow.lark", here.parent.parent / "grammar" / "flow.lark"):
        if candidate.is_file():
            return candidate
    raise FileNotFoundError("flow.lark not found next to the flowc package")


class _Builder:
    """Builds a `Node` for every grammar rule, as the parser reduces it."""

    def __init__(self) -> None:
        self.path = "<input>"
        self.diags: Diagnostics | None = None
        self.comments: list[Comment] = []
        self.reported_depth = False

    def __getattr__(self, kind: str):
        # Lark looks up one attribute per rule (lower case: build a node) and
        # per terminal (upper case: convert the token as it is shifted).
        if kind.startswith("_"):  # inlined rules (_item, _timing, ...) are Lark's business
            raise AttributeError(kind)
        fn = self.tok if kind.isupper() else functools.partial(self._build, kind)
        object.__setattr__(self, kind, fn)
        return fn

    def tok(self, t) -> Tok:
        return Tok(t.type, str(t), Span(self.path, t.line, t.column, t.end_line, t.end_column,
                                        t.start_pos, t.end_pos))

    def comment(self, t):
        self.comments.append(Comment(str(t), self.tok(t).span))
        return t

    def _build(self, kind: str, children: list) -> Node:
        parts = []
        first = last = None
        depth = 0
        for c in children:
            if isinstance(c, Node):
                parts.append(c)
                if c.span is not None:
                    first = first or c.span
                    last = c.span
                if c.depth > depth:
                    depth = c.depth
            elif c is not None:
                t = c if isinstance(c, Tok) else self.tok(c)
                parts.append(t)
                first = first or t.span
                last = t.span
        span = first.to(last) if first is not None else None
        if kind in _EXPR_LEVEL:
            depth += 1
        elif kind not in _EXPR_KINDS:
            depth = 0
        if depth > MAX_EXPR_DEPTH:
            if not self.reported_depth and self.diags is not None and span is not None:
                self.reported_depth = True
                self.diags.error(
                    "F008", f"expression nested more than {MAX_EXPR_DEPTH} levels deep", span,
                    "this expression is too deeply nested",
                    [Note(f"the limit is {MAX_EXPR_DEPTH} levels of parentheses, `not`, unary minus and lists; "
                          "split the condition into simpler parts")])
            return Node("too_deep", (), span, depth)
        return Node(kind, tuple(parts), span, depth)


_BUILDER = _Builder()


@functools.lru_cache(maxsize=1)
def _lark():
    from lark import Lark

    return Lark(
        grammar_path().read_text(encoding="utf-8"),
        parser="lalr",
        lexer="contextual",
        keep_all_tokens=True,
        maybe_placeholders=False,
        transformer=_BUILDER,
        lexer_callbacks={"COMMENT": _BUILDER.comment},
        cache=_cache_file(),
    )


def _cache_file():
    """Lark's grammar cache (validated by Lark against the grammar's hash)."""
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    folder = os.path.join(base, "flowc")
    try:
        os.makedirs(folder, exist_ok=True)
        probe = os.path.join(folder, ".w")
        with open(probe, "w"):
            pass
        return os.path.join(folder, "flow.lark.cache")
    except OSError:
        return True  # Lark's default: a file in the temp folder


def terminal_words(names) -> list[str]:
    """Lark terminal names -> words a user understands, sorted, de-duplicated."""
    lark = _lark()
    classes, keywords = [], []
    for name in names:
        if name in _TOKEN_WORDS:
            classes.append(_TOKEN_WORDS[name])
            continue
        try:
            term = lark.get_terminal(name)
        except KeyError:
            continue
        pattern = term.pattern
        if pattern.type == "str":
            keywords.append(f'"{pattern.value}"')
        elif name == "COMMENT":
            continue
        else:
            classes.append(name.lower())
    return sorted(set(classes)) + sorted(set(keywords))


def _open_block(value_stack) -> tuple[str, Span] | None:
    """The innermost `{` still open, described by the words that opened it."""
    items = list(value_stack)
    for i in range(len(items) - 1, -1, -1):
        it = items[i]
        if not (isinstance(it, Tok) and str(it) == "{"):
            continue
        desc = "block"
        for j in range(i - 1, -1, -1):
            prev = items[j]
            if isinstance(prev, Tok) and prev.is_keyword and str(prev) in _BLOCK_WORDS:
                name = next((str(x) for x in items[j + 1:i] if isinstance(x, Tok) and x.type == "NAME"), "")
                desc = f"{prev} {name}".strip()
                break
        return desc, it.span
    return None


def parse(text: str, path: str = "<input>", diags: Diagnostics | None = None) -> Module:
    """Parse one file.  Syntax errors go to `diags`; the module is then empty."""
    from lark.exceptions import UnexpectedCharacters, UnexpectedInput, UnexpectedToken

    diags = diags if diags is not None else Diagnostics()
    source = Source(path, text)
    lark = _lark()
    _BUILDER.path = path
    _BUILDER.diags = diags
    _BUILDER.comments = []
    _BUILDER.reported_depth = False
    try:
        tree = lark.parse(text)
    except UnexpectedCharacters as e:
        _report_characters(e, source, diags)
        return Module(path, source, (), tuple(_BUILDER.comments))
    except UnexpectedToken as e:
        _report_token(e, source, diags)
        return Module(path, source, (), tuple(_BUILDER.comments))
    except UnexpectedInput as e:  # pragma: no cover - other Lark input errors
        span = source.span(getattr(e, "pos_in_stream", 0) or 0, (getattr(e, "pos_in_stream", 0) or 0) + 1)
        diags.error("F003", "syntax error", span, str(e).splitlines()[0])
        return Module(path, source, (), tuple(_BUILDER.comments))
    finally:
        _BUILDER.diags = None
    items = tuple(p for p in tree.parts if isinstance(p, Node))
    return Module(path, source, items, tuple(_BUILDER.comments))


def _report_characters(e, source: Source, diags: Diagnostics) -> None:
    pos = e.pos_in_stream
    ch = source.text[pos] if pos < len(source.text) else ""
    span = source.span(pos, pos + 1)
    if ch == '"':
        end = source.text.find("\n", pos)
        end = len(source.text) if end < 0 else end
        diags.error("F002", "unterminated string", source.span(pos, end),
                    "this string has no closing quote",
                    [Note('close the string with " on the same line, or use """ for text over several lines')])
        return
    if ch == "\ufffd":
        diags.error("F007", "the file is not valid UTF-8", span,
                    "bytes here are not UTF-8 text", [Note("save the file as UTF-8")])
        return
    shown = ch if ch.isprintable() and not ch.isspace() else f"U+{ord(ch):04X}"
    expected = terminal_words(e.allowed or ())
    notes = [Note("expected " + _one_of(expected))] if expected else []
    diags.error("F001", f'unexpected character "{shown}"', span, "not allowed here", notes)


def _one_of(words: list[str]) -> str:
    if len(words) > 14:
        words = words[:14] + [f"… ({len(words) - 14} more)"]
    if len(words) == 1:
        return words[0]
    return "one of: " + ", ".join(words)


def _report_token(e, source: Source, diags: Diagnostics) -> None:
    tok = e.token
    expected = terminal_words(e.expected or ())
    notes: list[Note] = []
    block = _open_block(getattr(getattr(e, "state", None), "value_stack", ()) or ())
    if tok.type == "$END":
        end = len(source.text)
        span = source.span(end, end)
        summary = "unexpected end of file"
        if block:
            notes.append(Note(f"the {block[0]} block opened here is never closed", block[1], "note"))
            notes.append(Note('add the missing "}"'))
    else:
        span = source.span(tok.start_pos, tok.end_pos)
        text = str(tok)
        if len(text) > 30:
            text = text[:27] + "..."
        summary = f'unexpected "{text}"'
        if block:
            notes.append(Note(f"inside the {block[0]} block opened here", block[1], "note"))
    detail = ("expected " + _one_of(expected)) if expected else ""
    diags.error("F003", summary, span, detail, notes)
