"""`flowc fmt`: the canonical layout of a .flow file.

Works on the syntax tree (every token is kept, in order) and the comments
the parser collected, so nothing the user wrote is lost:

* blocks (`calendar`, `entity`, `pipeline`, stages, action parameters,
  people, records, scenarios) open with `{` on the header line, one item per
  line inside, indented by two spaces, `}` on its own line; a parameter block
  with one short parameter stays on one line;
* a robot or trigger stays on one line when it fits in 100 columns; else
  each timing clause and the condition go on continuation lines;
* spacing is canonical (`mon-fri`, `09:00-18:00`, `a, b`, `x.y`, `(a)`);
* strings are kept byte for byte; blank lines between items are kept (at
  most one); comments stay where they were: on their own line before an
  item, or at the end of a line.

`format_text` returns None when the text does not parse (nothing to do
safely); the formatted text always parses to the same IR.
"""
from __future__ import annotations

from .diagnostics import Diagnostics
from .parse import parse
from .syntax import Comment, Node, Tok

WIDTH = 100
INDENT = "  "

# Nodes whose `{ ... }` holds one item per line.
_BLOCKS = frozenset({"calendar", "entity", "pipeline", "stage_body", "params", "person_body",
                     "record_body", "scenario"})
# In a robot or trigger, the parts that may move to a continuation line.
_BREAKABLE = ("t_", "condition", "allow_back")


