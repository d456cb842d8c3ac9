"""End-to-end tests of `flowc lsp`: the server runs as a subprocess
(`python -m flowc lsp`) and a real LSP client (pytest-lsp, on pygls) talks to
it over stdio.

One server per test module (module-scoped fixture and event loop); tests open
their own documents in their own temporary folders, so they do not interfere.
"""
from __future__ import annotations

import pathlib
import sys

import pytest
import pytest_lsp
from lsprotocol import types as T
from pygls.protocol import default_converter
from pytest_lsp import ClientServerConfig, LanguageClient, LanguageClientProtocol, client_capabilities
from pytest_lsp.client import register_lsp_features

# The suite runs with --import-mode=importlib: make this folder's helper
# module importable (as tests/time does).
_HERE = str(pathlib.Path(__file__).resolve().parent)
if _HERE not in sys.path:
    sys.path.insert(0, _HERE)

from flowc_lsp_helpers import ROOT, SERVER_COMMAND, Editor, server_env  # noqa: E402


class RecordingProtocol(LanguageClientProtocol):
    """Keeps every publishDiagnostics (with its version), in order."""

    def _handle_notification(self, method_name, params):
        if method_name == T.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS:
            self._server.published.append(params)
        return super()._handle_notification(method_name, params)


def make_client() -> LanguageClient:
    client = LanguageClient(protocol_cls=RecordingProtocol, converter_factory=default_converter)
    client.published = []  # type: ignore[attr-defined]
    register_lsp_features(client)
    return client


CONFIG = ClientServerConfig(server_command=SERVER_COMMAND, server_env=server_env(), client_factory=make_client)


@pytest_lsp.fixture(scope="module", config=CONFIG)
async def client(lsp_client: LanguageClient):
    await lsp_client.initialize_session(
        T.InitializeParams(capabilities=client_capabilities("visual-studio-code"),
                           root_uri=ROOT.as_uri()))
    yield
    await lsp_client.shutdown_session()


@pytest.fixture
def editor(client: LanguageClient, tmp_path: pathlib.Path):
    ed = Editor(client, tmp_path)
    yield ed
    for uri in list(ed.versions):  # close what the test opened (one server per module)
        if not client.stopped:
            client.text_document_did_close(T.DidCloseTextDocumentParams(T.TextDocumentIdentifier(uri=uri)))
