"""The replay report: the merged summary as text for people, or as JSON.

Both say the same things, in the same order: the records (read, replayed,
skipped, created), each robot (runs, done, failed, skipped, cancelled,
waiting, the top reasons of skips and failures), messages per channel, the
busiest contacts (messages per contact per day), tasks, activities and
notifications per employee per day, the load per hour of day and day of
week, the records whose final stage under the rules differs from the
history's, and the bad data.  Ties are broken by name, so the report is the
same bytes for the same data and rules.
"""
from __future__ import annotations

import json
from typing import Any, TextIO

from ..index import Index
from .problems import CODES
from .summary import STATUSES, Summary

WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


def _robot_order(index: Index):
    order = {}
    for pi, p in enumerate(index.pipelines.values()):
        for s in p.stages:
            for ri, r in enumerate(s.robots):
                order.setdefault((p.name.value, s.name.value, r.name.value), (pi, s.index, ri))
    return lambda key: (order.get(key, (len(order), 0, 0)), key)


def _top(counter, n: int, key=None):
    """The n largest, ties by key: [(key, count)]."""
    return sorted(counter.items(), key=lambda kv: (-kv[1], kv[0]))[:n]


def build(s: Summary, index: Index, top: int = 10) -> dict[str, Any]:
    """The report as a dict (what `--format json` writes)."""
    robots = {}
    for (p, st, r, status), n in s.robots.items():
        robots.setdefault((p, st, r), dict.fromkeys(STATUSES, 0))[status] += n
    skip: dict = {}
    for (p, st, r, why), n in s.skip_reasons.items():
        skip.setdefault((p, st, r), {})[why] = n
    fail: dict = {}
    for (p, st, r, why), n in s.fail_reasons.items():
        fail.setdefault((p, st, r), {})[why] = n
    rows = []
    for key in sorted(robots, key=_robot_order(index)):
        c = robots[key]
        rows.append({"pipeline": key[0], "stage": key[1], "robot": key[2], "runs": c["done"] + c["failed"],
                     **c,
                     "skip_reasons": [{"reason": w, "count": n} for w, n in _top(skip.get(key, {}), top)],
                     "fail_reasons": [{"reason": w, "count": n} for w, n in _top(fail.get(key, {}), top)]})
    work: dict = {}
    for (who, day, what), n in s.employee_days.items():
        work.setdefault((who, day), {})[what] = n
    busiest_work = sorted(work.items(), key=lambda kv: (-sum(kv[1].values()), kv[0]))[:top]
    return {
        "records": {"read": s.records, "replayed": s.replayed, "skipped": s.skipped,
                    "created_by_robots": s.created, "with_errors": s.error_count, "trace_events": s.events},
        "robots": rows,
        "messages": {k: s.messages[k] for k in sorted(s.messages)},
        "busiest_contacts": [{"contact": c, "day": d, "messages": n} for (c, d), n in _top(s.contact_days, top)],
        "employees": [{"employee": w, "day": d, "total": sum(c.values()), **{k: c[k] for k in sorted(c)}}
                      for (w, d), c in busiest_work],
        "load": {"hour_of_day": {f"{h:02d}": s.hours[h] for h in range(24)},
                 "day_of_week": {WEEKDAYS[d]: s.weekdays[d] for d in range(7)}},
        "final_stage_differs": {
            "records": sum(s.stage_changes.values()),
            "changes": [{"history": a, "rules": b, "records": n} for (a, b), n in _top(s.stage_changes, top)],
            "examples": [{"record": r, "history": a, "rules": b} for _, _, r, a, b in s.differs[:top]]},
        "errors": [{"record": r, "reason": why} for _, _, r, why in s.errors[:top]],
        "problems": {"total": sum(s.problem_counts.values()),
                     "by_code": {c: s.problem_counts[c] for c in sorted(s.problem_counts)},
                     "first": [p.as_dict() for p in s.problems]},
    }


def write_json(report: dict, out: TextIO) -> None:
    out.write(json.dumps(report, sort_keys=True, indent=2, ensure_ascii=False) + "\n")


