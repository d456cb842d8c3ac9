"""Limits of the language, in one place.

Read by the parser, the lowering phase and the checker (which report a flow
that goes past them), the interpreter (which stops a run that goes past
them) and the docs (docs/diagnostics.md, docs/reliability.md quote them).
Change a limit here and nowhere else; tests/limits tests each one at and
just past its value.
"""
from __future__ import annotations

import datetime as dt

# ------------------------------------------------------------------ files and syntax

#: Largest file flowc reads, in bytes (F005).
MAX_FILE_BYTES = 4 * 1024 * 1024

#: Most files one project may load: the file itself and everything it `use`s (F005).
MAX_FILES = 500

#: Deepest nesting of one expression: parentheses, `not`, unary minus and
#: lists each count one level (F008).  Deeper expressions would exhaust the
#: recursion of the later phases.
MAX_EXPR_DEPTH = 64

#: Most items of one list in brackets (`amount in [...]`, `list[...]` choices)
#: (F010).  The parser stops reading the file at the item past it: a list of
#: millions of items (a 4 MiB file holds two million) would take a minute
#: and gigabytes to read, for nothing a flow needs (docs/reliability.md).
MAX_LIST_ITEMS = 10_000

# ------------------------------------------------------------------ values

#: Longest duration, in its units (F301).
MAX_DURATION_UNITS = 10_000_000

#: Years a date may have (F201).
MIN_YEAR = 1900
MAX_YEAR = 2200

# ------------------------------------------------------------------ scenarios

#: Most records one scenario may declare (F505), and have in a simulation,
#: created ones included (a `limit` trace event).
MAX_RECORDS_PER_SCENARIO = 10_000

#: Longest simulated time of a scenario, in years after its start (F506; a
#: `flowc simulate --until` past it stops there, with a `limit` trace event).
MAX_HORIZON_YEARS = 10

#: A scenario with neither `run until` nor `run for` runs this long after its
#: last timed item (the start, an event or an expectation's time) (F507).
DEFAULT_HORIZON_AFTER_LAST_EVENT = dt.timedelta(days=30)


#: Stage moves of one record at one instant -- copies of copies made at that
#: instant count as moves of one chain -- before the record is stopped as a
#: loop (a `loop` trace event).
MAX_MOVES_PER_INSTANT = 16

#: Trace events of one scenario before the run is stopped (a `limit` trace event).
MAX_EVENTS_PER_SCENARIO = 1_000_000

#: How far a search for working time goes, in local dates after (or before)
#: its start: 20 years.  Past it the robot fails, and the trace says the
#: limit was reached.  `flowc check` warns (F310) about a calendar with no
#: working time in the year after a scenario's start.
MAX_WORKTIME_SEARCH_DAYS = 20 * 366


def latest_end(start: dt.datetime) -> dt.datetime:
    """The latest horizon a scenario that starts at `start` may have:
    `MAX_HORIZON_YEARS` years later, same month, day and time (February 29
    becomes February 28)."""
    year = start.year + MAX_HORIZON_YEARS
    try:
        return start.replace(year=year)
    except ValueError:  # February 29 in a year that has none
        return start.replace(year=year, day=28)


def default_end(start: dt.datetime, last: dt.datetime | None = None) -> dt.datetime:
    """The horizon of a scenario without `run until` / `run for`."""
    return max(start, last or start) + DEFAULT_HORIZON_AFTER_LAST_EVENT


# ------------------------------------------------------------------ numbers

#: Most digits of a number before its decimal point: a number written in a
#: flow (F223), and a number the simulator computes (a larger result makes the
#: expression fail, like a division by zero).  Money keeps two decimal places
#: on top, well within the 28 significant digits of the simulator's decimals.
MAX_NUMBER_DIGITS = 18

#: Decimal places the simulator keeps in a computed number (rounded half up):
#: results of long chains of divisions stay short.
MAX_NUMBER_PLACES = 28


# ------------------------------------------------------------------ actions

#: Longest SMS text, in characters, placeholders filled in (F211, F212).
SMS_MAX_LENGTH = 200

#: Longest text a robot writes into a field in a simulation, placeholders
#: filled in (the title of a copy or of a repeat lead); a longer one fails
#: the robot.  Keeps a chain of copies from doubling its titles.
MAX_TEXT_LENGTH = 10_000

#: Accepted `volume` and `speed` of `make call say` (whole numbers, inclusive) (F208).
CALL_VOLUME_RANGE = (1, 10)
CALL_SPEED_RANGE = (1, 10)
