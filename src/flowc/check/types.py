"""Types: the type of every expression (F205), conditions that must be yes/no
(F215), comparisons, `contains`, arithmetic, and values written into fields
(`set`, scenario events: F216, F217, F213), and the placeholders of
templates.
"""
from __future__ import annotations

from typing import Any

from .. import ir, schema
from ..diagnostics import Note
from ..source import Span
from .context import Ctx, Run
from .messages import show, type_words
from .names import (
    bare_name_type, check_choice, choices_of, field_info, field_type, unknown_bare, unknown_person)


ORDERED = frozenset({"number", "money", "date", "datetime", "time", "duration"})


RELATION_TYPES = frozenset({"employee", "contact", "company", "client"})


#: Built-in fields a robot's `set` or a scenario cannot write (and what to do instead).
READ_ONLY = {
    "id": "it is the record's ID in the CRM (a scenario record gives it: id 4711)",
    "created": "it is set when the record is created",
    "stage": "use `move to <stage>`",
    "pipeline": "use `move to <pipeline>.<stage>`",
}


def type_of(run: Run, e: Any, ctx: Ctx, choices: tuple[str, ...] = (), partner: str | None = None) -> str | None:
    """The type of an expression, reporting what is wrong inside it.
    `choices`: those of the list field the expression is compared with;
    `partner`: the type of what it is compared with or written into."""
    if e is None or isinstance(e, ir.Invalid):
        return None
    if isinstance(e, ir.FieldRef):
        bare = bare_name_type(run, e, ctx, choices)
        if bare is not False:
            return bare
        if partner in RELATION_TYPES and unknown_bare(run, e, ctx):
            unknown_person(run, ir.Name(e.path[0], e.span), partner, ctx)
            return None
    if isinstance(e, ir.Literal):
        return e.type if e.value is not None else None
    if isinstance(e, ir.Today):
        return "date"
    if isinstance(e, ir.Now):
        return "datetime"
    if isinstance(e, ir.FieldRef):
        return field_type(run, e, ctx)
    if isinstance(e, ir.Not):
        check_condition(run, e.operand, ctx)
        return "boolean"
    if isinstance(e, ir.BoolOp):
        for op in e.operands:
            check_condition(run, op, ctx)
        return "boolean"
    if isinstance(e, ir.Compare):
        lt, rt = pair_types(run, e.left, e.right, ctx)
        check_compare(run, e.op, e.left, lt, e.right, rt, ctx)
        return "boolean"
    if isinstance(e, ir.InList):
        t = type_of(run, e.operand, ctx)
        choices = choices_of(run, e.operand, ctx)
        for item in e.items:
            it = type_of(run, item, ctx, choices, t)
            check_compare(run, "=", e.operand, t, item, it, ctx)
        return "boolean"
    if isinstance(e, ir.Contains):
        check_contains(run, e, ctx)
        return "boolean"
    if isinstance(e, ir.IsSet):
        type_of(run, e.operand, ctx)
        return "boolean"
    if isinstance(e, ir.Between):
        t = type_of(run, e.operand, ctx)
        lo, hi = type_of(run, e.low, ctx), type_of(run, e.high, ctx)
        if t is not None and t not in ORDERED:
            run.error("F205", f"`between` cannot order {type_words(t)}", e.operand.span,
                      f"{show(e.operand)} is {type_words(t)}",
                      [Note("`between` works on numbers, money, dates, times and durations"), *ctx.notes()])
        else:
            check_compare(run, "<=", e.low, lo, e.operand, t, ctx, quiet_order=True, bad_side="left")
            check_compare(run, "<=", e.operand, t, e.high, hi, ctx, quiet_order=True)
        return "boolean"
    if isinstance(e, ir.Arith):
        return arith_type(run, e, ctx)
    if isinstance(e, ir.Neg):
        t = type_of(run, e.operand, ctx)
        if t is not None and t not in ("number", "money", "duration"):
            run.error("F205", f"cannot negate {type_words(t)}", e.operand.span,
                      f"{show(e.operand)} is {type_words(t)}", ctx.notes())
            return None
        return t
    return None


def pair_types(run: Run, a: Any, b: Any, ctx: Ctx) -> tuple[str | None, str | None]:
    """The types of two operands compared with each other.  The one that is
    not a bare unknown name goes first: a name compared with an employee
    field is an employee (F110 when unknown), not a field (F105)."""
    ca, cb = choices_of(run, a, ctx), choices_of(run, b, ctx)
    if unknown_bare(run, a, ctx) and not unknown_bare(run, b, ctx):
        tb = type_of(run, b, ctx, ca)
        return type_of(run, a, ctx, cb, tb), tb
    ta = type_of(run, a, ctx, cb)
    return ta, type_of(run, b, ctx, ca, ta)


