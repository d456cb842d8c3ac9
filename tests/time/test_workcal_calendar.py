"""Working calendars: hours, breaks, holidays, closed and open days, DST days
(flowc.workcal rule 5).  Expectations are computed by hand; each row cites the
section of docs/language.md it pins (`language.md#working-hours`,
`language.md#holidays`, `language.md#time-zones-and-dst`)."""
from __future__ import annotations

import datetime as dt
import time

import pytest

from flowc import ir
from flowc.workcal import MAX_SEARCH_DAYS, NoWorkingTime, WorkCalendar, to_local
from workcal_support import SPAN, at, cal, dur, local, show, utc, working_between

LIS, NY, LA, MAD = "Europe/Lisbon", "America/New_York", "America/Los_Angeles", "Europe/Madrid"
LHI, SCL, APIA = "Australia/Lord_Howe", "America/Santiago", "Pacific/Apia"
D = dt.date.fromisoformat

CALS = {
    "plain": cal(LIS, "mon-fri 09:00-18:00", holidays=["PT"]),
    "office": cal(LIS, "mon-fri 09:00-13:00, 14:00-18:00", holidays=["PT"],
                  closed=["2026-12-24", "2026-12-31", "2026-08-03..2026-08-14"],
                  open=[("2026-01-10", ""), ("2026-01-17", "10:00-12:00")]),
    "us": cal(NY, "mon-fri 09:00-17:00", holidays=["US"]),
    "us-ca": cal(LA, "mon-fri 09:00-17:00", holidays=["US-CA"]),
    "us-la": cal(LA, "mon-fri 09:00-17:00", holidays=["US"]),
    "es": cal(MAD, "mon-fri 09:00-17:00", holidays=["ES"]),
    "es-ct": cal(MAD, "mon-fri 09:00-17:00", holidays=["ES-CT"]),
    "night": cal(LIS, "mon-fri 22:00-24:00", "tue-sat 00:00-06:00"),
    "evening": cal(LIS, "mon-fri 18:00-24:00"),
    "ny-early": cal(NY, "mon-sun 00:00-04:00"),
    "lhi-24h": cal(LHI, "mon-sun 00:00-24:00"),
    "apia": cal(APIA, "mon-sun 09:00-17:00"),
}
ZONE = {"plain": LIS, "office": LIS, "us": NY, "us-ca": LA, "us-la": LA, "es": MAD, "es-ct": MAD,
        "night": LIS, "evening": LIS, "ny-early": NY, "lhi-24h": LHI, "apia": APIA}

