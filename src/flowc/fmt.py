"""`flowc fmt`: the canonical layout of a .flow file.

Works on the syntax tree (every token is kept, in order) and the comments
the parser collected, so nothing the user wrote is lost.  The layout is the
one the examples are written in:

* blocks (`calendar`, `entity`, `pipeline`, stages, people, records,
  scenarios) open with `{` on the header line, hold one item per line,
  indented by two spaces, and close with `}` on its own line; a calendar,
  entity, stage, person or record with one item that was written on one
  line stays on it (`stage paid { trigger invoice paid }`) if it fits;
* an action's parameter block stays as it was written: on one line
  (`{ provider "Twilio" }`) if it was and the line fits in 100 columns, else
  one parameter per line;
* a robot, a trigger and an expectation keep the line breaks their author
  put between their clauses (timing, `allow back`, the condition; an
  expectation's `at` and `because`): a clause that was on the line before
  stays there, `} after previous` included; continuation lines are indented
  one level.  Only when a line would be longer than 100 columns is the item
  laid out afresh: the timing clauses together on one continuation line
  (one per line if that is too long), `allow back`, the condition; a
  condition goes on to the next line before an `and` or `or` that began a
  line, or, too long for one line, before its outermost `or`s (or `and`s);
* spacing is canonical (`mon-fri`, `09:00-18:00`, `a, b`, `x.y`, `(a)`);
* strings are kept byte for byte; blank lines between items are kept (at
  most one);
* a comment stays with the line it annotates: on its own line before an
  item or clause, or at the end of the line it ended; the end-of-line
  comments of consecutive lines are aligned one column, two spaces after
  the longest of those lines;
* the file keeps its line endings (LF, CRLF or CR: the most common one).

`format_text` returns None when the text does not parse (nothing to do
safely); the formatted text always parses to the same IR.
"""
from __future__ import annotations

import bisect
import re

from .diagnostics import Diagnostics
from .parse import parse
from .syntax import Comment, Node, Tok

WIDTH = 100
INDENT = "  "

# Nodes whose `{ ... }` holds one item per line.
_BLOCKS = frozenset({"calendar", "entity", "pipeline", "stage_body", "person_body", "record_body", "scenario"})
# Blocks that may stay on one line when written so, with one item.
_ONE_LINE_BLOCKS = frozenset({"calendar", "entity", "stage_body", "person_body", "record_body"})
# Items made of a head and clauses, whose line breaks between clauses are kept.
_CLAUSED = frozenset({"robot", "trigger", "x_stage", "x_robot", "x_field"})
_LINE_END = re.compile(r"\r\n|\r|\n")


def _is_clause(p) -> bool:
    return isinstance(p, Node) and (p.kind.startswith("t_") or p.kind in ("condition", "allow_back", "x_at",
                                                                           "because"))


def _is_comma(p) -> bool:
    return isinstance(p, Tok) and p == ","


def newline_of(text: str) -> str:
    """The file's line ending: the most common one in it (the first of
    those on a tie), LF if there is none."""
    counts: dict[str, int] = {}
    for m in _LINE_END.finditer(text):
        counts[m.group()] = counts.get(m.group(), 0) + 1
    return max(counts, key=counts.get) if counts else "\n"


class _Line:
    __slots__ = ("depth", "text", "comment")

    def __init__(self, depth: int, text: str, comment: str | None = None) -> None:
        self.depth = depth
        self.text = text
        self.comment = comment

    def code(self) -> str:
        return (INDENT * self.depth + self.text).rstrip()


