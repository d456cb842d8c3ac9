"""Values the simulator computes with: numbers within the limits, truth,
the range of instants, and the plain text forms of numbers and instants.

`EvalError` is what an expression raises when it cannot be evaluated on a
record (an empty operand, a division by zero, a result out of range).
"""
from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal
from typing import Any
from zoneinfo import ZoneInfo

from .. import limits, workcal

WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")

#: The instants the simulator computes with: those of Python's datetime, less
#: a day at each end, so that every one can be shown in every time zone.
FIRST_INSTANT = dt.datetime(1, 1, 2, tzinfo=dt.timezone.utc)
LAST_INSTANT = dt.datetime(9999, 12, 30, tzinfo=dt.timezone.utc)
RANGE_WORDS = "the simulator's dates go from year 1 to 9999"

_TOO_LARGE = Decimal(10) ** limits.MAX_NUMBER_DIGITS
_PLACES = Decimal(1).scaleb(-limits.MAX_NUMBER_PLACES)


class EvalError(Exception):
    """An expression cannot be evaluated on a record (an empty operand, division by zero...)."""


def bounded(v: Decimal) -> Decimal:
    """A computed number within the limits of flowc.limits: at most
    MAX_NUMBER_DIGITS digits before the decimal point (EvalError beyond),
    rounded to MAX_NUMBER_PLACES decimal places."""
    if not v.is_finite() or abs(v) >= _TOO_LARGE:
        raise EvalError(f"the result is too large (numbers have at most {limits.MAX_NUMBER_DIGITS} "
                        "digits before the decimal point)")
    if v.as_tuple().exponent < -limits.MAX_NUMBER_PLACES:  # then |v| < 0.1: no digit is lost in front
        v = v.quantize(_PLACES, rounding=ROUND_HALF_UP)
    return v


def to_decimal(v: Any) -> Decimal:
    if isinstance(v, Decimal):
        return v
    if isinstance(v, bool):
        raise EvalError("a yes/no value is not a number")
    if isinstance(v, int):
        return Decimal(v)
    if isinstance(v, float):
        return Decimal(repr(v))
    raise EvalError(f"{v!r} is not a number")


def truthy(v: Any) -> bool:
    if v is None or v == "":
        return False
    if isinstance(v, Decimal):
        return v != 0
    return bool(v)


def format_local(instant: dt.datetime, tz: str) -> str:
    """`Fri 2026-03-06 17:50`: local time with an English weekday, whatever the
    locale; in the hour that repeats when the clocks go back, with the offset
    from UTC that says which of the two it is (`Sun 2026-11-01 01:30-05:00`)."""
    local = workcal.to_local(instant, tz)
    text = f"{WEEKDAYS[local.weekday()]} {local:%Y-%m-%d %H:%M}"
    zone = ZoneInfo(tz)
    first, second = (local.replace(tzinfo=zone, fold=f).utcoffset() for f in (0, 1))
    if first != second:  # a wall time that exists twice
        off = instant.astimezone(zone).utcoffset() // dt.timedelta(minutes=1)
        text += f"{'-' if off < 0 else '+'}{abs(off) // 60:02d}:{abs(off) % 60:02d}"
    return text


def format_number(value: Decimal, money: bool = False) -> str:
    if money:
        return f"{value.quantize(Decimal('0.01'), rounding=ROUND_HALF_UP):,.2f}"
    if value == value.to_integral_value():
        return f"{int(value):,}"
    text = f"{value.normalize():,f}"
    return text
