"""A simulation as one self-contained HTML page (`flowc simulate --html`).

`HtmlRenderer` is a renderer like the text and JSON ones (start / event /
finish, once per scenario); it reads each event through those two (the
JSON-lines object for the data, the text line for the tooltip) and keeps
them.  `page()` then lays out every scenario as a timeline: one lane per
record with its stays in stages as bars, robot runs as marks coloured by
status (the trace line as tooltip), the scenario's happenings as flags, the
non-working time of the calendar shaded, and the expectations with ✓/✗.

The time axis shows whole days (each 24 hours wide); a stretch of more than
`GAP_DAYS` days without anything happening is folded into a narrow break
that says how long it is.  Inline CSS, SVG and a little JavaScript (the
tooltip); nothing is fetched.  The page depends on the trace only.
"""
from __future__ import annotations

import datetime as dt
import html
import io
import json
import re
from typing import Any
from zoneinfo import ZoneInfo

from .words import hm

#: Widths and heights, in pixels; an hour of working time is WORK_PX wide,
#: of non-working time OFF_PX, and PLAIN_PX when there is no calendar.
WORK_PX, OFF_PX, PLAIN_PX = 40, 6, 15
BREAK_W, LANE_H, ROW_H, LABEL_W, AXIS_H, MARK_R = 56, 34, 14, 150, 40, 5
#: Idle days shown as they are (weekends stay visible); more are folded.
GAP_DAYS = 3
STATUSES = ("done", "failed", "skipped", "cancelled", "waiting")
STAGE_COLORS = ("#90caf9", "#ce93d8", "#ffcc80", "#80cbc4", "#b0bec5", "#fff59d", "#bcaaa4", "#9fa8da")
FINAL_COLORS = {"success": "#a5d6a7", "failure": "#ef9a9a"}
_WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


class HtmlRenderer:
    """Collects the scenarios of a run; `page()` is the HTML."""

    def __init__(self) -> None:
        self.scenarios: list[dict] = []

    def start(self, sim: Any, path: str, holidays_version: str) -> None:
        from .render import JsonRenderer, TextRenderer

        self._json, self._text = io.StringIO(), io.StringIO()
        self.json = JsonRenderer(self._json)
        self.text = TextRenderer(self._text, False)
        self.json.start(sim, path, holidays_version)
        self.text.start(sim, path, holidays_version)
        self._text.seek(0)
        self._text.truncate()
        self.current = {"events": [], "stages": _stage_info(sim.index), "shading": _Shading(sim),
                        "tz": sim.tz}
        self.scenarios.append(self.current)

    def event(self, ev: Any) -> None:
        self.json.event(ev)
        self.text.event(ev)
        data = json.loads(self._json.getvalue())
        line = re.sub(r"  +", "  ", self._text.getvalue().strip())  # the record column's padding
        for buf in (self._json, self._text):
            buf.seek(0)
            buf.truncate()
        self.current["events"].append((data, line))

    def finish(self, sim: Any, results: list) -> None:
        self.json.finish(sim, results)
        rest = [json.loads(line) for line in self._json.getvalue().splitlines()]
        self.current["summaries"] = [d for d in rest if d["kind"] == "summary"]
        self.current["expectations"] = [d for d in rest if d["kind"] == "expectation"]
        self.current["result"] = next(d for d in rest if d["kind"] == "result")

    def page(self) -> str:
        names = ", ".join(s["events"][0][0]["scenario"] for s in self.scenarios if s["events"])
        body = "\n".join(_scenario(s) for s in self.scenarios)
        return (f"<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
                f"<title>flowc simulate: {_e(names)}</title>\n<style>{CSS}</style>\n</head>\n<body>\n"
                f"{body}\n<div id=\"tip\" role=\"tooltip\"></div>\n<script>{JS}</script>\n</body>\n</html>\n")


def _stage_info(index: Any) -> dict:
    """(pipeline, stage) -> (title, colour)."""
    out = {}
    for p in index.pipelines.values():
        for s in p.stages:
            color = FINAL_COLORS.get(s.final) or STAGE_COLORS[s.index % len(STAGE_COLORS)]
            out[(p.name.value, s.name.value)] = (s.title or s.name.value, color)
    return out


