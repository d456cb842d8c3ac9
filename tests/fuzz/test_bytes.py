"""Random bytes and random text never crash flowc.

* random bytes, read from a file the way `flowc check` reads one: either UTF-8
  text (then every property of fuzz_support.exercise) or exactly one F007 at
  the first byte that is not UTF-8;
* the same with bytes spliced into the examples (bad UTF-8 in the middle of a
  real file, NUL, CR, a byte order mark, control characters);
* random valid UTF-8 text, with every property.
"""
from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from fuzz_support import (EXAMPLES, PropertyFailed, exercise, exercise_bytes, failure_report,
                          fuzz_settings)

SEED_TEXTS = [p.read_bytes() for p in sorted(EXAMPLES.glob("*.flow"))]

NASTY = [b"\xff", b"\xc3", b"\xe9", b"\x00", b"\r", b"\r\n", b"\xef\xbb\xbf", b"\xed\xa0\x80",
         b"\xf4\x90\x80\x80", b"\xc0\xaf", b"\x1b[31m", b"\t", b"\x0c", b"\xe2\x80\xa8", b'"', b"{", b"#"]


@pytest.fixture(scope="module")
def workdir(tmp_path_factory):
    return tmp_path_factory.mktemp("bytes")


def _run_bytes(data: bytes, path, origin: str) -> None:
    try:
        exercise_bytes(data, str(path))
    except PropertyFailed as e:
        raise AssertionError(failure_report(data.decode("utf-8", "backslashreplace"), e, origin)) from e


@fuzz_settings(ci_examples=300, long_share=0.5)
@given(st.binary(max_size=600))
def test_random_bytes(workdir, data):
    _run_bytes(data, workdir / "random.flow", "random bytes")


@fuzz_settings(ci_examples=150, long_share=0.25)
@given(st.sampled_from(range(len(SEED_TEXTS))), st.lists(
    st.tuples(st.floats(0, 1), st.one_of(st.sampled_from(NASTY), st.binary(min_size=1, max_size=4))),
    min_size=1, max_size=4))
def test_bytes_spliced_into_examples(workdir, which, splices):
    data = SEED_TEXTS[which]
    for where, piece in splices:
        k = int(where * len(data))
        data = data[:k] + piece + data[k:]
    _run_bytes(data, workdir / "spliced.flow", "an example with bytes spliced in")


@fuzz_settings(ci_examples=300, long_share=0.5)
@given(st.text(max_size=400))
def test_random_text(text):
    try:
        exercise(text)
    except PropertyFailed as e:
        raise AssertionError(failure_report(text, e, "random text")) from e
