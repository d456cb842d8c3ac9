"""Time arithmetic through the whole simulator (`flowc simulate --format
jsonl`), where tests/time/test_workcal_* pin flowc.workcal alone.

* Properties (Hypothesis, deterministic): along an `after previous` chain
  with positive delays the due times strictly increase; every robot runs at
  the due time it was scheduled for; no robot is scheduled before the moment
  it was scheduled at, except the documented "already past, run at once"
  case, which then runs at that moment; a robot counted `in CAL hours` runs
  in working time; `at TIME` runs at that local clock time (or at the end of a
  DST gap).  Time zones with DST (Lisbon, New York, Lord Howe's 30 minutes,
  Santiago in the southern hemisphere, Apia's skipped 2011-12-30) and
  starts around their changes.
* Tables, each row citing the rule of docs/language.md it pins: date fields
  on Jan 31 and Feb 29 with `before` / `after` offsets; DST days; observed
  holidays across a year boundary (US 2021-12-31) and subdivision holidays
  (US-CA, DE-BY) in a full run; the `holidays` package version in the trace
  header.
"""
from __future__ import annotations

import datetime as dt
import io
import json
import re
from importlib.metadata import version
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from flowc.simulate import run_simulate
from flowc.workcal import WorkCalendar, localize, to_local

SETTINGS = settings(max_examples=60, deadline=None, derandomize=True, database=None)
DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


# ------------------------------------------------------------------ helpers

def simulate(tmp_path, text: str, fmt: str = "jsonl") -> tuple[int, str, list[dict]]:
    p = tmp_path / "time.flow"
    p.write_text(text, encoding="utf-8")
    out, err = io.StringIO(), io.StringIO()
    code = run_simulate([str(p)], (), fmt, None, False, out=out, err=err)
    assert code in (0, 1), err.getvalue()
    assert "error[" not in err.getvalue(), err.getvalue()
    lines = [json.loads(x) for x in out.getvalue().splitlines()] if fmt == "jsonl" else []
    return code, out.getvalue(), lines


def instant(iso: str) -> dt.datetime:
    return dt.datetime.fromisoformat(iso).astimezone(dt.timezone.utc)


def local_words(iso: str, tz: str) -> str:
    """`Sun 2026-02-01 09:00` in `tz`."""
    t = dt.datetime.fromisoformat(iso).astimezone(ZoneInfo(tz))
    return f"{DAYS[t.weekday()].capitalize()} {t:%Y-%m-%d %H:%M}"


def robot_lines(lines: list[dict], record: str = "d") -> dict[str, list[dict]]:
    out: dict[str, list[dict]] = {}
    for x in lines:
        if x.get("robot") and x.get("record") == record:
            out.setdefault(x["robot"], []).append(x)
    return out


def due_of(events: list[dict]) -> str:
    """The due time a robot was scheduled for (its `scheduled` line), or the
    moment it ran when it ran at once."""
    for x in events:
        if x["kind"] == "scheduled" and "due" in x:
            return x["due"]
    return next(x["at"] for x in events if x["kind"] in ("done", "failed", "skipped"))


def flow(tz: str, stage_body: str, record: str, start: str, run: str = "run for 400 days",
         calendar: str = "", entity: str = "") -> str:
    return (f'timezone "{tz}"\nemployee ana\n{calendar}\n{entity}\n'
            f"pipeline p for deal {{\n  stage s {{\n{stage_body}\n  }}\n}}\n"
            f"scenario t {{\n  start {start}\n  {run}\n  {record}\n}}\n")


# ------------------------------------------------------------------ properties: after previous chains

