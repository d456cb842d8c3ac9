"""`flowc lsp`'s features: hover, go to definition, find references,
document symbols, completion, watched files, and formatting when
`flowc.fmt.format_text` exists; `create_server()` registers them on a
`FlowServer`, `serve()` runs it on stdin/stdout.

The answers come from `flowc.lsp.model` (the symbol table), `hover`,
`outline`, `complete` and `text` (positions); this module converts them to
LSP types.  No handler lets an exception escape: a failure is logged to
stderr and the request gets an empty answer; the server keeps serving.
"""
from __future__ import annotations

import functools
import logging
import os
import sys
from typing import Any, Callable

from lsprotocol import types as T

from .complete import Item, complete
from .hover import hover, keyword_at
from .model import realpath
from .outline import Outline, outline
from .server import Doc, FlowServer, View, uri_to_path
from .text import word_at

log = logging.getLogger("flowc.lsp")


def guarded(default: Any = None) -> Callable:
    """Never let a feature handler raise: log, answer `default`."""
    def deco(fn):
        @functools.wraps(fn)
        def wrapper(ls, params):
            try:
                return fn(ls, params)
            except Exception:
                log.exception("flowc lsp: %s failed", fn.__name__)
                return default() if callable(default) else default
        return wrapper
    return deco


_SYMBOL_KINDS = {
    "calendar": T.SymbolKind.Object, "entity": T.SymbolKind.Struct, "field": T.SymbolKind.Field,
    "pipeline": T.SymbolKind.Namespace, "stage": T.SymbolKind.Class, "robot": T.SymbolKind.Method,
    "trigger": T.SymbolKind.Event, "scenario": T.SymbolKind.Module, "record": T.SymbolKind.Variable,
    "employee": T.SymbolKind.Constant, "contact": T.SymbolKind.Constant, "company": T.SymbolKind.Constant,
    "form": T.SymbolKind.Interface, "template": T.SymbolKind.File,
}

_COMPLETION_KINDS = {
    "keyword": T.CompletionItemKind.Keyword, "field": T.CompletionItemKind.Field,
    "stage": T.CompletionItemKind.EnumMember, "pipeline": T.CompletionItemKind.Module,
    "calendar": T.CompletionItemKind.Value, "employee": T.CompletionItemKind.Constant,
    "action": T.CompletionItemKind.Function, "param": T.CompletionItemKind.Property,
    "robot": T.CompletionItemKind.Method, "trigger": T.CompletionItemKind.Event,
    "form": T.CompletionItemKind.Interface, "template": T.CompletionItemKind.File,
    "entity": T.CompletionItemKind.Struct,
}


def _formatter() -> Callable[[str], str] | None:
    """`flowc.fmt.format_text`, if the package has a formatter."""
    import importlib.util

    try:
        if importlib.util.find_spec("flowc.fmt") is None:
            return None
        from .. import fmt  # type: ignore[attr-defined]
    except Exception:
        log.exception("flowc lsp: flowc.fmt cannot be imported; formatting is off")
        return None
    fn = getattr(fmt, "format_text", None)
    return fn if callable(fn) else None


