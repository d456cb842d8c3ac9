"""Helpers for the language server tests: editor actions and positions."""
from __future__ import annotations

import asyncio
import json
import os
import pathlib
import sys

from lsprotocol import types as T
from pytest_lsp import LanguageClient

ROOT = pathlib.Path(__file__).resolve().parents[2]
SRC = ROOT / "src"


def server_env() -> dict[str, str]:
    """The test's environment, with the source tree first on PYTHONPATH (works
    both installed and from a checkout)."""
    env = dict(os.environ)
    env["PYTHONPATH"] = str(SRC) + (os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else "")
    env.pop("FLOWC_DEBUG", None)
    return env


#: The server under test.
SERVER_COMMAND = [sys.executable, "-m", "flowc", "lsp"]

#: How long a test waits for the server before failing (seconds).
TIMEOUT = 15.0


# ------------------------------------------------------------------ helpers

class Editor:
    """A few editor actions over the client, with waits that cannot miss a
    notification (every publication is recorded)."""

    def __init__(self, client: LanguageClient, folder: pathlib.Path) -> None:
        self.client = client
        self.folder = folder
        self.versions: dict[str, int] = {}
        self.texts: dict[str, str] = {}

    def write(self, name: str, text: str) -> pathlib.Path:
        path = self.folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        return path

    def uri(self, name: str) -> str:
        return (self.folder / name).as_uri()

    def mark(self) -> int:
        return len(self.client.published)  # type: ignore[attr-defined]

    async def published(self, uri: str, since: int, version: int | None = None,
                        timeout: float = TIMEOUT) -> list[T.Diagnostic]:
        """The first diagnostics published for `uri` after mark `since` (for
        `version`, if given)."""
        loop = asyncio.get_running_loop()
        end = loop.time() + timeout
        while True:
            for p in self.client.published[since:]:  # type: ignore[attr-defined]
                if p.uri == uri and (version is None or p.version == version):
                    return list(p.diagnostics)
            if loop.time() > end:
                seen = [(p.uri, p.version) for p in self.client.published[since:]]  # type: ignore[attr-defined]
                raise AssertionError(f"no diagnostics for {uri} (version {version}); got {seen}")
            await asyncio.sleep(0.02)

    async def open(self, name: str, text: str | None = None, write: bool = True) -> list[T.Diagnostic]:
        """Open a document (written to disk too) and wait for its diagnostics."""
        if text is None:
            text = (self.folder / name).read_text(encoding="utf-8")
        elif write:
            self.write(name, text)
        uri = self.uri(name)
        since = self.mark()
        self.versions[uri] = 1
        self.texts[uri] = text
        self.client.text_document_did_open(T.DidOpenTextDocumentParams(
            T.TextDocumentItem(uri=uri, language_id="flow", version=1, text=text)))
        return await self.published(uri, since, 1)

    def change(self, name: str, text: str) -> int:
        """Replace the whole text (no wait). Returns the new version."""
        uri = self.uri(name)
        self.versions[uri] += 1
        self.texts[uri] = text
        self.client.text_document_did_change(T.DidChangeTextDocumentParams(
            T.VersionedTextDocumentIdentifier(uri=uri, version=self.versions[uri]),
            [T.TextDocumentContentChangeWholeDocument(text=text)]))
        return self.versions[uri]

    def edit(self, name: str, start: tuple[int, int], end: tuple[int, int], new: str) -> int:
        """An incremental change of a range (no wait). Returns the new version."""
        uri = self.uri(name)
        self.versions[uri] += 1
        self.client.text_document_did_change(T.DidChangeTextDocumentParams(
            T.VersionedTextDocumentIdentifier(uri=uri, version=self.versions[uri]),
            [T.TextDocumentContentChangePartial(
                range=T.Range(T.Position(*start), T.Position(*end)), text=new)]))
        return self.versions[uri]

    def close(self, name: str) -> None:
        self.versions.pop(self.uri(name), None)
        self.client.text_document_did_close(T.DidCloseTextDocumentParams(
            T.TextDocumentIdentifier(uri=self.uri(name))))

    # -- requests ----------------------------------------------------------
    def doc(self, name: str) -> T.TextDocumentIdentifier:
        return T.TextDocumentIdentifier(uri=self.uri(name))

    async def hover(self, name: str, line: int, character: int) -> T.Hover | None:
        return await asyncio.wait_for(self.client.text_document_hover_async(
            T.HoverParams(text_document=self.doc(name), position=T.Position(line, character))), TIMEOUT)

    async def definition(self, name: str, line: int, character: int):
        return await asyncio.wait_for(self.client.text_document_definition_async(
            T.DefinitionParams(text_document=self.doc(name), position=T.Position(line, character))), TIMEOUT)

    async def references(self, name: str, line: int, character: int, declaration: bool = True):
        return await asyncio.wait_for(self.client.text_document_references_async(
            T.ReferenceParams(text_document=self.doc(name), position=T.Position(line, character),
                              context=T.ReferenceContext(include_declaration=declaration))), TIMEOUT)

    async def complete(self, name: str, line: int, character: int) -> list[T.CompletionItem]:
        result = await asyncio.wait_for(self.client.text_document_completion_async(
            T.CompletionParams(text_document=self.doc(name), position=T.Position(line, character))), TIMEOUT)
        if result is None:
            return []
        return list(result.items if isinstance(result, T.CompletionList) else result)

    async def symbols(self, name: str):
        return await asyncio.wait_for(self.client.text_document_document_symbol_async(
            T.DocumentSymbolParams(text_document=self.doc(name))), TIMEOUT)


