"""The mergeable summary of a replay: what the rules did, counted.

Each partition builds a `Summary` from the steps of its records; the client
merges them.  Every part is a sum (counters) or the first N of a sorted list,
so merging is associative and commutative: the merged summary does not
depend on how the records were split or in which order partitions finished.
The record lists (final stages that differ, errors) are ordered by the
record's place in the data (partition number, then position), so "the first
20" are the same whatever the workers.
"""
from __future__ import annotations

import re
from collections import Counter
from typing import Iterable

import attrs

from .. import workcal
from .engine import EMPLOYEE_WORK, MESSAGE_CHANNELS, Outcome, Step
from .problems import Problem

#: Problems kept in full (the first, by file and line); all are counted.
MAX_PROBLEMS = 200
#: Records kept as examples (final stage differs, the run hit an error).
MAX_EXAMPLES = 20
#: Robot statuses counted, in the report's order.
STATUSES = ("done", "failed", "skipped", "cancelled", "waiting")

_VALUES = re.compile(r" \((?:[^()]|\([^()]*\))*\)")  # "(amount = 5,000.00)", "(was 3)"


def reason_key(reason: str | None, names: dict[str, str]) -> str:
    """A reason without its values, so that the same cause counts once:
    parenthesised values go, and the record's own ids become <record>, <person>."""
    if not reason:
        return "(no reason given)"
    text = _VALUES.sub("", reason)
    if names:
        text = re.sub(r"[\w.@+-]+", lambda m: names.get(m.group(0), m.group(0)), text)
    return text


@attrs.define
class Summary:
    records: int = 0     # records read (replayed or skipped)
    replayed: int = 0
    skipped: int = 0     # records that could not be used
    created: int = 0     # records created by robots
    events: int = 0      # trace events
    robots: Counter = attrs.Factory(Counter)        # (pipeline, stage, robot, status) -> n
    skip_reasons: Counter = attrs.Factory(Counter)  # (pipeline, stage, robot, reason) -> n
    fail_reasons: Counter = attrs.Factory(Counter)
    messages: Counter = attrs.Factory(Counter)      # channel -> n
    contact_days: Counter = attrs.Factory(Counter)  # (contact, local date) -> messages
    employee_days: Counter = attrs.Factory(Counter)  # (employee, local date, what) -> n
    hours: Counter = attrs.Factory(Counter)         # local hour -> robot actions done
    weekdays: Counter = attrs.Factory(Counter)      # 0 (Monday)..6 -> robot actions done
    stage_changes: Counter = attrs.Factory(Counter)  # ("p.s in history", "p.s under the rules") -> n, when they differ
    differs: list = attrs.Factory(list)             # [(partition, position, record, history, rules)]
    errors: list = attrs.Factory(list)              # [(partition, position, record, reason)]
    error_count: int = 0
    problem_counts: Counter = attrs.Factory(Counter)  # code -> n
    problems: list = attrs.Factory(list)            # the first MAX_PROBLEMS, sorted

    # -- building ----------------------------------------------------------------------
    def add_problems(self, problems: Iterable[Problem]) -> None:
        problems = list(problems)
        self.problem_counts.update(p.code for p in problems)
        self.problems = sorted(self.problems + problems)[:MAX_PROBLEMS]

    def add_record(self, where: tuple[int, int], rec_id: str, final: tuple[str, str], steps: list[Step],
                   outcome: Outcome, tz: str, names: dict[str, str]) -> None:
        self.replayed += 1
        self.created += len(outcome.stages) - 1
        self.events += len(steps)
        failure = None
        for step in steps:
            ev = step.event
            kind = ev.kind
            if kind in STATUSES and ev.robot is not None:
                key = (ev.pipeline, ev.stage, ev.robot)
                self.robots[key + (kind,)] += 1
                if kind == "skipped":
                    self.skip_reasons[key + (reason_key(ev.reason, names),)] += 1
                elif kind == "failed":
                    self.fail_reasons[key + (reason_key(ev.reason, names),)] += 1
                elif kind == "done":
                    local = workcal.to_local(ev.at, tz)
                    self.hours[local.hour] += 1
                    self.weekdays[local.weekday()] += 1
                    channel = MESSAGE_CHANNELS.get(step.action or "")
                    if channel is not None:
                        self.messages[channel] += 1
                        if step.client is not None:
                            self.contact_days[(step.client, local.date().isoformat())] += 1
                    work = EMPLOYEE_WORK.get(step.action or "")
                    if work is not None and step.employee is not None:
                        self.employee_days[(step.employee, local.date().isoformat(), work)] += 1
            elif kind in ("loop", "limit", "error") and failure is None:
                failure = f"{kind}: {ev.reason}"
        if outcome.error:
            self.error_count += 1
            self.errors = sorted(self.errors + [(where[0], where[1], rec_id, failure or "error")])[:MAX_EXAMPLES]
        mine = next((s for s in outcome.stages if s[0] == rec_id), None)
        if mine is not None and mine[2] is not None:
            rules = (mine[1], mine[2])
            if rules != final:
                a, b = ".".join(final), ".".join(rules)
                self.stage_changes[(a, b)] += 1
                self.differs = sorted(self.differs + [(where[0], where[1], rec_id, a, b)])[:MAX_EXAMPLES]

    # -- merging ---------------------------------------------------------------------------
    def merge(self, other: "Summary") -> "Summary":
        for f in attrs.fields(Summary):
            mine, theirs = getattr(self, f.name), getattr(other, f.name)
            if isinstance(mine, Counter):
                mine.update(theirs)
            elif isinstance(mine, int):
                setattr(self, f.name, mine + theirs)
            else:
                cap = MAX_PROBLEMS if f.name == "problems" else MAX_EXAMPLES
                setattr(self, f.name, sorted(mine + theirs)[:cap])
        return self