ADD = [
    # language.md#working-hours: a result may equal a closing time: Monday 17:45 + 15m -> Monday 18:00
    ("plain", "Mon 2026-03-09 17:45", "15m", "Mon 2026-03-09 18:00"),
    # language.md#working-hours: Friday 17:55 + 15m -> Monday 09:10
    ("plain", "Fri 2026-03-13 17:55", "15m", "Mon 2026-03-16 09:10"),
    # language.md#working-hours: ... or Tuesday 09:10 if Monday is a holiday (PT: Implantação da República)
    ("plain", "Fri 2026-10-02 17:55", "15m", "Tue 2026-10-06 09:10"),
    # language.md#working-hours: Saturday 10:00 + 1 day -> start Monday 09:00 -> Tuesday 09:00
    ("plain", "Sat 2026-03-14 10:00", "1 day", "Tue 2026-03-17 09:00"),
    # language.md#working-hours: a count starting exactly at a closing time starts at the next opening
    ("plain", "Mon 2026-03-09 18:00", "0m", "Tue 2026-03-10 09:00"),
    ("plain", "Mon 2026-03-09 18:00", "15m", "Tue 2026-03-10 09:15"),
    ("plain", "Mon 2026-03-09 18:00", "1 day", "Wed 2026-03-11 09:00"),
    # language.md#working-hours: a start inside hours is kept; 0m is the start itself
    ("plain", "Mon 2026-03-09 10:00", "0m", "Mon 2026-03-09 10:00"),
    ("plain", "Mon 2026-03-09 09:00", "0m", "Mon 2026-03-09 09:00"),
    ("plain", "Mon 2026-03-09 10:00", "8h", "Mon 2026-03-09 18:00"),
    ("plain", "Mon 2026-03-09 10:00", "9h", "Tue 2026-03-10 10:00"),
    ("plain", "Mon 2026-03-09 10:00", "45h", "Mon 2026-03-16 10:00"),
    ("plain", "Sun 2026-03-08 23:00", "1m", "Mon 2026-03-09 09:01"),
    # language.md#working-hours: N days = same clock time on the N-th next working day
    ("plain", "Mon 2026-03-09 10:00", "1 day", "Tue 2026-03-10 10:00"),
    ("plain", "Mon 2026-03-09 10:00", "5 days", "Mon 2026-03-16 10:00"),
    ("plain", "Fri 2026-03-13 17:59", "1 day", "Mon 2026-03-16 17:59"),
    ("plain", "Mon 2026-03-09 10:00", "0 days", "Mon 2026-03-09 10:00"),
    ("plain", "Sat 2026-03-14 10:00", "0 days", "Mon 2026-03-16 09:00"),
    # language.md#working-hours: a week is 7 working days
    ("plain", "Mon 2026-03-09 10:00", "1 week", "Wed 2026-03-18 10:00"),
    # language.md#holidays: PT Good Friday 2026-04-03 is skipped by days and minutes alike
    ("plain", "Thu 2026-04-02 12:00", "1 day", "Mon 2026-04-06 12:00"),
    ("plain", "Thu 2026-04-02 17:00", "2h", "Mon 2026-04-06 10:00"),
    # language.md#holidays: PT Dia da Liberdade on a Friday (2025-04-25)
    ("plain", "Thu 2025-04-24 17:55", "15m", "Mon 2025-04-28 09:10"),
    # language.md#working-hours: breaks (13:00-14:00) are skipped
    ("office", "Mon 2026-03-09 12:50", "15m", "Mon 2026-03-09 14:05"),
    ("office", "Mon 2026-03-09 12:00", "1h", "Mon 2026-03-09 13:00"),
    ("office", "Mon 2026-03-09 13:00", "0m", "Mon 2026-03-09 14:00"),
    ("office", "Mon 2026-03-09 13:30", "1m", "Mon 2026-03-09 14:01"),
    ("office", "Mon 2026-03-09 09:00", "8h", "Mon 2026-03-09 18:00"),
    ("office", "Mon 2026-03-09 09:00", "9h", "Tue 2026-03-10 10:00"),
    ("office", "Mon 2026-03-09 13:30", "1 day", "Tue 2026-03-10 14:00"),
    # language.md#working-hours: closed days (12-24 closed, 12-25 Natal) and closed ranges
    ("office", "Wed 2026-12-23 17:55", "15m", "Mon 2026-12-28 09:10"),
    ("office", "Wed 2026-12-30 17:00", "2h", "Mon 2027-01-04 10:00"),   # 12-31 closed, 01-01 Ano Novo
    ("office", "Fri 2026-07-31 10:00", "1 day", "Mon 2026-08-17 10:00"),  # closed 08-03..08-14
    # language.md#working-hours: an open Saturday with the usual hours (the first weekday's)
    ("office", "Fri 2026-01-09 17:55", "15m", "Sat 2026-01-10 09:10"),
    ("office", "Fri 2026-01-09 12:55", "1 day", "Sat 2026-01-10 12:55"),
    ("office", "Sat 2026-01-10 13:30", "1m", "Sat 2026-01-10 14:01"),
    # language.md#working-hours: an open Saturday with its own hours 10:00-12:00
    ("office", "Fri 2026-01-16 17:30", "1h", "Sat 2026-01-17 10:30"),
    ("office", "Fri 2026-01-16 17:30", "3h", "Mon 2026-01-19 09:30"),
    # language.md#working-hours: same clock time outside that day's hours -> the next working moment
    ("office", "Fri 2026-01-16 15:00", "1 day", "Mon 2026-01-19 09:00"),
    # language.md#holidays: US 2021-12-31 is New Year's Day (observed)
    ("us", "Thu 2021-12-30 16:55", "15m", "Mon 2022-01-03 09:10"),
    ("us", "Thu 2021-12-30 10:00", "1 day", "Mon 2022-01-03 10:00"),
    # language.md#holidays: "US-CA" adds Cesar Chavez Day (2026-03-31); "US" alone does not
    ("us-ca", "Mon 2026-03-30 16:55", "15m", "Wed 2026-04-01 09:10"),
    ("us-la", "Mon 2026-03-30 16:55", "15m", "Tue 2026-03-31 09:10"),
    # language.md#holidays: "ES-CT" adds the Diada (2026-09-11); "ES" alone does not
    ("es-ct", "Thu 2026-09-10 16:55", "15m", "Mon 2026-09-14 09:10"),
    ("es", "Thu 2026-09-10 16:55", "15m", "Fri 2026-09-11 09:10"),
    # language.md#working-hours: hours across midnight (22:00-24:00 + 00:00-06:00) count as one stretch
    ("night", "Mon 2026-03-09 23:00", "2h", "Tue 2026-03-10 01:00"),
    ("night", "Mon 2026-03-09 23:00", "1h", "Tue 2026-03-10 00:00"),
    ("night", "Tue 2026-03-10 00:00", "0m", "Tue 2026-03-10 00:00"),
    ("night", "Fri 2026-03-13 23:00", "7h", "Sat 2026-03-14 06:00"),
    ("night", "Fri 2026-03-13 23:00", "8h", "Mon 2026-03-16 23:00"),
    # language.md#time-zones-and-dst: working minutes are elapsed minutes; 00:00-04:00 is 3h on 03-08
    ("ny-early", "Sun 2026-03-08 00:00", "3h", "Sun 2026-03-08 04:00"),
    ("ny-early", "Sun 2026-03-08 00:00", "4h", "Mon 2026-03-09 01:00"),
    ("ny-early", "Sun 2026-11-01 00:00", "4h", "Sun 2026-11-01 03:00"),  # 5h on the fall-back day
    ("ny-early", "Sat 2026-03-07 02:30", "1 day", "Sun 2026-03-08 03:00"),  # 02:30 is skipped on 03-08
    ("lhi-24h", "Sat 2026-10-03 12:00", "24h", "Sun 2026-10-04 12:30"),
    ("lhi-24h", "Sat 2026-10-03 12:00", "1 day", "Sun 2026-10-04 12:00"),
    # language.md#time-zones-and-dst: a day that does not exist (Apia 2011-12-30) has no working time
    ("apia", "Thu 2011-12-29 16:00", "2h", "Sat 2011-12-31 10:00"),
    ("apia", "Thu 2011-12-29 16:00", "1 day", "Sat 2011-12-31 16:00"),
]