ZONES = {  # zone -> local dates around its clock changes (and plain ones)
    "Europe/Lisbon": ("2026-03-27", "2026-03-29", "2026-10-23", "2026-10-25", "2026-12-30"),
    "America/New_York": ("2026-03-06", "2026-03-08", "2026-10-30", "2026-11-01", "2021-12-30"),
    "Australia/Lord_Howe": ("2026-04-03", "2026-04-05", "2026-10-02", "2026-10-04"),
    "America/Santiago": ("2026-04-03", "2026-04-04", "2026-09-05", "2026-09-06"),
    "Pacific/Apia": ("2011-12-28", "2011-12-29", "2011-12-31"),
    "UTC": ("2026-03-09", "2028-02-28"),
}
HOURS = ("mon-fri 09:00-18:00", "mon-fri 09:00-13:00, 14:00-18:00", "mon-sun 00:00-24:00",
         "mon-fri 22:00-24:00", "tue-sat 00:00-06:00", "sat-sun 01:00-03:30", "wed 10:00-12:00")
DELAYS = st.one_of(
    st.integers(1, 900).map(lambda n: f"{n}m"),
    st.integers(1, 72).map(lambda n: f"{n}h"),
    st.integers(1, 10).map(lambda n: f"{n} days"),
    st.integers(1, 3).map(lambda n: f"{n} weeks"),
)
CLOCKS = st.tuples(st.integers(0, 23), st.sampled_from((0, 15, 30, 45, 59))).map(lambda t: f"{t[0]:02d}:{t[1]:02d}")


@st.composite
def chains(draw):
    tz = draw(st.sampled_from(sorted(ZONES)))
    day = draw(st.sampled_from(ZONES[tz]))
    start = f"{day} {draw(CLOCKS)}"
    hours = draw(st.lists(st.sampled_from(HOURS), min_size=1, max_size=2, unique=True))
    holidays = draw(st.sampled_from(("", 'holidays "PT"', 'holidays "US"')))
    robots = []
    for i in range(draw(st.integers(2, 6))):
        clauses = [f"after {draw(DELAYS)}"]
        if i:
            clauses.insert(0, "after previous,")
        cal = draw(st.booleans())
        at = draw(st.one_of(st.none(), CLOCKS))
        if at is not None and cal:  # a time inside the hours (else F309): an opening time
            at = hours[0].split(" ")[1][:5]
        if at is not None:
            clauses.append(f"at {at}")
        if cal:
            clauses.append("in office hours")
        robots.append((f"r{i}", " ".join(clauses), at, cal))
    return tz, start, hours, holidays, robots


def _calendar(hours, holidays) -> str:
    return "calendar office {\n" + "".join(f"  hours {h}\n" for h in hours) + \
        (f"  {holidays}\n" if holidays else "") + "}"


def _workcal(tz: str, hours, holidays) -> WorkCalendar:
    weekly: dict[int, list] = {}
    for line in hours:
        days, _, ranges = line.partition(" ")
        first, _, last = days.partition("-")
        for d in range(DAYS.index(first), DAYS.index(last or first) + 1):
            for r in ranges.split(","):
                a, b = r.strip().split("-")
                weekly.setdefault(d, []).append((int(a[:2]) * 60 + int(a[3:]), int(b[:2]) * 60 + int(b[3:])))
    srcs = [(holidays.split('"')[1], None)] if holidays else []
    return WorkCalendar(tz, weekly, holidays=srcs)


