"""flowc.lsp.text: LSP positions (UTF-16 by default) <-> flowc spans, edits,
and offsets across an edit.  In-process: no server needed."""
from __future__ import annotations

import pytest

from flowc.lsp.text import UTF8, UTF16, UTF32, LineIndex, Shift, SpanMapper, apply_change, units, word_at
from flowc.source import Source


def test_units():
    assert units("abc") == 3
    assert units("é") == 1 and units("é", UTF8) == 2
    assert units("😀") == 2 and units("😀", UTF8) == 4 and units("😀", UTF32) == 1


def test_lsp_lines_break_at_crlf_cr_and_lf():
    index = LineIndex("a\r\nb\rc\nd")
    assert [index.line(i) for i in range(4)] == ["a", "b", "c", "d"]
    assert index.position(1) == (0, 1)  # between \r and \n: the end of line 0
    assert index.offset(3, 0) == len("a\r\nb\rc\n")


def test_form_feed_and_line_separator_are_not_line_breaks():
    # Python's splitlines() breaks at these; the LSP does not.
    index = LineIndex("a\x0cb\u2028c\nd")
    assert index.line(0) == "a\x0cb\u2028c"
    assert index.position(5) == (0, 5)


@pytest.mark.parametrize("encoding,column", [(UTF16, 3), (UTF8, 6), (UTF32, 2)])
def test_positions_after_a_non_bmp_character(encoding, column):
    text = "😀é!\n"
    index = LineIndex(text)
    assert index.position(2, encoding) == (0, column)
    assert index.offset(0, column, encoding) == 2


def test_offsets_are_clamped():
    index = LineIndex("ab\ncd")
    assert index.offset(0, 99) == 2  # past the end of the line: its end
    assert index.offset(99, 0) == 5  # past the last line: the end of the text
    assert index.offset(0, 1, UTF16) == 1
    # The middle of a surrogate pair goes to the character's start.
    assert LineIndex("😀x").offset(0, 1) == 0


def test_span_mapper_matches_the_parser_columns():
    text = 'robot a: notify ana "😀" if x\r\n  and y\n'
    src = Source("t.flow", text)
    mapper = SpanMapper(text)
    x = text.index("x\r")
    span = src.span(x, x + 1)  # 1-based character columns, as Lark counts them
    assert (span.line, span.column) == (1, x + 1)
    assert mapper.lsp_range(span) == ((0, x + 1), (0, x + 2))  # the emoji counts twice
    y = text.rindex("y")
    assert mapper.lsp(*src.position(y)) == (1, 6)


def test_apply_change():
    assert apply_change("hello 😀 world", (0, 6), (0, 8), "X") == "hello X world"
    assert apply_change("a\r\nb", (1, 0), (1, 1), "c") == "a\r\nc"
    assert apply_change("ab", (0, 1), (0, 1), "\n") == "a\nb"


def test_shift():
    old, new = "abc XYZ def", "abc QQQQ def"
    shift = Shift(old, new)
    assert shift.to_old(new.index("def")) == old.index("def")
    assert shift.to_old(new.index("QQ") + 1) is None
    assert shift.to_new(old.index("def")) == new.index("def")
    assert shift.to_new(old.index("Y")) is None
    assert shift.to_new(old.index("Y"), clamp=True) == 4


def test_word_at():
    assert word_at("move to won", 9) == (8, 11)
    assert word_at("move to won", 11) == (8, 11)
    assert word_at("a + 1", 3) is None