@pytest.mark.parametrize("name, start, duration, expected", ADD)
def test_add(name, start, duration, expected):
    c, tz = CALS[name], ZONE[name]
    got = c.add(at(tz, start), dur(duration))
    assert show(got, tz) == expected
    assert c.is_working(got)


SUBTRACT = [
    # language.md#working-hours: counting back mirrors counting forward
    ("plain", "Mon 2026-03-16 09:10", "15m", "Fri 2026-03-13 17:55"),
    ("plain", "Tue 2026-10-06 09:10", "15m", "Fri 2026-10-02 17:55"),  # Monday is a holiday
    ("plain", "Mon 2026-03-09 18:00", "15m", "Mon 2026-03-09 17:45"),
    # language.md#working-hours: a result may equal an opening time
    ("plain", "Mon 2026-03-09 09:15", "15m", "Mon 2026-03-09 09:00"),
    # language.md#working-hours: an opening (or closing) time is a working moment: kept as the start
    ("plain", "Mon 2026-03-09 09:00", "0m", "Mon 2026-03-09 09:00"),
    ("plain", "Mon 2026-03-09 18:00", "0m", "Mon 2026-03-09 18:00"),
    ("plain", "Mon 2026-03-09 09:00", "15m", "Fri 2026-03-06 17:45"),
    ("plain", "Tue 2026-03-10 09:00", "1 day", "Mon 2026-03-09 09:00"),
    # language.md#working-hours: outside hours the start moves back to the previous closing time
    ("plain", "Sun 2026-03-15 12:00", "15m", "Fri 2026-03-13 17:45"),
    ("plain", "Sun 2026-03-15 12:00", "0m", "Fri 2026-03-13 18:00"),
    ("plain", "Mon 2026-03-16 08:00", "1 day", "Thu 2026-03-12 18:00"),
    ("plain", "Sat 2026-03-14 10:00", "1 day", "Thu 2026-03-12 18:00"),
    # language.md#working-hours: N days before = same clock time on the N-th previous working day
    ("plain", "Wed 2026-03-11 10:00", "2 days", "Mon 2026-03-09 10:00"),
    ("plain", "Tue 2026-10-06 10:00", "1 day", "Fri 2026-10-02 10:00"),
    ("plain", "Wed 2026-03-18 10:00", "1 week", "Mon 2026-03-09 10:00"),
    ("plain", "Mon 2026-03-16 10:00", "45h", "Mon 2026-03-09 10:00"),
    # language.md#working-hours: a 24:00 closing time keeps its clock (24:00 of the working day before)
    ("evening", "Wed 2026-03-11 00:00", "1 day", "Tue 2026-03-10 00:00"),
    ("evening", "Sat 2026-03-14 10:00", "1 day", "Fri 2026-03-13 00:00"),
    ("evening", "Sat 2026-03-14 10:00", "1h", "Fri 2026-03-13 23:00"),
    # language.md#working-hours: breaks, backwards
    ("office", "Mon 2026-03-09 14:10", "15m", "Mon 2026-03-09 12:55"),
    ("office", "Mon 2026-03-09 13:30", "0m", "Mon 2026-03-09 13:00"),
    ("office", "Mon 2026-03-09 13:30", "1 day", "Fri 2026-03-06 13:00"),
    # language.md#working-hours: the open Saturday 10:00-12:00 counts as a previous working day
    ("office", "Mon 2026-01-19 10:00", "1 day", "Sat 2026-01-17 10:00"),
    ("office", "Mon 2026-01-19 09:30", "1h", "Sat 2026-01-17 11:30"),
    # language.md#working-hours: same clock time outside that day's hours -> back to its closing time
    ("office", "Mon 2026-01-19 15:00", "1 day", "Sat 2026-01-17 12:00"),
    # language.md#holidays: closed day and Natal, backwards
    ("office", "Mon 2026-12-28 09:10", "15m", "Wed 2026-12-23 17:55"),
    ("us", "Mon 2022-01-03 09:10", "15m", "Thu 2021-12-30 16:55"),
    # language.md#time-zones-and-dst: backwards through a 3-hour DST day
    ("ny-early", "Mon 2026-03-09 01:00", "4h", "Sun 2026-03-08 00:00"),
    ("lhi-24h", "Sun 2026-10-04 12:00", "1 day", "Sat 2026-10-03 12:00"),
    ("apia", "Sat 2011-12-31 10:00", "2h", "Thu 2011-12-29 16:00"),
]


