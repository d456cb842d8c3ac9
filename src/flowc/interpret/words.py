"""Flow source written back as words: expressions (`unparse`, when the
source text is not at hand), events, triggers and scenario happenings as the
trace names them.
"""
from __future__ import annotations

import re
from typing import Any

from .. import ir


def event_kind(h: ir.Happening) -> str:
    """The `event` key of a happening's trace line."""
    if h.kind == "event" and h.event is not None:
        return h.event.kind
    return {"task_done": "task_status"}.get(h.kind, h.kind)


def event_words(ev: ir.Event) -> str:
    """An event as written: `invoice paid`, `form submitted contact_us`, `call missed "+351..."`."""
    from ..schema import EVENTS
    written = EVENTS.get(ev.kind, (ev.kind,))[0]
    words = re.sub(r"\s*\[.*?\]", "", written)
    if ev.kind == "field_changed":
        names = ", ".join(n.value for n in ev.arg or ())
        return f"field {names} changed"
    if ev.kind == "app":
        return f'app "{ev.arg.value if ev.arg else ""}"'
    if ev.arg is None:
        return words
    arg = ev.arg.value if isinstance(ev.arg, ir.Name) else str(ev.arg)
    if ev.kind in ("form_submitted", "callback", "document_created", "document_opened"):
        return f"{words} {arg}"
    if ev.kind == "task_status":
        return f"{words} to {arg}"
    return f'{words} "{arg}"'


def trigger_label(trig: ir.Trigger) -> str:
    """A trigger by its name, else by its event."""
    if trig.name is not None:
        return trig.name.value
    return event_words(trig.event)


def happening_words(h: ir.Happening) -> str:
    if h.kind == "move":
        return f"move to {h.stage}"
    if h.kind == "set":
        return f"set {h.field.text} = {unparse(h.value)}"
    if h.kind == "task_done":
        return "complete task"
    return event_words(h.event)


def action_words(action: ir.Action) -> str:
    """An action by the words of its table entry (flowc.schema.ACTIONS)."""
    from ..schema import ACTIONS
    return ACTIONS.get(action.kind, {}).get("words", action.kind)


_PREC = {"or": 1, "and": 2, "not": 3, "cmp": 4, "+": 5, "*": 6, "neg": 7, "atom": 8}


def unparse(e: Any) -> str:
    """An expression written back as flow text (when its source is not at hand)."""
    if isinstance(e, ir.FieldRef):
        return e.text
    if isinstance(e, ir.Literal):
        v = e.value
        if e.type == "text":
            return '"' + str(v).replace("\\", "\\\\").replace('"', '\\"') + '"'
        if e.type == "number":
            if isinstance(v, int) and abs(v) >= 10_000:
                return f"{v:_}"
            return str(v)
        if e.type == "boolean":
            return "yes" if v else "no"
        if e.type == "date":
            return v.isoformat()
        if e.type == "datetime":
            return f"{v:%Y-%m-%d %H:%M}"
        if e.type == "time":
            return f"{v:%H:%M}"
        return str(v)
    if isinstance(e, ir.Today):
        return "today"
    if isinstance(e, ir.Now):
        return "now"
    if isinstance(e, ir.Not):
        return f"not {_group(e.operand, 3)}"
    if isinstance(e, ir.BoolOp):
        level = _PREC[e.op]
        return f" {e.op} ".join(_group(o, level + 1) for o in e.operands)
    if isinstance(e, ir.Compare):
        return f"{_group(e.left, 5)} {e.op} {_group(e.right, 5)}"
    if isinstance(e, ir.InList):
        items = ", ".join(unparse(i) for i in e.items)
        return f"{_group(e.operand, 5)} {'not in' if e.negated else 'in'} [{items}]"
    if isinstance(e, ir.Contains):
        return f"{_group(e.container, 5)} contains {_group(e.item, 5)}"
    if isinstance(e, ir.IsSet):
        return f"{_group(e.operand, 5)} is {'empty' if e.negated else 'set'}"
    if isinstance(e, ir.Between):
        return f"{_group(e.operand, 5)} between {_group(e.low, 5)} and {_group(e.high, 5)}"
    if isinstance(e, ir.Arith):
        out = _group(e.operands[0], 5)
        for op, o in zip(e.ops, e.operands[1:]):
            out += f" {op} {_group(o, 6 if op in '+-' else 7)}"
        return out
    if isinstance(e, ir.Neg):
        return f"-{_group(e.operand, 7)}"
    return "?"


def _level(e: Any) -> int:
    if isinstance(e, ir.BoolOp):
        return _PREC[e.op]
    if isinstance(e, ir.Not):
        return 3
    if isinstance(e, (ir.Compare, ir.InList, ir.Contains, ir.IsSet, ir.Between)):
        return 4
    if isinstance(e, ir.Arith):
        return 6 if any(op in "*/" for op in e.ops) and not any(op in "+-" for op in e.ops) else 5
    if isinstance(e, ir.Neg):
        return 7
    return 8


def _group(e: Any, need: int) -> str:
    text = unparse(e)
    return f"({text})" if _level(e) < need else text