class _Shading:
    """The non-working time to shade: of the calendar the scenario's robots
    count in (the first one used, else the project's first calendar)."""

    def __init__(self, sim: Any) -> None:
        from .workcal import WorkCalendar

        index = sim.index
        used = [r.timing.calendar.value for p in index.pipelines.values() for s in p.stages for r in s.robots
                if r.timing.calendar is not None and r.timing.calendar.value in index.calendars]
        cal = index.calendars.get(used[0]) if used else next(iter(index.calendars.values()), None)
        self.name = cal.name.value if cal is not None else None
        self.work = WorkCalendar.from_ir(cal, index.timezone) if cal is not None else None

    def off(self, day: dt.date, begin: dt.datetime, end: dt.datetime) -> tuple[list, str | None]:
        """The non-working stretches of a day as instants, and why the whole
        day is off (a holiday's name), if it is."""
        if self.work is None:
            return [], None
        try:
            work = [(max(a, begin), min(b, end)) for a, b in self.work.intervals(day) if b > begin and a < end]
            reason = self.work.closed_reason(day)
        except ValueError:  # an unknown holidays source: the checker says so
            return [], None
        out, t = [], begin
        for a, b in work:
            if a > t:
                out.append((t, a))
            t = max(t, b)
        if t < end:
            out.append((t, end))
        return out, reason if reason and not reason.startswith("weekend") else None


# ------------------------------------------------------------------ the time axis

class _Axis:
    """Instants to x: the shown days side by side, working hours wide and
    the rest narrow (`WORK_PX` and `OFF_PX` per hour; `PLAIN_PX` without a
    calendar), long idle stretches folded into a break."""

    def __init__(self, tz: str, instants: list[dt.datetime], start: dt.datetime, horizon: dt.datetime,
                 shading: "_Shading") -> None:
        self.zone = ZoneInfo(tz)
        self.calendar = shading.work is not None
        first = start.astimezone(self.zone).date()
        last = horizon.astimezone(self.zone).date()
        if horizon == self.midnight(last) and last > first:
            last -= dt.timedelta(days=1)  # a horizon at midnight ends the day before
        busy = sorted({first, last} | {t.astimezone(self.zone).date() for t in instants if t <= horizon})
        shown: list[tuple[str, Any]] = []
        for i, d in enumerate(busy):
            if i:
                idle = (d - busy[i - 1]).days - 1
                if idle > GAP_DAYS:
                    shown.append(("break", idle))
                else:
                    shown += [("day", busy[i - 1] + dt.timedelta(days=k)) for k in range(1, idle + 1)]
            shown.append(("day", d))
        self.pieces: list[tuple[str, Any, float]] = []  # ("day", date, x) or ("break", days, x)
        self.spans: dict[dt.date, list[tuple[dt.datetime, dt.datetime, float, float]]] = {}
        self.off: dict[dt.date, tuple[list, str | None]] = {}
        x = float(LABEL_W)
        for kind, value in shown:
            self.pieces.append((kind, value, x))
            if kind == "break":
                x += BREAK_W
                continue
            a, b = self.bounds(value)
            off, why = shading.off(value, a, b)
            self.off[value] = (off, why)
            cuts = sorted({a, b} | {t for s, e in off for t in (s, e)})
            spans = []
            for s, e in zip(cuts, cuts[1:]):
                rate = (OFF_PX if any(o <= s and e <= p for o, p in off) else WORK_PX) \
                    if shading.work is not None else PLAIN_PX
                spans.append((s, e, x, rate / 3600))
                x += rate * (e - s).total_seconds() / 3600
            self.spans[value] = spans
        self.width = x + 20

    def midnight(self, day: dt.date) -> dt.datetime:
        from .localtime import localize
        return localize(dt.datetime.combine(day, dt.time()), self.zone)

    def bounds(self, day: dt.date) -> tuple[dt.datetime, dt.datetime]:
        return self.midnight(day), self.midnight(day + dt.timedelta(days=1))

    def x(self, t: dt.datetime) -> float:
        day = t.astimezone(self.zone).date()
        for s, e, x, rate in self.spans.get(day, ()):
            if s <= t <= e:
                return x + rate * (t - s).total_seconds()
        # in a folded stretch: the middle of its break; past the end: the end
        for kind, value, x in self.pieces:
            if kind == "day" and value > day:
                return x - BREAK_W / 2
        return self.width - 20


