"""Phase 1: parse.  Text -> syntax tree (`flowc.syntax.Module`).

Lark LALR(1) with the contextual lexer; the node builder is handed to the
parser so nodes are built during the parse itself.  Comments are collected by
a lexer callback and kept on the module for the formatter and the LSP.
Syntax errors become diagnostics (F001-F008); nothing escapes as an exception.
After an error the parser recovers (panic mode, see `_Recovery`) so one run
reports every broken item and keeps everything else for the checker.
"""
from __future__ import annotations

import functools
import os
from pathlib import Path

from . import limits
from .diagnostics import Diagnostics, Note
from .gcpause import paused
from .source import Source, Span, lone_cr_as_lf
from .syntax import Comment, Module, Node, Tok

#: Deepest nesting of parentheses, `not`, unary minus and lists in one expression (docs/reliability.md).
MAX_EXPR_DEPTH = limits.MAX_EXPR_DEPTH

#: Most items of one list in brackets (F010): reading stops past it.
MAX_LIST_ITEMS = limits.MAX_LIST_ITEMS

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

def grammar_path() -> Path:
    """grammar/flow.lark: inside the installed package, or in the source tree."""
    here = Path(__file__).resolve().parent
    for candidate in (here / "grammar" / "flow.lark", here.parent.parent / "grammar" / "flow.lark"):
        if candidate.is_file():
            return candidate
    raise FileNotFoundError("flow.lark not found next to the flowc package")


_new_tuple = tuple.__new__


class _ListTooLong(Exception):
    """A list in brackets past `limits.MAX_LIST_ITEMS`: reading stops there."""

    def __init__(self, span: Span) -> None:
        super().__init__()
        self.span = span


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
        # A freshly built grammar names rules with lark Tokens, a cached one
        # with plain strings: node kinds are plain strings either way.
        kind = str(kind)
        fn = self.shift if kind.isupper() else functools.partial(self._build, kind)
        object.__setattr__(self, kind, fn)
        return fn

    shifted = 0  # tokens shifted so far (error recovery measures progress with it)
    lists: list  # the items so far of each list in brackets being read, innermost last

    def shift(self, t) -> Tok:
        self.shifted += 1
        tok = self.tok(t)
        kind = t.type
        if kind == "COMMA" and self.lists:
            self.lists[-1] += 1
            if self.lists[-1] >= MAX_LIST_ITEMS:
                raise _ListTooLong(tok.span)
        elif kind == "LSQB":
            self.lists.append(0)
        elif kind == "RSQB" and self.lists:
            self.lists.pop()
        return tok

    def tok(self, t) -> Tok:
        # Span(...) without its Python-level __new__: a quarter million per MB.
        return Tok(t.type, t, _new_tuple(Span, (self.path, t.line, t.column, t.end_line, t.end_column,
                                                t.start_pos, t.end_pos)))

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
        if kind in _TOP_KINDS:
            self.lists = []  # a list left open by a syntax error counts no further
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
    """Lark terminal names -> words a user understands (see flowc.syntax_errors)."""
    from .syntax_errors import words

    return words(_lark(), names)


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


#: Most syntax errors reported for one file (after that, parsing stops).
MAX_SYNTAX_ERRORS = 20

# Where parsing can pick up again after a syntax error: words that start a
# declaration, a stage item, a scenario item or a calendar line, and `}`.
_SYNC_WORDS = frozenset({
    "timezone", "use", "calendar", "entity", "pipeline", "employee", "form", "template",
    "robot", "trigger", "scenario", "stage", "contact", "company", "channel", "record",
    "at", "run", "expect", "start", "hours", "holidays", "closed", "open", "}",
})
_TOP_KINDS = frozenset({"timezone_decl", "use_file", "calendar", "entity", "pipeline", "employee",
                        "form", "template", "robot", "trigger", "scenario"})


class _Recovery:
    """Panic-mode recovery, as Lark's `on_error` hook.

    The first error is reported; then tokens are skipped until one that can
    start a declaration or item again (or a `}`), and the parser's stacks are
    unwound to the nearest state that accepts it, which drops only the broken
    construct.  Errors met before the parser has shifted a token again, or
    on the line of the token the last error was met at, are consequences of
    that error and are not reported."""

    def __init__(self, source: Source, diags: Diagnostics) -> None:
        self.source = source
        self.diags = diags
        self.reported = 0
        self.shifted_at_error: int | None = None
        self.error_line: int | None = None  # a second error on the line of the last one is its consequence
        self.last = None  # the last exception seen, to salvage items at the end

    def __call__(self, e) -> bool:
        from lark.exceptions import UnexpectedCharacters, UnexpectedToken

        if isinstance(e, UnexpectedToken) and e.token.type == "EXPECT_AT":
            # Not an error yet: the lexer took `at <date>` for an expectation's
            # time where LALR merged the lookaheads of an expectation's end
            # with those of other items; it is the keyword (see `EXPECT_AT`).
            try:
                e.interactive_parser.feed_token(_as_keyword_at(e.token))
            except UnexpectedToken as e2:  # a real error, with the keyword
                e2.interactive_parser = e.interactive_parser
                return self(e2)
            return True
        self.last = e
        line = getattr(getattr(e, "token", None), "line", None) or getattr(e, "line", None)
        if (self.shifted_at_error is None or _BUILDER.shifted > self.shifted_at_error) and \
                (line is None or line != self.error_line):
            self.error_line = line
            if isinstance(e, UnexpectedCharacters):
                _report_characters(e, self.source, self.diags)
            elif isinstance(e, UnexpectedToken):
                _report_token(e, self.source, self.diags)
            else:  # pragma: no cover - Lark raises no other input error for LALR
                return False
            self.reported += 1
        self.shifted_at_error = _BUILDER.shifted
        if self.reported >= MAX_SYNTAX_ERRORS:
            return False
        if isinstance(e, UnexpectedCharacters):
            if self.source.text[e.pos_in_stream:e.pos_in_stream + 1] == '"':
                return False  # an unterminated string: the rest of the file is inside it
            return True  # Lark skips the character
        tok = e.token
        if tok.type == "$END":
            return False
        if str(tok) in _SYNC_WORDS and tok.type not in ("NAME", "STRING"):
            ps = e.interactive_parser.parser_state
            states = ps.parse_conf.states
            stack = ps.state_stack
            for depth in range(len(stack) - 1, -1, -1):
                if tok.type in states[stack[depth]]:
                    del stack[depth + 1:]
                    del ps.value_stack[depth:]
                    try:
                        ps.feed_token(tok)
                    except Exception:  # the unwound state could not take it after all: skip it
                        pass
                    return True
        return True  # skip the token


