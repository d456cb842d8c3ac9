"""The trace: the event types a simulation yields, one per line of output.

`TraceEvent` is one line of the trace; `KINDS` names every kind in the order
docs/trace.md (the contract of the JSON-lines format) describes them.  The
renderers (`flowc.render`) turn events into text or JSON lines.
"""
from __future__ import annotations

import datetime as dt
from typing import Any

import attrs

#: Every trace event kind, in the order docs/trace.md describes them.
KINDS = (
    "scenario_start", "entered", "created", "moved", "event", "trigger_ignored", "scheduled",
    "rescheduled",
    "done", "failed", "skipped", "cancelled", "activity_completed", "waiting", "loop", "limit",
    "error", "scenario_end",
)

#: The statuses a robot ends with.
FINAL_STATUSES = ("done", "failed", "skipped")


@attrs.frozen
class TraceEvent:
    """One line of the trace.  `at` is an instant (aware, UTC)."""
    at: dt.datetime
    scenario: str
    record: str | None
    kind: str
    robot: str | None = None
    stage: str | None = None
    pipeline: str | None = None
    status: str | None = None
    reason: str | None = None
    from_stage: str | None = None
    from_pipeline: str | None = None
    to_stage: str | None = None
    cause: str | None = None
    detail: str | None = None
    trigger: str | None = None
    event: str | None = None
    due: dt.datetime | None = None
    #: Kind-specific extra keys (sorted pairs), e.g. the header of scenario_start.
    extra: tuple[tuple[str, Any], ...] = ()
