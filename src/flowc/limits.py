"""Limits of the language, in one place.

Read by the checker (which reports a flow that goes past them), the
interpreter (which relies on them) and the docs (docs/diagnostics.md quotes
them).  Change a limit here and nowhere else.
"""
from __future__ import annotations

import datetime as dt

# ------------------------------------------------------------------ scenarios

#: Most records one scenario may declare (F505).
MAX_RECORDS_PER_SCENARIO = 10_000

#: Longest simulated time of a scenario, in years after its start (F506).
MAX_HORIZON_YEARS = 10

#: A scenario with neither `run until` nor `run for` runs this long after its
#: last timed item (the start, an event or an expectation's time) (F507).
DEFAULT_HORIZON_AFTER_LAST_EVENT = dt.timedelta(days=30)


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
