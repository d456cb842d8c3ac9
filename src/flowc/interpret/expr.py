"""Expressions evaluated on a record: `evaluate`, comparisons (empty values,
numbers, dates against datetimes), arithmetic (numbers within the limits,
dates plus durations), and conditions with the words that explain why one is
false (`check_condition`: the operands' values).
"""
from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from .. import ir, workcal
from .text import show_value, source_text, text
from .timing import shift
from .values import FIRST_INSTANT, LAST_INSTANT, RANGE_WORDS, EvalError, bounded, to_decimal, truthy
from .world import Record, field_value, is_field, literal

if TYPE_CHECKING:  # pragma: no cover
    from .engine import Simulation


def evaluate(sim: "Simulation", e: ir.Expr, rec: Record) -> Any:
    if isinstance(e, ir.FieldRef):
        return field_value(sim, rec, e.path)
    if isinstance(e, ir.Literal):
        return literal(sim, e)
    if isinstance(e, ir.Today):
        return workcal.to_local(sim.now, sim.tz).date()
    if isinstance(e, ir.Now):
        return sim.now
    if isinstance(e, ir.Not):
        return not truthy(evaluate(sim, e.operand, rec))
    if isinstance(e, ir.BoolOp):
        if e.op == "and":
            return all(truthy(evaluate(sim, o, rec)) for o in e.operands)
        return any(truthy(evaluate(sim, o, rec)) for o in e.operands)
    if isinstance(e, ir.Compare):
        return compare(sim, e.op, evaluate(sim, e.left, rec), evaluate(sim, e.right, rec))
    if isinstance(e, ir.InList):
        v = evaluate(sim, e.operand, rec)
        found = any(compare(sim, "=", v, evaluate(sim, i, rec)) for i in e.items)
        return found != e.negated
    if isinstance(e, ir.Contains):
        a, b = evaluate(sim, e.container, rec), evaluate(sim, e.item, rec)
        if a is None or b is None:
            return False
        if isinstance(a, (list, tuple)):
            return any(compare(sim, "=", x, b) for x in a)
        return text(sim, b).casefold() in text(sim, a).casefold()
    if isinstance(e, ir.IsSet):
        v = evaluate(sim, e.operand, rec)
        is_set = v is not None and v != ""
        return is_set != e.negated
    if isinstance(e, ir.Between):
        v, lo, hi = evaluate(sim, e.operand, rec), evaluate(sim, e.low, rec), evaluate(sim, e.high, rec)
        return compare(sim, ">=", v, lo) and compare(sim, "<=", v, hi)
    if isinstance(e, ir.Arith):
        acc = evaluate(sim, e.operands[0], rec)
        _need(sim, acc, e.operands[0])
        for op, operand in zip(e.ops, e.operands[1:]):
            v = evaluate(sim, operand, rec)
            _need(sim, v, operand)
            acc = arith(sim, op, acc, v)
        return acc
    if isinstance(e, ir.Neg):
        v = evaluate(sim, e.operand, rec)
        _need(sim, v, e.operand)
        if isinstance(v, Decimal):
            return -v
        raise EvalError(f"{source_text(sim, e.operand)} is not a number")
    raise EvalError(f"{source_text(sim, e)} is not a valid expression")


def _need(sim: "Simulation", v: Any, e: ir.Expr) -> None:
    if v is None:
        raise EvalError(f"{source_text(sim, e)} is empty")


def arith(sim: "Simulation", op: str, a: Any, b: Any) -> Any:
    if isinstance(a, (int, float)) and not isinstance(a, bool):
        a = to_decimal(a)
    if isinstance(b, (int, float)) and not isinstance(b, bool):
        b = to_decimal(b)
    if isinstance(a, Decimal) and isinstance(b, Decimal):
        if op == "+":
            return bounded(a + b)
        if op == "-":
            return bounded(a - b)
        if op == "*":
            return bounded(a * b)
        if b == 0:
            raise EvalError("division by zero")
        return bounded(a / b)
    if isinstance(b, ir.Duration) and op in "+-":
        sign = 1 if op == "+" else -1
        if isinstance(a, dt.datetime):
            return shift(sim, a, b, sign, None)
        if isinstance(a, dt.date):
            if b.is_days or b.is_months:
                try:
                    out = workcal.add_months_to_date(a, sign * b.months) if b.is_months \
                        else a + dt.timedelta(days=sign * b.days)
                except OverflowError:
                    out = None
                if out is None or not FIRST_INSTANT.date() <= out <= LAST_INSTANT.date():
                    raise EvalError(f"{a.isoformat()} {op} {b} is out of range ({RANGE_WORDS})")
                return out
            return shift(sim, sim.local(dt.datetime.combine(a, dt.time())), b, sign, None)
    if op == "+" and isinstance(a, str) and isinstance(b, str):
        return a + b
    raise EvalError(f"cannot compute {show_value(sim, a, quote=True)} {op} {show_value(sim, b, quote=True)}")


