"""`flowc lsp`'s server, built on pygls 2: the open documents, their
analyses and diagnostics.  Set FLOWC_LSP_LOG=DEBUG (or INFO) to log what it
does to stderr.

It reuses the phases of `flowc check` (`flowc.lower.load` with the editor's
unsaved buffers as overrides, then `flowc.check.check`), so the editor shows
the same diagnostics, with the same codes and messages, as the command line.
Documents are checked on open and, debounced, on change; a document that
another open document loads (`use`) checks that one again too.

The requests (hover, definition, ...) are in `flowc.lsp.features`.
"""
from __future__ import annotations

import asyncio
import gc
import logging
import os
from typing import Any

from lsprotocol import types as T
from pygls import uris
from pygls.exceptions import JsonRpcException, JsonRpcInvalidParams
from pygls.lsp.server import LanguageServer
from pygls.protocol import LanguageServerProtocol, lsp_method

from .. import __version__
from ..diagnostics import Diagnostic, Severity
from .model import Analysis, realpath
from .text import UTF16, LineIndex, Shift, SpanMapper, apply_change

log = logging.getLogger("flowc.lsp")

#: Seconds to wait after a change before checking the document again.
DEBOUNCE = 0.25

#: Seconds without a new analysis before garbage cycles are collected.
COLLECT_AFTER = 2.0


def _collect_garbage() -> None:
    gc.unfreeze()
    gc.collect()
    gc.freeze()


# ------------------------------------------------------------------ documents

class Doc:
    """An open document: its text and its latest analyses.  Small on purpose:
    the text, the latest analysis, and the latest one that parsed."""

    __slots__ = ("uri", "path", "text", "version", "analysis", "good", "pending", "_lines")

    def __init__(self, uri: str, text: str, version: int | None) -> None:
        self.uri = uri
        self.path = uri_to_path(uri)
        self.text = text
        self.version = version
        self.analysis: Analysis | None = None
        self.good: Analysis | None = None
        self.pending: asyncio.TimerHandle | None = None
        self._lines: LineIndex | None = None

    @property
    def lines(self) -> LineIndex:
        if self._lines is None or self._lines.text is not self.text:
            self._lines = LineIndex(self.text)
        return self._lines


def uri_to_path(uri: str) -> str:
    """A file URI's path; any other URI (untitled:...) stands for itself."""
    if uri.startswith("file:"):
        try:
            path = uris.to_fs_path(uri)
        except Exception:
            path = None
        if path:
            return os.path.normpath(path)
    return uri


# ------------------------------------------------------------------ protocol

class _Ignored:
    """A message that could not be read (already answered with an error)."""
    jsonrpc = "ignored"


class FlowProtocol(LanguageServerProtocol):
    """pygls' protocol, with two changes:

    * a request whose params do not fit the LSP types gets an InvalidParams
      error response (pygls only logs it, and the client would wait forever);
    * documents are kept by the server itself (`FlowServer.docs`), with the
      LSP's own line breaks, instead of in pygls' workspace.
    """

    def structure_message(self, data: dict[str, Any]):
        try:
            return super().structure_message(data)
        except JsonRpcException as exc:
            if isinstance(data, dict) and "id" in data and "method" in data:
                log.warning("invalid params in %s request: %s", data.get("method"), exc)
                error = JsonRpcInvalidParams(f"invalid params for {data.get('method')}")
                self._send_response(data["id"], None, error.to_response_error())
            return _Ignored()

    @lsp_method(T.TEXT_DOCUMENT_DID_OPEN)
    def lsp_text_document__did_open(self, params: T.DidOpenTextDocumentParams):
        self._server.did_open(params)

    @lsp_method(T.TEXT_DOCUMENT_DID_CHANGE)
    def lsp_text_document__did_change(self, params: T.DidChangeTextDocumentParams):
        self._server.did_change(params)

    @lsp_method(T.TEXT_DOCUMENT_DID_CLOSE)
    def lsp_text_document__did_close(self, params: T.DidCloseTextDocumentParams):
        self._server.did_close(params)