@pytest.mark.parametrize("name, start, duration, expected", SUBTRACT)
def test_subtract(name, start, duration, expected):
    c, tz = CALS[name], ZONE[name]
    got = c.subtract(at(tz, start), dur(duration))
    assert show(got, tz) == expected
    assert c.is_working(got)


@pytest.mark.parametrize("name, instant, working, nxt, prev", [
    # language.md#working-hours: opening and closing times are within; next/previous working moment
    ("office", "Mon 2026-03-09 08:59", False, "Mon 2026-03-09 09:00", "Fri 2026-03-06 18:00"),
    ("office", "Mon 2026-03-09 09:00", True, "Mon 2026-03-09 09:00", "Mon 2026-03-09 09:00"),
    ("office", "Mon 2026-03-09 12:59", True, "Mon 2026-03-09 12:59", "Mon 2026-03-09 12:59"),
    ("office", "Mon 2026-03-09 13:00", True, "Mon 2026-03-09 14:00", "Mon 2026-03-09 13:00"),
    ("office", "Mon 2026-03-09 13:30", False, "Mon 2026-03-09 14:00", "Mon 2026-03-09 13:00"),
    ("office", "Mon 2026-03-09 14:00", True, "Mon 2026-03-09 14:00", "Mon 2026-03-09 14:00"),
    ("office", "Mon 2026-03-09 18:00", True, "Tue 2026-03-10 09:00", "Mon 2026-03-09 18:00"),
    ("office", "Sat 2026-03-14 12:00", False, "Mon 2026-03-16 09:00", "Fri 2026-03-13 18:00"),
    ("night", "Tue 2026-03-10 00:00", True, "Tue 2026-03-10 00:00", "Tue 2026-03-10 00:00"),
    ("night", "Sat 2026-03-14 06:00", True, "Mon 2026-03-16 22:00", "Sat 2026-03-14 06:00"),
])
def test_working_moments(name, instant, working, nxt, prev):
    c, tz = CALS[name], ZONE[name]
    x = at(tz, instant)
    assert c.is_working(x) is working
    assert show(c.next_working(x), tz) == nxt
    assert show(c.previous_working(x), tz) == prev


