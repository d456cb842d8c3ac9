"""A client that declares (almost) no capabilities gets what it can read:
flat symbols, plain-text hovers, completions without snippets, related
places in the diagnostic message.  (Spoken to in raw JSON-RPC.)"""
from __future__ import annotations

import pytest

from flowc_lsp_helpers import SALES, Raw, position_of

pytestmark = pytest.mark.asyncio(loop_scope="module")


async def test_minimal_client():
    raw = await Raw.start()
    try:
        await raw.initialize(caps={})
        uri = "file:///tmp/flowc-minimal-client/sales.flow"
        text = SALES.replace('stage lost "Closed lost" failure', 'stage lost "Closed lost" failure\n  stage new')
        raw.notify("textDocument/didOpen", {"textDocument": {"uri": uri, "languageId": "flow", "version": 1,
                                                             "text": text}})
        symbols = await raw.response(raw.request("textDocument/documentSymbol", {"textDocument": {"uri": uri}}))
        flat = symbols["result"]
        assert all("location" in s and "children" not in s for s in flat)
        assert {"containerName": "sales", "name": "contract"}.items() <= next(
            s for s in flat if s["name"] == "contract").items()
        line, col = position_of(text, "legal:")
        hover = await raw.response(raw.request("textDocument/hover", {
            "textDocument": {"uri": uri}, "position": {"line": line, "character": col}}))
        assert hover["result"]["contents"]["kind"] == "plaintext"
        assert "**" not in hover["result"]["contents"]["value"]
        anchor = "    robot thanks: move to won\n"
        typed = "    robot z: "
        raw.notify("textDocument/didChange", {"textDocument": {"uri": uri, "version": 2}, "contentChanges": [
            {"text": text.replace(anchor, anchor + typed + "\n")}]})
        line, col = position_of(text.replace(anchor, anchor + typed + "\n"), typed, delta=len(typed))
        done = await raw.response(raw.request("textDocument/completion", {
            "textDocument": {"uri": uri}, "position": {"line": line, "character": col}}))
        items = {i["label"]: i for i in done["result"]["items"]}
        assert items["send email"]["textEdit"]["newText"] == "send email"
        assert items["send email"].get("insertTextFormat", 1) == 1  # plain text
        # Diagnostics: the related place is in the message (no relatedInformation support).
        params = await raw.notification("textDocument/publishDiagnostics", lambda p: p.get("version") == 1)
        dup = [d for d in params["diagnostics"] if d["code"] == "F101"]
        assert dup and "note: first declared here (" in dup[0]["message"]
        assert "relatedInformation" not in dup[0]
    finally:
        await raw.stop()