class _Formatter:
    def __init__(self, text: str, comments: tuple[Comment, ...]) -> None:
        self.text = text
        self.comments = list(comments)
        self.next_comment = 0
        self.out: list[str] = []
        self._comment_on = (-1, 0)  # (line, length) of the comment kept at the end of a line

    # -- comments ---------------------------------------------------------
    def _comments_before(self, offset: int) -> list[Comment]:
        taken = []
        while self.next_comment < len(self.comments) and self.comments[self.next_comment].span.start < offset:
            taken.append(self.comments[self.next_comment])
            self.next_comment += 1
        return taken

    def _trailing(self, end: int) -> str:
        """A comment on the same source line after `end`, to keep at line end."""
        if self.next_comment < len(self.comments):
            c = self.comments[self.next_comment]
            between = self.text[end:c.span.start]
            if between.strip(" \t") == "":
                self.next_comment += 1
                return "  " + c.text
        return ""

    def _blank_before(self, offset: int) -> bool:
        """Was there an empty line right before this offset (ignoring comments)?"""
        i = self.text.rfind("\n", 0, offset)
        if i < 0:
            return False
        j = self.text.rfind("\n", 0, i)
        return self.text[j + 1:i].strip() == ""

    def emit_leading(self, node_start: int, depth: int, first: bool) -> None:
        for c in self._comments_before(node_start):
            if not first and self._blank_before(c.span.start) and self.out and self.out[-1] != "":
                self.out.append("")
            self.out.append(INDENT * depth + c.text)
            first = False
        if not first and self._blank_before(node_start) and self.out and self.out[-1] != "":
            self.out.append("")

    # -- tokens -----------------------------------------------------------
    def inline(self, node: Node | Tok) -> str:
        """The canonical one-line text of a node."""
        toks: list[tuple[Tok, str]] = []
        self._flatten(node, "", toks)
        out: list[str] = []
        prev: tuple[Tok, str] | None = None
        for tok, parent in toks:
            if prev is not None and self._space(prev, (tok, parent)):
                out.append(" ")
            out.append(str(tok))
            prev = (tok, parent)
        return "".join(out)

    def _flatten(self, node, parent: str, out: list) -> None:
        if isinstance(node, Tok):
            out.append((node, parent))
            return
        for p in node.parts:
            self._flatten(p, node.kind, out)

    @staticmethod
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

    # -- items ------------------------------------------------------------
    def block(self, node: Node, depth: int) -> None:
        """A node with `{ items }`: header on one line, items, closing brace."""
        parts = list(node.parts)
        open_i = next(i for i, p in enumerate(parts) if isinstance(p, Tok) and p == "{")
        close_i = len(parts) - 1 - next(i for i, p in enumerate(reversed(parts)) if isinstance(p, Tok) and p == "}")
        header = self._header(node, parts[:open_i])
        items = parts[open_i + 1:close_i]
        lbrace = parts[open_i]
        rbrace = parts[close_i]
        if node.kind == "params" and self._fits_inline(node, items, depth):
            return self.line(depth, f"{header}{{ {' '.join(self.inline(i) for i in items)} }}", rbrace.span.end)
        line = (header + "{").strip() if header else "{"
        self._add(INDENT * depth + line, lbrace.span.end)
        for i, item in enumerate(items):
            self.item(item, depth + 1, first=(i == 0))
        self.emit_leading(rbrace.span.start, depth + 1, first=True)
        self._add(INDENT * depth + "}", rbrace.span.end)

    def _fits_inline(self, node: Node, items: list, depth: int) -> bool:
        if len(items) != 1 or any(self.comments and c.span.start >= node.span.start and c.span.start < node.span.end
                                  for c in self.comments):
            return False
        text = self.inline(items[0])
        return "\n" not in text and len(text) <= 50

    def _header(self, node: Node, parts: list) -> str:
        if not parts:
            return ""
        fake = Node(node.kind, tuple(parts), None)
        return self.inline(fake) + " "

    def line(self, depth: int, text: str, end: int) -> None:
        self._add(INDENT * depth + text, end)

    def _add(self, text: str, end: int) -> None:
        """A line, with the comment that ended its source line (if any)."""
        trailing = self._trailing(end)
        self.out.append(text + trailing)
        self._comment_on = (len(self.out) - 1, len(trailing))

    def _append_to_last(self, text: str) -> None:
        """Add to the last line, before the comment kept at its end."""
        last = self.out[-1]
        i, n = self._comment_on
        if n and i == len(self.out) - 1:
            self.out[-1] = last[:len(last) - n] + text + last[len(last) - n:]
        else:
            self.out[-1] = last + text

    def item(self, node, depth: int, first: bool = False) -> None:
        start = node.span.start if node.span else 0
        self.emit_leading(start, depth, first)
        if isinstance(node, Tok):
            self.line(depth, str(node), node.span.end)
            return
        inner_block = self._block_child(node)
        if node.kind in _BLOCKS:
            self.block(node, depth)
        elif node.kind in ("robot", "trigger"):
            self.rule(node, depth)
        elif inner_block is not None:
            self.with_block(node, inner_block, depth)
        else:
            self.line(depth, self.inline(node), node.span.end)

    @staticmethod
    def _block_child(node: Node) -> Node | None:
        for p in node.parts:
            if isinstance(p, Node) and p.kind in _BLOCKS:
                return p
        return None

    def with_block(self, node: Node, child: Node, depth: int) -> None:
        """`stage x "X" { ... }`, `employee a { ... }`: header parts, then the block."""
        i = node.parts.index(child)
        merged = Node(child.kind, tuple(node.parts[:i]) + child.parts, child.span)
        self.block(merged, depth)
        rest = node.parts[i + 1:]
        if rest:  # nothing follows a block in the grammar today, but never drop tokens
            self.out[-1] += " " + " ".join(self.inline(p) for p in rest)

    def rule(self, node: Node, depth: int) -> None:
        """A robot or trigger: one line if it fits, else continuation lines."""
        head: list = []
        tail: list = []
        for p in node.parts:
            if tail or (isinstance(p, Node) and p.kind.startswith(_BREAKABLE)) or \
                    (isinstance(p, Tok) and p == "," and not tail and head and isinstance(head[-1], Node)
                     and node.kind == "robot" and head[-1].kind.startswith(("act_", "t_"))):
                tail.append(p)
            else:
                head.append(p)
        block = next((p for p in head if isinstance(p, Node) and self._block_child(p) is not None
                      and p.kind.startswith("act_")), None)
        whole = self.inline(node)
        multi_line_string = "\n" in whole
        has_inner_comment = any(node.span.start < c.span.start < node.span.end for c in self.comments[self.next_comment:])
        short_block = block is None or self._fits_inline(
            self._block_child(block), list(self._block_child(block).parts[1:-1]), depth)
        if short_block and not multi_line_string and not has_inner_comment and len(INDENT * depth + whole) <= WIDTH:
            return self.line(depth, whole, node.span.end)
        if block is not None and short_block:
            block = None  # lay the short block out inline on the head line
        # Head: `robot name: action` (with its parameter block laid out as a block).
        if block is not None:
            params = self._block_child(block)
            pre = [p for p in head if p is not block]
            i = block.parts.index(params)
            header_parts = tuple(pre) + tuple(block.parts[:i])
            merged = Node("params", header_parts + params.parts, params.span)
            self.block(merged, depth)
        else:
            self.line(depth, self.inline(Node(node.kind, tuple(head), None)), head[-1].span.end
                      if head and getattr(head[-1], "span", None) else 0)
        # Tail: the timing clauses together on one continuation line (one per
        # line if that is too long), then `allow back`, then the condition.
        timing = [p for p in tail if not (isinstance(p, Node) and p.kind in ("condition", "allow_back"))]
        others = [p for p in tail if isinstance(p, Node) and p.kind in ("condition", "allow_back")]
        groups: list[list] = []
        if timing:
            joined = self.inline(Node(node.kind, tuple(timing), None))
            if len(INDENT * (depth + 1) + joined) <= WIDTH and not any(
                    timing[0].span.start < c.span.start < timing[-1].span.end for c in self.comments[self.next_comment:]):
                groups.append(timing)
            else:
                for p in timing:
                    if isinstance(p, Tok) and p == ",":
                        groups.append([p])
                    elif groups and len(groups[-1]) == 1 and isinstance(groups[-1][0], Tok):
                        groups[-1].append(p)
                    else:
                        groups.append([p])
        groups.extend([p] for p in others)
        for g in groups:
            start = g[0].span.start
            text = self.inline(Node(node.kind, tuple(g), None))
            if text.startswith(", "):  # the comma ends the line before, ahead of any comment
                self._append_to_last(",")
                text = text[2:]
            for c in self._comments_before(start):
                self.out.append(INDENT * (depth + 1) + c.text)
            self.line(depth + 1, text, g[-1].span.end)

    def module(self, items: tuple[Node, ...]) -> str:
        for i, node in enumerate(items):
            self.item(node, 0, first=(i == 0))
        for c in self.comments[self.next_comment:]:
            if self._blank_before(c.span.start) and self.out and self.out[-1] != "":
                self.out.append("")
            self.out.append(c.text)
        text = "\n".join(line.rstrip() for line in self.out)
        return text + "\n" if text else ""


def format_text(text: str, path: str = "<input>", diags: Diagnostics | None = None) -> str | None:
    """The canonical layout of `text`, or None when it has syntax errors."""
    diags = diags if diags is not None else Diagnostics()
    before = len(diags)
    module = parse(text, path, diags)
    if len(diags) > before and not module.items:
        return None
    if any(d.code.startswith("F0") for d in list(diags)[before:]):
        return None
    return _Formatter(text, module.comments).module(module.items)