class _Formatter:
    def __init__(self, text: str, comments: tuple[Comment, ...]) -> None:
        self.text = text
        self.comments = list(comments)
        self.next_comment = 0
        self.lines: list[_Line | None] = []  # None: a blank line
        self.starts = [0] + [m.end() for m in _LINE_END.finditer(text)]

    # -- the source ---------------------------------------------------------
    def _line_of(self, offset: int) -> int:
        return bisect.bisect_right(self.starts, offset) - 1

    def _broken(self, a: int, b: int) -> bool:
        """Is there a line end between offsets a and b of the source?"""
        return self._line_of(a) != self._line_of(b)

    def _blank_before(self, offset: int) -> bool:
        """Was the source line before this offset's line empty?"""
        n = self._line_of(offset)
        if n == 0:
            return False
        return self.text[self.starts[n - 1]:self.starts[n]].strip() == ""

    # -- comments -----------------------------------------------------------
    def _peek(self) -> Comment | None:
        return self.comments[self.next_comment] if self.next_comment < len(self.comments) else None

    def _comments_before(self, offset: int) -> list[Comment]:
        taken = []
        while (c := self._peek()) is not None and c.span.start < offset:
            taken.append(c)
            self.next_comment += 1
        return taken

    def _trailing(self, end: int) -> str | None:
        """The comment on the same source line right after `end`, if any."""
        c = self._peek()
        if c is not None and c.span.start >= end and self.text[end:c.span.start].strip(" \t\f") == "":
            self.next_comment += 1
            return c.text.rstrip()
        return None

    def _has_comment(self, start: int, end: int) -> bool:
        """Is a comment not yet laid out between offsets start and end?"""
        for c in self.comments[self.next_comment:]:
            if c.span.start >= end:
                return False
            if c.span.start >= start:
                return True
        return False

    def leading(self, offset: int, depth: int, first: bool) -> None:
        """The own-line comments before an item, and the blank lines kept."""
        for c in self._comments_before(offset):
            if not first and self._blank_before(c.span.start):
                self._blank()
            self.lines.append(_Line(depth, c.text.rstrip()))
            first = False
        if not first and self._blank_before(offset):
            self._blank()

    def _blank(self) -> None:
        if self.lines and self.lines[-1] is not None:
            self.lines.append(None)

    # -- tokens -------------------------------------------------------------
    @staticmethod
    def _flatten(node, parent: str, out: list) -> list:
        if isinstance(node, Tok):
            out.append((node, parent))
        else:
            for p in node.parts:
                _Formatter._flatten(p, node.kind, out)
        return out

    def tokens(self, parts, kind: str) -> list:
        out: list = []
        for p in parts:
            self._flatten(p, kind, out)
        return out

    def inline(self, parts, kind: str) -> str:
        """The canonical one-line text of some parts of a `kind` node."""
        out, prev = [], None
        for t in self.tokens(parts, kind):
            if prev is not None and _space(prev, t):
                out.append(" ")
            out.append(str(t[0]))
            prev = t
        return "".join(out)

    def put(self, depth: int, parts, kind: str, glue: bool = False, breaks: frozenset = frozenset()) -> None:
        """Lay parts out on one line at `depth` (or at the end of the last
        line, `glue`); a comment among them, or a token of `breaks` (ids),
        ends the line, and the rest goes on continuation lines, one level
        deeper."""
        toks = self.tokens(parts, kind)
        if not toks:
            return
        cont = depth + 1
        out: list[str] = []
        prev = None
        for t in toks:
            tok = t[0]
            if prev is not None and (id(tok) in breaks or self._has_comment(prev[0].span.end, tok.span.start)):
                self._flush(depth, "".join(out), prev[0].span.end, glue)
                for c in self._comments_before(tok.span.start):
                    self.lines.append(_Line(cont, c.text.rstrip()))
                depth, glue, out, prev = cont, False, [], None
            if prev is not None and _space(prev, t):
                out.append(" ")
            out.append(str(tok))
            prev = t
        self._flush(depth, "".join(out), prev[0].span.end, glue)

    def _flush(self, depth: int, text: str, end: int, glue: bool) -> None:
        last = self.lines[-1] if self.lines else None
        if glue and last is not None and last.comment is None:
            last.text += text if text.startswith(",") else " " + text
            last.comment = self._trailing(end)
        else:
            self.lines.append(_Line(depth, text, self._trailing(end)))

    # -- items --------------------------------------------------------------
    def item(self, node, depth: int, first: bool = False) -> None:
        self.leading(node.span.start, depth, first)
        if isinstance(node, Tok):
            return self.put(depth, [node], "")
        if node.kind in _CLAUSED:
            return self.claused(node, depth)
        inner = node if node.kind in _BLOCKS else _block_child(node)
        if inner is not None and not self._one_line_block(node, inner, depth):
            # `stage x "X" { ... }`, `employee a { ... }`, `record d1: ... { ... }`
            i = node.parts.index(inner) if inner is not node else 0
            self.block(node.parts[:i] + inner.parts, node.kind, depth)
            return self.put(depth, node.parts[i + 1:] if inner is not node else (), node.kind, glue=True)
        self.put(depth, node.parts, node.kind)

    def _one_line_block(self, node: Node, block: Node, depth: int) -> bool:
        """A small block written on one line stays there: `stage paid { trigger
        invoice paid }`, `contact joana "Joana" { email "joana@farm.example" }`."""
        items = [p for p in block.parts if isinstance(p, Node)]
        return (block.kind in _ONE_LINE_BLOCKS and len(items) == 1 and items[0].kind not in _ONE_LINE_BLOCKS
                and not self._broken(block.span.start, block.span.end)
                and not self._has_comment(node.span.start, node.span.end)
                and _width(INDENT * depth + self.inline(node.parts, node.kind)) <= WIDTH)

    def block(self, parts, kind: str, depth: int, glue: bool = False) -> None:
        """Header `{`, one item per line, `}`."""
        parts = list(parts)
        open_i = next(i for i, p in enumerate(parts) if isinstance(p, Tok) and p == "{")
        close_i = max(i for i, p in enumerate(parts) if isinstance(p, Tok) and p == "}")
        self.put(depth, parts[:open_i + 1], kind, glue)
        items = parts[open_i + 1:close_i]
        for i, it in enumerate(items):
            self.item(it, depth + 1, first=(i == 0))
        self.leading(parts[close_i].span.start, depth + 1, first=True)
        self.put(depth, parts[close_i:], kind)

    def claused(self, node: Node, depth: int) -> None:
        """A robot, trigger or expectation: its head, then its clauses, with
        the line breaks between them as written, unless a line gets too long."""
        parts = list(node.parts)
        i = next((k for k, p in enumerate(parts) if _is_clause(p)), len(parts))
        if 1 < i < len(parts) and _is_comma(parts[i - 1]) \
                and self._has_comment(_end(parts[:i - 1]), parts[i - 1].span.start):
            i -= 1  # `} # note , immediately`: the comma stays after the comment, with its clause
        head, clauses = parts[:i], parts[i:]
        params = _params_of(head)
        multi = params is not None and (self._broken(params.span.start, params.span.end)
                                        or self._has_comment(params.span.start, params.span.end))
        plan = self._as_written(clauses, params.span.end if multi else _end(head))
        if not self._fits(node, head, params, multi, plan, depth):
            multi = params is not None and (multi or len(INDENT * depth + self.inline(head, node.kind)) > WIDTH)
            plan = self._canonical(node, clauses, depth, multi)
        self._head(node, head, params if multi else None, depth)
        for group, glue in plan:
            if not glue:
                self.leading(group[0].span.start, depth + 1, first=True)
            self.put(depth + 1, group, node.kind, glue=glue, breaks=self._condition_breaks(group, depth + 1))

    def _condition_breaks(self, group: list, depth: int) -> frozenset:
        """Where a condition goes on to the next line: before the `and`s and
        `or`s that the author began a line with; in a condition written on
        one line that is too long, before its outermost `or`s (or `and`s)."""
        cond = next((p for p in group if isinstance(p, Node) and p.kind == "condition"), None)
        if cond is None:
            return frozenset()
        toks = self.tokens([cond], "condition")
        ops = frozenset(id(t) for (t, parent), (before, _) in zip(toks[1:], toks)
                        if parent in ("e_and", "e_or") and self._broken(before.span.end, t.span.start))
        if ops or _width(INDENT * depth + self.inline(group, "condition")) <= WIDTH:
            return ops
        top = cond.parts[-1]
        if isinstance(top, Node) and top.kind in ("e_and", "e_or"):
            return frozenset(id(p) for p in top.parts if isinstance(p, Tok) and p in ("and", "or"))
        return frozenset()

    def _head(self, node: Node, head: list, params: Node | None, depth: int) -> None:
        """`robot r: action`, with the action's parameter block laid out as a block if given."""
        if params is None:
            return self.put(depth, head, node.kind)
        action = next(p for p in head if isinstance(p, Node) and params in p.parts)
        k, j = head.index(action), action.parts.index(params)
        self.block(head[:k] + list(action.parts[:j]) + list(params.parts), action.kind, depth)
        self.put(depth, list(action.parts[j + 1:]) + head[k + 1:], action.kind, glue=True)

    def _as_written(self, clauses: list, prev_end: int) -> list[list]:
        """[group, glue]: the clauses in groups, one per source line; the first
        glued to the head (or to the `}` of its block) if it was on its line."""
        plan: list[list] = []
        last_clause_end = prev_end
        pending: list = []  # commas that go with the next clause
        for p in clauses:
            if _is_clause(p):
                first = (pending or [p])[0]
                if not plan or self._broken(last_clause_end, first.span.start):
                    plan.append([pending + [p], not plan and not self._broken(prev_end, first.span.start)])
                else:
                    plan[-1][0].extend(pending + [p])
                pending = []
                last_clause_end = p.span.end
            elif plan and not self._has_comment(last_clause_end, p.span.start):
                plan[-1][0].append(p)  # a comma: at the end of the line before
            else:  # a comment before the comma: the comma stays after it
                pending.append(p)
        return plan

    def _fits(self, node: Node, head: list, params, multi: bool, plan: list, depth: int) -> bool:
        """Is every line of the plan that could be broken within WIDTH?"""
        lines = [[self.inline(head, node.kind) if not multi else "}", params is not None and not multi]]
        for group, glue in plan:
            text = self.inline(group, node.kind)
            if glue:
                lines[-1] = [lines[-1][0] + ("" if text.startswith(",") else " ") + text, True]
            else:
                lines.append([INDENT + text, sum(map(_is_clause, group)) > 1])
        return all(not breakable or _width(INDENT * depth + text) <= WIDTH for text, breakable in lines)

    def _canonical(self, node: Node, clauses: list, depth: int, multi: bool) -> list[list]:
        """The timing clauses together (or one a line), then `allow back`,
        then the condition; commas at the end of the line before."""
        apart = ("condition", "allow_back")
        timing = [p for p in clauses if _is_clause(p) and p.kind not in apart]
        groups: list[list] = []
        if timing:
            text = INDENT * (depth + 1) + self.inline(timing, node.kind)
            if _width(text) <= WIDTH and not self._has_comment(timing[0].span.start, timing[-1].span.end):
                groups.append(timing)
            else:
                groups.extend([p] for p in timing)
        groups.extend([p] for p in clauses if _is_clause(p) and p.kind in apart)
        owner = {id(p): g for g in groups for p in g}
        for k, p in enumerate(clauses):
            if not _is_clause(p):
                before = next((q for q in reversed(clauses[:k]) if _is_clause(q)), None)
                owner[id(p)] = owner[id(before)]
        plan = [[[p for p in clauses if owner[id(p)] is g], False] for g in groups]
        if plan and multi:
            first = INDENT * depth + "} " + self.inline(plan[0][0], node.kind)
            plan[0][1] = _width(first) <= WIDTH
        return plan

    def module(self, items: tuple[Node, ...], newline: str) -> str:
        for i, node in enumerate(items):
            self.item(node, 0, first=(i == 0))
        for c in self.comments[self.next_comment:]:
            if self._blank_before(c.span.start):
                self._blank()
            self.lines.append(_Line(0, c.text.rstrip()))
        while self.lines and self.lines[-1] is None:
            self.lines.pop()
        return newline.join(_aligned(self.lines)) + newline if self.lines else ""