def _at(iso: str) -> dt.datetime:
    return dt.datetime.fromisoformat(iso)


def _local(t: dt.datetime, zone: ZoneInfo) -> str:
    t = t.astimezone(zone)
    return f"{_WEEKDAYS[t.weekday()]} {t:%Y-%m-%d %H:%M}"


# ------------------------------------------------------------------ one scenario

def _scenario(s: dict) -> str:
    events = s["events"]
    head = events[0][0]
    zone = ZoneInfo(s["tz"])
    start, horizon = _at(head["start"]), _at(head["horizon"])
    axis = _Axis(s["tz"], [_at(d["at"]) for d, _ in events], start, horizon, s["shading"])
    records = [d["record"] for d in s["summaries"]]
    for d, _ in events:
        if d["record"] is not None and d["record"] not in records:
            records.append(d["record"])
    lanes = {r: _Lane(r) for r in records}
    for d, line in events:
        lane = lanes.get(d["record"])
        if lane is not None:
            lane.add(d, line, axis)
    y = AXIS_H
    for lane in lanes.values():
        lane.y = y
        y += lane.height()
    height = y + 10
    svg = [f'<svg class="timeline" xmlns="http://www.w3.org/2000/svg" width="{axis.width:.0f}" height="{height}" '
           f'viewBox="0 0 {axis.width:.0f} {height}" role="img" aria-label="timeline of scenario {_e(head["scenario"])}">']
    svg += _days(axis, height)
    for lane in lanes.values():
        svg += lane.svg(axis, horizon, s["stages"])
    svg.append("</svg>")
    result = s["result"]
    verdict = "ok" if result["ok"] else "bad"
    word = (f"OK: all {result['expectations']} expectations held" if result["ok"] else
            f"FAILED: {result['failed']} of {result['expectations']} expectations failed"
            + ("; the run hit an error" if result["error"] else ""))
    title = f" — {head['title']}" if head.get("title") else ""
    facts = [("file", head["file"]), ("time zone", head["timezone"]), ("start", _local(start, zone)),
             ("horizon", f"{_local(horizon, zone)} ({head['horizon_reason']})"),
             ("shaded", f"outside the working hours of calendar {s['shading'].name}" if s["shading"].name
              else "nothing: the project has no calendar")]
    out = [f'<section class="scenario" id="scenario-{_e(head["scenario"])}">',
           f"<h1>Scenario {_e(head['scenario'])}{_e(title)}</h1>",
           "<dl>" + "".join(f"<dt>{k}</dt><dd>{_e(v)}</dd>" for k, v in facts) + "</dl>",
           _legend(), '<div class="scroll">', *svg, "</div>",
           f'<h2>Expectations</h2>\n<p class="verdict {verdict}">{_e(word)}</p>', '<ul class="expectations">']
    for e in s["expectations"]:
        mark, cls = ("✓", "ok") if e["ok"] else ("✗", "bad")
        more = "" if e["ok"] else (f'<div class="why">expected {_e(e["expected"])}; actually {_e(e["actual"])} '
                                   f'({_e(e["position"])})</div>')
        out.append(f'<li class="expectation {cls}"><span class="check">{mark}</span> {_e(e["expectation"])}{more}</li>')
    if not s["expectations"]:
        out.append("<li>none</li>")
    out += ["</ul>", "</section>"]
    return "\n".join(out)


def _legend() -> str:
    items = "".join(f'<span class="key"><svg width="14" height="14"><circle cx="7" cy="7" r="{MARK_R}" '
                    f'class="key-mark {s}"/></svg>{s}</span>' for s in STATUSES)
    flag = '<span class="key"><svg width="14" height="14"><path class="flag" d="M3 13V1h9l-3 3 3 3H3"/></svg>happening</span>'
    off = '<span class="key"><svg width="14" height="14"><rect width="14" height="14" class="off"/></svg>non-working time</span>'
    return f'<p class="legend">{items}{flag}{off}</p>'


