"""Which diagnostics are shown: not those an author has silenced, not those
that only follow from a syntax error.

A comment `# flowc: allow F303` (several codes: `allow F303, F402`; any
words after the codes are the reason) silences those codes:

* at the end of a line of code: on that line, and in every item that starts
  on it (the whole robot, stage or declaration);
* on a line of its own: in the item that follows it.

Errors are never silenced.  A suppression that silences nothing (a code
not met there, an error, a misspelt code) is itself reported (F009), so that
suppressions do not outlive their reason.  The project configuration (`flowc.config`)
can ignore codes everywhere.

After a syntax error the parser drops the broken part and goes on
(`flowc.parse`); what was dropped must not show up as other problems
(`without_consequences`): an unknown name that the dropped text has, or a
problem of the flow's structure (unreachable stages, `after previous` on a
first robot, a scenario's records and times), which the dropped part may
well have settled.
"""
from __future__ import annotations

import os
import re
from typing import Iterable

import attrs

from .diagnostics import Diagnostic, Diagnostics, Note, Severity
from .source import Span
from .syntax import Node

_ALLOW = re.compile(r"#\s*flowc:\s*allow\b(?P<codes>[\sF\d,]*)", re.I)
_CODE = re.compile(r"F\d{3}\Z")


@attrs.define
class Suppression:
    codes: tuple[str, ...]
    where: dict[str, Span]  # each code's place in the comment
    start: int  # offsets of the silenced range in the file
    end: int
    used: set[str] = attrs.Factory(set)
    errors: set[str] = attrs.Factory(set)  # codes that met only errors here


def _nodes(module) -> list[Node]:
    out: list[Node] = []
    todo = list(module.items)
    while todo:
        n = todo.pop()
        if isinstance(n, Node) and n.span is not None:
            out.append(n)
            todo.extend(p for p in n.parts if isinstance(p, Node))
    return out


def suppressions(module) -> list[Suppression]:
    """The suppression comments of one parsed file, with their ranges."""
    found = [(c, m) for c in module.comments if (m := _ALLOW.match(c.text.strip()))]
    if not found:
        return []
    text = module.source.text
    nodes = _nodes(module)
    out = []
    for c, m in found:
        codes = tuple(w for w in re.split(r"[\s,]+", m.group("codes").strip()) if w)
        lead = len(c.text) - len(c.text.lstrip())
        where = {}
        for code in codes:
            at = c.span.start + lead + m.start("codes") + m.group("codes").index(code)
            where[code] = module.source.span(at, at + len(code))
        line_start = max(text.rfind("\n", 0, c.span.start), text.rfind("\r", 0, c.span.start)) + 1
        if text[line_start:c.span.start].strip():  # at the end of a line of code
            starting = [n.span.end for n in nodes if line_start <= n.span.start < c.span.start]
            start, end = line_start, max([c.span.start, *starting])
        else:  # on its own line: the next item
            following = [n for n in nodes if n.span.start > c.span.end]
            first = min((n.span.start for n in following), default=None)
            start = end = c.span.end
            if first is not None:
                start, end = first, max(n.span.end for n in following if n.span.start == first)
        out.append(Suppression(codes, where, start, end))
    return out


def apply(diags: Diagnostics, modules: Iterable, ignore: Iterable[str] = ()) -> Diagnostics:
    """The diagnostics without the silenced ones (and without the warnings
    and notes of the `ignore` codes), with F009 for each suppression that
    silenced nothing."""
    ignore = frozenset(ignore)
    by_file: dict[str, list[Suppression]] = {}
    for m in modules:
        key = os.path.realpath(m.path) if not m.path.startswith("<") else m.path
        if key not in by_file:
            by_file[key] = suppressions(m)
    out = Diagnostics(diags.limit)
    for d in diags.sorted():
        if d.severity is not Severity.ERROR and d.code in ignore:
            continue
        if not _silenced(d, by_file):
            out.add(d)
    for sups in by_file.values():
        for s in sups:
            for code in s.codes:
                if code not in s.used and "F009" not in ignore:
                    out.add(_unused(s, code))
    return out


def _silenced(d: Diagnostic, by_file: dict[str, list[Suppression]]) -> bool:
    path = d.span.path
    sups = by_file.get(path if path.startswith("<") else os.path.realpath(path), ())
    hit = False
    for s in sups:
        if d.code in s.codes and s.start <= d.span.start < max(s.end, s.start + 1):
            if d.severity is Severity.ERROR:
                s.errors.add(d.code)
            else:
                s.used.add(d.code)
                hit = True
    return hit


def _unused(s: Suppression, code: str) -> Diagnostic:
    if not _CODE.match(code):
        summary, detail = f"{code} is not a code in a suppression", "codes are written like F303"
        notes = [Note("the codes are listed in docs/diagnostics.md; write them like F303")]
    elif code in s.errors:
        summary, detail = f"{code} is an error: an error cannot be allowed", "this suppression silences nothing"
        notes = [Note("fix the error; only warnings and notes can be allowed")]
    else:
        summary, detail = f"unused suppression: no {code} here", "nothing to allow"
        notes = [Note("remove the suppression (the problem it silenced is gone)")]
    return Diagnostic("F009", Severity.WARNING, summary, s.where[code], detail, tuple(notes))


#: Syntax errors: the parser dropped part of the file.
SYNTAX = frozenset({"F001", "F002", "F003"})
#: Unknown names: a consequence when the dropped text has the name.
UNKNOWN_NAMES = frozenset({"F102", "F103", "F104", "F105", "F106", "F107", "F108", "F109", "F110", "F112",
                           "F113", "F116", "F118", "F123", "F124"})
#: The flow's structure: a consequence of any syntax error in the project.
STRUCTURE = frozenset({"F115", "F121", "F304", "F306", "F309", "F401", "F402", "F403", "F404", "F405", "F406",
                       "F407", "F501", "F502", "F503", "F504", "F507", "F508", "F509", "F510", "F511"})
_WORD = re.compile(r"[^\W\d]\w*")
_QUOTED = re.compile(r'"([^"]+)"')


def dropped_words(module) -> set[str]:
    """The words of a file that are in no token of its syntax tree, nor in a
    comment: what the parser skipped after a syntax error."""
    covered: list[tuple[int, int]] = [(c.span.start, c.span.end) for c in module.comments]
    todo = list(module.items)
    while todo:
        n = todo.pop()
        for p in n.parts:
            if isinstance(p, Node):
                todo.append(p)
            elif getattr(p, "span", None) is not None:
                covered.append((p.span.start, p.span.end))
    covered.sort()
    starts = [a for a, _ in covered]
    import bisect

    out = set()
    for m in _WORD.finditer(module.source.text):
        i = bisect.bisect_right(starts, m.start()) - 1
        if i < 0 or covered[i][1] < m.end():
            out.add(m.group())
    return out


def without_consequences(diags: Diagnostics, modules: Iterable) -> Diagnostics:
    """The diagnostics of one project without those that only follow from
    its syntax errors."""
    if not any(d.code in SYNTAX for d in diags):
        return diags
    words: set[str] = set()
    for m in modules:
        words |= dropped_words(m)
    out = Diagnostics(diags.limit)
    for d in diags.sorted():
        if d.code in STRUCTURE:
            continue
        if d.code in UNKNOWN_NAMES:
            names = _QUOTED.findall(d.summary)
            if names and any(part in words for part in re.split(r"[.\s]+", names[0]) if part):
                continue
        out.add(d)
    return out
