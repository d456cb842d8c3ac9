"""Diagnostics: the one way every phase reports a problem.

Modelled on hcl and cel-go: a diagnostic has a stable `code`, a `severity`,
a one-line `summary`, an optional `detail` (the label under the caret), the
`span` it is about, and `notes` (help lines, related places).  Phases append
to a `Diagnostics` collector; the collector sorts and caps them.
"""
from __future__ import annotations

import difflib
import enum
from typing import Iterable, Iterator

import attrs

from .source import Span


class Severity(enum.IntEnum):
    ERROR = 0
    WARNING = 1
    NOTE = 2

    def __str__(self) -> str:  # "error", "warning", "note"
        return self.name.lower()


@attrs.frozen
class Note:
    message: str
    span: Span | None = None
    kind: str = "help"  # "help" (a suggestion) or "note" (context, maybe elsewhere)


@attrs.frozen
class Diagnostic:
    code: str
    severity: Severity
    summary: str
    span: Span
    detail: str = ""
    notes: tuple[Note, ...] = ()

    def sort_key(self):
        s = self.span
        return (s.path, s.line, s.column, int(self.severity), self.code, self.summary)

    def as_dict(self) -> dict:
        s = self.span
        return {
            "code": self.code,
            "severity": str(self.severity),
            "summary": self.summary,
            "detail": self.detail,
            "path": s.path,
            "line": s.line,
            "column": s.column,
            "end_line": s.end_line,
            "end_column": s.end_column,
            "notes": [
                {"kind": n.kind, "message": n.message,
                 **({"path": n.span.path, "line": n.span.line, "column": n.span.column} if n.span else {})}
                for n in self.notes
            ],
        }


DEFAULT_LIMIT = 200


class Diagnostics:
    """Collects diagnostics from every phase; sorted and capped on the way out."""

    def __init__(self, limit: int = DEFAULT_LIMIT) -> None:
        self.limit = limit
        self._items: list[Diagnostic] = []
        self._seen: set[tuple] = set()

    def add(self, diag: Diagnostic) -> Diagnostic:
        key = (diag.code, diag.span.path, diag.span.line, diag.span.column, diag.summary)
        if key not in self._seen:
            self._seen.add(key)
            self._items.append(diag)
        return diag

    def error(self, code: str, summary: str, span: Span, detail: str = "",
              notes: Iterable[Note] = ()) -> Diagnostic:
        return self.add(Diagnostic(code, Severity.ERROR, summary, span, detail, tuple(notes)))

    def warning(self, code: str, summary: str, span: Span, detail: str = "",
                notes: Iterable[Note] = ()) -> Diagnostic:
        return self.add(Diagnostic(code, Severity.WARNING, summary, span, detail, tuple(notes)))

    def extend(self, diags: Iterable[Diagnostic]) -> None:
        for d in diags:
            self.add(d)

    @property
    def has_errors(self) -> bool:
        return any(d.severity is Severity.ERROR for d in self._items)

    def count(self, severity: Severity) -> int:
        return sum(1 for d in self._items if d.severity is severity)

    def sorted(self) -> list[Diagnostic]:
        return sorted(self._items, key=Diagnostic.sort_key)

    def shown(self) -> tuple[list[Diagnostic], int]:
        """The diagnostics to show (sorted, at most `limit`) and how many were cut."""
        items = self.sorted()
        if len(items) <= self.limit:
            return items, 0
        return items[: self.limit], len(items) - self.limit

    def __iter__(self) -> Iterator[Diagnostic]:
        return iter(self.sorted())

    def __len__(self) -> int:
        return len(self._items)


def suggest(name: str, candidates: Iterable[str]) -> str | None:
    """The closest candidate to a misspelt name, or None (the "did you mean")."""
    cands = sorted(set(candidates))
    if not cands or not name:
        return None
    lowered = {c.lower(): c for c in cands}
    if name.lower() in lowered and lowered[name.lower()] != name:
        return lowered[name.lower()]
    found = difflib.get_close_matches(name, cands, n=1, cutoff=0.6)
    return found[0] if found else None


def did_you_mean(name: str, candidates: Iterable[str]) -> tuple[Note, ...]:
    best = suggest(name, candidates)
    return (Note(f'did you mean "{best}"?'),) if best else ()