def _hours(c, day):
    return [(e - s) / dt.timedelta(hours=1) for s, e in c.intervals(D(day))]


@pytest.mark.parametrize("tz, hours, day, lengths", [
    # language.md#time-zones-and-dst: intervals are built per local date, then converted
    (NY, "mon-sun 00:00-24:00", "2026-03-07", [24]),
    (NY, "mon-sun 00:00-24:00", "2026-03-08", [23]),
    (NY, "mon-sun 00:00-24:00", "2026-11-01", [25]),
    (NY, "mon-sun 09:00-18:00", "2026-03-08", [9]),
    (NY, "mon-sun 09:00-18:00", "2026-11-01", [9]),
    (NY, "mon-sun 01:00-04:00", "2026-03-08", [2]),
    (NY, "mon-sun 01:00-04:00", "2026-11-01", [4]),
    (NY, "sun 02:00-02:45", "2026-03-08", []),           # entirely inside the gap
    (NY, "sun 02:00-02:45", "2026-03-15", [0.75]),
    (LIS, "mon-sun 00:00-24:00", "2026-03-29", [23]),
    (LIS, "mon-sun 00:00-24:00", "2026-10-25", [25]),
    (LIS, "mon-sun 00:30-01:30, 02:00-03:00", "2026-03-29", [1.5]),  # the gap joins the two ranges
    (LIS, "mon-sun 00:30-01:30, 02:00-03:00", "2026-03-30", [1, 1]),
    (LHI, "mon-sun 01:00-03:00", "2026-10-04", [1.5]),   # 30-minute shift
    (LHI, "mon-sun 01:00-03:00", "2026-04-05", [2.5]),
    (SCL, "mon-sun 22:00-24:00", "2026-04-04", [3]),     # Saturday 23:00-24:00 happens twice
    (SCL, "mon-sun 00:00-02:00", "2026-09-06", [1]),     # Sunday 00:00-01:00 is skipped
    (APIA, "mon-sun 09:00-17:00", "2011-12-29", [8]),
    (APIA, "mon-sun 09:00-17:00", "2011-12-30", []),     # the day did not exist
    (APIA, "mon-sun 09:00-17:00", "2011-12-31", [8]),
])
def test_intervals_on_dst_days(tz, hours, day, lengths):
    c = cal(tz, hours)
    assert _hours(c, day) == lengths
    for s, e in c.intervals(D(day)):
        assert s.tzinfo is not None and s.utcoffset() == dt.timedelta(0)


