"""Values and templates into text: placeholders filled in (`render`), values
as placeholders show them (`text`: money 25,000.00, dates 2026-03-20, people
by name) and as explanations show them (`show_value`: text in quotes), and
an expression as its source text (`source_text`).
"""
from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from .. import ir, workcal
from .values import format_number, to_decimal
from .words import unparse
from .world import Record, field_value, person_name

if TYPE_CHECKING:  # pragma: no cover
    from .engine import Simulation

_PEOPLE_TYPES = ("employee", "contact", "company", "client")


def text(sim: "Simulation", value: Any, typ: str | None = None) -> str:
    """A value as placeholders show it: money 25,000.00, dates 2026-03-20, people by name."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, Decimal):
        return format_number(value, money=typ == "money")
    if isinstance(value, (int, float)):
        return format_number(to_decimal(value), money=typ == "money")
    if isinstance(value, dt.datetime):
        return f"{workcal.to_local(value, sim.tz):%Y-%m-%d %H:%M}"
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, dt.time):
        return f"{value:%H:%M}"
    if isinstance(value, ir.Duration):
        return str(value)
    if typ in _PEOPLE_TYPES:
        return person_name(sim, value)
    return str(value)


def show_value(sim: "Simulation", value: Any, typ: str | None = None, quote: bool = False) -> str:
    """A value in an explanation: text in quotes, people by their name in the flow."""
    if value is None:
        return "empty"
    if isinstance(value, str) and typ not in ("employee", "contact", "company", "client", "list"):
        return f'"{value}"' if quote else value
    if isinstance(value, str):
        return value
    return text(sim, value, typ)


def render(sim: "Simulation", template: ir.Template | str | None, rec: Record, raw: bool = False,
           encode=None) -> str:
    """A template with its placeholders filled in; line breaks shown as \\n
    (one trace line per event) unless `raw`; `encode` applied to each value
    (a webhook's URL: URL-encoding)."""
    out = _render(sim, template, rec, encode)
    return out if raw else out.replace("\r", "").replace("\n", "\\n")


def _render(sim: "Simulation", template: ir.Template | str | None, rec: Record, encode=None) -> str:
    if template is None:
        return ""
    if isinstance(template, str):
        return template
    out = []
    for part in template.parts:
        if isinstance(part, str):
            out.append(part)
        else:
            value = field_value(sim, rec, part.path)
            typ = sim.index.field_type(rec.entity, part.path)
            if len(part.path) == 1 and typ in _PEOPLE_TYPES or \
                    (len(part.path) == 1 and part.path[0] in ("contact", "client", "company", "responsible")):
                filled = person_name(sim, value)
            else:
                filled = text(sim, value, typ)
            out.append(encode(filled) if encode is not None else filled)
    return "".join(out)


def source_text(sim: "Simulation", node: Any) -> str:
    """An expression as written in its file (spaces collapsed), else unparsed."""
    span = node.span
    src = sim.sources.get(span.path) if span is not None else None
    if src is not None and span.end > span.start:
        written = src.text[span.start:span.end]
        return re.sub(r"\s+", " ", written).strip()
    return unparse(node)
