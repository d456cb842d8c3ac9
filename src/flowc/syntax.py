"""The syntax tree produced by `flowc.parse`.

One generic node class keeps the parse phase small and fast: the Lark parser
calls `Node` constructors directly as it reduces (no Lark tree is built and
then transformed).  Every node keeps *all* its tokens in order (`parts`), so a
formatter can reproduce the source; helpers find children by token type or
node kind, never by position.
"""
from __future__ import annotations

from typing import Iterator

from .source import Span

# Token types that carry a value (everything else is a keyword or punctuation).
VALUE_TOKENS = frozenset({"NAME", "STRING", "NUMBER", "DURATION", "DATE", "TIME", "WEEKDAY"})


class Tok(str):
    """A token: its text plus where it is."""

    __slots__ = ("type", "span")

    def __new__(cls, type_: str, value: str, span: Span):
        self = super().__new__(cls, value)
        self.type = type_
        self.span = span
        return self

    @property
    def is_keyword(self) -> bool:
        return self.type not in VALUE_TOKENS

    def __repr__(self) -> str:
        return f"{self.type}({str.__repr__(self)})"


class Node:
    __slots__ = ("kind", "parts", "span", "depth")

    def __init__(self, kind: str, parts: tuple, span: Span | None, depth: int = 0) -> None:
        self.kind = kind
        self.parts = parts
        self.span = span
        self.depth = depth

    # -- finding children -------------------------------------------------
    def tok(self, type_: str, index: int = 0) -> Tok | None:
        i = 0
        for p in self.parts:
            if isinstance(p, Tok) and p.type == type_:
                if i == index:
                    return p
                i += 1
        return None

    def toks(self, type_: str) -> list[Tok]:
        return [p for p in self.parts if isinstance(p, Tok) and p.type == type_]

    def values(self) -> list:
        """Children that are not keywords or punctuation."""
        return [p for p in self.parts if not (isinstance(p, Tok) and p.is_keyword)]

    def node(self, kind: str) -> "Node | None":
        for p in self.parts:
            if isinstance(p, Node) and p.kind == kind:
                return p
        return None

    def nodes(self, kind: str | None = None) -> list["Node"]:
        return [p for p in self.parts if isinstance(p, Node) and (kind is None or p.kind == kind)]

    def keywords(self) -> list[str]:
        return [str(p) for p in self.parts if isinstance(p, Tok) and p.is_keyword]

    def has(self, keyword: str) -> bool:
        return any(isinstance(p, Tok) and p.is_keyword and p == keyword for p in self.parts)

    def keyword_span(self, keyword: str) -> Span | None:
        for p in self.parts:
            if isinstance(p, Tok) and p.is_keyword and p == keyword:
                return p.span
        return None

    def walk(self) -> Iterator["Node"]:
        stack = [self]
        while stack:
            n = stack.pop()
            yield n
            stack.extend(reversed([p for p in n.parts if isinstance(p, Node)]))

    def __repr__(self) -> str:
        return f"Node({self.kind!r}, {list(self.parts)!r})"


class Comment:
    __slots__ = ("text", "span")

    def __init__(self, text: str, span: Span) -> None:
        self.text = text
        self.span = span

    def __repr__(self) -> str:
        return f"Comment({self.text!r} @ {self.span})"


class Module:
    """One parsed file: its top-level items and its comments."""

    __slots__ = ("path", "source", "items", "comments")

    def __init__(self, path: str, source, items: tuple, comments: tuple) -> None:
        self.path = path
        self.source = source
        self.items = items
        self.comments = comments
