"""Malformed requests get an answer (an LSP error or an empty result) and the
server keeps serving; no text makes it crash; it starts quickly; and
`flowc check` never imports pygls."""
from __future__ import annotations

import asyncio
import subprocess
import sys
import time

import pytest

from flowc_lsp_helpers import SALES, Editor, Raw, position_of, server_env

pytestmark = pytest.mark.asyncio(loop_scope="module")


# ------------------------------------------------------------------ with the LSP client

async def test_hover_on_a_document_never_opened(editor: Editor):
    assert await editor.hover("never-opened.flow", 0, 0) is None
    assert await editor.definition("never-opened.flow", 0, 0) is None
    assert await editor.complete("never-opened.flow", 0, 0) == []
    # ... and the server keeps serving.
    await editor.open("sales.flow", SALES)
    assert await editor.hover("sales.flow", *position_of(SALES, "legal:")) is not None


async def test_positions_outside_the_text(editor: Editor):
    await editor.open("sales.flow", SALES)
    assert await editor.hover("sales.flow", 10_000, 0) is None
    assert await editor.references("sales.flow", 10_000, 5) is None
    assert await editor.complete("sales.flow", 10_000, 0) == []
    # A character past the end of its line is the end of the line.
    await editor.hover("sales.flow", 3, 10_000)
    assert await editor.hover("sales.flow", *position_of(SALES, "legal:")) is not None


async def test_change_of_a_document_never_opened(editor: Editor):
    editor.versions[editor.uri("ghost.flow")] = 1
    editor.change("ghost.flow", "pipeline")
    await editor.open("sales.flow", SALES)  # still serving


HOSTILE = [
    "",
    "\x00\x01\x02",
    "pipeline p for deal {" * 200,
    "robot r: notify responsible \"x\" if " + "(" * 500 + "a" + ")" * 500,
    "robot r: notify responsible \"{" + "a." * 300 + "}\"",
    '"""' + "never closed" * 100,
    "pipeline p for deal { stage a { robot r: move to b } }\r\n\r\n\r" * 50,
    "calendar c { hours mon-fri 25:99-00:00 }\n" + "😀" * 1000,
    "\ud800 lone surrogate",
    "stage " * 3000,
]


@pytest.mark.parametrize("text", HOSTILE, ids=range(len(HOSTILE)))
async def test_hostile_text_never_crashes(editor: Editor, text: str):
    await editor.open("hostile.flow", text, write=False)
    lines = text.split("\n")
    for line in (0, len(lines) // 2, len(lines) - 1):
        for col in (0, len(lines[line]) // 2, len(lines[line])):
            await editor.hover("hostile.flow", line, col)
            await editor.complete("hostile.flow", line, col)
            await editor.definition("hostile.flow", line, col)
    await editor.symbols("hostile.flow")
    # Still serving: a valid document gets its answers.
    await editor.open("sales.flow", SALES)
    assert await editor.hover("sales.flow", *position_of(SALES, "legal:")) is not None


# ------------------------------------------------------------------ raw JSON-RPC (messages no typed client sends)

async def test_starts_in_reasonable_time():
    start = time.monotonic()
    raw = await Raw.start()
    try:
        result = await raw.initialize()
        elapsed = time.monotonic() - start
        caps = result["result"]["capabilities"]
        assert result["result"]["serverInfo"]["name"] == "flowc"
        for cap in ("hoverProvider", "definitionProvider", "referencesProvider", "documentSymbolProvider",
                    "completionProvider"):
            assert caps.get(cap), cap
        # The interpreter, pygls and lsprotocol: about a second here.
        assert elapsed < 5.0, f"the server took {elapsed:.2f} s to answer initialize"
    finally:
        await raw.stop()


async def test_malformed_requests_get_errors_and_the_server_keeps_serving():
    raw = await Raw.start()
    try:
        await raw.initialize()
        uri = "file:///tmp/flowc-raw-test/sales.flow"
        raw.notify("textDocument/didOpen", {"textDocument": {"uri": uri, "languageId": "flow", "version": 1,
                                                             "text": SALES}})
        # Params of the wrong shape: InvalidParams.
        bad = await raw.response(raw.request("textDocument/hover", {"textDocument": {"uri": 42}}))
        assert bad["error"]["code"] == -32602
        bad = await raw.response(raw.request("textDocument/definition", {"position": "here"}))
        assert bad["error"]["code"] == -32602
        # An unknown method: MethodNotFound.
        unknown = await raw.response(raw.request("flowc/noSuchThing", {}))
        assert unknown["error"]["code"] == -32601
        # A body that is not JSON, and a notification with bad params: ignored.
        raw.send_bytes(b"{this is not json")
        raw.notify("textDocument/didChange", {"textDocument": {"uri": uri}})
        # A negative position: an answer, not a crash.
        neg = await raw.response(raw.request("textDocument/hover", {
            "textDocument": {"uri": uri}, "position": {"line": -1, "character": -5}}))
        assert "result" in neg or "error" in neg
        # Still serving.
        line, col = position_of(SALES, "legal:")
        ok = await raw.response(raw.request("textDocument/hover", {
            "textDocument": {"uri": uri}, "position": {"line": line, "character": col}}))
        assert "robot legal" in ok["result"]["contents"]["value"]
    finally:
        await raw.stop()


async def test_flowc_check_does_not_import_pygls(tmp_path):
    path = tmp_path / "sales.flow"
    path.write_text(SALES, encoding="utf-8")
    code = ("import sys\nfrom flowc.cli import main\nsys.argv = ['flowc', 'check', sys.argv[1]]\n"
            "try:\n    main()\nexcept SystemExit:\n    pass\n"
            "print('PYGLS' if any(m.split('.')[0] in ('pygls', 'lsprotocol') for m in sys.modules) else 'CLEAN')")
    out = await asyncio.to_thread(subprocess.run, [sys.executable, "-c", code, str(path)],
                                  capture_output=True, text=True, env=server_env(), timeout=60)
    assert out.stdout.strip().splitlines()[-1] == "CLEAN", out.stdout + out.stderr
