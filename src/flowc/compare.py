"""What a change to the rules does: the scenarios of two versions of a
project, each simulated against both, and the differences in behaviour, per
scenario and record (`flowc diff`).

A scenario runs on both sides in one version: the new one when it exists,
else the old one (a scenario written for the change also shows how the old
rules behaved).  The traces are compared in the terms of the JSON-lines
contract (docs/trace.md): each robot run (by record, stage, robot and
occurrence) with its status, time, due time and action as done (texts,
recipients), each record's final stage, the records that exist, the
expectations' results and the run's errors.  A scenario that cannot run on a
side (its file is missing, the rules or the scenario do not check there) is
reported, never a crash.
"""
from __future__ import annotations

import datetime as dt
import os
from typing import Any

import attrs

from . import ir
from .diagnostics import Diagnostics, Severity
from .sides import Side

ROBOT_KINDS = ("done", "failed", "skipped", "cancelled", "waiting")
_WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


@attrs.frozen
class Change:
    """One difference: `old` and `new` are None where a side has nothing."""
    record: str | None  # None: the scenario as a whole
    kind: str   # "robot_added", "robot_removed", "status", "at", "due", "action", "stage",
                # "record_added", "record_removed", "expectation", "error"
    subject: str | None  # the robot, or the expectation in words
    old: str | None
    new: str | None


@attrs.frozen
class ScenarioDiff:
    file: str          # the root file, relative to the side's folder ("" for a single file)
    name: str
    origin: str        # "both", "old" or "new": where the scenario is written
    rewritten: bool    # written on both sides, differently (the new version ran)
    problems: tuple[str, ...]  # why it could not be compared
    changes: tuple[Change, ...]

    @property
    def status(self) -> str:
        return "not_compared" if self.problems else "changed" if self.changes else "same"


@attrs.frozen
class Loaded:
    """One root file of a side: its project and sources, or its errors."""
    path: str
    project: ir.Project | None
    sources: dict
    errors: tuple[str, ...]


# ------------------------------------------------------------------ loading

def load_side(side: Side) -> dict[str, Loaded]:
    """The side's root files by their key (path in the folder; "" for a file)."""
    from .files import collect_files, load_projects

    files = collect_files((side.path,))
    out = {}
    for f in files:
        diags = Diagnostics()
        [(root, project, _)], sources = load_projects([f], diags)
        errors = tuple(side.shown(f"{d.span}: error[{d.code}]: {d.summary}") for d in diags.sorted()
                       if d.severity == Severity.ERROR)
        key = "" if os.path.isfile(side.path) else os.path.relpath(f, side.path).replace(os.sep, "/")
        out[key] = Loaded(root, project, sources, errors)
    return out


def scenarios_of(loaded: Loaded) -> dict[str, ir.Scenario]:
    """The scenarios written in the root file itself (not in files it uses)."""
    if loaded.project is None:
        return {}
    out: dict[str, ir.Scenario] = {}
    for sc in loaded.project.scenarios:
        if sc.span.path == loaded.path:
            out.setdefault(sc.name.value, sc)
    return out


def _text(sources: dict, span: Any) -> str:
    src = sources.get(span.path)
    return " ".join(src.text[span.start:span.end].split()) if src is not None else ""


# ------------------------------------------------------------------ running

def compare(old: Side, new: Side, names: list[str]) -> list[ScenarioDiff]:
    """Every scenario of either side (or those named), run on both sides."""
    olds, news = load_side(old), load_side(new)
    if set(olds) == {""} and set(news) != {""} or set(news) == {""} and set(olds) != {""}:
        raise ValueError("compare a file with a file, or a folder with a folder")
    out = []
    for key in sorted(set(olds) | set(news)):
        a, b = olds.get(key), news.get(key)
        sa, sb = (scenarios_of(a) if a else {}), (scenarios_of(b) if b else {})
        for name in sorted(set(sa) | set(sb)):
            if names and name not in names:
                continue
            sc = sb.get(name) or sa.get(name)
            origin = "both" if name in sa and name in sb else "new" if name in sb else "old"
            rewritten = origin == "both" and _text(a.sources, sa[name].span) != _text(b.sources, sb[name].span)
            sc_sources = (b if name in sb else a).sources
            problems, traces = [], []
            for label, side, loaded in (("OLD", old, a), ("NEW", new, b)):
                trace, problem = run_on(loaded, sc, sc_sources, side, label)
                traces.append(trace)
                if problem:
                    problems.append(problem)
            changes = () if problems else tuple(diff_traces(traces[0], traces[1]))
            out.append(ScenarioDiff(key, name, origin, rewritten, tuple(problems), changes))
    return out