def position_of(text: str, needle: str, nth: int = 0, delta: int = 0) -> tuple[int, int]:
    """LSP position (UTF-16) of the nth occurrence of `needle` in `text`, plus
    `delta` characters."""
    at = -1
    for _ in range(nth + 1):
        at = text.index(needle, at + 1)
    at += delta
    line = text.count("\n", 0, at)
    start = text.rfind("\n", 0, at) + 1
    prefix = text[start:at]
    return line, len(prefix.encode("utf-16-le")) // 2




# ------------------------------------------------------------------ a raw JSON-RPC client

class Raw:
    """The server in a subprocess, spoken to in raw JSON-RPC."""

    def __init__(self, proc: asyncio.subprocess.Process) -> None:
        self.proc = proc
        self.next_id = 0
        self.notifications: list[dict] = []  # every notification read so far

    @classmethod
    async def start(cls) -> "Raw":
        proc = await asyncio.create_subprocess_exec(
            *SERVER_COMMAND, stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.DEVNULL, env=server_env())
        return cls(proc)

    def send_bytes(self, body: bytes) -> None:
        self.proc.stdin.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)

    def send(self, message: dict) -> None:
        self.send_bytes(json.dumps(message).encode("utf-8"))

    def request(self, method: str, params) -> int:
        self.next_id += 1
        self.send({"jsonrpc": "2.0", "id": self.next_id, "method": method, "params": params})
        return self.next_id

    def notify(self, method: str, params) -> None:
        self.send({"jsonrpc": "2.0", "method": method, "params": params})

    async def read(self) -> dict:
        length = None
        while True:
            line = await self.proc.stdout.readline()
            if not line:
                raise EOFError("the server closed its output")
            if line.lower().startswith(b"content-length:"):
                length = int(line.split(b":")[1])
            elif line in (b"\r\n", b"\n") and length is not None:
                return json.loads(await self.proc.stdout.readexactly(length))

    async def response(self, msg_id: int) -> dict:
        async def wait():
            while True:
                msg = await self.read()
                if "method" in msg and "id" not in msg:
                    self.notifications.append(msg)
                elif msg.get("id") == msg_id and "method" not in msg:
                    return msg
        return await asyncio.wait_for(wait(), TIMEOUT)

    async def notification(self, method: str, test=lambda params: True) -> dict:
        """The params of the first notification (read so far, or next) that passes `test`."""
        async def wait():
            i = 0
            while True:
                while i < len(self.notifications):
                    msg = self.notifications[i]
                    i += 1
                    if msg["method"] == method and test(msg.get("params")):
                        return msg["params"]
                msg = await self.read()
                if "method" in msg and "id" not in msg:
                    self.notifications.append(msg)
        return await asyncio.wait_for(wait(), TIMEOUT)

    async def initialize(self, caps: dict | None = None) -> dict:
        caps = {"textDocument": {"hover": {"contentFormat": ["markdown"]}}} if caps is None else caps
        result = await self.response(self.request("initialize", {"processId": None, "rootUri": None,
                                                                 "capabilities": caps}))
        self.notify("initialized", {})
        return result

    async def stop(self) -> None:
        try:
            await self.response(self.request("shutdown", None))
            self.notify("exit", None)
            await asyncio.wait_for(self.proc.wait(), TIMEOUT)
        finally:
            if self.proc.returncode is None:
                self.proc.kill()
                await self.proc.wait()


# ------------------------------------------------------------------ sample projects

#: A project in one file, owned by these tests (modelled on examples/sales.flow,
#: plus a reusable robot, a labelled trigger and a scenario).
SALES = '''\
# Sales pipeline, for the language server tests.
timezone "Europe/Lisbon"

calendar office {
  hours mon-fri 09:00-13:00, 14:00-18:00
  holidays "PT"
  closed 2026-12-24, 2026-12-31
}

employee ana "Ana Ferreira" {
  email "ana@pumps.example"
}
employee bruno "Bruno Costa" {
  email "bruno@pumps.example"
  supervisor ana
}

form quote_request "Quote request"

entity deal {
  title: text
  amount: money
  close_date: date
  tracking: optional text
  client: contact
}

robot legal: notify supervisor "Contract for {title} ({amount}) needs review"
  after 15m in office hours
  if amount > 10_000 and client.email is set

trigger paid_online: order paid, allow back

pipeline sales for deal "Sales" {
  stage new "New"
  stage contract "Contract approval" {
    trigger form submitted quote_request
    robot call: plan activity {
      title "Discuss contract terms with {client.name}"
      deadline tomorrow 14:00
      complete on stage change
    }
    use legal
    robot remind: notify bruno "Close {title} before {close_date}"
      2 days before close_date
  }
  stage paid "Paid" {
    trigger invoice paid
    use paid_online
    robot receipt: notify ana "Paid: {title}"
    robot sms: send sms "Payment received, thank you {client.name}!" to mobile
      after previous
    robot thanks: move to won
  }
  stage won "Closed won" success {
    robot install: copy deal to installation.todo
  }
  stage lost "Closed lost" failure
}

pipeline installation for deal "Equipment installation" {
  stage todo "To schedule"
  stage done "Installed" success
}

scenario big_deal "A big deal is approved" {
  start 2026-03-09 09:00
  record d1: deal in contract {
    title "Pumps for Porto"
    amount 25_000
    close_date 2026-04-30
  }
  expect robot legal on d1 done
  expect d1 in stage contract
  run for 3 days
}
'''