def _days(axis: _Axis, height: int) -> list[str]:
    out = []
    for kind, value, x in axis.pieces:
        if kind == "break":
            out.append(f'<rect class="fold" x="{x:.1f}" y="0" width="{BREAK_W}" height="{height}"/>')
            out.append(f'<text class="fold-label" x="{x + BREAK_W / 2:.1f}" y="{AXIS_H - 22}">⋯</text>')
            out.append(f'<text class="fold-label" x="{x + BREAK_W / 2:.1f}" y="{AXIS_H - 8}">{value} days</text>')
            continue
        stretches, why = axis.off[value]
        for s, e in stretches:
            out.append(f'<rect class="off" x="{axis.x(s):.1f}" y="{AXIS_H - 4}" width="{axis.x(e) - axis.x(s):.1f}" '
                       f'height="{height - AXIS_H + 4}"><title>{_e(why or "non-working time")}</title></rect>')
        out.append(f'<line class="day" x1="{x:.1f}" y1="0" x2="{x:.1f}" y2="{height}"/>')
        label = f"{_WEEKDAYS[value.weekday()]} {value:%m-%d}"
        out.append(f'<text class="day-label" x="{x + 4:.1f}" y="14">{_e(label)}<title>{_e(value)}'
                   f'{_e(" · " + why) if why else ""}</title></text>')
        if why:
            out.append(f'<text class="holiday" x="{x + 4:.1f}" y="{AXIS_H - 24}">{_e(why)}</text>')
        for t in _hours(axis, value, stretches):
            out.append(f'<text class="hour" x="{axis.x(t):.1f}" y="{AXIS_H - 10}">'
                       f'{_e(t.astimezone(axis.zone).strftime("%H:%M"))}</text>')
    return out


def _hours(axis: _Axis, day: dt.date, off: list) -> list[dt.datetime]:
    """The times to label on a day: each opening of a working stretch, or
    06:00, 12:00 and 18:00 on a day without a calendar's hours."""
    spans = axis.spans[day]
    if off or axis.calendar:
        return [s for s, e, *_ in spans if not any(o <= s and e <= p for o, p in off)]
    start = spans[0][0]
    return [start + dt.timedelta(hours=h) for h in (6, 12, 18)]


class _Lane:
    """One record: its stays in stages, robot marks and flags."""

    def __init__(self, record: str) -> None:
        self.record = record
        self.stays: list[list] = []  # [pipeline, stage, from, to or None]
        self.marks: list[tuple[float, str, str, str]] = []  # (x, kind, css class, tooltip)
        self.y = 0

    def add(self, d: dict, line: str, axis: _Axis) -> None:
        kind, at = d["kind"], _at(d["at"])
        if kind in ("entered", "moved"):
            if self.stays and self.stays[-1][3] is None:
                self.stays[-1][3] = at
            self.stays.append([d.get("pipeline"), d.get("stage"), at, None])
        elif kind in STATUSES:
            self.marks.append((axis.x(at), "mark", kind, line))
        elif kind == "created":
            self.marks.append((axis.x(at), "created", "created", line))
        elif kind == "event" and d.get("cause") == "scenario":
            self.marks.append((axis.x(at), "flag", "happening", line))
        elif kind in ("loop", "limit", "error"):
            self.marks.append((axis.x(at), "flag", "trouble", line))

    def rows(self) -> list[int]:
        """The row of each mark: marks that would overlap go one row down."""
        ends: list[float] = []
        out = []
        for x, *_ in self.marks:
            row = next((i for i, end in enumerate(ends) if end <= x), len(ends))
            if row == len(ends):
                ends.append(0.0)
            ends[row] = x + 2 * MARK_R + 2
            out.append(row)
        return out

    def height(self) -> int:
        return LANE_H + ROW_H * max(0, max(self.rows(), default=0))

    def svg(self, axis: _Axis, horizon: dt.datetime, stages: dict) -> list[str]:
        y = self.y
        out = [f'<g class="lane" data-record="{_e(self.record)}">',
               f'<line class="lane-line" x1="0" y1="{y + self.height():.0f}" x2="{axis.width:.0f}" '
               f'y2="{y + self.height():.0f}"/>',
               f'<text class="record" x="8" y="{y + 20}">{_e(self.record)}</text>']
        for pipeline, stage, a, b in self.stays:
            title, color = stages.get((pipeline, stage), (stage or "?", STAGE_COLORS[0]))
            x1, x2 = axis.x(a), axis.x(b or horizon)
            out.append(f'<rect class="stay" x="{x1:.1f}" y="{y + 4}" width="{max(2.0, x2 - x1):.1f}" height="10" '
                       f'fill="{color}"><title>{_e(self.record)} in {_e(title)}</title></rect>')
            out.append(f'<text class="stay-label" x="{x1 + 3:.1f}" y="{y + 12}">{_e(title)}</text>')
        for (x, shape, cls, tip), row in zip(self.marks, self.rows()):
            cy = y + 24 + ROW_H * row
            if shape == "mark":
                out.append(f'<circle class="mark {cls}" cx="{x:.1f}" cy="{cy}" r="{MARK_R}" data-tip="{_e(tip)}">'
                           f"<title>{_e(tip)}</title></circle>")
            elif shape == "created":
                out.append(f'<path class="created" d="M{x:.1f} {cy - MARK_R}l{MARK_R} {MARK_R}l-{MARK_R} {MARK_R}'
                           f'l-{MARK_R} -{MARK_R}z" data-tip="{_e(tip)}"><title>{_e(tip)}</title></path>')
            else:
                out.append(f'<path class="flag {cls}" d="M{x:.1f} {cy + 6}v-12h8l-3 3 3 3h-8" data-tip="{_e(tip)}">'
                           f"<title>{_e(tip)}</title></path>")
        out.append("</g>")
        return out


