"""Hypothesis strategies for .flow text.

* `grammar_programs()`: programs generated from grammar/flow.lark itself
  (`hypothesis.extra.lark.from_lark`), with explicit strategies for every
  terminal: keywords and punctuation followed by a space (the grammar is
  insensitive to white space, and Hypothesis would otherwise glue tokens
  together), and valid-looking names, strings, dates, times, durations,
  numbers and weekdays -- with the edge values in the mix (Feb 29, 24:00,
  25:00, 1900 and 2200, zero and ten-million-unit durations, numbers of
  thousands of digits).
* `projects()`: well-formed projects (an entity, a calendar, a pipeline whose
  stages have robots and triggers, a scenario with records and happenings)
  that usually check clean, so that the simulator is exercised as well.
"""
from __future__ import annotations

import functools

from hypothesis import strategies as st
from hypothesis.extra.lark import from_lark

# ------------------------------------------------------------------ terminals

#: Names that are not keywords anywhere (so the contextual lexer never has to
#: choose), many of them resolving to something (stages, fields, people).
NAMES = (
    "deal", "lead", "invoice", "amount", "title", "source", "close_date", "client", "company",
    "contacts", "d1", "d2", "l1", "ana", "bruno", "office", "support", "sales", "p", "s1", "s2",
    "won", "lost", "new", "legal", "ping", "x", "y", "mobile", "work", "first", "last", "high",
    "telegram", "telephony", "sms_provider", "openlines", "facebook", "contract", "offer", "money",
    "number", "date", "datetime", "boolean", "file", "employee_x", "straße", "ação", "名前", "_x1",
)

STRINGS = (
    '"x"', '""', '"Deal {title}"', '"{client.name}: {amount}"', '"Hi {"', '"{}"', '"{ title }"',
    '"\\{literal\\}"', '"tab\\there\\nline"', '"\\q bad escape"', '"\\u00e9t\\u00e9"', '"\\u12"',
    '"Europe/Lisbon"', '"UTC"', '"America/New_York"', '"Pacific/Apia"', '"Australia/Lord_Howe"',
    '"Nowhere/City"', '"PT"', '"US"', '"US-CA"', '"DE-BY"', '"XX"', '"US-ZZ"', '"https://example.com/hook"',
    '"http://"', '"ftp://x"', '"a@b.co"', '"not an email"', '"+351 912 345 678"', '"phone?"',
    '"common.flow"', '"missing.flow"', '"../examples/common.flow"', '"https://x.io/a.mp3"',
    '"""multi\nline {title}"""', '""""""', '"' + "long " * 60 + '"', '"emoji 🎉 {title}"',
    # issue 13: surrogate escapes (alone, as a pair, braced), braced escapes, special files
    '"\\uD800"', '"\\uDFFF"', '"\\uD83D\\uDE00"', '"a\\uDE00\\uD83D b"', '"\\u{D800}"', '"\\u{1F600}"',
    '"\\u{41}{title}"', '"\\u{110000}"', '"\\u{}"', '"\\u{1234567}"', '"/dev/zero"', '"/dev/urandom"',
    '"/dev/null"', '"/dev/stdin"', '"."', '"https://x.example:' + "9" * 5000 + '/"', '"https://x.example:²/"',
)

DATES = (
    "2026-03-09", "2026-03-06", "2024-02-29", "2025-02-29", "2026-01-31", "2026-02-28", "2026-12-31",
    "2021-12-31", "2026-03-29", "2026-10-25", "2026-03-08", "2026-11-01", "1900-01-01", "2200-12-31",
    "1899-12-31", "2201-01-01", "0000-00-00", "2026-13-01", "2026-04-31", "9999-12-31",
)

TIMES = ("09:00", "00:00", "23:59", "24:00", "25:00", "9:30", "02:30", "01:30", "12:60", "13:00",
         "18:00", "8:05")

DURATIONS = ("15m", "1h", "2 days", "1 week", "0m", "90 minutes", "1d", "3 w", "45 mins", "36h",
             "10_000_000 weeks", "10000001 days", "9999999 weeks", "9999999 days", "5000 hours",
             "1 minute", "2weeks",
             # issue 13: past Python's 4,300-digit int() limit, and just at the duration limit
             "9" * 5000 + "m", "9" * 5000 + " days", "1_" + "0" * 4400 + " h", "0010000000m")

