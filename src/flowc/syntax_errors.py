"""Syntax errors a person understands (F001, F003), after Elm and rustc.

`flowc.parse` hands over Lark's exception; this module says what is wrong
in words.  First the mistakes people make, each one entry of `TARGETED`
(a function that recognises it and says it): a misspelt keyword, `==`, a
chained comparison, an unknown duration unit, an unclosed block, an empty
condition.  Otherwise: "unexpected X", with what can really follow there
(Lark's interactive parser tries each candidate, so LALR's merged
lookaheads do not pad the list), grouped and in words.
"""
from __future__ import annotations

import re
from typing import Callable

from .diagnostics import Note, suggest
from .source import Source, Span
from .syntax import Node, Tok

#: Token classes in words.
TOKEN_WORDS = {
    "NAME": "a name",
    "STRING": "a string",
    "NUMBER": "a number",
    "DURATION": "a duration (like 15m, 2h or 3 days)",
    "DATE": "a date (YYYY-MM-DD)",
    "TIME": "a time (HH:MM)",
    "WEEKDAY": "a weekday (mon, tue, wed, thu, fri, sat, sun)",
    "$END": "the end of the file",
    "EXPECT_AT": '"at"',
}
#: Groups of punctuation said as one thing.
GROUPS = (
    ({"=", "!=", "<", "<=", ">", ">="}, "a comparison (=, !=, <, <=, >, >=)"),
    ({"+", "-", "*", "/"}, "an operator (+, -, *, /)"),
)
#: Characters that cannot start a token, and what to write instead.
CHARACTER_HELP = {
    ";": "no `;` is needed: put each item on its own line",
    "'": 'strings are written with double quotes: "..."',
    "&": "write `and`",
    "|": "write `or`",
    "!": "write `not`, or `!=` for \"is not equal to\"",
    "@": "an e-mail address goes in a string: \"ana@example.com\"",
}
_MAX_WORDS = 12


# ------------------------------------------------------------------ what can follow

def accepted(e) -> set[str]:
    """The terminals the parser really accepts where it stopped."""
    ip = getattr(e, "interactive_parser", None)
    if ip is not None:
        try:
            return set(ip.accepts())
        except Exception:  # pragma: no cover - Lark's own failure: fall back to its list
            pass
    return set(getattr(e, "expected", None) or getattr(e, "allowed", None) or ())


def words(lark, names) -> list[str]:
    """Terminal names -> what a user reads: classes in words, then keywords
    and punctuation, quoted; groups of operators said once."""
    classes, literal = set(), set()
    for name in names:
        if name in TOKEN_WORDS:
            classes.add(TOKEN_WORDS[name])
            continue
        try:
            term = lark.get_terminal(name)
        except KeyError:
            continue
        if term.pattern.type == "str":
            literal.add(term.pattern.value)
        elif name != "COMMENT":
            classes.add(name.lower())
    grouped = []
    for members, said in GROUPS:
        if len(literal & members) >= 3:
            grouped.append(said)
            literal -= members
    return sorted(classes) + grouped + [f'"{w}"' for w in sorted(literal)]


def one_of(ws: list[str]) -> str:
    if len(ws) > _MAX_WORDS:
        ws = ws[:_MAX_WORDS] + [f"… ({len(ws) - _MAX_WORDS} more)"]
    if len(ws) == 1:
        return ws[0]
    return "one of: " + ", ".join(ws)


def keywords(lark, names) -> list[str]:
    out = []
    for name in names:
        try:
            term = lark.get_terminal(name)
        except KeyError:
            continue
        if term.pattern.type == "str" and re.fullmatch(r"[a-z]+", term.pattern.value):
            out.append(term.pattern.value)
    return out


# ------------------------------------------------------------------ the targeted messages

class Ctx:
    """What a targeted message may look at."""

    def __init__(self, e, source: Source, lark, block) -> None:
        self.e = e
        self.tok = e.token
        self.source = source
        self.lark = lark
        self.block = block  # (description, span of its `{`) or None
        self.stack = list(getattr(getattr(e, "state", None), "value_stack", ()) or ())
        self.accepts = accepted(e)

    @property
    def text(self) -> str:
        return self.source.text

    def span(self, start: int, end: int) -> Span:
        return self.source.span(start, end)

    def last_token(self) -> Tok | None:
        for v in reversed(self.stack):
            if isinstance(v, Tok):
                return v
            if isinstance(v, Node):
                toks = _tokens(v)
                if toks:
                    return toks[-1]
        return None


def _tokens(node: Node) -> list[Tok]:
    out = []
    for p in node.parts:
        if isinstance(p, Tok):
            out.append(p)
        elif isinstance(p, Node):
            out.extend(_tokens(p))
    return out


Message = tuple[str, Span, str, list[Note]]


def _equals_twice(c: Ctx) -> Message | None:
    t = c.tok
    if str(t) != "=" or c.text[max(0, t.start_pos - 1):t.start_pos] != "=":
        return None
    return ('"==" is not an operator', c.span(t.start_pos - 1, t.end_pos), "use = to compare",
            [Note("`=` compares: `if amount = 5`")])