# ------------------------------------------------------------------ the server

_SEVERITY = {
    Severity.ERROR: T.DiagnosticSeverity.Error,
    Severity.WARNING: T.DiagnosticSeverity.Warning,
    Severity.NOTE: T.DiagnosticSeverity.Information,
}

class FlowServer(LanguageServer):
    def __init__(self) -> None:
        super().__init__("flowc", __version__, text_document_sync_kind=T.TextDocumentSyncKind.Incremental,
                         protocol_cls=FlowProtocol)
        self.docs: dict[str, Doc] = {}
        # root document URI -> {URI: diagnostics of that URI found by checking the root}
        self.contrib: dict[str, dict[str, list[T.Diagnostic]]] = {}
        self._collect: asyncio.TimerHandle | None = None

    # -- errors -------------------------------------------------------------
    def report_server_error(self, error: Exception, source) -> None:
        # Log only: pygls would also pop a message up in the editor.
        log.error("flowc lsp: %s: %s", getattr(source, "__name__", source), error)

    # -- client settings ------------------------------------------------------
    @property
    def encoding(self) -> str:
        try:
            enc = self.workspace.position_encoding
        except Exception:
            return UTF16
        return str(getattr(enc, "value", enc) or UTF16)

    def _cap(self, path: str, default: Any = None) -> Any:
        obj: Any = getattr(self.protocol, "client_capabilities", None)
        for part in path.split("."):
            if obj is None:
                return default
            obj = getattr(obj, part, None)
        return default if obj is None else obj

    # -- paths and URIs ---------------------------------------------------------
    def uri_for(self, path: str) -> str:
        real = realpath(path)
        for doc in self.docs.values():
            if doc.path == path or realpath(doc.path) == real:
                return doc.uri
        if "://" in path or path.startswith("untitled:"):
            return path
        return uris.from_fs_path(os.path.abspath(path)) or path

    def mapper(self, analysis: Analysis, path: str) -> SpanMapper:
        cache = analysis.__dict__.setdefault("_mappers", {})
        key = (path, self.encoding)
        m = cache.get(key)
        if m is None:
            src = analysis.source(path)
            text = src.text if src is not None else ""
            if src is None:
                doc = self.docs.get(self.uri_for(path))
                text = doc.text if doc is not None else ""
            m = cache[key] = SpanMapper(text, self.encoding)
        return m

    def lsp_range(self, analysis: Analysis, span) -> T.Range:
        (l1, c1), (l2, c2) = self.mapper(analysis, span.path).lsp_range(span)
        return T.Range(T.Position(l1, c1), T.Position(l2, c2))

    def location(self, analysis: Analysis, span) -> T.Location:
        return T.Location(self.uri_for(span.path), self.lsp_range(analysis, span))

    # -- documents ---------------------------------------------------------------
    def did_open(self, params: T.DidOpenTextDocumentParams) -> None:
        try:
            td = params.text_document
            doc = Doc(td.uri, td.text, td.version)
            old = self.docs.get(td.uri)
            if old is not None and old.pending is not None:
                old.pending.cancel()
            self.docs[td.uri] = doc
            self.run(doc)
            self.refresh_dependents(doc)
        except Exception:
            log.exception("flowc lsp: didOpen failed")

    def did_change(self, params: T.DidChangeTextDocumentParams) -> None:
        try:
            doc = self.docs.get(params.text_document.uri)
            if doc is None:
                log.warning("flowc lsp: change of a document that is not open: %s", params.text_document.uri)
                return
            text = doc.text
            for change in params.content_changes:
                rng = getattr(change, "range", None)
                if rng is None:
                    text = change.text
                else:
                    text = apply_change(text, (rng.start.line, rng.start.character),
                                        (rng.end.line, rng.end.character), change.text, self.encoding)
            doc.text = text
            doc.version = params.text_document.version
            self.schedule(doc)
        except Exception:
            log.exception("flowc lsp: didChange failed")

    def did_close(self, params: T.DidCloseTextDocumentParams) -> None:
        try:
            doc = self.docs.pop(params.text_document.uri, None)
            if doc is None:
                return
            if doc.pending is not None:
                doc.pending.cancel()
            old = self.contrib.pop(doc.uri, {})
            for uri in old:
                self.publish_uri(uri)
            self.refresh_dependents(doc)
        except Exception:
            log.exception("flowc lsp: didClose failed")

    def schedule(self, doc: Doc) -> None:
        """Check `doc` again after DEBOUNCE seconds, replacing a pending run."""
        if doc.pending is not None:
            doc.pending.cancel()
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            self.run(doc)
            return
        doc.pending = loop.call_later(DEBOUNCE, self._run_pending, doc.uri)

    def _run_pending(self, uri: str) -> None:
        doc = self.docs.get(uri)
        if doc is None:
            return
        doc.pending = None
        try:
            self.run(doc)
            self.refresh_dependents(doc)
        except Exception:
            log.exception("flowc lsp: checking %s failed", uri)

    def fresh(self, doc: Doc) -> Analysis | None:
        """The document's analysis for its current text (run now if a run is pending)."""
        if doc.pending is not None or doc.analysis is None or doc.analysis.text is not doc.text:
            changed = doc.analysis is not None and doc.analysis.text is not doc.text
            if doc.pending is not None:
                doc.pending.cancel()
                doc.pending = None
            self.run(doc)
            if changed:
                self.refresh_dependents(doc)
        return doc.analysis

    def refresh_dependents(self, changed: Doc) -> None:
        """Other open documents that load `changed` (with `use`): check them again."""
        real = realpath(changed.path)
        for doc in list(self.docs.values()):
            if doc is changed or doc.analysis is None:
                continue
            if any(realpath(p) == real for p in doc.analysis.paths if p != doc.path):
                self.schedule(doc)

    def overrides(self) -> dict[str, str]:
        out = {}
        for d in self.docs.values():
            out[d.path] = d.text
            real = realpath(d.path)
            out.setdefault(real, d.text)
        return out

    def run(self, doc: Doc) -> None:
        analysis = Analysis(doc.path, doc.text, doc.version, self.overrides())
        doc.analysis = analysis
        if analysis.parsed:
            doc.good = analysis
        self.publish(doc, analysis)
        self.collect_later()

    def collect_later(self) -> None:
        """Collect garbage cycles once the user pauses (COLLECT_AFTER seconds
        without a new analysis).  The phases freeze what they build
        (`flowc.gcpause`); a syntax error leaves cycles (an exception and the
        frames of the partial parse) that only a full collection frees, and it
        costs a few hundred ms on a large project: never while typing."""
        if self._collect is not None:
            self._collect.cancel()
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            return
        self._collect = loop.call_later(COLLECT_AFTER, _collect_garbage)

    # -- diagnostics ---------------------------------------------------------------
    def to_lsp(self, analysis: Analysis, d: Diagnostic) -> T.Diagnostic:
        related_ok = bool(self._cap("text_document.publish_diagnostics.related_information", False))
        message = d.summary
        if d.detail:
            message += f"\n{d.detail}"
        related = []
        for n in d.notes:
            if n.span is not None and related_ok:
                related.append(T.DiagnosticRelatedInformation(self.location(analysis, n.span), n.message))
            elif n.span is not None:
                where = f"{n.span.path}:{n.span.line}:{n.span.column}"
                message += f"\n{n.kind}: {n.message} ({where})"
            else:
                message += f"\n{n.kind}: {n.message}"
        return T.Diagnostic(
            range=self.lsp_range(analysis, d.span),
            message=message,
            severity=_SEVERITY.get(d.severity, T.DiagnosticSeverity.Error),
            code=d.code,
            source="flowc",
            related_information=related or None,
        )

    def publish(self, doc: Doc, analysis: Analysis) -> None:
        found: dict[str, list[T.Diagnostic]] = {doc.uri: []}
        for d in analysis.diagnostics():
            try:
                uri = doc.uri if d.span.path == doc.path else self.uri_for(d.span.path)
                found.setdefault(uri, []).append(self.to_lsp(analysis, d))
            except Exception:
                log.exception("flowc lsp: cannot convert diagnostic %s", d)
        old = self.contrib.get(doc.uri, {})
        self.contrib[doc.uri] = found
        for uri in set(old) | set(found):
            self.publish_uri(uri)

    def publish_uri(self, uri: str) -> None:
        """Send the diagnostics of `uri`: what every open root found there."""
        merged: list[T.Diagnostic] = []
        seen = set()
        for contributions in self.contrib.values():
            for diag in contributions.get(uri, ()):
                key = (diag.code, diag.range.start.line, diag.range.start.character,
                       diag.range.end.line, diag.range.end.character, diag.message)
                if key not in seen:
                    seen.add(key)
                    merged.append(diag)
        doc = self.docs.get(uri)
        version = doc.version if doc is not None and doc.analysis is not None \
            and doc.analysis.text is doc.text else None
        self.text_document_publish_diagnostics(
            T.PublishDiagnosticsParams(uri=uri, diagnostics=merged, version=version))

    # -- lookups shared by features ---------------------------------------------------
    def doc_at(self, td: T.TextDocumentIdentifier, pos: T.Position | None = None) -> tuple[Doc, int] | None:
        doc = self.docs.get(td.uri)
        if doc is None:
            log.info("flowc lsp: request for a document that is not open: %s", td.uri)
            return None
        if pos is None:
            return doc, 0
        if pos.line < 0 or pos.character < 0 or pos.line >= len(doc.lines.starts):
            log.info("flowc lsp: position %s:%s outside %s", pos.line, pos.character, td.uri)
            return None
        return doc, doc.lines.offset(pos.line, pos.character, self.encoding)

    def view(self, doc: Doc) -> "View | None":
        """The analysis whose names can be trusted for `doc`: the current one if
        the document parsed, else the last one that did (with the offsets of
        what was typed since)."""
        a = self.fresh(doc)
        if a is not None and a.parsed:
            return View(self, doc, a)
        if doc.good is None:
            return None
        return View(self, doc, doc.good)