NUMBERS = ("0", "1", "5", "10_000", "3.5", "0.001", "99999999999999999999", "1" * 5000,
           "9" * 400 + ".5", "1_000_000", "007")

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


def _spaced(values) -> st.SearchStrategy[str]:
    return st.sampled_from(values).map(lambda v: v + " ")


def _free_string() -> st.SearchStrategy[str]:
    text = st.text(st.characters(codec="utf-8", exclude_characters='"\\\n\r'), max_size=30)
    return text.map(lambda s: f'"{s}" ')


def terminal_strategies(lark) -> dict[str, st.SearchStrategy[str]]:
    terminals, _rules, ignore = lark.grammar.compile(["start"], ())
    out: dict[str, st.SearchStrategy[str]] = {}
    for t in terminals:
        if t.pattern.type == "str":
            out[t.name] = st.just(t.pattern.value + " ")
    out.update({
        "NAME": st.one_of(_spaced(NAMES), st.sampled_from(NAMES).map(lambda n: n + "\n")),
        "STRING": st.one_of(_spaced(STRINGS), _free_string()),
        "DATE": _spaced(DATES),
        "TIME": _spaced(TIMES),
        "DURATION": _spaced(DURATIONS),
        "NUMBER": _spaced(NUMBERS),
        "WEEKDAY": _spaced(WEEKDAYS),
        "COMMENT": st.sampled_from(("# note\n", "#\n", "# E: F001 not an expectation\n")),
    })
    for name in ignore:
        if name != "COMMENT":
            out[name] = st.sampled_from((" ", "\n", "\t", "\r\n", "\n\n"))
    return out


@functools.lru_cache(maxsize=1)
def _plain_lark():
    from lark import Lark

    from flowc.parse import grammar_path

    return Lark(grammar_path().read_text(encoding="utf-8"), parser="lalr", lexer="contextual",
                keep_all_tokens=True, maybe_placeholders=False, start="start")


def grammar_programs() -> st.SearchStrategy[str]:
    """Programs of grammar/flow.lark (start symbol `start`)."""
    lark = _plain_lark()
    return from_lark(lark, start="start", explicit=terminal_strategies(lark))


# ------------------------------------------------------------------ well-formed projects

ZONES = ("UTC", "Europe/Lisbon", "America/New_York", "Australia/Lord_Howe", "Pacific/Apia", "Asia/Kolkata")
HOLIDAYS = ("PT", "US", "US-CA", "DE-BY", "GB")
HOURS = ("mon-fri 09:00-13:00, 14:00-18:00", "mon-fri 09:00-18:00", "mon-sat 08:00-20:00",
         "mon-fri 00:00-24:00", "sat 10:00-14:00", "mon 09:00-09:15", "sun 01:00-03:00")
ACTIONS = (
    'notify responsible "Deal {title} ({amount})"',
    'notify ana "x"',
    'create task "Call {client.name}" { deadline tomorrow 14:00 }',
    'create task "t" { deadline in 3 days }',
    "set amount = amount + 1",
    "set amount = amount * 2",
    "set close_date = close_date + 1 day",
    'set source = "web"',
    "change responsible to ana or bruno",
    'send email "Offer" { from "sales@example.com" }',
    'send sms "Hello {client.name}"',
    'plan activity "Meeting" { complete on stage change }',
    "copy deal",
    'webhook "https://example.com/hook"',
)
TIMINGS = ("", "immediately", "after 15m", "after 2h", "after 1 day", "after previous", "at 10:00",
           "after 1 week", "2 days before close_date", "1 day after close_date", "at 2026-03-10 09:30",
           "30m before close_date", "after 25h", "after 9999999 weeks")
CONDITIONS = ("", "if amount > 100", "if source = \"web\" or amount between 1 and 10",
              "if close_date is set and not (amount < 0)", "if title contains \"x\"",
              "if amount / (amount - amount) > 1", "if close_date > today", "if now > close_date")