@SETTINGS
@given(chains())
def test_after_previous_chain_is_strictly_increasing(tmp_path_factory, chain):
    tz, start, hours, holidays, robots = chain
    body = "\n".join(f'    robot {name}: notify responsible "x" {timing}' for name, timing, _, _ in robots)
    text = flow(tz, body, "record d: deal in s", start, calendar=_calendar(hours, holidays))
    code, _, lines = simulate(tmp_path_factory.mktemp("chain"), text)
    assert code == 0, text
    by_robot = robot_lines(lines)
    entered = instant(next(x["at"] for x in lines if x["kind"] == "entered"))
    cal = _workcal(tz, hours, holidays)
    previous = entered
    for name, timing, at, in_cal in robots:
        events = by_robot[name]
        done = [x for x in events if x["kind"] == "done"]
        assert len(done) == 1, (name, events, text)
        ran = instant(done[0]["at"])
        # language.md#after-previous: the chained robot's own timing starts when its
        # predecessor is done; a positive delay puts it strictly later.
        assert ran > previous, (name, timing, text)
        # language.md#order-of-timing-clauses: the robot runs at the due time it was given.
        scheduled = [x for x in events if x["kind"] == "scheduled" and "due" in x]
        assert len(scheduled) == 1 and instant(scheduled[0]["due"]) == ran, (name, events)
        # language.md#due-times-in-the-past: never scheduled before the moment of scheduling.
        assert instant(scheduled[0]["due"]) > instant(scheduled[0]["at"]), (name, events)
        if in_cal:  # language.md#working-hours: the due time is working time (a closing time counts)
            assert cal.is_working(ran), (name, timing, to_local(ran, tz), text)
        if at is not None:  # language.md#time-zones-and-dst: that clock time, or the end of its DST gap
            h, m = map(int, at.split(":"))  # (a gap may end on the next date: Apia skipped 2011-12-30)
            local_day = to_local(ran, tz).date()
            assert ran in [localize(dt.datetime.combine(local_day - dt.timedelta(days=k), dt.time(h, m)), tz)
                           for k in (0, 1)], (name, timing, to_local(ran, tz), text)
        previous = ran


# ------------------------------------------------------------------ properties: due times in the past

@st.composite
def relative_robots(draw):
    tz = draw(st.sampled_from(("Europe/Lisbon", "America/New_York", "Australia/Lord_Howe")))
    start = dt.datetime(2026, 3, 20, 9, 0) + dt.timedelta(minutes=draw(st.integers(0, 20 * 24 * 60)))
    due_date = (start + dt.timedelta(days=draw(st.integers(-10, 10)))).date()
    robots = []
    for i in range(draw(st.integers(1, 5))):
        n = draw(st.integers(1, 12))
        unit = draw(st.sampled_from(("days", "h", "m", "weeks")))
        way = draw(st.sampled_from(("before", "after")))
        cal = draw(st.booleans())
        at = draw(st.one_of(st.none(), st.integers(9, 17).map(lambda h: f"{h:02d}:30") if cal else CLOCKS))
        timing = f"{n} {unit} {way} due_date" + (f" at {at}" if at else "") + (" in office hours" if cal else "")
        robots.append((f"q{i}", timing))
    return tz, start, due_date, robots


@SETTINGS
@given(relative_robots())
def test_no_robot_runs_before_it_was_scheduled(tmp_path_factory, case):
    tz, start, due_date, robots = case
    body = "\n".join(f'    robot {name}: notify responsible "x" {timing}' for name, timing in robots)
    text = flow(tz, body, f"record d: deal in s {{\n    due_date {due_date}\n  }}", f"{start:%Y-%m-%d %H:%M}",
                run="run for 120 days", calendar=_calendar(["mon-fri 09:00-18:00"], 'holidays "PT"'),
                entity="entity deal {\n  due_date: date\n}")
    code, _, lines = simulate(tmp_path_factory.mktemp("past"), text)
    assert code == 0, text
    for name, events in robot_lines(lines).items():
        scheduled = [x for x in events if x["kind"] == "scheduled"]
        ran = [x for x in events if x["kind"] in ("done", "failed", "skipped")]
        waiting = [x for x in events if x["kind"] == "waiting"]
        assert len(ran) + len(waiting) == 1, (name, events)
        if not scheduled:  # due at the very moment of entering
            assert ran, (name, events)
            continue
        s = scheduled[0]
        assert instant(s["due"]) >= instant(s["at"]), (name, s)
        if waiting:  # due after the horizon
            assert instant(s["due"]) > instant(waiting[0]["at"]), (name, events)
            continue
        assert instant(ran[0]["at"]) == instant(s["due"]), (name, events)
        if "which had passed" in s["reason"]:
            # language.md#due-times-in-the-past: a due time in the past runs at once; in
            # working hours, at once only in working time, else at the next working moment.
            if "in office hours" in dict(robots)[name]:
                office = _workcal(tz, ["mon-fri 09:00-18:00"], 'holidays "PT"')
                assert instant(s["due"]) == office.next_working(instant(s["at"])), s
                assert ("runs now" if s["due"] == s["at"] else "waits for the next working moment") in s["reason"], s
            else:
                assert s["due"] == s["at"] and "runs now" in s["reason"], s
            m = re.search(r"was due \w{3} (\d{4}-\d\d-\d\d \d\d:\d\d)", s["reason"])
            assert m and localize(dt.datetime.fromisoformat(m.group(1)), tz) < instant(s["at"]), s