def create_server() -> FlowServer:
    server = FlowServer()

    def at(ls: FlowServer, params) -> tuple[View, int] | None:
        found = ls.doc_at(params.text_document, params.position)
        if found is None:
            return None
        doc, offset = found
        view = ls.view(doc)
        if view is None:
            return None
        old = view.offset(offset)
        return (view, old) if old is not None else None

    @server.feature(T.TEXT_DOCUMENT_HOVER)
    @guarded()
    def on_hover(ls: FlowServer, params: T.HoverParams):
        found = at(ls, params)
        if found is None:
            return None
        view, offset = found
        a, doc = view.analysis, view.doc
        kw = keyword_at(a, doc.path, offset)
        result = hover(a, doc.path, offset, kw)
        if result is None:
            return None
        text, span = result
        rng = view.lsp_range(span) if span is not None else None
        if span is not None and rng is None:
            return None
        if rng is None:
            w = word_at(doc.text, doc.lines.offset(params.position.line, params.position.character, ls.encoding))
            if w is not None:
                s, e = doc.lines.position(w[0], ls.encoding), doc.lines.position(w[1], ls.encoding)
                rng = T.Range(T.Position(*s), T.Position(*e))
        # Markdown only for clients that say they read it.
        markdown = T.MarkupKind.Markdown in (ls._cap("text_document.hover.content_format", None) or ())
        if not markdown:
            text = text.replace("**", "").replace("`", "")
        return T.Hover(contents=T.MarkupContent(
            kind=T.MarkupKind.Markdown if markdown else T.MarkupKind.PlainText, value=text), range=rng)

    @server.feature(T.TEXT_DOCUMENT_DEFINITION)
    @guarded()
    def on_definition(ls: FlowServer, params: T.DefinitionParams):
        found = at(ls, params)
        if found is None:
            return None
        view, offset = found
        occ = view.analysis.table.occ_at(view.doc.path, offset)
        if occ is None or occ.key is None:
            return None
        if occ.kind == "file":
            target = occ.target.resolved
            return [T.Location(ls.uri_for(target), T.Range(T.Position(0, 0), T.Position(0, 0)))]
        decls = [view.location(o.span) for o in view.analysis.table.with_key(occ.key) if o.decl]
        return [loc for loc in decls if loc is not None] or None

    @server.feature(T.TEXT_DOCUMENT_REFERENCES)
    @guarded()
    def on_references(ls: FlowServer, params: T.ReferenceParams):
        found = at(ls, params)
        if found is None:
            return None
        view, offset = found
        a, doc = view.analysis, view.doc
        occ = a.table.occ_at(doc.path, offset)
        if occ is None or occ.key is None:
            return None
        include = params.context.include_declaration if params.context else True
        # Names are keys, not identities: another open project counts only if
        # it loads the file that declares the name (or, for an undeclared
        # name, this document).
        decl_files = {realpath(o.span.path) for o in a.table.with_key(occ.key) if o.decl}
        if occ.kind == "file":
            decl_files = {realpath(occ.target.resolved)}
        wanted = decl_files or {realpath(doc.path)}
        views = [view] + [View(ls, d, d.analysis) for d in ls.docs.values()
                          if d.analysis is not None and d.analysis is not a and d.analysis.parsed
                          and wanted & {realpath(p) for p in d.analysis.paths}]
        out, seen = [], set()
        for v in views:
            for o in v.analysis.table.with_key(occ.key):
                if o.decl and not include:
                    continue
                key = (realpath(o.span.path), o.span.start, o.span.end)
                if key in seen:
                    continue
                seen.add(key)
                loc = v.location(o.span)
                if loc is not None:
                    out.append(loc)
        if occ.kind == "file" and include:
            out.insert(0, T.Location(ls.uri_for(occ.target.resolved), T.Range(T.Position(0, 0), T.Position(0, 0))))
        return out

    @server.feature(T.TEXT_DOCUMENT_DOCUMENT_SYMBOL)
    @guarded()
    def on_document_symbol(ls: FlowServer, params: T.DocumentSymbolParams):
        found = ls.doc_at(params.text_document)
        if found is None:
            return None
        doc, _ = found
        view = ls.view(doc)
        if view is None:
            return []
        entries = outline(view.analysis, doc.path)
        if ls._cap("text_document.document_symbol.hierarchical_document_symbol_support", False):
            return [_document_symbol(view, e) for e in entries]
        flat: list[T.SymbolInformation] = []

        def walk(items, container: str | None) -> None:
            for e in items:
                flat.append(T.SymbolInformation(
                    name=e.name or "?", kind=_SYMBOL_KINDS.get(e.kind, T.SymbolKind.Object),
                    location=T.Location(doc.uri, view.lsp_range(e.span, clamp=True)), container_name=container))
                walk(e.children, e.name)
        walk(entries, None)
        return flat

    @server.feature(T.TEXT_DOCUMENT_COMPLETION,
                    T.CompletionOptions(trigger_characters=[".", "{", ":"], resolve_provider=False))
    @guarded()
    def on_completion(ls: FlowServer, params: T.CompletionParams):
        found = ls.doc_at(params.text_document, params.position)
        if found is None:
            return None
        doc, offset = found
        # No check is forced here (completion comes at every keystroke; the
        # debounced run will come): the context is read from the current
        # text, the names from the last analysis that parsed.
        current = doc.analysis
        if current is None:
            current = ls.fresh(doc)
        names = doc.good or current
        snippets = bool(ls._cap("text_document.completion.completion_item.snippet_support", False))
        items = complete(doc.text, offset, current, names, snippets)
        return T.CompletionList(is_incomplete=False,
                                items=[_completion_item(ls, doc, offset, it) for it in items])

    @server.feature(T.WORKSPACE_DID_CHANGE_WATCHED_FILES)
    @guarded()
    def on_watched_files(ls: FlowServer, params: T.DidChangeWatchedFilesParams):
        # A file changed on disk (saved by another program, a git checkout...):
        # check again the open documents that load it.  Open files are read
        # from their buffers, so their own changes come through didChange.
        changed = {realpath(uri_to_path(c.uri)) for c in params.changes}
        open_paths = {realpath(d.path) for d in ls.docs.values()}
        changed -= open_paths
        if not changed:
            return
        for doc in list(ls.docs.values()):
            if doc.analysis is not None and changed & {realpath(p) for p in doc.analysis.paths}:
                ls.schedule(doc)

    fmt = _formatter()
    if fmt is not None:
        @server.feature(T.TEXT_DOCUMENT_FORMATTING)
        @guarded()
        def on_formatting(ls: FlowServer, params: T.DocumentFormattingParams):
            found = ls.doc_at(params.text_document)
            if found is None:
                return None
            doc, _ = found
            a = ls.fresh(doc)
            if a is None or not a.parsed:
                return []  # never reformat a file that does not parse
            new = fmt(doc.text)
            if not isinstance(new, str) or new == doc.text:
                return []
            end = doc.lines.position(len(doc.text), ls.encoding)
            return [T.TextEdit(T.Range(T.Position(0, 0), T.Position(*end)), new)]

    return server


