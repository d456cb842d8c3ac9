"""Why a robot ran, or did not, and what a record looked like at a moment
(`flowc explain FILE --scenario S --record R --robot X | --at T`).

The story comes from the scenario's trace (the JSON-lines objects of
docs/trace.md): when the record entered the robot's stage and why, when the
robot's timing started (entering, or the previous robot finishing), its due
time and the interpreter's words for it, each step of the due-time
computation as the interpreter took it, and how the run ended (done,
skipped with the false part of its condition, failed, cancelled by a move,
still waiting).  The condition is shown with the value of every field it
reads at the moment it was checked; an instant shows the record's stage and
fields, the robots waiting with their due times, and the triggers that could
move it with the events that would fire them.

`explain_robot` and `explain_instant` return plain data (the JSON of
`--format json`); `as_text` turns it into a few short paragraphs.
"""
from __future__ import annotations

import datetime as dt
from typing import Any

from . import ir
from .index import Index
from .words import amount, condition_words, event_words, timing_words, trigger_text

ROBOT_KINDS = ("done", "failed", "skipped", "cancelled", "waiting")
_WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


class ExplainError(Exception):
    """A question that has no answer in this scenario (an unknown record or
    robot, a moment outside the run); the message says why."""


def local(iso: str | None) -> str | None:
    if iso is None:
        return None
    t = dt.datetime.fromisoformat(iso)
    return f"{_WEEKDAYS[t.weekday()]} {t:%Y-%m-%d %H:%M}"


class Run:
    """One scenario, run once: its trace, and the finished simulation for the
    values of fields at a moment (see `flowc.traces`)."""

    def __init__(self, project: ir.Project, index: Index, sc: ir.Scenario, sources: dict, path: str,
                 record: str, robot: str | None = None) -> None:
        from .traces import run_scenario

        self.project, self.index, self.scenario, self.sources = project, index, sc, sources
        self.trace, self.sim = run_scenario(project, index, sc, sources, path, watch=(record, robot))
        self.record = record

    def text(self, span: Any) -> str | None:
        src = self.sources.get(span.path) if span is not None else None
        return " ".join(src.text[span.start:span.end].split()) if src is not None else None

    def mine(self) -> list[dict]:
        return [d for d in self.trace if d["record"] == self.record]

    def stage_title(self, pipeline: str | None, stage: str | None) -> str:
        p = self.index.pipelines.get(pipeline) if pipeline else None
        s = p.stage(stage) if p is not None and stage else None
        if s is None:
            return stage or "no stage"
        return f"{s.title or s.name.value} ({s.name.value})"

    def values(self, expr: ir.Expr | None, iso: str | None) -> list[dict]:
        """Each field the expression reads, with its value at `iso`."""
        from .traces import field_at
        if expr is None:
            return []
        out, seen = [], set()
        for e in ir.walk(expr):
            if isinstance(e, ir.FieldRef) and e.text not in seen:
                seen.add(e.text)
                out.append({"field": e.text, "value": field_at(self.sim, self.record, e.path, iso)})
        return sorted(out, key=lambda v: v["field"])


# ------------------------------------------------------------------ a robot

def find_robot(run: Run, name: str) -> list[tuple[ir.Pipeline, ir.Stage, ir.Robot]]:
    return [(p, s, r) for p in run.project.pipelines for s in p.stages for r in s.robots if r.name.value == name]