# ------------------------------------------------------------------ tables: date fields on month ends and Feb 29

ENTITY = "entity deal {\n  due_date: date\n  meeting: optional datetime\n}"
OFFICE = _calendar(["mon-fri 09:00-18:00"], "")

#: (record's fields, scenario start, robot timing, due in Europe/Lisbon, rule)
DATE_FIELD_ROWS = [
    # language.md#date-fields: a date field counts as 00:00 local time of that date
    ("due_date 2026-01-31", "2026-01-05 09:00", "1 day after due_date", "Sun 2026-02-01 00:00"),
    # language.md#date-fields: ... unless `at TIME` gives the time of day
    ("due_date 2026-01-31", "2026-01-05 09:00", "1 day after due_date at 09:00", "Sun 2026-02-01 09:00"),
    ("due_date 2026-01-31", "2026-01-05 09:00", "1 week before due_date at 09:00", "Sat 2026-01-24 09:00"),
    # language.md#durations: days are calendar days (no month arithmetic): Jan 31 + 28 days, + 29 days
    ("due_date 2026-01-31", "2026-01-05 09:00", "28 days after due_date", "Sat 2026-02-28 00:00"),
    ("due_date 2026-01-31", "2026-01-05 09:00", "29 days after due_date", "Sun 2026-03-01 00:00"),
    # language.md#date-fields: whole working days before a date: the working day before Saturday
    # 31 January is Friday 30, at its first opening (before issue 8: Thu 18:00, counted back from
    # Saturday 00:00 through the previous closing time)
    ("due_date 2026-01-31", "2026-01-05 09:00", "1 day before due_date in office hours", "Fri 2026-01-30 09:00"),
    # language.md#date-fields: the second working day after Saturday 31 January (Mon 2, Tue 3), at 09:00
    ("due_date 2026-01-31", "2026-01-05 09:00", "2 days after due_date at 09:00 in office hours",
     "Tue 2026-02-03 09:00"),
    # language.md#date-fields and #durations: Feb 29 of a leap year
    ("due_date 2024-02-29", "2024-01-02 09:00", "1 day after due_date", "Fri 2024-03-01 00:00"),
    ("due_date 2024-02-29", "2024-01-02 09:00", "1 day before due_date at 10:00", "Wed 2024-02-28 10:00"),
    ("due_date 2024-02-29", "2024-01-02 09:00", "1 week after due_date at 09:00", "Thu 2024-03-07 09:00"),
    ("due_date 2024-02-29", "2024-01-02 09:00", "4 weeks before due_date", "Thu 2024-02-01 00:00"),
    ("due_date 2024-02-29", "2024-01-02 09:00", "366 days after due_date", "Sat 2025-03-01 00:00"),
    # language.md#time-zones-and-dst: days keep the clock time across the change of 2024-03-31 (Lisbon)
    ("due_date 2024-02-29", "2024-01-02 09:00", "31 days after due_date at 09:00", "Sun 2024-03-31 09:00"),
    # language.md#date-fields: the working day after Thursday 29 February, at its first opening
    ("due_date 2024-02-29", "2024-01-02 09:00", "1 day after due_date in office hours", "Fri 2024-03-01 09:00"),
    # language.md#date-fields: a datetime field is that moment (Feb 29 23:30 of 2028, Jan 31 23:30)
    ("due_date 2028-03-01\n    meeting 2028-02-29 23:30", "2028-01-03 09:00", "1h after meeting", "Wed 2028-03-01 00:30"),
    ("due_date 2028-03-01\n    meeting 2028-02-29 23:30", "2028-01-03 09:00", "1 day before meeting", "Mon 2028-02-28 23:30"),
    ("due_date 2026-02-01\n    meeting 2026-01-31 23:30", "2026-01-05 09:00", "45m after meeting", "Sun 2026-02-01 00:15"),
]


