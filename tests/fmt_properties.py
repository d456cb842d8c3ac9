"""The properties of `flowc fmt`, checked on any input (examples, case files,
fuzzed text; used by tests/fmt and tests/fuzz):

* it declines text with syntax errors (None), else
* the result parses without errors, to the same IR (spans aside);
* formatting it again changes nothing (idempotent);
* every comment is kept word for word, in order, between the same two
  tokens, and a comment that ended a line of code still ends a line of
  code (the one with the token before it);
* the line endings are the file's own (LF, CRLF or CR) everywhere outside
  strings, and the text ends with exactly one.
"""
from __future__ import annotations

import re

from flowc.diagnostics import Diagnostics
from flowc.dump import dump
from flowc.fmt import format_text, newline_of
from flowc.lower import lower
from flowc.parse import parse
from flowc.syntax import Node, Tok

_LINE_END = re.compile(r"\r\n|\r|\n")


class FormatPropertyFailed(AssertionError):
    pass


def tokens(module) -> list[Tok]:
    out: list[Tok] = []
    todo: list = list(reversed(module.items))
    while todo:
        p = todo.pop()
        if isinstance(p, Tok):
            out.append(p)
        elif isinstance(p, Node):
            todo.extend(reversed(p.parts))
    return out


def meaning(text: str, path: str = "x.flow") -> str:
    diags = Diagnostics()
    return dump(lower([parse(text, path, diags)], diags), spans=False)


def comment_places(text: str, module) -> list[tuple[str, int, bool]]:
    """(comment, number of tokens before it, does it end a line of code?)."""
    toks = tokens(module)
    starts = [t.span.start for t in toks]
    out = []
    for c in module.comments:
        n = sum(1 for s in starts if s < c.span.start)
        before = toks[n - 1] if n else None
        on_code_line = before is not None and not _LINE_END.search(text, before.span.end, c.span.start)
        out.append((c.text.rstrip(), n, on_code_line))
    return out


def check(text: str, path: str = "x.flow") -> str | None:
    """The formatted text, after checking every property; None if declined."""
    diags = Diagnostics()
    out = format_text(text, path, diags)
    if out is None:
        if not any(d.code.startswith("F0") for d in diags):
            raise FormatPropertyFailed("fmt declined text without syntax errors")
        return None

    def fail(why: str) -> None:
        raise FormatPropertyFailed(f"{why}\n----- input -----\n{text}\n----- formatted -----\n{out}")

    again = Diagnostics()
    before, after = parse(text, path, Diagnostics()), parse(out, path, again)
    if any(d.code.startswith("F0") for d in again):
        fail("the result does not parse: " + "; ".join(f"{d.code} {d.summary} {d.span}" for d in again))
    if [str(t) for t in tokens(before)] != [str(t) for t in tokens(after)]:
        fail("the tokens changed")
    if meaning(out, path) != meaning(text, path):
        fail("the meaning (IR) changed")
    if format_text(out, path) != out:
        fail("formatting again changes the text:\n" + str(format_text(out, path)))
    places_before, places_after = comment_places(text, before), comment_places(out, after)
    if [p[:2] for p in places_before] != [p[:2] for p in places_after]:
        fail(f"comments moved or changed: {places_before} became {places_after}")
    moved = [c for c, a in zip(places_before, places_after) if c[2] and not a[2]]
    if moved:
        fail(f"comments no longer end the line they annotated: {[c[0] for c in moved]}")
    masked = list(out)
    for t in tokens(after):
        if t.type == "STRING":
            masked[t.span.start:t.span.end] = " " * (t.span.end - t.span.start)
    for c in after.comments:  # (a comment's text may end with the CR of a CRLF)
        n = len(c.text.rstrip())
        masked[c.span.start:c.span.start + n] = " " * n
    ends = set(_LINE_END.findall("".join(masked)))
    if out and ends != {newline_of(text)}:
        fail(f"line endings {sorted(ends)!r} in a file written with {newline_of(text)!r}")
    if out and (not out.endswith(newline_of(text)) or out.endswith(newline_of(text) * 2)):
        fail("the text does not end with exactly one line ending")
    return out