def _as_keyword_at(tok):
    """An EXPECT_AT token as the keyword `at` it is where no expectation ends.

    Sound because in every parser state the action on EXPECT_AT is the one
    on AT or none (tests/parse/test_parse.py checks the parse table): the
    reductions already made for the EXPECT_AT token are the ones AT makes."""
    from lark import Token

    return Token.new_borrow_pos("AT", str(tok), tok)


def _salvage(e) -> tuple[Node, ...]:
    """The complete top-level items on the parser's stack when parsing had to stop."""
    ip = getattr(e, "interactive_parser", None)
    stack = list(getattr(getattr(ip, "parser_state", None), "value_stack", ()) or ())
    out: list[Node] = []
    todo = list(reversed(stack))
    while todo:
        v = todo.pop()
        if isinstance(v, Node):
            if v.kind in _TOP_KINDS:
                out.append(v)
        elif hasattr(v, "children") and str(getattr(v, "data", "")).startswith("__start"):
            todo.extend(reversed(v.children))
    return tuple(out)


def parse(text: str, path: str = "<input>", diags: Diagnostics | None = None) -> Module:
    """Parse one file.  Syntax errors go to `diags` (several per file: the
    parser recovers at the next declaration or item); the module keeps every
    item that parsed."""
    from lark.exceptions import UnexpectedInput

    diags = diags if diags is not None else Diagnostics()
    source = Source(path, text)
    lark = _lark()
    _BUILDER.path = path
    _BUILDER.diags = diags
    _BUILDER.comments = []
    _BUILDER.reported_depth = False
    _BUILDER.shifted = 0
    _BUILDER.lists = []
    recovery = _Recovery(source, diags)
    try:
        with paused():  # no reference cycles here: see flowc.gcpause
            tree = lark.parse(lone_cr_as_lf(text), on_error=recovery)  # Lark counts lines at LF
    except UnexpectedInput as e:
        if recovery.shifted_at_error is None:  # not seen by the hook (cannot happen for LALR)
            recovery(e)
        return Module(path, source, _salvage(e), tuple(_BUILDER.comments))
    except _ListTooLong as e:
        diags.error("F010", f"a list of more than {MAX_LIST_ITEMS:,} items", e.span,
                    f"flowc stops reading {os.path.basename(path)} here",
                    [Note(f"a list in brackets holds at most {MAX_LIST_ITEMS:,} items; "
                          "test a field instead, or split the list")])
        return Module(path, source, (), tuple(_BUILDER.comments))
    finally:
        _BUILDER.diags = None
    items = tuple(p for p in tree.parts if isinstance(p, Node)) if isinstance(tree, Node) else ()
    return Module(path, source, items, tuple(_BUILDER.comments))


def _report_characters(e, source: Source, diags: Diagnostics) -> None:
    from .syntax_errors import CHARACTER_HELP, accepted, one_of, words

    pos = e.pos_in_stream
    ch = source.text[pos] if pos < len(source.text) else ""
    span = source.span(pos, pos + 1)
    if ch == '"':
        line = source.position(pos)[0]
        end = source.line_starts[line - 1] + len(source.line_text(line))  # the line's end (LF, CRLF, CR)
        diags.error("F002", "unterminated string", source.span(pos, end),
                    "this string has no closing quote",
                    [Note('close the string with " on the same line, or use """ for text over several lines')])
        return
    if ch == "\ufffd":
        diags.error("F007", "the file is not valid UTF-8", span,
                    "bytes here are not UTF-8 text", [Note("save the file as UTF-8")])
        return
    shown = ch if ch.isprintable() and not ch.isspace() else f"U+{ord(ch):04X}"
    notes = [Note(CHARACTER_HELP[ch])] if ch in CHARACTER_HELP else []
    expected = words(_lark(), accepted(e))
    if expected:
        notes.append(Note("expected " + one_of(expected), kind="note"))
    diags.error("F001", f'unexpected character "{shown}"', span, "not allowed here", notes)


def _report_token(e, source: Source, diags: Diagnostics) -> None:
    from .syntax_errors import describe

    block = _open_block(getattr(getattr(e, "state", None), "value_stack", ()) or ())
    summary, span, detail, notes = describe(e, source, _lark(), block)
    diags.error("F003", summary, span, detail, notes)
