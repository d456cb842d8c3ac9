"""A canonical, stable text dump of the IR (used by the parser's golden
tests and by `flowc dump`).  Spans print as `@line:col-line:col`; fields
that are None, empty or False are left out so dumps stay readable."""
from __future__ import annotations

import datetime as dt
import re
from typing import Any

import attrs

from .source import Span


def _span(s: Span) -> str:
    return f"@{s.line}:{s.column}-{s.end_line}:{s.end_column}"


def _scalar(v: Any) -> str | None:
    if isinstance(v, bool):
        return "yes" if v else "no"
    if isinstance(v, str):
        return repr(v)
    if isinstance(v, (int, float)):
        return repr(v)
    if isinstance(v, dt.datetime):
        return v.strftime("%Y-%m-%d %H:%M")
    if isinstance(v, dt.date):
        return v.strftime("%Y-%m-%d")
    if isinstance(v, dt.time):
        return v.strftime("%H:%M")
    if isinstance(v, Span):
        return _span(v)
    return None


def _inline(obj: tuple) -> str | None:
    """Tuples of scalars (or of such tuples) on one line: [0, 1, 2]."""
    parts = []
    for item in obj:
        s = _inline(item) if isinstance(item, tuple) and not isinstance(item, Span) else _scalar(item)
        if s is None:
            return None
        parts.append(s)
    return "[" + ", ".join(parts) + "]"


def dump(obj: Any, indent: int = 0, spans: bool = True) -> str:
    """The dump; with spans=False, positions are left out (to compare the
    meaning of two texts laid out differently)."""
    lines: list[str] = []
    _dump(obj, indent, lines, "")
    text = "\n".join(lines) + "\n"
    if not spans:
        text = re.sub(r" ?@\d+:\d+-\d+:\d+", "", text)
        text = "\n".join(l for l in text.split("\n") if not re.fullmatch(r"\s*\w+: ?", l)) + "\n"
    return text


def _dump(obj: Any, indent: int, out: list[str], label: str) -> None:
    pad = "  " * indent
    s = _scalar(obj)
    if s is not None:
        out.append(f"{pad}{label}{s}")
        return
    if obj is None:
        out.append(f"{pad}{label}none")
        return
    if isinstance(obj, tuple):
        inline = _inline(obj)
        if inline is not None:
            out.append(f"{pad}{label}{inline}")
            return
        if not obj:
            out.append(f"{pad}{label}[]")
            return
        out.append(f"{pad}{label}[")
        for item in obj:
            _dump(item, indent + 1, out, "")
        out.append(f"{pad}]")
        return
    if attrs.has(type(obj)):
        name = type(obj).__name__
        fields = attrs.fields(type(obj))
        # Small nodes with a `value` (Name) print on one line.
        if name == "Name":
            out.append(f"{pad}{label}{obj.value!r} {_span(obj.span)}")
            return
        span = getattr(obj, "span", None)
        head = f"{pad}{label}{name}" + (f" {_span(span)}" if isinstance(span, Span) else "")
        out.append(head)
        for f in fields:
            if f.name == "span" or f.name.startswith("_"):  # private: caches
                continue
            v = getattr(obj, f.name)
            if v is None or v is False or v == () or v == "":
                continue
            _dump(v, indent + 1, out, f"{f.name}: ")
        return
    out.append(f"{pad}{label}{obj!r}")