def run_on(loaded: Loaded | None, sc: ir.Scenario, sc_sources: dict, side: Side, label: str):
    """The trace (JSON-lines objects) of `sc` run on a side, or (None, why not)."""
    from .check import check
    from .index import Index

    if loaded is None:
        return None, f"{label} has no such file"
    if loaded.errors:
        return None, f"{label} does not check: {loaded.errors[0]}" + (
            f" (and {len(loaded.errors) - 1} more)" if len(loaded.errors) > 1 else "")
    project = loaded.project
    if not any(s is sc for s in project.scenarios):
        kept = tuple(s for s in project.scenarios if s.name.value != sc.name.value)
        project = attrs.evolve(project, scenarios=kept + (sc,))
        diags = Diagnostics()
        check(project, diags)
        inside = [d for d in diags.sorted() if d.severity == Severity.ERROR and d.span.path == sc.span.path
                  and sc.span.start <= d.span.start <= sc.span.end]
        if inside:
            d = inside[0]
            where = "" if sc_sources is loaded.sources else "the other version's "
            return None, (f"the scenario does not check against {label}: error[{d.code}]: {d.summary} "
                          f"({where}{d.span.path}:{d.span.line}:{d.span.column})")
    from .traces import run_scenario

    sources = {**sc_sources, **loaded.sources}
    return run_scenario(project, Index(project), sc, sources, loaded.path)[0], None


# ------------------------------------------------------------------ comparing

def local(iso: str | None) -> str | None:
    """`2026-03-09T09:05:00+00:00` as `Mon 2026-03-09 09:05` (the flow's local time)."""
    if iso is None:
        return None
    t = dt.datetime.fromisoformat(iso)
    return f"{_WEEKDAYS[t.weekday()]} {t:%Y-%m-%d %H:%M}"


def robot_runs(trace: list[dict]) -> dict[tuple, dict]:
    """Each robot run's outcome, by (record, pipeline, stage, robot, occurrence)."""
    due: dict[tuple, str | None] = {}
    seen: dict[tuple, int] = {}
    out: dict[tuple, dict] = {}
    for e in trace:
        if e["kind"] not in ("scheduled", "rescheduled", *ROBOT_KINDS):
            continue
        place = (e["record"], e.get("pipeline"), e.get("stage"), e.get("robot"))
        if e["kind"] in ("scheduled", "rescheduled"):
            due[place] = e.get("due")  # the last due time counts
            continue
        n = seen.get(place, 0)
        seen[place] = n + 1
        out[(*place, n)] = {"status": e["kind"], "at": e["at"], "due": due.pop(place, e.get("due")),
                            "detail": e.get("detail"), "reason": e.get("reason")}
    return out