def test_intervals_start_and_end_at_local_clock_times():
    # language.md#time-zones-and-dst: 09:00-18:00 stays 09:00-18:00 local on both sides of a change
    c = CALS["plain"]
    for day in ("2026-03-27", "2026-03-30", "2026-10-23", "2026-10-26"):
        (s, e), = c.intervals(D(day))
        assert to_local(s, LIS) == local(f"{day} 09:00") and to_local(e, LIS) == local(f"{day} 18:00")
    assert c.intervals(D("2026-03-27"))[0][0] == utc("2026-03-27 09:00")  # WET
    assert c.intervals(D("2026-03-30"))[0][0] == utc("2026-03-30 08:00")  # WEST


def test_intervals_are_cached_per_date():
    c = cal(LIS, "mon-fri 09:00-18:00")
    assert c.intervals(D("2026-03-09")) is c.intervals(D("2026-03-09"))


# ------------------------------------------------------------------ holidays and reasons

@pytest.mark.parametrize("name, day, holiday, reason", [
    # language.md#holidays: names in the country's language, whatever the process locale
    ("plain", "2025-04-25", "Dia da Liberdade", "public holiday: Dia da Liberdade"),
    ("plain", "2026-10-05", "Implantação da República", "public holiday: Implantação da República"),
    ("plain", "2026-04-25", "Dia da Liberdade", "public holiday: Dia da Liberdade"),  # a Saturday
    # language.md#holidays: Carnaval is optional in Portugal (not a public holiday): a working day
    ("plain", "2026-02-17", None, None),
    ("plain", "2026-03-09", None, None),
    # language.md#working-hours: why a day has no working time
    ("plain", "2026-03-14", None, "weekend: no hours on Saturday"),
    ("plain", "2026-03-15", None, "weekend: no hours on Sunday"),
    ("office", "2026-12-24", None, "closed day"),
    ("office", "2026-08-10", None, "closed day"),
    ("office", "2026-12-25", "Dia de Natal", "public holiday: Dia de Natal"),
    ("office", "2026-01-10", None, None),                          # an open Saturday
    ("us", "2021-12-31", "New Year's Day (observed)", "public holiday: New Year's Day (observed)"),
    ("us", "2022-01-01", "New Year's Day", "public holiday: New Year's Day"),
    ("us-ca", "2026-03-31", "Cesar Chavez Day", "public holiday: Cesar Chavez Day"),
    ("us-la", "2026-03-31", None, None),
    ("es-ct", "2026-09-11", "Fiesta Nacional de Cataluña", "public holiday: Fiesta Nacional de Cataluña"),
    ("es", "2026-09-11", None, None),
    # language.md#time-zones-and-dst: a date whose hours are all skipped by a clock change
    ("apia", "2011-12-30", None, "its hours fall in a clock change"),
])
def test_holidays_and_reasons(name, day, holiday, reason):
    c = CALS[name]
    assert c.holiday_name(D(day)) == holiday
    assert c.closed_reason(D(day)) == reason


def test_no_hours_on_a_weekday():
    c = cal(LIS, "mon-thu 09:00-18:00")
    assert c.closed_reason(D("2026-03-13")) == "no hours on Friday"


def test_hours_inside_a_dst_gap():
    # language.md#time-zones-and-dst: Sunday 02:00-02:45 does not happen on 2026-03-08 in New York
    c = cal(NY, "sun 02:00-02:45")
    assert c.closed_reason(D("2026-03-08")) == "its hours fall in a clock change"
    assert c.closed_reason(D("2026-03-15")) is None
    assert c.closed_reason(D("2026-03-09")) == "no hours on Monday"
    assert show(c.add(at(NY, "2026-03-01 02:40"), dur("10m")), NY) == "Sun 2026-03-15 02:05"


