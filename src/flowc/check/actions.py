"""Robots: each action's parameters, driven by the tables in `flowc.schema`
(which parameters an action takes, of which kind, which are required: F114,
F115, F122), and the checks of particular parameters (F208, F209, F221,
F219, F220).  Per-action checks are one entry each in `ACTION_CHECKS`.
"""
from __future__ import annotations

from typing import Any, Callable

from .. import ir, limits, schema
from ..diagnostics import Note, did_you_mean
from .context import Ctx, Run
from .messages import action_words, entity_desc, param_words, plain_list, type_words
from .names import check_employee_or_field, check_recipient, check_template_ref
from .structure import check_copy, check_move
from .timing import check_deadline, check_timing
from .types import check_condition, check_field_write, check_template, type_of
from .values import check_email, check_sms_text, check_url, is_mp3_url


#: Accepted values of parameters written as a name (`priority high`).
PARAM_CHOICES: dict[str, tuple[str, ...]] = {
    "priority": ("low", "normal", "high"),
    "contacts": ("first", "all"),
    "network": ("facebook", "google"),
    "messenger": ("telegram",),
}


#: The value kind each parameter has when written in a `{ ... }` block.
BLOCK_PARAM_KINDS = {
    "title": "template", "description": "template", "text": "template", "subject": "template",
    "address": "template", "link": "template",
    "location": "string", "provider": "string", "voice": "string", "line": "string",
    "from": "sender", "deadline": "deadline", "responsible": "recipient",
    "priority": "name", "color": "name", "contacts": "name", "network": "name",
    "invite": "names", "observers": "names", "attach": "attachments", "to": "address",
    "volume": "number", "speed": "number",
    "add_to_calendar": "flag", "complete_on_stage_change": "flag", "track_clicks": "flag",
    "hidden": "flag",
}


#: Which addresses `to ...` may choose, per action.
ADDRESS_TYPES = {
    "send_email": ("e-mail address", schema.EMAIL_TYPES),
    "send_sms": ("phone number", schema.PHONE_TYPES),
    "make_call": ("phone number", schema.PHONE_TYPES),
}


ADDRESS_WHICH = ("first", "last")


INLINE_HINTS = {
    ("notify", "to"): 'the recipient comes right after `notify`: notify ana "..."',
    ("change_responsible", "to"): "the new responsible comes after `change responsible to`",
    ("copy_record", "stage"): "the target stage comes after `copy <entity> to`",
    ("copy_record", "to"): "the target stage comes after `copy <entity> to`",
}


PARAM_SYNTAX_HINT = {
    ("plan_activity", "title"): 'plan activity "Call {client.name}", or title "..." in the { }',
}


def check_robot(run: Run, robot: ir.Robot, ctx: Ctx, first: bool = False) -> None:
    check_params(run, robot, ctx)
    check_action(run, robot, ctx)
    check_timing(run, robot, ctx, first)
    if robot.condition is not None:
        check_condition(run, robot.condition, ctx)


def check_params(run: Run, robot: ir.Robot, ctx: Ctx) -> None:
    action = robot.action
    spec = schema.ACTIONS.get(action.kind)
    if spec is None:
        return
    words = spec["words"]
    takes: dict[str, str] = spec["params"]
    in_block = [p for p in takes if BLOCK_PARAM_KINDS.get(p) == takes[p]]
    seen: dict[str, ir.Param] = {}
    for param in action.params:
        kind = takes.get(param.name)
        if kind is None or (param.value is not None and not kind_ok(kind, param.value)):
            if kind is None:
                summary = f'{words} does not take "{param_words(param.name)}"'
                detail = f'not a parameter of {words}'
            else:
                summary = f'{words} does not take "{param_words(param.name)}" here'
                detail = INLINE_HINTS.get((action.kind, param.name),
                                          f"the {param_words(param.name)} is written with the action, not in {{ }}")
            takes_words = plain_list(param_words(p) for p in in_block)
            notes = [Note(f"{words} takes: {takes_words}" if in_block else f"{words} takes no parameters in {{ }}")]
            run.error("F114", summary, param.span, detail, [*notes, *ctx.notes()])
            continue
        first_param = seen.get(param.name)
        if first_param is not None:
            run.error("F122", f'parameter "{param_words(param.name)}" is given twice', param.span,
                      "given again here", [Note("first given here", first_param.span, "note"), *ctx.notes()])
            continue
        seen[param.name] = param
    for req in spec.get("required", ()):
        if req not in seen:
            example = PARAM_SYNTAX_HINT.get((action.kind, req), schema.PARAM_SYNTAX.get(req, param_words(req)))
            run.error("F115", f"{words} needs a {param_words(req)}", action.span,
                      f"no {param_words(req)} given", [Note(f"add it: {example}"), *ctx.notes()])