EVENTS = ("invoice paid", "field amount changed", "field source changed", "responsible changed",
          "email sent", "document created", "task status changed", "webhook", "form submitted")


@st.composite
def projects(draw, max_stages: int = 5, max_records: int = 4) -> str:
    """A project that usually checks clean: time zone, calendar, entity,
    employees, one pipeline, one scenario."""
    tz = draw(st.sampled_from(ZONES))
    n = draw(st.integers(1, max_stages))
    stages = [f"s{i}" for i in range(n)]
    hours = draw(st.lists(st.sampled_from(HOURS), min_size=1, max_size=2, unique=True))
    hol = draw(st.sampled_from(("",) + tuple(f'holidays "{h}"' for h in HOLIDAYS)))
    out = [f'timezone "{tz}"',
           "calendar office {\n" + "".join(f"  hours {h}\n" for h in hours) + (f"  {hol}\n" if hol else "") + "}",
           "entity deal {\n  amount: number\n  close_date: optional date\n  source: optional text\n}",
           'employee ana "Ana" { supervisor bruno\n mailbox "ana@example.com" }',
           'employee bruno "Bruno"',
           "pipeline p for deal {"]
    for i, s in enumerate(stages):
        final = " success" if i == n - 1 and draw(st.booleans()) else ""
        body = []
        for k in range(draw(st.integers(0, 3))):
            action = draw(st.sampled_from(ACTIONS + tuple(f"move to {t}" for t in stages)))
            timing = [draw(st.sampled_from(TIMINGS)) for _ in range(draw(st.integers(0, 2)))]
            if k == 0:
                timing = [t for t in timing if t != "after previous"]
            if draw(st.booleans()):
                timing.append("in office hours")
            cond = draw(st.sampled_from(CONDITIONS))
            body.append(f"    robot r{i}_{k}: {action} {' '.join(timing)} {cond}".rstrip())
        for _ in range(draw(st.integers(0, 2))):
            back = " allow back" if draw(st.booleans()) else ""
            body.append(f"    trigger {draw(st.sampled_from(EVENTS))}{back} {draw(st.sampled_from(CONDITIONS))}".rstrip())
        inner = (" {\n" + "\n".join(body) + "\n  }") if body else ""
        out.append(f"  stage {s}{final}{inner}")
    out.append("}")
    day = draw(st.sampled_from(("2026-03-06", "2026-03-27", "2026-10-23", "2024-02-28", "2021-12-30",
                                "2026-12-31", "2026-01-30")))
    clock = draw(st.sampled_from(("09:00", "17:50", "00:00", "23:30", "02:30", "12:00")))
    sc = ["scenario t {", f"  start {day} {clock}", "  channel sms",
          '  contact c1 "Rui" { phone mobile "+351 912 345 678"\n email "rui@example.com" }']
    count = draw(st.integers(1, max_records))
    for r in range(count):
        stage = draw(st.sampled_from(stages))
        fields = [f"amount {draw(st.sampled_from(('0', '5', '150', '10_000', '3.5')))}", "client c1"]
        if draw(st.booleans()):
            fields.append(f"close_date {draw(st.sampled_from(('2026-03-10', '2024-02-29', '2026-01-31', '2026-03-29')))}")
        if draw(st.booleans()):
            fields.append('source "web"')
        sc.append(f"  record d{r}: deal in {stage} {{\n    " + "\n    ".join(fields) + "\n  }")
    for _ in range(draw(st.integers(0, 3))):
        rec = f"d{draw(st.integers(0, count - 1))}"
        phrase = draw(st.sampled_from((
            f"invoice paid for {rec}", f"move {rec} to s0", f"set {rec}.amount = 500",
            f"field amount changed for {rec}", f"complete task for {rec}", f"email sent for {rec}")))
        when = draw(st.sampled_from(("10:00", "12:00", "16:45", "23:59")))
        sc.append(f"  at {day} {max(when, clock)} {phrase}")
    sc.append(f"  run for {draw(st.sampled_from(('1 day', '3 days', '2 weeks', '36h', '60 days')))}")
    sc.append("}")
    return "\n".join(out + sc) + "\n"