class View:
    """A document seen through one of its analyses (maybe an older one)."""

    def __init__(self, ls: FlowServer, doc: Doc, analysis: Analysis) -> None:
        self.ls = ls
        self.doc = doc
        self.analysis = analysis
        self.shift = None if analysis.text is doc.text or analysis.text == doc.text \
            else Shift(analysis.text, doc.text)

    def offset(self, offset: int) -> int | None:
        """An offset of the current text in the analysis' text."""
        return offset if self.shift is None else self.shift.to_old(offset)

    def lsp_range(self, span, clamp: bool = False) -> T.Range | None:
        """The range of a span of the analysis, in the current text."""
        if self.shift is None or span.path != self.doc.path:
            return self.ls.lsp_range(self.analysis, span)
        start = self.shift.to_new(span.start, clamp)
        end = self.shift.to_new(span.end, clamp)
        if start is None or end is None:
            return None
        enc = self.ls.encoding
        return T.Range(T.Position(*self.doc.lines.position(start, enc)),
                       T.Position(*self.doc.lines.position(max(start, end), enc)))

    def location(self, span) -> T.Location | None:
        rng = self.lsp_range(span)
        if rng is None:
            return None
        uri = self.doc.uri if span.path == self.doc.path else self.ls.uri_for(span.path)
        return T.Location(uri, rng)
