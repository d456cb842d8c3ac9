"""Source files and spans, and reading a source file's bytes.

A `Span` is a half-open range of a source file, with 1-based line and column
numbers (columns count characters, not bytes) and 0-based offsets.  Every IR
node and every diagnostic carries one.

`read_bytes(path, limit)` reads only regular files (a FIFO, a device such as
/dev/zero or /dev/urandom, a socket is refused at once, without blocking),
and never more than `limit` + 1 bytes, whatever the file says its size is.
"""
from __future__ import annotations

import bisect
from collections import namedtuple
import os
import re
import stat

import attrs


_BREAK = re.compile(r"\r\n?|\n")
_LONE_CR = re.compile(r"\r(?!\n)")


def line_starts(text: str) -> list[int]:
    """Offsets where the lines of `text` start.  A line ends at LF, CRLF or a
    lone CR (docs/language.md, *Layout and comments*)."""
    if "\r" in text:
        return [0] + [m.end() for m in _BREAK.finditer(text)]
    starts = [0]
    find = text.find
    i = find("\n")
    while i >= 0:
        starts.append(i + 1)
        i = find("\n", i + 1)
    return starts


def lone_cr_as_lf(text: str) -> str:
    """`text` with every lone CR made an LF: the same length and offsets, and
    the same lines for a reader that breaks lines at LF only (Lark)."""
    return _LONE_CR.sub("\n", text) if "\r" in text else text


_SpanFields = namedtuple("_SpanFields", "path line column end_line end_column start end", defaults=(0, 0))


class Span(_SpanFields):
    """Immutable, and cheap to build: every token and node has one (a 1 MB
    input makes a quarter of a million), so it is a tuple, not an attrs class.
    Equality, hashing and order look at the path and the line/column range
    only, not at the offsets."""

    __slots__ = ()

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Span):
            return self[:5] == other[:5]
        return NotImplemented

    def __ne__(self, other: object) -> bool:
        if isinstance(other, Span):
            return self[:5] != other[:5]
        return NotImplemented

    def __lt__(self, other: object) -> bool:
        if isinstance(other, Span):
            return self[:5] < other[:5]
        return NotImplemented

    def __le__(self, other: object) -> bool:
        if isinstance(other, Span):
            return self[:5] <= other[:5]
        return NotImplemented

    def __gt__(self, other: object) -> bool:
        if isinstance(other, Span):
            return self[:5] > other[:5]
        return NotImplemented

    def __ge__(self, other: object) -> bool:
        if isinstance(other, Span):
            return self[:5] >= other[:5]
        return NotImplemented

    def __hash__(self) -> int:
        return hash(self[:5])

    def to(self, other: "Span | None") -> "Span":
        """The span from the start of self to the end of other."""
        if other is None or other.path != self.path:
            return self
        if (other.end_line, other.end_column) < (self.end_line, self.end_column):
            return self
        return Span(self.path, self.line, self.column, other.end_line,
                    other.end_column, self.start, other.end)

    def __str__(self) -> str:
        return f"{self.path}:{self.line}:{self.column}"


@attrs.define
class Source:
    """The text of one file, with a line index for span arithmetic."""

    path: str
    text: str
    _line_starts: list[int] | None = None

    @property
    def line_starts(self) -> list[int]:
        if self._line_starts is None:
            self._line_starts = line_starts(self.text)
        return self._line_starts

    def line_text(self, line: int) -> str:
        starts = self.line_starts
        if line < 1 or line > len(starts):
            return ""
        begin = starts[line - 1]
        end = starts[line] - 1 if line < len(starts) else len(self.text)
        return self.text[begin:end].rstrip("\r")

    def position(self, offset: int) -> tuple[int, int]:
        """1-based (line, column) of a 0-based offset."""
        offset = max(0, min(offset, len(self.text)))
        starts = self.line_starts
        line = bisect.bisect_right(starts, offset)
        return line, offset - starts[line - 1] + 1

    def span(self, start: int, end: int) -> Span:
        line, column = self.position(start)
        end_line, end_column = self.position(max(start, end))
        return Span(self.path, line, column, end_line, end_column, start, max(start, end))

    def whole(self) -> Span:
        return self.span(0, 0)


def decode(path: str, data: bytes) -> tuple[str, int | None]:
    """Decode UTF-8 (a BOM is allowed). Returns (text, offset of the first bad byte or None)."""
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        return data.decode("utf-8"), None
    except UnicodeDecodeError as exc:
        return data[: exc.start].decode("utf-8") + data[exc.start:].decode("utf-8", "replace"), exc.start


class NotRegularFile(OSError):
    """A path that is not a regular file (`kind` says what it is)."""

    def __init__(self, path: str, kind: str) -> None:
        super().__init__(f"{path} is {kind}, not a regular file")
        self.path = path
        self.kind = kind


class TooLarge(OSError):
    """A file past the size limit (`size`: its size, or "more than limit" when it grew)."""

    def __init__(self, path: str, size: int) -> None:
        super().__init__(f"{path} is too large ({size:,} bytes)")
        self.size = size


_KINDS = ((stat.S_ISDIR, "a folder"), (stat.S_ISFIFO, "a named pipe (FIFO)"),
          (stat.S_ISCHR, "a character device"), (stat.S_ISBLK, "a block device"),
          (stat.S_ISSOCK, "a socket"))


def file_kind(mode: int) -> str | None:
    """None for a regular file, else what it is in words."""
    if stat.S_ISREG(mode):
        return None
    return next((word for test, word in _KINDS if test(mode)), "a special file")


def read_bytes(path: str, limit: int) -> bytes:
    """The bytes of a regular file of at most `limit` bytes.  Raises
    NotRegularFile, TooLarge, or OSError (not found, no permission, ...)."""
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)
    st = os.stat(path)  # follows links; never blocks, even on a FIFO
    kind = file_kind(st.st_mode)
    if kind is not None:
        raise NotRegularFile(path, kind)
    if st.st_size > limit:
        raise TooLarge(path, st.st_size)
    fd = os.open(path, flags)
    try:
        kind = file_kind(os.fstat(fd).st_mode)  # the file opened is the one checked
        if kind is not None:
            raise NotRegularFile(path, kind)
        return read_limited(fd, limit, path)
    finally:
        os.close(fd)


def read_limited(fd: int, limit: int, path: str) -> bytes:
    """At most `limit` bytes from a file descriptor; TooLarge when there are more."""
    chunks: list[bytes] = []
    total = 0
    while True:
        chunk = os.read(fd, min(1 << 20, limit + 1 - total))
        if not chunk:
            return b"".join(chunks)
        chunks.append(chunk)
        total += len(chunk)
        if total > limit:
            raise TooLarge(path, total)