def check_action(run: Run, robot: ir.Robot, ctx: Ctx) -> None:
    action = robot.action
    kind = action.kind
    for param in action.params:
        v = param.value
        if v is None:
            continue
        if isinstance(v, ir.Template):
            check_template(run, v, ctx)
        if param.name in ("to", "responsible"):
            if isinstance(v, ir.Recipient):
                check_recipient(run, v, ctx)
            elif isinstance(v, tuple):
                for r in v:
                    check_recipient(run, r, ctx)
        if param.name in ("invite", "observers") and isinstance(v, tuple):
            for n in v:
                if isinstance(n, ir.Name):
                    check_employee_or_field(run, n, ctx)
        if param.name == "deadline" and isinstance(v, ir.Deadline):
            check_deadline(run, v, ctx)
        choices = PARAM_CHOICES.get(param.name)
        if choices and isinstance(v, ir.Name) and v.value not in choices:
            run.error("F221", f'unknown {param_words(param.name)} "{v.value}"', v.span,
                      f"{param_words(param.name)} is one of {plain_list(choices)}",
                      [*did_you_mean(v.value, choices), *ctx.notes()])
        if param.name == "to" and isinstance(v, ir.AddressChoice):
            check_address_choice(run, v, kind, ctx)
        if param.name == "from" and isinstance(v, str) and v != "auto":
            check_email(run, v, param.span, "the sender")
        if param.name == "attach" and isinstance(v, tuple):
            for a in v:
                if isinstance(a, ir.Attachment) and a.kind == "field":
                    check_attachment(run, a, ctx)
        if param.name in ("volume", "speed") and isinstance(v, (int, float)):
            lo, hi = limits.CALL_VOLUME_RANGE if param.name == "volume" else limits.CALL_SPEED_RANGE
            if not (lo <= v <= hi) or int(v) != v:
                run.error("F208", f"{param.name} {v} is out of range", param.span,
                          f"{param.name} is a whole number from {lo} to {hi}", ctx.notes())
        if param.name == "link" and isinstance(v, ir.Template):
            check_url(run, template_probe(v), v.span, "a link", bool(v.placeholders), v.raw)
    check = ACTION_CHECKS.get(kind)
    if check is not None:
        check(run, robot, ctx)

def check_address_choice(run: Run, v: ir.AddressChoice, kind: str, ctx: Ctx) -> None:
    spec = ADDRESS_TYPES.get(kind)
    if spec is not None and v.type is not None:
        what, types = spec
        allowed = (*types, "auto")
        if v.type.value not in allowed:
            run.error("F219", f'"{v.type.value}" is not a type of {what}', v.type.span,
                      f"{action_words(kind)} sends to {'an' if what[0] == 'e' else 'a'} {what}: "
                      f"{plain_list(allowed)}",
                      [*did_you_mean(v.type.value, allowed), *ctx.notes()])
    if v.which is not None and v.which.value not in ADDRESS_WHICH:
        run.error("F220", f'"{v.which.value}" is not first or last', v.which.span,
                  "when the client has several, `first` or `last` says which one",
                  [*did_you_mean(v.which.value, ADDRESS_WHICH), *ctx.notes()])


def check_attachment(run: Run, a: ir.Attachment, ctx: Ctx) -> None:
    if a.value in run.index.templates:
        return  # the document created from this template
    if ctx.entity is None:
        return
    fields = run.index.fields(ctx.entity)
    info = fields.get(a.value)
    if info is None:
        candidates = [n for n, f in fields.items() if f.type == "file"] + list(run.index.templates)
        run.error("F105", f'unknown field "{a.value}"', a.span,
                  f"not a file field of {entity_desc(ctx.entity)}, nor a document template",
                  [*did_you_mean(a.value, candidates),
                   Note('attach a file field, a document template, or a file by name: attach "price-list.pdf"'),
                   *ctx.notes()])
    elif info.type != "file":
        run.error("F217", f'field "{a.value}" is not a file', a.span,
                  f'"{a.value}" is {type_words(info.type)}', [Note("only file fields can be attached"), *ctx.notes()])