@pytest.mark.parametrize("fields, start, timing, want", DATE_FIELD_ROWS,
                         ids=[f"{f.split()[1]}-{t}" for f, _, t, _ in DATE_FIELD_ROWS])
def test_date_fields_on_month_ends(tmp_path, fields, start, timing, want):
    text = flow("Europe/Lisbon", f'    robot r: notify responsible "x" {timing}',
                f"record d: deal in s {{\n    {fields}\n  }}", start, run="run for 1 day",
                calendar=OFFICE, entity=ENTITY)
    _, _, lines = simulate(tmp_path, text)
    assert local_words(due_of(robot_lines(lines)["r"]), "Europe/Lisbon") == want


# ------------------------------------------------------------------ tables: DST days through the simulator

#: (zone, start (entering), timing, due in that zone, rule)
DST_ROWS = [
    # language.md#time-zones-and-dst: `after 1 day` keeps the clock time (23 hours), `after 24h` does not
    ("Europe/Lisbon", "2026-03-28 10:00", "after 1 day", "Sun 2026-03-29 10:00"),
    ("Europe/Lisbon", "2026-03-28 10:00", "after 24h", "Sun 2026-03-29 11:00"),
    ("Europe/Lisbon", "2026-10-24 10:00", "after 1 day", "Sun 2026-10-25 10:00"),
    ("Europe/Lisbon", "2026-10-24 10:00", "after 24h", "Sun 2026-10-25 09:00"),
    # language.md#time-zones-and-dst: on a spring-forward night `at 02:30` fires once, at 03:00 (New York)
    ("America/New_York", "2026-03-07 23:00", "at 02:30", "Sun 2026-03-08 03:00"),
    ("America/New_York", "2026-03-08 04:00", "at 02:30", "Mon 2026-03-09 02:30"),
    # language.md#time-zones-and-dst: an ambiguous wall time means its first occurrence
    ("America/New_York", "2026-10-31 23:00", "at 01:30", "Sun 2026-11-01 01:30"),
    # language.md#time-zones-and-dst: a 30-minute change (Lord Howe, 2026-10-04 02:00 -> 02:30)
    ("Australia/Lord_Howe", "2026-10-03 12:00", "at 02:15", "Sun 2026-10-04 02:30"),
    ("Australia/Lord_Howe", "2026-10-03 12:00", "after 1 day", "Sun 2026-10-04 12:00"),
    ("Australia/Lord_Howe", "2026-10-03 12:00", "after 24h", "Sun 2026-10-04 12:30"),
    # language.md#time-zones-and-dst: a wall time that does not exist moves to the end of the gap:
    # Samoa skipped Friday 2011-12-30 entirely
    ("Pacific/Apia", "2011-12-29 10:00", "after 1 day", "Sat 2011-12-31 00:00"),
    ("Pacific/Apia", "2011-12-29 10:00", "after 24h", "Sat 2011-12-31 10:00"),
]


@pytest.mark.parametrize("tz, start, timing, want", DST_ROWS, ids=[f"{z}-{s}-{t}" for z, s, t, _ in DST_ROWS])
def test_dst_days(tmp_path, tz, start, timing, want):
    text = flow(tz, f'    robot r: notify responsible "x" {timing}', "record d: deal in s", start,
                run="run for 3 days")
    _, _, lines = simulate(tmp_path, text)
    events = robot_lines(lines)["r"]
    assert local_words(due_of(events), tz) == want
    assert [x["kind"] for x in events][-1] == "done"