def explain_robot(run: Run, robot: str) -> dict:
    places = find_robot(run, robot)
    if not places:
        names = sorted({r.name.value for p in run.project.pipelines for s in p.stages for r in s.robots})
        raise ExplainError(f'no robot "{robot}" in this project (robots: {", ".join(names) or "none"})')
    events = run.mine()
    runs: list[dict] = []
    current: dict | None = None
    entered: dict | None = None
    for d in events:
        if d["kind"] in ("entered", "moved"):
            entered = d
        if d.get("robot") != robot:
            continue
        if d["kind"] == "rescheduled" and current is not None and current.get("outcome") is None:
            current["scheduled"].append(d)
        elif d["kind"] in ("scheduled", "rescheduled"):
            if current is None or current.get("outcome") is not None:
                current = {"stage": d.get("stage"), "pipeline": d.get("pipeline"), "entered": entered,
                           "scheduled": [], "outcome": None}
                runs.append(current)
            current["scheduled"].append(d)
        elif d["kind"] in ROBOT_KINDS:
            if current is None or current.get("outcome") is not None:
                current = {"stage": d.get("stage"), "pipeline": d.get("pipeline"), "entered": entered,
                           "scheduled": [], "outcome": None}
                runs.append(current)
            current["outcome"] = d
    p, s, r = _place(places, runs)
    out = {"record": run.record, "robot": robot, "stage": run.stage_title(p.name.value, s.name.value),
           "timing": {"written": run.text(r.timing.span) or "immediately",
                      "words": timing_words(r, _Place(p, s, _previous(s, r)), run.index)},
           "condition": None, "runs": []}
    if r.condition is not None:
        out["condition"] = {"written": run.text(r.condition.span),
                            "words": condition_words(r.condition, run.text)}
    for k, one in enumerate(runs):
        out["runs"].append(_one_run(run, r, one, k))
    if not runs:
        out["never"] = _why_never(run, p, s)
    return out


class _Place:
    def __init__(self, pipeline, stage, previous) -> None:
        self.pipeline, self.stage, self.previous = pipeline, stage, previous


def _previous(stage: ir.Stage, robot: ir.Robot) -> ir.Robot | None:
    prev = None
    for r in stage.robots:
        if r is robot:
            return prev
        prev = r
    return None


def _place(places: list, runs: list[dict]):
    """The robot's stage: the one it ran in, else the first that has it."""
    for p, s, r in places:
        if any(x["stage"] == s.name.value and x["pipeline"] == p.name.value for x in runs):
            return p, s, r
    return places[0]


def _one_run(run: Run, robot: ir.Robot, one: dict, number: int) -> dict:
    entered = one["entered"]
    out: dict[str, Any] = {"number": number + 1}
    if entered is not None:
        out["entered"] = {"at": local(entered["at"]), "stage": run.stage_title(entered.get("pipeline"),
                                                                              entered.get("stage")),
                          "cause": entered.get("cause")}
    starts = []
    previous = _previous_robot(run, robot)
    for i, d in enumerate(one["scheduled"]):
        item = {"at": local(d["at"]), "due": local(d.get("due")), "words": d.get("reason")}
        if d["kind"] == "rescheduled":
            item["rescheduled"] = True
        elif d.get("due") is not None:
            item["because"] = (_finished(run, previous, d["at"]) if i and previous is not None
                               else "the record entered the stage")
        starts.append(item)
    out["scheduled"] = starts
    timed = [d for d in one["scheduled"] if d.get("due")]
    out["steps"] = due_steps(run, robot, timed[-1]["at"], timed[-1]["due"]) if timed else []
    end = one["outcome"]
    if end is None:
        out["outcome"] = {"status": "no outcome"}
        return out
    result = {"status": end["kind"], "at": local(end["at"])}
    for key in ("detail", "reason", "due"):
        if end.get(key):
            result[key] = local(end[key]) if key == "due" else end[key]
    out["outcome"] = result
    if robot.condition is not None and end["kind"] in ("done", "failed", "skipped"):
        held = end["kind"] != "skipped"
        out["condition"] = {"held": held, "checked_at": local(end["at"]),
                            "values": run.values(robot.condition, end["at"])}
    return out


def _previous_robot(run: Run, robot: ir.Robot) -> str | None:
    for p in run.project.pipelines:
        for s in p.stages:
            if any(r is robot for r in s.robots):
                prev = _previous(s, robot)
                return prev.name.value if prev is not None else None
    return None


def _finished(run: Run, previous: str, iso: str) -> str:
    """`robot call finished (done)`: the outcome of the previous robot at that moment."""
    for d in run.mine():
        if d.get("robot") == previous and d["kind"] in ROBOT_KINDS and d["at"] == iso:
            return f"robot {previous} finished ({d['kind']})"
    return f"robot {previous} finished"


def _why_never(run: Run, pipeline: ir.Pipeline, stage: ir.Stage) -> str:
    visits = [d for d in run.mine() if d["kind"] in ("entered", "moved")]
    if not visits:
        return f"{run.record} never had a stage in this scenario"
    been = [run.stage_title(d.get("pipeline"), d.get("stage")) for d in visits]
    return (f"{run.record} never entered {run.stage_title(pipeline.name.value, stage.name.value)}, where the robot is: "
            f"it was in " + ", then ".join(been))