def check_sms(run: Run, robot: ir.Robot, ctx: Ctx) -> None:
    p = robot.action.param("text")
    if p is not None:
        check_sms_text(run, p, ctx)


def check_webhook(run: Run, robot: ir.Robot, ctx: Ctx) -> None:
    """The URL is a template (docs/language.md#webhook): its shape is checked
    with each placeholder as a plain word; the scheme and the host must be
    written out."""
    p = robot.action.param("url")
    if p is None or not isinstance(p.value, ir.Template):
        return
    t = p.value
    if not check_url(run, template_probe(t), p.span, "a webhook", False, t.raw):
        return
    head = ""
    for part in t.parts:
        if not isinstance(part, str):
            break
        head += part
    else:
        return  # no placeholder
    rest = head.partition("://")[2]
    if not any(c in rest for c in "/?#"):
        run.error("F210", f'malformed URL "{t.raw if len(t.raw) <= 60 else t.raw[:57] + "..."}"', p.span,
                  "a placeholder in the address: the host must be written out",
                  [Note("placeholders go in the path or the query: https://crm.example/rest/crm.deal.update?ID={id}"),
                   *ctx.notes()])


def check_document(run: Run, robot: ir.Robot, ctx: Ctx) -> None:
    check_template_ref(run, robot.action.get("template"), ctx)


def check_call(run: Run, robot: ir.Robot, ctx: Ctx) -> None:
    action = robot.action
    play = action.param("play")
    if play is not None and isinstance(play.value, str):
        if not is_mp3_url(play.value):
            run.error("F209", "the call audio is not an .mp3 URL", play.span,
                      "`make call play` needs the public URL of an .mp3 file",
                      [Note('write it like "https://example.com/audio/thanks.mp3"'), *ctx.notes()])
        for name in ("voice", "volume", "speed"):
            p = action.param(name)
            if p is not None:
                run.error("F114", f'make call play does not take "{name}"', p.span,
                          f"{name} is for `make call say`: a recorded file plays as it is", ctx.notes())


def check_set(run: Run, robot: ir.Robot, ctx: Ctx) -> None:
    action = robot.action
    fp = action.param("field")
    vp = action.param("value")
    ref = fp.value if fp is not None else None
    value = vp.value if vp is not None else None
    if not isinstance(ref, ir.FieldRef):
        type_of(run, value, ctx)
        return
    check_field_write(run, ref, value, ctx, "set")


#: What a parameter's value must be, per value kind of `schema.ACTIONS` params
#: (a kind not listed takes anything).
VALUE_KINDS: dict[str, Callable[[Any], bool]] = {
    "template": lambda v: isinstance(v, ir.Template),
    "string": lambda v: isinstance(v, str),
    "sender": lambda v: isinstance(v, str),
    "recipient": lambda v: isinstance(v, ir.Recipient),
    "recipients": lambda v: isinstance(v, tuple) and all(isinstance(x, ir.Recipient) for x in v),
    "name": lambda v: isinstance(v, ir.Name),
    "names": lambda v: isinstance(v, tuple) and all(isinstance(x, ir.Name) for x in v),
    "deadline": lambda v: isinstance(v, ir.Deadline),
    "flag": lambda v: isinstance(v, bool),
    "number": lambda v: isinstance(v, (int, float)) and not isinstance(v, bool),
    "address": lambda v: isinstance(v, ir.AddressChoice),
    "attachments": lambda v: isinstance(v, tuple) and all(isinstance(x, ir.Attachment) for x in v),
    "stage": lambda v: isinstance(v, ir.StageRef),
    "field": lambda v: isinstance(v, ir.FieldRef),
}


def kind_ok(kind: str, v: Any) -> bool:
    ok = VALUE_KINDS.get(kind)
    return ok is None or ok(v)


def template_probe(t: ir.Template) -> str:
    """A template's text with each placeholder as a plain word (to check a URL's shape)."""
    return "".join(p if isinstance(p, str) else "x" for p in t.parts)


#: The checks of particular actions, after the parameter checks every action
#: gets (keys are `schema.ACTIONS` kinds).
ACTION_CHECKS: dict[str, Callable[[Run, ir.Robot, Ctx], None]] = {
    "send_sms": check_sms,
    "invite": check_sms,
    "make_call": check_call,
    "webhook": check_webhook,
    "create_document": check_document,
    "set_field": check_set,
    "move_to": check_move,
    "copy_record": check_copy,
}