def _document_symbol(view: View, e: Outline) -> T.DocumentSymbol:
    rng = view.lsp_range(e.span, clamp=True)
    sel = view.lsp_range(e.selection, clamp=True)
    if not _inside(sel, rng):
        sel = rng
    return T.DocumentSymbol(
        name=e.name or "?", kind=_SYMBOL_KINDS.get(e.kind, T.SymbolKind.Object), range=rng,
        selection_range=sel, detail=e.detail or None,
        children=[_document_symbol(view, c) for c in e.children] or None)


def _inside(inner: T.Range, outer: T.Range) -> bool:
    key = lambda p: (p.line, p.character)  # noqa: E731
    return key(outer.start) <= key(inner.start) and key(inner.end) <= key(outer.end)


def _completion_item(ls: FlowServer, doc: Doc, offset: int, it: Item) -> T.CompletionItem:
    start = it.start
    word = word_at(doc.text, offset)
    if start is None:
        start = word[0] if word is not None and word[0] < offset else offset
    pos_start = doc.lines.position(start, ls.encoding)
    pos_end = doc.lines.position(offset, ls.encoding)
    if pos_start[0] != pos_end[0]:  # a completion edit stays on one line
        start = word[0] if word is not None and word[0] < offset else offset
        pos_start = doc.lines.position(start, ls.encoding)
    text = it.snippet if it.snippet is not None else (it.insert or it.label)
    rng = T.Range(T.Position(*pos_start), T.Position(*pos_end))
    return T.CompletionItem(
        label=it.label,
        kind=_COMPLETION_KINDS.get(it.kind, T.CompletionItemKind.Text),
        detail=it.detail or None,
        documentation=T.MarkupContent(kind=T.MarkupKind.Markdown, value=it.doc) if it.doc else None,
        sort_text=it.sort or None,
        filter_text=it.label,
        insert_text_format=T.InsertTextFormat.Snippet if it.snippet is not None else T.InsertTextFormat.PlainText,
        text_edit=T.TextEdit(rng, text),
    )


def serve() -> None:
    """Run the language server on stdin/stdout until the client exits."""
    level = getattr(logging, os.environ.get("FLOWC_LSP_LOG", "WARNING").upper(), logging.WARNING)
    logging.basicConfig(stream=sys.stderr, level=level,
                        format="%(asctime)s %(name)s %(levelname)s: %(message)s")
    # pygls warns about routine events (a cancel for a request already answered,
    # a notification nobody handles): keep them out of the editor's log.
    logging.getLogger("pygls").setLevel(level if level < logging.WARNING else max(level, logging.ERROR))
    create_server().start_io()
