"""flowc.gcpause: the phases pause the cyclic collector and freeze what they
built; the language server collects the cycles a syntax error leaves once
the user pauses."""
from __future__ import annotations

import gc

from flowc.gcpause import paused
from flowc.lsp.model import Analysis


def test_paused_nests_and_restores_the_collector():
    assert gc.isenabled()
    with paused():
        assert not gc.isenabled()
        with paused():
            assert not gc.isenabled()
        assert not gc.isenabled()  # still inside the outer pause
        kept = [object() for _ in range(10)]
    assert gc.isenabled()
    assert gc.get_freeze_count() >= len(kept)
    gc.unfreeze()


def test_paused_leaves_a_disabled_collector_disabled():
    gc.disable()
    try:
        with paused():
            pass
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_the_language_server_frees_the_cycles_of_a_syntax_error():
    from flowc.lsp.server import _collect_garbage

    text = 'entity deal {\n  amount: money\n}\npipeline p for deal {\n  stage s {\n    robot r: ::\n  }\n}\n'
    for _ in range(3):
        Analysis("/tmp/x.flow", text, 1, {"/tmp/x.flow": text}).diagnostics()
    _collect_garbage()
    assert gc.get_freeze_count() > 0  # the survivors are frozen again
    gc.unfreeze()
    assert gc.collect() == 0  # nothing left to collect