def test_several_holiday_sources_and_open_over_holiday():
    # language.md#holidays: several sources add up; an `open` day wins over a holiday and a closed day
    c = cal(LA, "mon-fri 09:00-17:00", holidays=["US", "US-CA", "PT"],
            closed=["2026-03-02"], open=[("2026-03-31, 2026-03-02", "")])
    assert c.holiday_name(D("2026-10-05")) == "Implantação da República"
    assert c.closed_reason(D("2026-10-05")) == "public holiday: Implantação da República"
    assert c.holiday_name(D("2026-03-31")) == "Cesar Chavez Day"
    assert c.closed_reason(D("2026-03-31")) is None and _hours(c, "2026-03-31") == [8]
    assert c.closed_reason(D("2026-03-02")) is None


def test_hours_lines_merge():
    # language.md#working-hours: several `hours` lines for a weekday are merged (union)
    c = cal(LIS, "mon-fri 09:00-12:00", "mon 14:00-18:00", "mon 11:00-13:00")
    assert _hours(c, "2026-03-09") == [4, 4]
    assert _hours(c, "2026-03-10") == [3]


def test_unknown_holiday_source():
    c = cal(LIS, "mon-fri 09:00-18:00", holidays=["XX"])
    with pytest.raises(ValueError, match="XX"):
        c.holiday_name(D("2026-03-09"))


# ------------------------------------------------------------------ from the IR

SOURCE = '''calendar support {
  timezone "America/Los_Angeles"
  hours mon-fri 09:00-12:00
  hours mon-fri 13:00-17:00
  hours sat 10:00-14:00
  holidays "US", "US-CA"
  closed 2026-01-05..2026-01-06, 2026-07-02
  open 2026-01-11
  open 2026-01-18 10:00-11:00
}
calendar office {
  hours mon-fri 09:00-18:00
}'''


def _calendars():
    from flowc.diagnostics import Diagnostics
    from flowc.lower import lower
    from flowc.parse import parse
    diags = Diagnostics()
    project = lower([parse(SOURCE, "cal.flow", diags)], diags)
    assert not list(diags)
    return {c.name.value: c for c in project.calendars}


def test_from_ir():
    cals = _calendars()
    c = WorkCalendar.from_ir(cals["support"], "Europe/Lisbon")
    assert c.tz.key == LA and c.name == "support"
    assert _hours(c, "2026-01-12") == [3, 4]                   # two lines merged
    assert _hours(c, "2026-01-10") == [4]                      # Saturday hours
    assert _hours(c, "2026-01-11") == [3, 4]                   # open Sunday: the usual (Monday's) hours
    assert _hours(c, "2026-01-18") == [1]                      # open Sunday with its own hours
    assert c.closed_reason(D("2026-01-06")) == "closed day"
    assert c.closed_reason(D("2026-01-19")) == "public holiday: Martin Luther King Jr. Day"
    assert c.holiday_name(D("2026-03-31")) == "Cesar Chavez Day"
    assert show(c.add(at(LA, "2026-01-02 16:30"), dur("1h")), LA) == "Sat 2026-01-03 10:30"
    # the project's zone applies when the calendar has none; from_ir is cached
    o = WorkCalendar.from_ir(cals["office"], "Europe/Lisbon")
    assert o.tz.key == LIS and o is WorkCalendar.from_ir(cals["office"], "Europe/Lisbon")
    assert WorkCalendar.from_ir(cals["office"], NY).tz.key == NY


def test_from_hand_built_ir():
    c = ir.Calendar(ir.Name("office", SPAN), None,
                    (ir.WeeklyHours((0, 1, 2, 3, 4), ((540, 780), (840, 1080)), SPAN),),
                    (ir.HolidaySource("PT", None, SPAN),),
                    (ir.DateRange(D("2026-12-24"), D("2026-12-24"), SPAN),), (), SPAN)
    w = WorkCalendar.from_ir(c, "Europe/Lisbon")
    assert show(w.add(at(LIS, "2026-12-23 17:55"), dur("15m")), LIS) == "Mon 2026-12-28 09:10"