def check_condition(run: Run, e: Any, ctx: Ctx) -> None:
    """An expression used as a condition: it must be yes/no."""
    t = type_of(run, e, ctx)
    if t is not None and t != "boolean":
        notes = []
        if isinstance(e, ir.FieldRef):
            example = {"number": f"{e.text} > 0", "money": f"{e.text} > 0", "text": f'{e.text} = "..."'}.get(
                t, f"{e.text} is set")
            notes.append(Note(f"compare it with something: `{example}`, or test `{e.text} is set`"))
        run.error("F215", "the condition is not a yes/no value", e.span,
                  f"{show(e, unparse=True)} is {type_words(t)}", [*notes, *ctx.notes()])


def check_compare(run: Run, op: str, left: Any, lt: str | None, right: Any, rt: str | None, ctx: Ctx,
                  quiet_order: bool = False, bad_side: str = "right") -> None:
    """`left op right` (also a list item, `between`, an expectation)."""
    if lt is None or rt is None:
        return
    if op in ("<", "<=", ">", ">=") and not quiet_order:
        for e, t in ((left, lt), (right, rt)):
            if t not in ORDERED:
                run.error("F205", f'"{op}" cannot order {type_words(t)}', e.span, f"{show(e)} is {type_words(t)}",
                          [Note("only numbers, money, dates, times and durations are ordered; "
                                "use = or != (or `contains` for text)"), *ctx.notes()])
                return
    if not comparable(lt, rt):
        bad, good, bt, gt = (right, left, rt, lt) if bad_side == "right" else (left, right, lt, rt)
        if isinstance(good, ir.Literal) and not isinstance(bad, ir.Literal):
            bad, good, bt, gt = good, bad, gt, bt
        notes = []
        if gt in RELATION_TYPES and bt == "text" and isinstance(good, ir.FieldRef):
            person = run.index.people(ctx.scenario).get(bad.value) if isinstance(bad, ir.Literal) else None
            if person is not None:
                notes.append(Note(f"write the {person.kind} without quotes: {good.text} = {bad.value}"))
            else:
                notes.append(Note(f'compare its name: {good.text}.name = {show(bad)}'))
        elif bt in RELATION_TYPES and gt == "text" and isinstance(bad, ir.FieldRef):
            notes.append(Note(f'compare its name: {bad.text}.name'))
        elif {gt, bt} == {"time", "datetime"} or {gt, bt} == {"time", "date"}:
            notes.append(Note("compare with a full date and time: 2026-03-09 09:30"))
        run.error("F205", f"cannot compare {type_words(gt)} with {type_words(bt)}", bad.span,
                  f"{show(bad)} is {type_words(bt)}, but {show(good)} is {type_words(gt)}", [*notes, *ctx.notes()])
        return
    if op in ("=", "!=", "<", "<=", ">", ">="):
        for a, b in ((left, right), (right, left)):
            check_choice_expr(run, a, b, ctx)


def check_choice_expr(run: Run, field: Any, value: Any, ctx: Ctx) -> None:
    """A value written for a list field: a text or a bare name must be one of its choices."""
    choices = choices_of(run, field, ctx)
    if not choices:
        return
    if isinstance(value, ir.Literal) and value.type == "text" and isinstance(value.value, str):
        check_choice(run, value.value, value.span, field.text, choices, ctx)
    elif isinstance(value, ir.FieldRef) and bare_name_type(run, value, ctx, choices) == "list":
        check_choice(run, value.path[0], value.span, field.text, choices, ctx)


def check_contains(run: Run, e: ir.Contains, ctx: Ctx) -> None:
    ct = type_of(run, e.container, ctx)
    it = type_of(run, e.item, ctx, choices_of(run, e.container, ctx))
    if ct is not None and ct not in ("text", "list"):
        notes = [Note(f"compare its name: {e.container.text}.name contains ...")] \
            if ct in RELATION_TYPES and isinstance(e.container, ir.FieldRef) else []
        run.error("F205", f"`contains` needs text, not {type_words(ct)}", e.container.span,
                  f"{show(e.container)} is {type_words(ct)}",
                  [*notes, Note("`contains` looks for text in text, or for a choice in a list field"),
                   *ctx.notes()])
        return
    if ct is not None and it is not None and it not in ("text", "list"):
        run.error("F205", f"`contains` looks for text, not {type_words(it)}", e.item.span,
                  f"{show(e.item)} is {type_words(it)}", ctx.notes())
        return
    check_choice_expr(run, e.container, e.item, ctx)


