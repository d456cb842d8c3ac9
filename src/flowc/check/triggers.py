"""Triggers and events: the checks of an event's argument (a field, form,
template, task status or link; F119) and of a trigger's condition, and
`event_arg` (what an event is about, to compare triggers).  Events in words
are `flowc.words`, shared with the other views of a flow.
"""
from __future__ import annotations

from typing import Any

from .. import ir, schema
from ..diagnostics import did_you_mean
from .context import Ctx, Run
from .messages import plain_list
from .names import check_form_ref, check_template_ref, field_info
from .types import check_condition
from .values import check_url


def check_trigger(run: Run, trigger: ir.Trigger, ctx: Ctx) -> None:
    check_event(run, trigger.event, ctx)
    if trigger.condition is not None:
        check_condition(run, trigger.condition, ctx)


def check_event(run: Run, ev: ir.Event | None, ctx: Ctx) -> None:
    if ev is None:
        return
    k = ev.kind
    if k == "field_changed" and isinstance(ev.arg, tuple):
        for n in ev.arg:
            if isinstance(n, ir.Name):
                field_info(run, (n.value,), n.span, ctx)
    elif k in ("form_submitted", "callback"):
        check_form_ref(run, ev.arg, ctx, callback=(k == "callback"))
    elif k in ("document_created", "document_opened"):
        check_template_ref(run, ev.arg, ctx)
    elif k == "task_status" and isinstance(ev.arg, ir.Name):
        if ev.arg.value not in schema.TASK_STATUSES:
            run.error("F119", f'unknown task status "{ev.arg.value}"', ev.arg.span,
                      f"task statuses are {plain_list(schema.TASK_STATUSES)}",
                      [*did_you_mean(ev.arg.value, schema.TASK_STATUSES), *ctx.notes()])
    elif k == "link_clicked" and isinstance(ev.arg, ir.Name):
        check_url(run, ev.arg.value, ev.arg.span, "the link")


def event_arg(ev: ir.Event) -> Any:
    if ev.kind == "field_changed":
        return frozenset(n.value for n in ev.arg if isinstance(n, ir.Name)) if isinstance(ev.arg, tuple) else None
    if isinstance(ev.arg, ir.Name):
        return ev.arg.value
    return None