def _e(text: Any) -> str:
    return html.escape(str(text), quote=True)


CSS = """
body{font:14px/1.4 system-ui,-apple-system,"Segoe UI",Roboto,Helvetica,Arial,sans-serif;margin:24px;color:#263238}
h1{font-size:20px;margin:0 0 8px}h2{font-size:16px;margin:16px 0 4px}
dl{display:grid;grid-template-columns:max-content auto;gap:0 12px;margin:0 0 8px}dt{color:#607d8b}dd{margin:0}
.scenario{margin-bottom:48px}.scroll{overflow-x:auto;border:1px solid #cfd8dc;border-radius:4px}
.legend .key{margin-right:14px;white-space:nowrap}.legend svg{vertical-align:-2px;margin-right:4px}
.timeline text{font-size:11px;fill:#455a64}.day-label{font-weight:600}.hour{fill:#90a4ae}
.record{font-weight:600;font-size:12px}.stay-label{font-size:9px;fill:#263238;pointer-events:none}
.day{stroke:#b0bec5}.lane-line{stroke:#eceff1}.off{fill:#eceff1;opacity:.8}
.fold{fill:url(#none);fill:#fafafa;stroke:#b0bec5;stroke-dasharray:3 3}.fold-label{text-anchor:middle;fill:#78909c}
.stay{opacity:.9}
.mark{cursor:help}.mark,.key-mark{stroke:#263238;stroke-width:1}.done{fill:#43a047}.failed{fill:#e53935}
.skipped{fill:#fdd835}.cancelled{fill:#8e24aa}.waiting{fill:#fff;stroke:#00897b;stroke-width:2}
.created{fill:#fff;stroke:#546e7a;stroke-width:1.5}.holiday{font-size:10px;fill:#c62828}
.flag{fill:#1e88e5;stroke:#0d47a1;stroke-width:1;cursor:help}.flag.trouble{fill:#d32f2f;stroke:#b71c1c}
.verdict.ok,.expectation.ok .check{color:#2e7d32}.verdict.bad,.expectation.bad .check{color:#c62828}
.expectations{list-style:none;padding:0}.check{font-weight:700;margin-right:4px}.why{color:#78909c;margin-left:20px}
#tip{position:fixed;display:none;max-width:640px;background:#263238;color:#fff;padding:6px 8px;border-radius:4px;
font:12px/1.4 ui-monospace,Menlo,Consolas,monospace;pointer-events:none;white-space:pre-wrap;z-index:10}
"""

JS = """
(function(){
  var tip=document.getElementById('tip');
  document.querySelectorAll('[data-tip]').forEach(function(el){
    el.addEventListener('mouseenter',function(){tip.textContent=el.getAttribute('data-tip');tip.style.display='block';});
    el.addEventListener('mousemove',function(e){tip.style.left=(e.clientX+12)+'px';tip.style.top=(e.clientY+12)+'px';});
    el.addEventListener('mouseleave',function(){tip.style.display='none';});
  });
})();
"""