# ------------------------------------------------------------------ durations, bounds, speed

def test_timedelta_is_working_time_and_negative_is_refused():
    c = CALS["plain"]
    x = at(LIS, "2026-03-13 17:55")
    assert c.add(x, dt.timedelta(minutes=15)) == c.add(x, dur("15m"))
    assert c.subtract(x, dt.timedelta(hours=2)) == c.subtract(x, dur("2h"))
    with pytest.raises(ValueError):
        c.add(x, dt.timedelta(minutes=-1))
    with pytest.raises(ValueError):
        c.subtract(x, ir.Duration(-1, "days", SPAN))
    with pytest.raises(ValueError):
        c.add(local("2026-03-13 17:55"), dur("15m"))  # naive: not an instant


def test_no_working_time_raises_at_once():
    # language.md#working-hours: a calendar without hours never loops
    for c in (WorkCalendar(LIS), cal(LIS, open=[("2026-01-10", "")])):
        assert not c.has_working_time()
        x = at(LIS, "2026-03-09 10:00")
        assert c.is_working(x) is False
        t0 = time.perf_counter()
        for op in (lambda: c.add(x, dur("15m")), lambda: c.add(x, dur("1 day")),
                   lambda: c.subtract(x, dur("15m")), lambda: c.subtract(x, dur("1 day")),
                   lambda: c.next_working(x), lambda: c.previous_working(x)):
            with pytest.raises(NoWorkingTime):
                op()
        assert time.perf_counter() - t0 < 0.1
    assert cal(LIS, open=[("2026-01-10", "10:00-11:00")]).has_working_time()
    assert cal(LIS, "sun 10:00-10:15").has_working_time()


def test_search_is_bounded():
    # working time exists, but none after 2026: NoWorkingTime after 20 years of dates, promptly
    only = cal(LIS, open=[("2026-01-10", "10:00-11:00")], holidays=["PT"])
    assert show(only.add(at(LIS, "2020-01-01 00:00"), dur("1h")), LIS) == "Sat 2026-01-10 11:00"
    assert show(only.subtract(at(LIS, "2030-01-01 00:00"), dur("1h")), LIS) == "Sat 2026-01-10 10:00"
    closed = cal(LIS, "mon-fri 09:00-18:00", closed=["2000-01-01..2100-12-31"])
    t0 = time.perf_counter()
    for c, op in ((only, lambda x: only.add(x, dur("1h"))), (only, lambda x: only.add(x, dur("1 day"))),
                  (closed, lambda x: closed.next_working(x)),
                  (closed, lambda x: closed.subtract(x, dur("2 days")))):
        with pytest.raises(NoWorkingTime, match=f"{MAX_SEARCH_DAYS} days"):
            op(at(LIS, "2027-06-01 10:00"))
    assert closed.is_working(at(LIS, "2027-06-01 10:00")) is False
    assert time.perf_counter() - t0 < 2


def test_long_durations_jump_across_intervals():
    # language.md#working-hours: 180 working days / 10,000 working hours take milliseconds
    c = cal(LIS, "mon-fri 09:00-13:00, 14:00-18:00", holidays=["PT"])
    x = at(LIS, "2026-01-05 10:00")
    t0 = time.perf_counter()
    r = c.add(x, dur("180 days"))
    s = c.add(x, dur("10000 hours"))
    back = c.subtract(s, dur("10000 hours"))
    elapsed = time.perf_counter() - t0
    # 180 working days: count them with the reasons oracle
    days, d = 0, D("2026-01-05")
    while days < 180:
        d += dt.timedelta(days=1)
        days += c.closed_reason(d) is None
    assert to_local(r, LIS) == dt.datetime.combine(d, dt.time(10, 0))
    assert working_between(c, x, s) == dt.timedelta(hours=10000)
    assert back == x
    assert elapsed < 1.0, elapsed
