"""Rendering a simulation: text for people, JSON lines for programs.

Both renderers stream: `event()` writes one line per trace event as it comes;
`finish()` writes the summary and the expectations from the simulation's end
state.  docs/trace.md is the contract of the JSON-lines format.
"""
from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from typing import Any, TextIO
from zoneinfo import ZoneInfo

from .index import Index
from .interpret import ExpectationResult, Simulation, TraceEvent, format_local

# ------------------------------------------------------------------ JSON lines

#: Keys every JSON line has.
COMMON_KEYS = ("at", "scenario", "record", "kind")

#: TraceEvent attribute -> JSON key (None values are left out).
_JSON_NAMES = {
    "robot": "robot", "stage": "stage", "pipeline": "pipeline", "status": "status", "reason": "reason",
    "from_stage": "from", "from_pipeline": "from_pipeline", "to_stage": "to", "cause": "cause",
    "detail": "detail", "trigger": "trigger", "event": "event", "due": "due",
}


def iso(instant: dt.datetime, tz: str) -> str:
    """ISO 8601 with the UTC offset of the flow's time zone: 2026-03-06T17:50:00+00:00."""
    return instant.astimezone(ZoneInfo(tz)).isoformat()


def _json_value(v: Any, tz: str) -> Any:
    if isinstance(v, dt.datetime):
        return iso(v, tz)
    if isinstance(v, dt.date):
        return v.isoformat()
    if isinstance(v, Decimal):
        return str(v)
    if isinstance(v, tuple):
        return [_json_value(x, tz) for x in v]
    if isinstance(v, dict):
        return {k: _json_value(x, tz) for k, x in v.items()}
    return v