# ------------------------------------------------------------------ the due time, step by step

#: At most this many counted stretches or skipped days are listed.
MAX_STEPS = 12


def due_steps(run: Run, robot: ir.Robot, base_iso: str, due_iso: str) -> list[dict]:
    """How the due time follows from the base (the moment the timing
    started), in the order docs/language.md gives: the date field's value,
    the delay (the working time counted, the days skipped: weekends,
    holidays by name, closed days), `at TIME`, the clock changes in between.
    Facts of the calendar between the instants, beside the interpreter's own
    words for the result."""
    from zoneinfo import ZoneInfo

    from .workcal import WorkCalendar

    t = robot.timing
    base, due = dt.datetime.fromisoformat(base_iso), dt.datetime.fromisoformat(due_iso)
    decl = run.index.calendars.get(t.calendar.value) if t.calendar is not None else None
    tz = run.index.calendar_timezone(decl) if decl is not None else run.index.timezone
    zone = ZoneInfo(tz)
    cal = WorkCalendar.from_ir(decl, run.index.timezone) if decl is not None else None
    steps: list[dict] = [_step("base", f"the timing starts at {local(base_iso)}")]
    span = (base, due)  # the stretch whose skipped days and clock changes matter
    if t.at_datetime is not None:
        steps.append(_step("at", f"at {t.at_datetime:%Y-%m-%d %H:%M} ({tz})"))
    elif t.relative is not None:
        rel = t.relative
        from .traces import field_raw
        value = field_raw(run.sim, run.record, rel.field.path, base_iso)
        shown = value.isoformat() if isinstance(value, (dt.date, dt.datetime)) else "empty"
        steps.append(_step("field", f"{rel.field.text} is {shown} (its value at {local(base_iso)})"))
        at = f", at {t.at_time:%H:%M}" if t.at_time is not None else ""
        unit = amount(rel.duration, "working " if cal is not None else "")
        steps.append(_step("relative", f"{unit} {rel.direction} it{at}"))
        if isinstance(value, (dt.date, dt.datetime)):
            anchor = value if isinstance(value, dt.datetime) else \
                dt.datetime.combine(value, dt.time(0, 0), zone)
            span = (min(anchor, due), max(anchor, due))
            if cal is not None:
                steps += _skipped(cal, span[0], span[1], zone)
    elif t.delay is not None and cal is not None and not t.delay.is_days:
        steps += _counted(cal, base, due, zone)
    elif t.delay is not None and cal is not None:
        start = cal.next_working(base)
        if start != base:
            steps.append(_step("start", f"counting starts at the next working moment, {local(start.isoformat())}"))
        steps += _skipped(cal, start, due, zone)
        steps.append(_step("delay", f"{amount(t.delay, 'working ')} later, at the same clock time"))
    elif t.delay is not None:
        how = "the same clock time" if t.delay.is_days else "elapsed time"
        steps.append(_step("delay", f"{t.delay} later ({how})"))
    elif cal is not None and due > base:
        steps.append(_step("working", "waits for the next working moment"))
        steps += _skipped(cal, base, due, zone)
    if t.at_time is not None and t.relative is None:
        steps.append(_step("at_time", f"then the next {t.at_time:%H:%M}" + (" in working time" if cal else "")))
    steps += _clock_changes(span[0], span[1], zone)
    if due < base:
        steps.append(_step("past", "that moment had already passed when the timing started: the robot ran at once"))
    steps.append(_step("due", f"due {local(due_iso)}"))
    return steps


def _step(kind: str, words: str) -> dict:
    return {"step": kind, "words": words}