def _chained_comparison(c: Ctx) -> Message | None:
    if str(c.tok) not in ("=", "!=", "<", "<=", ">", ">=") or not c.stack:
        return None
    # `a = b` just before: reduced (e_compare), or still its parts on the stack.
    top = c.stack[-1]
    while isinstance(top, Node) and top.kind in ("condition", "e_and", "e_or") and top.parts:
        top = top.parts[-1]
    pending = len(c.stack) >= 2 and isinstance(c.stack[-2], Node) and c.stack[-2].kind == "cmp_op"
    if not (pending or isinstance(top, Node) and top.kind == "e_compare"):
        return None
    return ("comparisons do not chain", c.span(c.tok.start_pos, c.tok.end_pos), "a second comparison",
            [Note("compare two at a time, joined with `and`: `a = b and b = c`")])


def _units() -> dict[str, str]:
    from . import lower, schema

    return dict(getattr(schema, "DURATION_UNITS", None) or lower._UNITS)


def _duration_unit(c: Ctx) -> Message | None:
    t = c.tok
    if t.type != "NUMBER" or "DURATION" not in c.accepts:
        return None
    m = re.compile(r"[ \t]*([^\W\d]\w*)").match(c.text, t.end_pos)
    units = _units()
    by_unit: dict[str, list[str]] = {}
    for written, unit in units.items():
        by_unit.setdefault(unit, []).append(written)
    listing = "; ".join(f"{u} ({', '.join(sorted(w, key=len))})" for u, w in by_unit.items())
    if "." in str(t) and m:
        return (f'a duration is a whole number of {units.get(m.group(1), "units")}',
                c.span(t.start_pos, m.end()), "not a whole number",
                [Note("use a smaller unit: 90m, not 1.5h")])
    if not m:
        return ("a duration needs a unit", c.span(t.start_pos, t.end_pos), "a number without a unit",
                [Note(f"write the unit after the number: {t}m, {t}h, {t} days; the units are {listing}")])
    if m.group(1) in units:
        return None
    notes = []
    best = suggest(m.group(1), list(units))
    if best:
        notes.append(Note(f'did you mean "{best}"?'))
    notes.append(Note(f"the units are {listing}"))
    return (f'unknown duration unit "{m.group(1)}"', c.span(t.start_pos, m.end()), "not a unit of time", notes)


def _unclosed_block(c: Ctx) -> Message | None:
    """A word that belongs after the block's `}`: the `}` is missing."""
    if c.block is None or c.tok.type in ("$END", "RBRACE"):
        return None
    ip = getattr(c.e, "interactive_parser", None)
    if ip is None or "RBRACE" not in c.accepts:
        return None
    try:
        trial = _quiet_copy(ip)
        from lark import Token

        trial.feed_token(Token("RBRACE", "}"))
        if c.tok.type not in trial.accepts():
            return None
    except Exception:
        return None
    what, brace = c.block
    return (f"the {what} block is not closed", c.span(c.tok.start_pos, c.tok.end_pos),
            f'expected "}}" before "{c.tok}"',
            [Note(f"the {what} block opened here", brace, "note"), Note('add the missing "}"')])


def _quiet_copy(ip):
    """A copy of the interactive parser that builds nothing (as Lark's own
    `accepts` does): trying a token must not touch the real parse."""
    from copy import copy

    trial = ip.copy(deepcopy_values=False)
    conf = copy(trial.parser_state.parse_conf)
    conf.callbacks = {}
    trial.parser_state.parse_conf = conf
    return trial


def _nothing_after(c: Ctx) -> Message | None:
    """`if` at the end of a line, and the next line's `robot` read as a name."""
    if len(c.stack) < 2:
        return None
    last = c.last_token()
    if last is None or last.type != "NAME" or not c.text[:last.span.start].rsplit("\n", 1)[-1].strip() == "":
        return None
    before = None
    for v in reversed(c.stack):
        toks = [v] if isinstance(v, Tok) else _tokens(v) if isinstance(v, Node) else []
        for t in reversed(toks):
            if t is not last and t.span.start < last.span.start:
                before = t
                break
        if before is not None:
            break
    if before is None or before.span.line == last.span.line or not before.is_keyword:
        return None
    if str(before) == "if":
        return ("the condition after `if` is missing", before.span, "nothing after `if` on this line",
                [Note("write the condition: `if amount > 1_000`, or remove `if`")])
    return (f'nothing after "{before}"', before.span, f'"{before}" needs something after it on its line', [])


#: The targeted messages, tried in order; the first that recognises the
#: mistake says it.
TARGETED: tuple[Callable[[Ctx], Message | None], ...] = (
    _equals_twice, _chained_comparison, _duration_unit, _nothing_after, _unclosed_block,
)


def describe(e, source: Source, lark, block) -> Message:
    """(summary, span, detail, notes) of an UnexpectedToken."""
    c = Ctx(e, source, lark, block)
    for rule in TARGETED:
        found = rule(c)
        if found is not None:
            return found
    tok = c.tok
    expected = words(lark, c.accepts)
    notes: list[Note] = []
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
        summary = f'unexpected "{text[:27] + "..." if len(text) > 30 else text}"'
        if re.fullmatch(r"[^\W\d]\w*", text):
            best = suggest(text, keywords(lark, c.accepts))
            if best and best != text:
                notes.append(Note(f'did you mean "{best}"?'))
        if block:
            notes.append(Note(f"inside the {block[0]} block opened here", block[1], "note"))
    detail = ("expected " + one_of(expected)) if expected else ""
    return summary, span, detail, notes