def write_text(r: dict, out: TextIO, title: str) -> None:
    w = out.write
    rec = r["records"]
    w(f"{title}\n")
    w(f"  records   {rec['read']:,} read, {rec['replayed']:,} replayed, {rec['skipped']:,} skipped (bad data), "
      f"{rec['created_by_robots']:,} created by robots\n")
    w(f"  trace     {rec['trace_events']:,} events; {rec['with_errors']:,} records hit a loop or a limit\n")

    w("\nRobots\n")
    if not r["robots"]:
        w("  (no robot ran)\n")
    else:
        names = [f"{x['pipeline']}.{x['stage']}.{x['robot']}" for x in r["robots"]]
        width = max(len(n) for n in names)
        w(f"  {'robot':<{width}}  {'runs':>7}  {'done':>7}  {'failed':>7}  {'skipped':>7}  {'cancelled':>9}"
          f"  {'waiting':>7}\n")
        for name, x in zip(names, r["robots"]):
            w(f"  {name:<{width}}  {x['runs']:>7,}  {x['done']:>7,}  {x['failed']:>7,}  {x['skipped']:>7,}"
              f"  {x['cancelled']:>9,}  {x['waiting']:>7,}\n")
            for label, key in (("skipped", "skip_reasons"), ("failed", "fail_reasons")):
                for item in x[key]:
                    w(f"      {label} {item['count']:,}×: {item['reason']}\n")

    w("\nMessages per channel\n")
    if not r["messages"]:
        w("  (none)\n")
    for ch, n in r["messages"].items():
        w(f"  {ch:<12} {n:>9,}\n")

    w("\nBusiest contacts (messages to one contact in one day)\n")
    if not r["busiest_contacts"]:
        w("  (none)\n")
    for x in r["busiest_contacts"]:
        w(f"  {x['day']}  {x['contact']:<20} {x['messages']:>5,}\n")

    w("\nTasks, activities and notifications per employee per day (busiest)\n")
    if not r["employees"]:
        w("  (none)\n")
    for x in r["employees"]:
        parts = ", ".join(f"{k} {x[k]:,}" for k in ("task", "activity", "notification") if k in x)
        w(f"  {x['day']}  {x['employee']:<20} {x['total']:>5,}  ({parts})\n")

    w("\nLoad: robot actions done per hour of day (local time)\n")
    hours = r["load"]["hour_of_day"]
    top = max(hours.values()) or 1
    for h, n in hours.items():
        if n:
            w(f"  {h}:00  {n:>9,}  {'#' * max(1, round(30 * n / top))}\n")
    if not any(hours.values()):
        w("  (none)\n")
    w("\nLoad: robot actions done per day of week\n")
    days = r["load"]["day_of_week"]
    top = max(days.values()) or 1
    for d, n in days.items():
        w(f"  {d}  {n:>9,}  {'#' * round(30 * n / top)}\n")

    f = r["final_stage_differs"]
    w(f"\nFinal stage under the rules differs from the history's: {f['records']:,} of {rec['replayed']:,} records\n")
    if f["changes"]:
        width = max(len(x["history"]) for x in f["changes"])
        rwidth = max(len(x["rules"]) for x in f["changes"])
        w(f"  {'history':<{width}}    {'rules':<{rwidth}}  {'records':>7}\n")
    for x in f["changes"]:
        w(f"  {x['history']:<{width}} →  {x['rules']:<{rwidth}}  {x['records']:>7,}\n")
    if f["examples"]:
        w("  for example: " + ", ".join(x["record"] for x in f["examples"]) + "\n")
    if r["errors"]:
        w("\nRecords whose replay hit a loop or a limit\n")
        for x in r["errors"]:
            w(f"  {x['record']}: {x['reason']}\n")

    p = r["problems"]
    w(f"\nBad data: {p['total']:,} problems")
    if p["by_code"]:
        w(" (" + ", ".join(f"{c} {CODES[c][0]} {n:,}" for c, n in p["by_code"].items()) + ")")
    w("\n")
    for x in p["first"]:
        field = f' field "{x["field"]}":' if x["field"] else ""
        rid = f" (record {x['record']})" if x["record"] else ""
        w(f"  {x['path']}:{x['line']}: {x['severity']}[{x['code']}]:{field} {x['message']}{rid}\n")
    if p["total"] > len(p["first"]):
        w(f"  ... and {p['total'] - len(p['first']):,} more\n")
