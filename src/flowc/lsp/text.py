"""Text helpers for the language server: LSP positions and edits.

LSP positions are 0-based lines and 0-based character offsets counted in the
negotiated encoding's code units (UTF-16 unless the client offers another);
lines end at "\\n", "\\r\\n" or "\\r".  flowc spans use 1-based lines (split at
"\\n", as Lark counts them) and 1-based columns counted in characters.  This
module converts between the two, and applies incremental edits to a buffer
with the LSP's own idea of lines (pygls splits lines as Python's
`str.splitlines` does, which also breaks at form feeds and U+2028).

No pygls or lsprotocol import here: the module is small and unit-testable.
"""
from __future__ import annotations

import bisect
import re

UTF8, UTF16, UTF32 = "utf-8", "utf-16", "utf-32"

_LSP_BREAK = re.compile(r"\r\n|\r|\n")


def units(text: str, encoding: str = UTF16) -> int:
    """Length of `text` in code units of `encoding`."""
    if encoding == UTF32:
        return len(text)
    if encoding == UTF8:
        return len(text.encode("utf-8", "surrogatepass"))
    # UTF-16: one unit per character, two for characters beyond the BMP.
    if text.isascii():
        return len(text)
    return len(text) + sum(1 for c in text if ord(c) > 0xFFFF)


def chars_for_units(text: str, count: int, encoding: str = UTF16) -> int:
    """How many characters of `text` fit in `count` code units (a position in
    the middle of a character goes to that character's start)."""
    if count <= 0:
        return 0
    if encoding == UTF32 or (text.isascii() and encoding in (UTF16, UTF8)):
        return min(count, len(text))
    used = 0
    for i, c in enumerate(text):
        n = units(c, encoding)
        if used + n > count:
            return i
        used += n
    return len(text)


class LineIndex:
    """Lines of a text as the LSP sees them (breaks: \\n, \\r\\n, \\r)."""

    __slots__ = ("text", "starts", "ends")

    def __init__(self, text: str) -> None:
        self.text = text
        starts = [0]
        ends = []
        for m in _LSP_BREAK.finditer(text):
            ends.append(m.start())
            starts.append(m.end())
        ends.append(len(text))
        self.starts = starts
        self.ends = ends

    def line(self, n: int) -> str:
        """Line n (0-based) without its line break ('' past the end)."""
        if n < 0 or n >= len(self.starts):
            return ""
        return self.text[self.starts[n]:self.ends[n]]

    def offset(self, line: int, character: int, encoding: str = UTF16) -> int:
        """Character offset of an LSP position, clamped into the text: a line
        past the end is the end of the text; a character past the end of its
        line is the end of that line (as the LSP specifies)."""
        if line < 0:
            return 0
        if line >= len(self.starts):
            return len(self.text)
        text = self.line(line)
        return self.starts[line] + chars_for_units(text, character, encoding)

    def position(self, offset: int, encoding: str = UTF16) -> tuple[int, int]:
        """LSP (line, character) of a character offset."""
        offset = max(0, min(offset, len(self.text)))
        line = bisect.bisect_right(self.starts, offset) - 1
        # An offset between "\r" and "\n" belongs to the end of the line.
        begin = self.starts[line]
        end = min(offset, self.ends[line])
        return line, units(self.text[begin:end], encoding)

    def valid(self, line: int, character: int) -> bool:
        return 0 <= line < len(self.starts) and character >= 0


def apply_change(text: str, start: tuple[int, int], end: tuple[int, int], new: str,
                 encoding: str = UTF16) -> str:
    """Replace the LSP range start..end of `text` by `new`."""
    index = LineIndex(text)
    a = index.offset(*start, encoding)
    b = index.offset(*end, encoding)
    if b < a:
        a, b = b, a
    return text[:a] + new + text[b:]


class SpanMapper:
    """flowc spans (1-based line and character column, lines split at "\\n")
    -> LSP positions of one file's text."""

    __slots__ = ("text", "starts", "encoding", "lines")

    def __init__(self, text: str, encoding: str = UTF16) -> None:
        self.text = text
        self.encoding = encoding
        from ..source import line_starts

        self.starts = line_starts(text)
        self.lines = LineIndex(text)

    def offset(self, line: int, column: int) -> int:
        """Character offset of a 1-based (line, column)."""
        if line < 1:
            return 0
        if line > len(self.starts):
            return len(self.text)
        return min(self.starts[line - 1] + max(column, 1) - 1, len(self.text))

    def lsp(self, line: int, column: int) -> tuple[int, int]:
        """LSP position of a 1-based (line, column)."""
        return self.lines.position(self.offset(line, column), self.encoding)

    def lsp_range(self, span) -> tuple[tuple[int, int], tuple[int, int]]:
        start = self.lsp(span.line, span.column)
        end = self.lsp(span.end_line, span.end_column)
        if end < start:
            end = start
        return start, end


# ------------------------------------------------------------------ names at a position

_WORD = re.compile(r"[^\W\d]\w*")


def word_at(text: str, offset: int) -> tuple[int, int] | None:
    """The identifier-like word touching `offset` (start, end), or None."""
    if not text:
        return None
    lo = offset
    while lo > 0 and (text[lo - 1].isalnum() or text[lo - 1] == "_"):
        lo -= 1
    hi = offset
    while hi < len(text) and (text[hi].isalnum() or text[hi] == "_"):
        hi += 1
    if hi <= lo:
        return None
    m = _WORD.match(text, lo, hi)
    if m is None:
        return None
    return m.start(), m.end()


# ------------------------------------------------------------------ offsets across an edit

def _common_prefix(a: str, b: str, limit: int) -> int:
    lo, hi = 0, limit
    while lo < hi:  # binary search on slice equality (each compare runs in C)
        mid = (lo + hi + 1) // 2
        if a[:mid] == b[:mid]:
            lo = mid
        else:
            hi = mid - 1
    return lo


def _common_suffix(a: str, b: str, limit: int) -> int:
    lo, hi = 0, limit
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if a[len(a) - mid:] == b[len(b) - mid:]:
            lo = mid
        else:
            hi = mid - 1
    return lo


class Shift:
    """Maps offsets between an older text and the current one, around the one
    region where they differ (what the user typed since the older text
    parsed).  Offsets inside that region have no counterpart."""

    __slots__ = ("prefix", "old_end", "new_end", "delta")

    def __init__(self, old: str, new: str) -> None:
        limit = min(len(old), len(new))
        self.prefix = _common_prefix(old, new, limit)
        suffix = _common_suffix(old, new, limit - self.prefix)
        self.old_end = len(old) - suffix  # the changed region: old[prefix:old_end]
        self.new_end = len(new) - suffix  # ... became new[prefix:new_end]
        self.delta = len(new) - len(old)

    def to_old(self, offset: int) -> int | None:
        if offset <= self.prefix:
            return offset
        if offset >= self.new_end:
            return offset - self.delta
        return None

    def to_new(self, offset: int, clamp: bool = False) -> int | None:
        if offset <= self.prefix:
            return offset
        if offset >= self.old_end:
            return offset + self.delta
        return self.prefix if clamp else None