def _comparable(sim: "Simulation", a: Any, b: Any) -> tuple[Any, Any] | None:
    if isinstance(a, bool) or isinstance(b, bool):
        return (a, b) if isinstance(a, bool) and isinstance(b, bool) else None
    if isinstance(a, (int, float, Decimal)) and isinstance(b, (int, float, Decimal)):
        return to_decimal(a), to_decimal(b)
    if isinstance(a, dt.date) or isinstance(b, dt.date):
        def inst(x):
            if isinstance(x, dt.datetime):
                return x
            if isinstance(x, dt.date):
                return sim.local(dt.datetime.combine(x, dt.time()))
            return None
        if isinstance(a, dt.date) and isinstance(b, dt.date) and not isinstance(a, dt.datetime) \
                and not isinstance(b, dt.datetime):
            return a, b
        ia, ib = inst(a), inst(b)
        return (ia, ib) if ia is not None and ib is not None else None
    if isinstance(a, ir.Duration) and isinstance(b, ir.Duration):
        return a.minutes, b.minutes
    if isinstance(a, dt.time) and isinstance(b, dt.time):
        return a, b
    if isinstance(a, str) and isinstance(b, str):
        return a, b
    return None


def compare(sim: "Simulation", op: str, a: Any, b: Any) -> bool:
    if a is None or b is None or a == "" or b == "":
        empty_a, empty_b = a is None or a == "", b is None or b == ""
        if op == "=":
            return empty_a and empty_b
        if op == "!=":
            return empty_a != empty_b
        return False
    pair = _comparable(sim, a, b)
    if pair is None:
        return op == "!="
    x, y = pair
    return {"=": x == y, "!=": x != y, "<": x < y, "<=": x <= y, ">": x > y, ">=": x >= y}[op]


def same_value(sim: "Simulation", old: Any, new: Any) -> bool:
    """Storing `new` over `old` changes nothing."""
    return compare(sim, "=", old, new) and (old is None) == (new is None)


# ------------------------------------------------------------------ conditions

def check_condition(sim: "Simulation", expr: ir.Expr, rec: Record) -> tuple[bool, str | None]:
    """(holds, why not)."""
    try:
        if truthy(evaluate(sim, expr, rec)):
            return True, None
    except EvalError as e:
        return False, f"{source_text(sim, expr)} cannot be checked: {e}"
    return False, explain_false(sim, expr, rec)


def explain_false(sim: "Simulation", expr: ir.Expr, rec: Record) -> str:
    if isinstance(expr, ir.BoolOp) and expr.op == "and":
        for op in expr.operands:
            try:
                if not truthy(evaluate(sim, op, rec)):
                    return explain_false(sim, op, rec)
            except EvalError as e:
                return f"{source_text(sim, op)} cannot be checked: {e}"
    if isinstance(expr, ir.BoolOp) and expr.op == "or":
        return "; ".join(explain_false(sim, op, rec) for op in expr.operands)
    return f"{source_text(sim, expr)} is false{values_of(sim, expr, rec)}"


def values_of(sim: "Simulation", expr: ir.Expr, rec: Record) -> str:
    """` (amount = 800.00, today = 2026-03-02)`: the operands of a false condition."""
    seen: dict[str, str] = {}
    nodes = sorted((e for e in ir.walk(expr) if isinstance(e, (ir.FieldRef, ir.Today, ir.Now))),
                   key=lambda e: (e.span.start, e.span.line, e.span.column))
    for e in nodes:
        if isinstance(e, ir.Today):
            seen.setdefault("today", f"today = {workcal.to_local(sim.now, sim.tz).date().isoformat()}")
            continue
        if isinstance(e, ir.Now):
            seen.setdefault("now", f"now = {sim.fmt(sim.now)}")
            continue
        if not is_field(sim, rec, e.path):
            continue
        value = field_value(sim, rec, e.path)
        if value is None or value == "":
            seen.setdefault(e.text, f"{e.text} is empty")
        else:
            typ = sim.index.field_type(rec.entity, e.path)
            seen.setdefault(e.text, f"{e.text} = {show_value(sim, value, typ, quote=True)}")
    return f" ({', '.join(seen.values())})" if seen else ""