def _counted(cal: Any, base: dt.datetime, due: dt.datetime, zone: Any) -> list[dict]:
    """The working stretches between base and due, and the days between
    them without working time, with why."""
    out: list[dict] = []
    day, last = base.astimezone(zone).date(), due.astimezone(zone).date()
    while day <= last and len(out) < MAX_STEPS:
        spans = [(max(x, base), min(y, due)) for x, y in cal.intervals(day) if y > base and x < due]
        for x, y in spans:
            minutes = int((y - x).total_seconds() // 60)
            out.append(_step("counted", f"counts {minutes} working minute{'s' if minutes != 1 else ''}: "
                                        f"{_wd(x, zone)} {x.astimezone(zone):%H:%M}–{y.astimezone(zone):%H:%M}"))
        if not spans:
            out += _skipped(cal, dt.datetime.combine(day, dt.time(12), zone),
                            dt.datetime.combine(day, dt.time(12), zone), zone)
        day += dt.timedelta(days=1)
    if day <= last:
        out.append(_step("more", f"… and {(last - day).days + 1} more days"))
    return out


def _skipped(cal: Any, a: dt.datetime, b: dt.datetime, zone: Any) -> list[dict]:
    """The days from a to b (local dates, both included) without working
    time, and why: a weekend, a holiday by name, a closed day."""
    out: list[dict] = []
    day, last = a.astimezone(zone).date(), b.astimezone(zone).date()
    while day <= last:
        why = cal.closed_reason(day)
        if why:
            if len(out) == MAX_STEPS:
                out.append(_step("more", "… and more days without working time"))
                break
            out.append(_step("skipped", f"skips {_WEEKDAYS[day.weekday()]} {day:%Y-%m-%d}: {why}"))
        day += dt.timedelta(days=1)
    return out


def _clock_changes(a: dt.datetime, b: dt.datetime, zone: Any) -> list[dict]:
    out = []
    day, end = a.astimezone(zone).date(), b.astimezone(zone).date()
    while day < end and len(out) < MAX_STEPS:
        nxt = day + dt.timedelta(days=1)
        before = dt.datetime.combine(day, dt.time(0, 0), zone).utcoffset()
        after = dt.datetime.combine(nxt, dt.time(0, 0), zone).utcoffset()
        if before != after:
            way = "forward" if after > before else "back"
            out.append(_step("clock", f"the clocks go {way} on {_WEEKDAYS[day.weekday()]} {day:%Y-%m-%d} "
                                      f"({_offset(before)} → {_offset(after)})"))
        day = nxt
    return out


def _offset(delta: dt.timedelta) -> str:
    minutes = int(delta.total_seconds() // 60)
    sign = "+" if minutes >= 0 else "-"
    return f"UTC{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"


def _wd(t: dt.datetime, zone: Any) -> str:
    local_t = t.astimezone(zone)
    return f"{_WEEKDAYS[local_t.weekday()]} {local_t:%Y-%m-%d}"


# ------------------------------------------------------------------ an instant

def explain_instant(run: Run, at: dt.datetime) -> dict:
    """The record at a local moment `at` (naive, in the flow's time zone)."""
    from .localtime import localize
    from .traces import fields_at_iso

    instant = localize(at, run.index.timezone)
    head = run.trace[0]
    start, horizon = dt.datetime.fromisoformat(head["start"]), dt.datetime.fromisoformat(head["horizon"])
    if not start <= instant <= horizon:
        raise ExplainError(f"{at:%Y-%m-%d %H:%M} is outside the run ({local(head['start'])} to "
                           f"{local(head['horizon'])})")
    iso = instant.isoformat()
    events = [d for d in run.mine() if dt.datetime.fromisoformat(d["at"]) <= instant]
    stays = [d for d in events if d["kind"] in ("entered", "moved")]
    out: dict[str, Any] = {"record": run.record, "at": local(iso)}
    if not stays:
        out["stage"] = None
        out["why"] = "the record does not exist yet, or has no stage, at this moment"
        return out
    last = stays[-1]
    out["stage"] = run.stage_title(last.get("pipeline"), last.get("stage"))
    out["since"] = {"at": local(last["at"]), "cause": last.get("cause")}
    out["fields"] = fields_at_iso(run.sim, run.record, iso)
    waiting = {}
    for d in events:
        key = (d.get("robot"), d.get("stage"))
        if d["kind"] in ("scheduled", "rescheduled"):
            waiting[key] = d
        elif d["kind"] in ROBOT_KINDS:
            waiting.pop(key, None)
    out["waiting"] = [{"robot": d["robot"], "due": local(d.get("due")), "words": d.get("reason")}
                      for d in waiting.values() if d.get("stage") == last.get("stage")]
    out["triggers"] = _triggers(run, last.get("pipeline"), last.get("stage"))
    return out


def _triggers(run: Run, pipeline: str | None, stage: str | None) -> list[dict]:
    """The triggers that could move the record from its stage, with the event
    that would fire each."""
    p = run.index.pipelines.get(pipeline) if pipeline else None
    here = p.stage(stage) if p is not None and stage else None
    if here is None:
        return []
    out = []
    for s in p.stages:
        if s is here:
            continue
        forward = here.final is None and here.index < s.index
        for t in s.triggers:
            if t.event is None or not (forward or t.allow_back):
                continue
            item = {"trigger": trigger_text(t), "to": run.stage_title(p.name.value, s.name.value),
                    "event": event_words(t.event, quote=True), "allow_back": t.allow_back and not forward}
            if t.condition is not None:
                item["if"] = run.text(t.condition.span)
            out.append(item)
    return out


# ------------------------------------------------------------------ text

def as_text(d: dict) -> str:
    if "runs" in d:
        return _robot_text(d)
    return _instant_text(d)


def _robot_text(d: dict) -> str:
    out = [f"Robot {d['robot']} on {d['record']}, in {d['stage']}.",
           f"Timing: {d['timing']['written']} — {d['timing']['words']}."]
    if d["condition"]:
        out.append(f"Condition: {d['condition']['written']} — {d['condition']['words']}.")
    if d.get("never"):
        out += ["", f"It never ran: {d['never']}."]
    for one in d["runs"]:
        out.append("")
        if len(d["runs"]) > 1:
            out.append(f"Run {one['number']}:")
        e = one.get("entered")
        if e:
            out.append(f"{e['at']}: {d['record']} entered {e['stage']} ({e['cause']}).")
        for s in one["scheduled"]:
            if s.get("rescheduled"):
                out.append(f"{s['at']}: rescheduled; due {s['due']} — {s['words']}.")
            elif s["due"] is None:
                out.append(f"{s['at']}: the robot starts waiting — {s['words']}.")
            else:
                out.append(f"{s['at']}: its timing starts ({s['because']}); due {s['due']} — {s['words']}.")
        for step in one["steps"][1:-1]:  # the base and the due are on the lines around them
            out.append(f"  · {step['words']}")
        end = one["outcome"]
        status = end["status"]
        if status == "done":
            out.append(f"{end['at']}: done — {end.get('detail', '')}.")
        elif status == "skipped":
            out.append(f"{end['at']}: skipped — the condition was false: {end.get('reason', '')}.")
        elif status == "failed":
            out.append(f"{end['at']}: failed — {end.get('reason', '')}.")
        elif status == "cancelled":
            out.append(f"{end['at']}: cancelled — {end.get('reason', '')}.")
        elif status == "waiting":
            due = f" (due {end['due']})" if end.get("due") else ""
            out.append(f"{end['at']}: still waiting when the simulation ended{due}.")
        cond = one.get("condition")
        if cond:
            values = ", ".join(f"{v['field']} = {v['value']}" for v in cond["values"]) or "no field"
            verdict = "held" if cond["held"] else "was false"
            out.append(f"The condition {verdict} at {cond['checked_at']}: {values}.")
    return "\n".join(out) + "\n"


def _instant_text(d: dict) -> str:
    out = [f"{d['record']} at {d['at']}:"]
    if d["stage"] is None:
        return "\n".join(out + [d["why"] + "."]) + "\n"
    since = d["since"]
    out.append(f"in {d['stage']} since {since['at']} ({since['cause']}).")
    if d["fields"]:
        out.append("Fields: " + ", ".join(f"{k} = {v}" for k, v in d["fields"].items()) + ".")
    if d["waiting"]:
        out.append("Waiting: " + "; ".join(
            f"robot {w['robot']}" + (f", due {w['due']}" if w["due"] else "") + f" ({w['words']})"
            for w in d["waiting"]) + ".")
    else:
        out.append("No robot of this stage is waiting.")
    if d["triggers"]:
        out.append("It would move on:")
        for t in d["triggers"]:
            cond = f", if {t['if']}" if t.get("if") else ""
            back = " (back: allow back)" if t["allow_back"] else ""
            out.append(f"  · to {t['to']}{back} on {t['event']}{cond}")
    else:
        out.append("No trigger can move it from here; only a robot or a person can.")
    return "\n".join(out) + "\n"