# ------------------------------------------------------------------ tables: holidays in a full run

#: (calendar, start (entering, flow zone = calendar zone), timing, due, words of the trace, rule)
HOLIDAY_ROWS = [
    # language.md#calendars: observed days included: US New Year's Day 2022 (a Saturday) is observed on
    # Friday 2021-12-31, across the year boundary
    ('timezone "America/New_York"\n  hours mon-fri 09:00-17:00\n  holidays "US"', "America/New_York",
     "2021-12-30 16:30", "after 1h in cal hours", "Mon 2022-01-03 09:30",
     "skips Fri 2021-12-31 (public holiday: New Year's Day (observed))"),
    ('timezone "America/New_York"\n  hours mon-fri 09:00-17:00\n  holidays "US"', "America/New_York",
     "2021-12-30 16:30", "after 1 day in cal hours", "Mon 2022-01-03 16:30", "New Year's Day (observed)"),
    # language.md#calendars: a subdivision adds its own holidays: US-CA, Cesar Chavez Day (2026-03-31)
    ('timezone "America/Los_Angeles"\n  hours mon-fri 09:00-17:00\n  holidays "US-CA"', "America/Los_Angeles",
     "2026-03-30 16:30", "after 1h in cal hours", "Wed 2026-04-01 09:30",
     "skips Tue 2026-03-31 (public holiday: Cesar Chavez Day)"),
    # ... which the country alone does not have
    ('timezone "America/Los_Angeles"\n  hours mon-fri 09:00-17:00\n  holidays "US"', "America/Los_Angeles",
     "2026-03-30 16:30", "after 1h in cal hours", "Tue 2026-03-31 09:30", None),
    # language.md#calendars: DE-BY, Epiphany (Heilige Drei Könige, names in the country's language),
    # the day after a weekend, counted in days
    ('timezone "Europe/Berlin"\n  hours mon-fri 09:00-18:00\n  holidays "DE-BY"', "Europe/Berlin",
     "2026-01-02 17:30", "after 2 days in cal hours", "Wed 2026-01-07 17:30",
     "skips Tue 2026-01-06 (public holiday: Heilige Drei Könige)"),
]


@pytest.mark.parametrize("body, tz, start, timing, want, words", HOLIDAY_ROWS,
                         ids=[f"{r[0].split('holidays ')[1]}-{r[3]}" for r in HOLIDAY_ROWS])
def test_holidays_in_a_full_run(tmp_path, body, tz, start, timing, want, words):
    text = flow(tz, f'    robot r: notify responsible "x" {timing}', "record d: deal in s", start,
                run="run for 14 days", calendar=f"calendar cal {{\n  {body}\n}}")
    code, _, lines = simulate(tmp_path, text)
    assert code == 0
    events = robot_lines(lines)["r"]
    assert local_words(due_of(events), tz) == want
    assert events[-1]["kind"] == "done" and local_words(events[-1]["at"], tz) == want
    reason = next(x["reason"] for x in events if x["kind"] == "scheduled")
    if words is not None:
        assert words in reason, reason
    else:
        assert "skips" not in reason, reason


# ------------------------------------------------------------------ the holidays package version

def test_holidays_version_in_the_trace_header(tmp_path):
    """Which holidays a run used depends on the package's version: both traces say which."""
    text = flow("UTC", '    robot r: notify responsible "x"', "record d: deal in s", "2026-03-09 09:00",
                run="run for 1 day")
    _, _, lines = simulate(tmp_path, text)
    assert lines[0]["kind"] == "scenario_start" and lines[0]["holidays"] == version("holidays")
    _, out, _ = simulate(tmp_path, text, fmt="text")
    assert re.search(rf"^  holidays +holidays package {re.escape(version('holidays'))}$", out, re.M), out[:500]
