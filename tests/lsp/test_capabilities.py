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


async def test_utf8_position_encoding():
    raw = await Raw.start()
    try:
        result = await raw.initialize(caps={"general": {"positionEncodings": ["utf-8", "utf-16"]}})
        assert result["result"]["capabilities"]["positionEncoding"] == "utf-8"
        uri = "file:///tmp/flowc-utf8-client/sales.flow"
        text = SALES.replace("robot thanks: move to won", 'robot thanks: notify ana "😀 é" if amout > 1')
        raw.notify("textDocument/didOpen", {"textDocument": {"uri": uri, "languageId": "flow", "version": 1,
                                                             "text": text}})
        params = await raw.notification("textDocument/publishDiagnostics", lambda p: p.get("version") == 1)
        bad = [d for d in params["diagnostics"] if "amout" in d["message"]]
        line_text = text.split("\n")[position_of(text, "amout")[0]]
        column = len(line_text[:line_text.index("amout")].encode("utf-8"))
        assert bad[0]["range"]["start"]["character"] == column
        # Requests use UTF-8 columns too: an incremental edit after the emoji.
        line = position_of(text, "amout")[0]
        raw.notify("textDocument/didChange", {"textDocument": {"uri": uri, "version": 2}, "contentChanges": [
            {"range": {"start": {"line": line, "character": column + 4},
                       "end": {"line": line, "character": column + 4}}, "text": "n"}]})
        params = await raw.notification("textDocument/publishDiagnostics", lambda p: p.get("version") == 2)
        assert [d for d in params["diagnostics"] if "amou" in d["message"]] == []
    finally:
        await raw.stop()