def diff_traces(old: list[dict], new: list[dict]) -> list[Change]:
    changes: list[Change] = []
    ra, rb = robot_runs(old), robot_runs(new)
    order = list(rb) + [k for k in ra if k not in rb]
    for key in order:
        record, robot = key[0], key[3]
        a, b = ra.get(key), rb.get(key)
        if a is None:
            changes.append(Change(record, "robot_added", robot, None, _outcome(b)))
        elif b is None:
            changes.append(Change(record, "robot_removed", robot, _outcome(a), None))
        else:
            if a["status"] != b["status"]:
                changes.append(Change(record, "status", robot, _outcome(a), _outcome(b)))
            elif a["at"] != b["at"] and a["status"] != "waiting":
                changes.append(Change(record, "at", robot, local(a["at"]), local(b["at"])))
            moved = a["status"] == b["status"] and a["at"] != b["at"] and a["status"] != "waiting"
            same_shift = moved and (a["due"], b["due"]) == (a["at"], b["at"])  # said by the "at" line
            if a["due"] != b["due"] and (a["due"] or b["due"]) and not same_shift:
                changes.append(Change(record, "due", robot, local(a["due"]), local(b["due"])))
            if a["detail"] != b["detail"] and a["status"] == b["status"]:
                changes.append(Change(record, "action", robot, a["detail"], b["detail"]))
    sa = {e["record"]: e for e in old if e["kind"] == "summary"}
    sb = {e["record"]: e for e in new if e["kind"] == "summary"}
    for rec in list(sb) + [r for r in sa if r not in sb]:
        a, b = sa.get(rec), sb.get(rec)
        if a is None:
            changes.append(Change(rec, "record_added", None, None, f"{b['entity']} in {_stage(b)}"))
        elif b is None:
            changes.append(Change(rec, "record_removed", None, f"{a['entity']} in {_stage(a)}", None))
        elif _stage(a) != _stage(b):
            changes.append(Change(rec, "stage", None, _stage(a), _stage(b)))
    ea = _expectations(old)
    for key, b in _expectations(new).items():
        a = ea.get(key)
        if a is not None and a["ok"] != b["ok"]:
            changes.append(Change(b["record"], "expectation", b["expectation"],
                                  _verdict(a), _verdict(b)))
    err_a = next((e["error"] for e in old if e["kind"] == "result"), False)
    err_b = next((e["error"] for e in new if e["kind"] == "result"), False)
    if err_a != err_b:
        reasons = {t: "; ".join(e.get("reason", e["kind"]) for e in tr if e["kind"] in ("loop", "limit", "error"))
                   for t, tr in (("old", old), ("new", new))}
        changes.append(Change(None, "error", None, reasons["old"] or "no error", reasons["new"] or "no error"))
    return _by_record(changes)


def _outcome(run: dict) -> str:
    if run["status"] == "waiting":
        return "waiting" + (f", due {local(run['due'])}" if run["due"] else "")
    text = f"{run['status']} {local(run['at'])}"
    why = run["detail"] if run["status"] == "done" else run["reason"]
    return f"{text}: {why}" if why else text


def _stage(summary: dict) -> str:
    if summary.get("stage") is None:
        return "no stage"
    return f"{summary['pipeline']}.{summary['stage']}"


def _expectations(trace: list[dict]) -> dict[tuple, dict]:
    out: dict[tuple, dict] = {}
    for e in trace:
        if e["kind"] == "expectation":
            n = sum(1 for k in out if k[0] == e["expectation"])
            out[(e["expectation"], n)] = e
    return out


def _verdict(e: dict) -> str:
    return "holds" if e["ok"] else f"fails ({e['actual']})"


def _by_record(changes: list[Change]) -> list[Change]:
    """The changes grouped by record, records in order of first mention; the
    scenario's own (record None) last."""
    first: dict[str | None, int] = {}
    for i, c in enumerate(changes):
        first.setdefault(c.record, i)
    return sorted(changes, key=lambda c: (c.record is None, first[c.record]))


# ------------------------------------------------------------------ counts

#: Summary counters, in the order they are printed.
COUNTS = {
    "robot_added": ("robot run added", "robot runs added"),
    "robot_removed": ("robot run removed", "robot runs removed"),
    "status": ("status changed", "statuses changed"),
    "at": ("run time changed", "run times changed"),
    "due": ("due time changed", "due times changed"),
    "action": ("action changed (texts, recipients)", "actions changed (texts, recipients)"),
    "stage": ("final stage changed", "final stages changed"),
    "record_added": ("record added", "records added"),
    "record_removed": ("record removed", "records removed"),
    "expectation": ("expectation changed", "expectations changed"),
    "error": ("run error changed", "run errors changed"),
}


def counts(diffs: list[ScenarioDiff]) -> dict[str, int]:
    out = {"scenarios": len(diffs), "changed": 0, "same": 0, "not_compared": 0}
    for d in diffs:
        out[d.status] += 1
    for kind in COUNTS:
        out[kind] = sum(1 for d in diffs for c in d.changes if c.kind == kind)
    return out