def _aligned(lines: list[_Line | None]) -> list[str]:
    """The lines as text, with the end-of-line comments of consecutive lines
    in one column."""
    out: list[str] = []
    run: list[_Line] = []

    def flush() -> None:
        if run:
            col = max(len(ln.code()) for ln in run) + 2
            out.extend(ln.code().ljust(col) + ln.comment for ln in run)
            run.clear()

    for ln in lines:
        if ln is not None and ln.comment is not None and "\n" not in ln.text and "\r" not in ln.text:
            run.append(ln)
            continue
        flush()
        if ln is None:
            out.append("")
        elif ln.comment is not None:
            out.append(ln.code() + "  " + ln.comment)
        else:
            out.append(ln.code())
    flush()
    return out


def _space(prev: tuple[Tok, str], cur: tuple[Tok, str]) -> bool:
    a, pa = prev
    b, pb = cur
    sa, sb = str(a), str(b)
    if sb in (",", ":", ")", "]", "..") or sa in ("(", "[", ".."):
        return False
    if sb == "." or sa == ".":
        return False
    if sa == "-" and pa in ("day_range", "time_range", "e_neg", "v_negative"):
        return False
    if sb == "-" and pb in ("day_range", "time_range"):
        return False
    return True


def _end(parts) -> int:
    return parts[-1].span.end


def _width(text: str) -> int:
    """Columns of a line (of its longest physical line, with a multi-line string)."""
    return max(len(s) for s in _LINE_END.split(text))


def _block_child(node: Node) -> Node | None:
    return next((p for p in node.parts if isinstance(p, Node) and p.kind in _BLOCKS), None)


def _params_of(head: list) -> Node | None:
    """The parameter block of a robot's action, if it has one."""
    for p in head:
        if isinstance(p, Node) and p.kind.startswith("act_"):
            return p.node("params")
    return None


def format_text(text: str, path: str = "<input>", diags: Diagnostics | None = None) -> str | None:
    """The canonical layout of `text`, or None when it has syntax errors."""
    diags = diags if diags is not None else Diagnostics()
    before = len(diags)
    module = parse(text, path, diags)
    if len(diags) > before and not module.items:
        return None
    if any(d.code.startswith("F0") for d in list(diags)[before:]):
        return None
    return _Formatter(text, module.comments).module(module.items, newline_of(text))
