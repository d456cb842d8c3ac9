"""Phase 4: interpret.  A discrete-event simulation of a scenario.

`simulate(project, index, scenario, until=None)` is a generator of
`TraceEvent`s: what every robot and trigger does, to which record, at which
minute, and why.  `Simulation` is the same run with its compact end state
(stages, robot outcomes, field values), from which `evaluate_expectations()`
checks the scenario's `expect` lines.  docs/semantics.md describes the rules;
docs/trace.md the output.

The modules, each owning one concern:

* `engine`    the clock, the queue and the main loop (`Simulation`, `simulate`)
* `scenario`  what a scenario feeds the engine: horizon, records, happenings
* `stages`    records entering, moving, leaving stages; robot runs planned and finished
* `timing`    due times of robots, with the words that explain them
* `actions`   one function per action, in the table `ACTIONS`
* `triggers`  events answered by the pipeline's triggers
* `expr`      expressions and conditions evaluated on a record
* `world`     records, robot runs, their values and histories
* `text`      values and templates into text
* `values`    numbers, truth, instants (the plain value rules)
* `words`     flow source written back as words (expressions, events)
* `expect`    a scenario's expectations against the end state
* `trace`     the trace event type and its kinds
"""
from __future__ import annotations

from .engine import MAX_EVENTS, Simulation, simulate
from .expect import ExpectationResult
from .scenario import DEFAULT_HORIZON_DAYS
from .stages import MAX_MOVES_PER_INSTANT, MAX_RECORDS
from .trace import FINAL_STATUSES, KINDS, TraceEvent
from .values import EvalError, format_local, format_number, truthy
from .words import event_words, happening_words, unparse
from .world import Record, RobotRun, RobotState

__all__ = [
    "DEFAULT_HORIZON_DAYS", "EvalError", "ExpectationResult", "FINAL_STATUSES", "KINDS", "MAX_EVENTS",
    "MAX_MOVES_PER_INSTANT", "MAX_RECORDS", "Record", "RobotRun", "RobotState", "Simulation", "TraceEvent",
    "event_words", "format_local", "format_number", "happening_words", "simulate", "truthy", "unparse",
]
