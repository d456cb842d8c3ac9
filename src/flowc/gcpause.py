"""Python's cyclic garbage collector, paused while a phase builds a large
structure.

Parsing, lowering and checking allocate millions of small objects (tokens,
nodes, spans, IR) that form no reference cycles: reference counting frees
them.  The cyclic collector would still run every few hundred allocations and
scan the ever older, ever larger generations again and again: on a 1 MB input
that cost as much as the parse itself (issue 9, docs/performance.md).

While `paused()` is active the collector does not run.  When the outermost
`paused()` ends, what the phase built is moved to the permanent generation
(`gc.freeze()`, which also resets the collector's counts, so that it does not
scan it all at once on the next allocation), then the collector runs again
as before.  Frozen objects are freed by reference counting like any other;
only a reference cycle among them would wait for `gc.unfreeze()` (the
language server unfreezes before each new analysis).
"""
from __future__ import annotations

import contextlib
import gc
from typing import Iterator

_depth = 0


@contextlib.contextmanager
def paused() -> Iterator[None]:
    global _depth
    was_enabled = gc.isenabled()
    _depth += 1
    gc.disable()
    try:
        yield
    finally:
        _depth -= 1
        if _depth == 0 and was_enabled:
            gc.freeze()
            gc.enable()
