"""How the checker words things in its messages: type names ("a date and
time"), parameter and action names as they are written, lists, an
expression shown as the user wrote it, and the span of one part of a
dotted path.  No checks and no reporting here.
"""
from __future__ import annotations

import datetime as dt
from typing import Any, Iterable

from .. import ir, schema
from ..source import Span


TYPE_WORDS = {
    "text": "text", "number": "a number", "money": "money", "date": "a date",
    "datetime": "a date and time", "time": "a time of day", "boolean": "yes/no",
    "duration": "a duration", "list": "a list choice", "employee": "an employee",
    "contact": "a contact", "company": "a company", "client": "a client", "file": "a file",
}


def param_words(name: str) -> str:
    """A parameter or action name as it is written: `track_clicks` -> `track clicks`."""
    return name.replace("_", " ")


def action_words(kind: str) -> str:
    return schema.ACTIONS.get(kind, {}).get("words", param_words(kind))


def article(word: str) -> str:
    return ("an " if word[:1] in "aeiou" else "a ") + word


def type_words(t: str | None) -> str:
    return TYPE_WORDS.get(t or "", t or "unknown")


def quote_list(items: Iterable[str], limit: int = 12) -> str:
    items = list(items)
    shown = ", ".join(f'"{x}"' for x in items[:limit])
    return shown + (f", ... ({len(items) - limit} more)" if len(items) > limit else "")


def plain_list(items: Iterable[str]) -> str:
    return ", ".join(items)


def show(e: Any, unparse: bool = False) -> str:
    """An expression as a user wrote it, for messages."""
    if unparse and isinstance(e, (ir.Arith, ir.Neg)):
        text = unparsed(e)
        if text is not None and len(text) <= 40:
            return f"`{text}`"
    if isinstance(e, ir.FieldRef):
        return f'"{e.text}"'
    if isinstance(e, ir.Literal):
        v = e.value
        if e.type == "text":
            return '"' + str(v).replace('"', '\\"') + '"' if len(str(v)) <= 40 else '"' + str(v)[:37] + '..."'
        if e.type == "boolean":
            return "yes" if v else "no"
        if e.type == "datetime" and isinstance(v, dt.datetime):
            return v.strftime("%Y-%m-%d %H:%M")
        if e.type == "time" and isinstance(v, dt.time):
            return v.strftime("%H:%M")
        if e.type == "number" and isinstance(v, (int, float)):
            return f"{v:,}".replace(",", "_") if isinstance(v, int) and abs(v) >= 10_000 else str(v)
        return str(v)
    if isinstance(e, ir.Today):
        return "today"
    if isinstance(e, ir.Now):
        return "now"
    return "this expression"


def unparsed(e: Any) -> str | None:
    """Simple arithmetic written back as text (None for anything else)."""
    if isinstance(e, ir.FieldRef):
        return e.text
    if isinstance(e, ir.Literal):
        return show(e)
    if isinstance(e, (ir.Today, ir.Now)):
        return show(e)
    if isinstance(e, ir.Neg):
        inner = unparsed(e.operand)
        return None if inner is None else f"-{inner}"
    if isinstance(e, ir.Arith):
        parts = [unparsed(o) for o in e.operands]
        if any(p is None for p in parts) or len(e.ops) != len(parts) - 1:
            return None
        out = parts[0]
        for op, p in zip(e.ops, parts[1:]):
            out += f" {op} {p}"
        return out
    return None


def sub_span(span: Span, offset: int, length: int) -> Span:
    return Span(span.path, span.line, span.column + offset, span.line, span.column + offset + length,
                span.start + offset, span.start + offset + length)


def part_span(span: Span, path: tuple[str, ...], i: int, braces: bool = False) -> Span:
    """The span of `path[i]` inside the span of a whole path (or `{path}`),
    when it is written on one line without spaces; else the whole span."""
    text = ".".join(path)
    base = 1 if braces else 0
    if span.line != span.end_line or span.end_column - span.column != len(text) + 2 * base:
        return span
    offset = base + sum(len(p) + 1 for p in path[:i])
    return sub_span(span, offset, len(path[i]))


def entity_desc(entity: str) -> str:
    return f'entity "{entity}"'
