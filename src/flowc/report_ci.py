"""Diagnostics for CI systems: SARIF 2.1.0 (what code-scanning dashboards
read) and GitHub Actions workflow commands (annotations on a pull request).

Both are built from the same `Diagnostic`s as the other formats
(`flowc.report`); docs/diagnostics.md describes them.
"""
from __future__ import annotations

import json
import os
from typing import Iterable

from . import __version__
from .diagnostics import Diagnostic, Severity

SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
DOCS = "https://github.com/flowc/flowc/blob/main/docs/diagnostics.md"
_LEVEL = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.NOTE: "note"}
_GITHUB = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.NOTE: "notice"}


def _uri(path: str) -> str:
    """A file's path as a SARIF artifact URI: relative (to the current
    folder, `%SRCROOT%`) when it is inside it, else a file:// URI."""
    from pathlib import Path

    p = Path(path)
    if path.startswith("<"):  # <stdin>
        return path.strip("<>")
    full = p.resolve()
    try:
        return full.relative_to(Path.cwd().resolve()).as_posix()
    except ValueError:
        return full.as_uri()


def _message(d: Diagnostic) -> str:
    text = d.summary
    if d.detail:
        text += f": {d.detail}"
    for n in d.notes:
        if n.span is None:
            text += f"\n{n.kind}: {n.message}"
    return text


def _location(span, message: str | None = None) -> dict:
    uri = _uri(span.path)
    artifact = {"uri": uri} if uri.startswith("file:") else {"uri": uri, "uriBaseId": "%SRCROOT%"}
    loc: dict = {"physicalLocation": {
        "artifactLocation": artifact,
        "region": {"startLine": span.line, "startColumn": span.column,
                   "endLine": span.end_line, "endColumn": max(span.end_column, 1)},
    }}
    if message:
        loc["message"] = {"text": message}
    return loc


def render_sarif(diags: Iterable[Diagnostic]) -> str:
    """One SARIF 2.1.0 log with one run of flowc."""
    diags = list(diags)
    codes = sorted({d.code for d in diags})
    rules = [{"id": c, "helpUri": f"{DOCS}#{c.lower()}",
              "shortDescription": {"text": next(d.summary for d in diags if d.code == c)}} for c in codes]
    results = []
    for d in diags:
        result = {"ruleId": d.code, "ruleIndex": codes.index(d.code), "level": _LEVEL[d.severity],
                  "message": {"text": _message(d)}, "locations": [_location(d.span)]}
        related = [_location(n.span, f"{n.kind}: {n.message}") for n in d.notes if n.span is not None]
        if related:
            for i, r in enumerate(related):
                r["id"] = i
            result["relatedLocations"] = related
        results.append(result)
    log = {
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {"name": "flowc", "version": __version__, "semanticVersion": __version__,
                                "informationUri": DOCS, "rules": rules}},
            "originalUriBaseIds": {"%SRCROOT%": {"uri": _dir_uri(os.getcwd())}},
            "columnKind": "unicodeCodePoints",
            "results": results,
        }],
    }
    return json.dumps(log, ensure_ascii=False, indent=2)


def _dir_uri(path: str) -> str:
    from pathlib import Path

    uri = Path(path).resolve().as_uri()
    return uri if uri.endswith("/") else uri + "/"


def _escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


def render_github(d: Diagnostic) -> str:
    """`::error file=…,line=…,col=…,endLine=…,endColumn=…,title=…::message`."""
    s = d.span
    props = {"file": s.path, "line": s.line, "col": s.column, "endLine": s.end_line,
             "endColumn": max(s.end_column, 1), "title": f"{d.code} {d.summary}"}
    head = ",".join(f"{k}={_escape_property(str(v))}" for k, v in props.items())
    return f"::{_GITHUB[d.severity]} {head}::{_escape_data(_message(d))}"