def arith_type(run: Run, e: ir.Arith, ctx: Ctx) -> str | None:
    types = [type_of(run, o, ctx) for o in e.operands]
    if not types:
        return None
    acc = types[0]
    for op, operand, t in zip(e.ops, e.operands[1:], types[1:]):
        if acc is None or t is None:
            acc = None
            continue
        result = arith_result(acc, op, t)
        if result is None:
            verb = {"+": "add", "-": "subtract", "*": "multiply", "/": "divide"}.get(op, op)
            joiner = {"add": "and", "subtract": "from", "multiply": "by", "divide": "by"}[verb]
            a, b = (t, acc) if verb == "subtract" else (acc, t)
            run.error("F205", f"cannot {verb} {type_words(a)} {joiner} {type_words(b)}", operand.span,
                      f"{show(operand)} is {type_words(t)}",
                      [Note("arithmetic works on numbers and money; a date or a date and time "
                            "plus or minus a duration; and the difference of two dates"), *ctx.notes()])
            return None
        acc = result
    return acc


def check_assign(run: Run, ftype: str | None, choices: tuple[str, ...], value: Any, vtype: str | None,
                 field: str, span: Span, ctx: Ctx) -> None:
    """A value of type `vtype` written into a field of type `ftype` (F217, F213)."""
    if ftype is None or vtype is None:
        return
    if not assignable(ftype, vtype):
        run.error("F217", f'cannot set "{field}" ({type_words(ftype)}) to {type_words(vtype)}', span,
                  f"{show(value)} is {type_words(vtype)}", ctx.notes())
        return
    if ftype == "list" and isinstance(value, ir.Literal) and value.type == "text":
        check_choice(run, value.value, value.span, field, choices, ctx)
    elif ftype == "list" and isinstance(value, ir.FieldRef) and bare_name_type(run, value, ctx, choices) == "list":
        check_choice(run, value.path[0], value.span, field, choices, ctx)


def check_field_write(run: Run, ref: ir.FieldRef, value: Any, ctx: Ctx, how: str) -> None:
    """`set FIELD = value` (a robot, or a scenario event)."""
    if len(ref.path) > 1:
        type_of(run, value, ctx)
        ftype, _ = field_info(run, ref.path, ref.span, ctx)
        if ftype is not None or ctx.entity is None:
            run.error("F216", f'cannot {how} "{ref.text}"', ref.span,
                      "only the record's own fields can be set, not those of a related person",
                      ctx.notes())
        return
    ftype, info = field_info(run, ref.path, ref.span, ctx)
    vtype = type_of(run, value, ctx, choices_of(run, ref, ctx), ftype) if value is not None else None
    name = ref.path[0]
    if info is not None and info.builtin and name in READ_ONLY:
        run.error("F216", f'cannot {how} the built-in field "{name}"', ref.span,
                  f'"{name}" is read-only', [Note(READ_ONLY[name]), *ctx.notes()])
        return
    if value is not None:
        check_assign(run, ftype, info.choices if info else (), value, vtype, name,
                     getattr(value, "span", ref.span), ctx)


def check_template(run: Run, t: Any, ctx: Ctx) -> None:
    if not isinstance(t, ir.Template):
        return
    for ph in t.placeholders:
        field_info(run, ph.path, ph.span, ctx, braces=True)


def comparable(a: str, b: str) -> bool:
    if a == b:
        return True
    pair = {a, b}
    if pair <= schema.NUMERIC or pair <= schema.TEMPORAL or pair <= {"text", "list"}:
        return True
    if "client" in pair and pair <= {"client", "contact", "company"}:
        return True
    return False


def assignable(field: str, value: str) -> bool:
    if field == value:
        return True
    if field == "text":
        return value == "list"
    if field == "list":
        return value == "text"
    if field in schema.NUMERIC:
        return value in schema.NUMERIC
    if field == "datetime":
        return value == "date"
    if field == "client":
        return value in ("contact", "company")
    return False


def arith_result(a: str, op: str, b: str) -> str | None:
    num = schema.NUMERIC
    if a in num and b in num:
        if op in "+-":
            return "money" if "money" in (a, b) else "number"
        if op == "*":
            return "money" if "money" in (a, b) else "number"
        if op == "/":
            return "number" if a == b == "money" else a
    if op == "+":
        if a in schema.TEMPORAL and b == "duration":
            return a
        if a == "duration" and b in schema.TEMPORAL:
            return b
        if a == b == "duration":
            return "duration"
    if op == "-":
        if a in schema.TEMPORAL and b == "duration":
            return a
        if a in schema.TEMPORAL and b in schema.TEMPORAL:
            return "duration"
        if a == b == "duration":
            return "duration"
    if op == "*" and {a, b} in ({"duration", "number"},):
        return "duration"
    if op == "/" and a == "duration" and b == "number":
        return "duration"
    return None