def dumps(obj: dict) -> str:
    return json.dumps(obj, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def event_dict(ev: TraceEvent, tz: str) -> dict:
    out: dict[str, Any] = {"at": iso(ev.at, tz), "scenario": ev.scenario, "record": ev.record, "kind": ev.kind}
    for attr, key in _JSON_NAMES.items():
        v = getattr(ev, attr)
        if v is not None:
            out[key] = _json_value(v, tz)
    for k, v in ev.extra:
        out[k] = _json_value(v, tz)
    return out


class JsonRenderer:
    def __init__(self, out: TextIO) -> None:
        self.out = out

    def start(self, sim: Simulation, path: str, holidays_version: str) -> None:
        self.sim = sim
        self.path = path
        self.holidays = holidays_version

    def event(self, ev: TraceEvent) -> None:
        d = event_dict(ev, self.sim.tz)
        if ev.kind == "scenario_start":
            d["file"] = self.path
            d["holidays"] = self.holidays
        self.out.write(dumps(d) + "\n")

    def finish(self, sim: Simulation, results: list[ExpectationResult]) -> None:
        tz = sim.tz
        for rec in sim.records.values():
            robots = {name: sim.robot_states[(name, rec.name)].status
                      for name in sim.robot_order.get(rec.name, ()) if (name, rec.name) in sim.robot_states}
            d = {"at": iso(sim.horizon, tz), "scenario": sim.name, "record": rec.name, "kind": "summary",
                 "entity": rec.entity, "robots": robots, "stopped": rec.stopped is not None}
            if rec.stage is not None:
                d["stage"] = rec.stage.name.value
                d["pipeline"] = rec.pipeline.name.value
            self.out.write(dumps(d) + "\n")
        for r in results:
            s = r.expectation.span
            d = {"at": iso(r.at, tz), "scenario": sim.name, "record": r.expectation.record.value,
                 "kind": "expectation", "ok": r.ok, "expectation": r.text, "expected": r.expected,
                 "actual": r.actual, "position": r.position, "path": s.path, "line": s.line, "column": s.column}
            self.out.write(dumps(d) + "\n")
        failed = sum(1 for r in results if not r.ok)
        self.out.write(dumps({"at": iso(sim.horizon, tz), "scenario": sim.name, "record": None, "kind": "result",
                              "ok": failed == 0 and not sim.error, "error": sim.error,
                              "expectations": len(results), "failed": failed}) + "\n")


# ------------------------------------------------------------------ text

_RESET = "\x1b[0m"
_STYLE = {
    "time": "\x1b[2m", "record": "\x1b[1m", "header": "\x1b[1m",
    "done": "\x1b[32m", "failed": "\x1b[31m", "skipped": "\x1b[33m", "cancelled": "\x1b[35m",
    "waiting": "\x1b[36m", "scheduled": "\x1b[2m", "rescheduled": "\x1b[2m", "moved": "\x1b[34m", "entered": "\x1b[34m",
    "created": "\x1b[34m", "trigger_ignored": "\x1b[2m", "loop": "\x1b[1;31m", "limit": "\x1b[1;31m",
    "error": "\x1b[1;31m", "ok": "\x1b[32m", "bad": "\x1b[1;31m",
}


def record_width(sim: Simulation) -> int:
    """The width of the record column: declared records, and the names robots
    give the records they create (`d1_install`), up to 24 characters."""
    declared = [r.name.value for r in sim.scenario.records]
    makers = sorted({r.name.value for p in sim.project.pipelines for s in p.stages for r in s.robots
                     if r.action.kind in ("copy_record", "create_repeat_lead")})
    names = declared + [f"{d}_{m}" for d in declared for m in makers]
    return max([2] + [len(n) for n in names if len(n) <= 24])


class TextRenderer:
    def __init__(self, out: TextIO, color: bool, index: Index | None = None) -> None:
        self.out = out
        self.color = color
        self.index = index
        self.width = 2

    def paint(self, text: str, style: str) -> str:
        code = _STYLE.get(style)
        return f"{code}{text}{_RESET}" if self.color and code else text

    def write(self, line: str = "") -> None:
        self.out.write(line + "\n")

    # -- stages ------------------------------------------------------------------
    def stage(self, pipeline: str | None, stage: str | None) -> str:
        """`"Contract approval" (contract)`; the pipeline is named when it is not
        the first one of its entity: `"To schedule" (installation.todo)`."""
        if stage is None:
            return "?"
        pl = self.index.pipelines.get(pipeline) if self.index and pipeline else None
        st = pl.stage(stage) if pl else None
        name = stage
        if pl is not None:
            firsts = self.index.pipelines_for(pl.entity.value)
            if firsts and firsts[0] is not pl:
                name = f"{pipeline}.{stage}"
        if st is not None and st.title:
            return f'"{st.title}" ({name})'
        return name

    # -- the run -----------------------------------------------------------------------
    def start(self, sim: Simulation, path: str, holidays_version: str) -> None:
        self.sim = sim
        self.index = sim.index
        self.width = record_width(sim)
        sc = sim.scenario
        title = f" — {sc.title}" if sc.title else ""
        self.write(self.paint(f"Scenario {sc.name.value}{title}", "header"))
        rows = [
            ("file", path),
            ("time zone", sim.tz),
            ("start", format_local(sim.start, sim.tz)),
            ("horizon", f"{format_local(sim.horizon, sim.tz)} ({sim.horizon_reason})"),
            ("holidays", f"holidays package {holidays_version}"),
        ]
        for k, v in rows:
            self.write(f"  {k:<10} {v}")
        self.write()

    def line(self, ev: TraceEvent, text: str) -> str:
        when = self.paint(format_local(ev.at, self.sim.tz), "time")
        who = self.paint(f"{ev.record or '':<{self.width}}", "record")
        return f"{when}  {who}  {text}"

    def event(self, ev: TraceEvent) -> None:
        text = self.describe(ev)
        if text is not None:
            self.write(self.line(ev, text))

    def describe(self, ev: TraceEvent) -> str | None:
        k = ev.kind
        p = self.paint
        robot = f"robot {ev.robot}"
        if k == "scenario_start":
            return None
        if k == "entered":
            return p(f"entered {self.stage(ev.pipeline, ev.stage)}", k) + f" — {ev.cause}"
        if k == "created":
            return p(f"created by {ev.cause}", k) + f": {ev.detail}"
        if k == "moved":
            frm = self.stage(ev.from_pipeline or ev.pipeline, ev.from_stage)
            return p(f"moved {frm} → {self.stage(ev.pipeline, ev.to_stage)}", k) + f" — {ev.cause}"
        if k == "event":
            how = "scenario event" if ev.cause == "scenario" else ev.cause
            text = f"{ev.detail} — {how}"
            return text + (f"; {ev.reason}" if ev.reason else "")
        if k == "trigger_ignored":
            return p(f"trigger {ev.trigger} of {self.stage(ev.pipeline, ev.stage)} ignored", k) + f": {ev.reason}"
        if k == "scheduled":
            if ev.due is None:
                return p(f"{robot} scheduled", k) + f" — {ev.reason}"
            if ev.due == ev.at:
                return p(f"{robot} scheduled for now", k) + f" — {ev.reason}"
            return p(f"{robot} scheduled for {format_local(ev.due, self.sim.tz)}", k) + f" — {ev.reason}"
        if k == "rescheduled":
            when = "now" if ev.due == ev.at else format_local(ev.due, self.sim.tz)
            return p(f"{robot} rescheduled for {when}", k) + f" — {ev.reason}"
        if k in ("done", "failed"):
            text = p(f"{robot} {k}", k) + (f": {ev.detail}" if ev.detail else "")
            return text + (f" — {ev.reason}" if ev.reason else "")
        if k == "skipped":
            return p(f"{robot} skipped", k) + f": {ev.reason}"
        if k == "cancelled":
            return p(f"{robot} cancelled", k) + f" — {ev.reason}"
        if k == "activity_completed":
            return f"{ev.detail} completed — {ev.reason}"
        if k == "waiting":
            return p(f"{robot} still waiting at the horizon", k) + f" — {ev.reason}"
        if k == "loop":
            return p(ev.reason, k)
        if k == "limit":
            return p(f"stopped: {ev.reason}", k)
        if k == "error":
            return p(f"error: {ev.reason}", k)
        if k == "scenario_end":
            return f"end of the simulation ({self.sim.horizon_reason})"
        return f"{k}: {ev.reason or ev.detail or ''}"  # pragma: no cover - every kind is above

    # -- after the run ---------------------------------------------------------------------
    def finish(self, sim: Simulation, results: list[ExpectationResult]) -> None:
        tz = sim.tz
        self.write()
        self.write(self.paint("Summary", "header"))
        if not sim.records:
            self.write("  no records")
        for rec in sim.records.values():
            title = rec.fields.get("title")
            head = f"  {rec.name}  {rec.entity}" + (f' "{title}"' if title else "")
            if rec.stage is not None:
                head += f" — in {self.stage(rec.pipeline.name.value, rec.stage.name.value)}"
                head += f" since {format_local(rec.since, tz)}"
            else:
                head += " — in no stage (there is no pipeline for it)"
            if rec.stopped:
                head += " — " + self.paint("stopped by a loop", "loop")
            self.write(head)
            names = [n for n in sim.robot_order.get(rec.name, ()) if (n, rec.name) in sim.robot_states]
            width = max([len(n) for n in names] + [4])
            for n in names:
                st = sim.robot_states[(n, rec.name)]
                if st.status == "waiting":
                    when = f"due {format_local(st.due, tz)}" if st.due else "at the horizon"
                    line = f"{self.paint('waiting', 'waiting')} at the horizon" + (
                        f" ({when})" if st.due else f": {st.reason}")
                else:
                    line = f"{self.paint(st.status, st.status)} {format_local(st.at, tz)}"
                    if st.reason and st.status != "done":
                        line += f": {st.reason}"
                self.write(f"      {n:<{width}}  {line}")
        if results:
            self.write()
            self.write(self.paint("Expectations", "header"))
            for r in results:
                mark = self.paint("✓", "ok") if r.ok else self.paint("✗", "bad")
                self.write(f"  {mark} {r.text}")
                if not r.ok:
                    self.write(f"      at        {r.position}")
                    self.write(f"      expected  {r.expected}")
                    self.write(f"      actual    {r.actual}")
        failed = sum(1 for r in results if not r.ok)
        self.write()
        parts = []
        if results:
            held = len(results) - failed
            parts.append(f"{held} of {len(results)} expectations held" if failed else
                         f"all {len(results)} expectations held" if len(results) > 2 else
                         "both expectations held" if len(results) == 2 else "the expectation held")
        else:
            parts.append("no expectations")
        if sim.error:
            parts.append("; ".join(sim.errors) or "the run hit an error")
        verdict = "FAILED" if failed or sim.error else "OK"
        self.write(self.paint(f"{verdict}: {'; '.join(parts)}", "bad" if verdict == "FAILED" else "ok"))
