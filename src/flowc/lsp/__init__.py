"""`flowc lsp`: the language server, one module per concern.

==============  ============================================================
`server`        the pygls server: open documents, analyses, diagnostics
`features`      the requests (hover, definition, references, symbols,
                completion, formatting) and `serve()`
`model`         one document's analysis: the project through the phases of
                `flowc check`, and the table of every name in it
`hover`         hover texts
`outline`       document symbols
`complete`      completion items
`scan`          what is before the cursor, for completion
`text`          positions: LSP (UTF-16 by default) <-> offsets, edits
==============  ============================================================

pygls and lsprotocol are imported by `server` and `features` only, so
`flowc check` never pays for them, and the other modules can be used (and
tested) without them.
"""
