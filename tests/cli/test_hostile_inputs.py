"""The inputs of issue 13 (an outside campaign) as unit tests: each gets a
positioned diagnostic or a one-line message and exit 1 or 2, never a
traceback, a hang or a damaged file.  (Their fuzz-regression files are in
tests/fuzz/regressions/; the time items are in tests/time.)"""
from __future__ import annotations

import pytest
from click.testing import CliRunner

from flowc.cli import main
from flowc.diagnostics import Diagnostics
from flowc.lower import load

FLOW = '''timezone "UTC"
employee ana
pipeline p for deal {{
  stage s {{
    robot r: notify responsible {text} {timing}
  }}
}}
scenario t {{
  start 2026-01-05 09:00
  record d: deal in s
  run for 1 day
}}
'''


def diagnostics(tmp_path, text: str) -> list:
    p = tmp_path / "in.flow"
    p.write_text(text, encoding="utf-8")
    diags = Diagnostics(limit=1000)
    load([str(p)], diags)
    return diags.sorted()


def run(*args: str):
    result = CliRunner().invoke(main, list(args), catch_exceptions=False)
    assert "Traceback" not in result.output and "internal error" not in result.output, result.output
    return result


# ------------------------------------------------------------------ item 1: surrogate escapes

@pytest.mark.parametrize("escape, column, length, help_", [
    ("\\uD800", 35, 6, "\\u{1F600} for"),
    ("\\udfff", 35, 6, "\\u{1F600} for"),
    ("\\uD83D\\uDE00", 35, 12, "write \\u{1F600} or the character itself: 😀"),
    ("\\uD83D\\u{DE00}", 35, 14, "write \\u{1F600}"),
    ("\\u{D83D}", 35, 8, "\\u{1F600} for"),
])
def test_a_surrogate_escape_is_a_positioned_error(tmp_path, escape, column, length, help_):
    text = FLOW.format(text=f'"a{escape}b"', timing="")
    got = diagnostics(tmp_path, text)
    assert [d.code for d in got] == ["F203"]
    d = got[0]
    assert (d.span.line, d.span.column, d.span.end_column - d.span.column) == (5, column, length)
    assert "surrogate" in d.summary
    assert any(help_ in n.message for n in d.notes), d.notes


def test_braced_escapes_write_any_character(tmp_path):
    text = FLOW.format(text='"\\u{1F600}\\u{41}\\u0042 \\u{110000}"', timing="")
    got = diagnostics(tmp_path, text)
    assert [d.code for d in got] == ["F203"]  # past 10FFFF: not an escape
    p = tmp_path / "ok.flow"
    p.write_text(FLOW.format(text='"\\u{1F600}\\u{41}\\u0042"', timing=""), encoding="utf-8")
    r = run("simulate", str(p))
    assert r.exit_code == 0 and 'notify ana "😀AB"' in r.output


@pytest.mark.parametrize("where", ['timezone "\\uD800"', 'use "\\uD800.flow"',
                                   'calendar c {\n  hours mon 09:00-10:00\n  holidays "\\uDFFF"\n}'])
@pytest.mark.parametrize("command", ["check", "simulate", "fmt"])
def test_surrogates_in_declarations_do_not_crash(tmp_path, where, command):
    p = tmp_path / "in.flow"
    p.write_text(where + "\n" + FLOW.format(text='"x"', timing=""), encoding="utf-8")
    r = run(command, "--check", str(p)) if command == "fmt" else run(command, str(p))
    assert r.exit_code in (0, 1) if command == "fmt" else r.exit_code == 1
    if command != "fmt":
        assert "F203" in r.output


# ------------------------------------------------------------------ item 2: durations of many digits

@pytest.mark.parametrize("timing", ["after {n}m", "after {n}m in c hours", "{n} days before due",
                                    "after 1_{n}_0 hours"])
@pytest.mark.parametrize("digits", [9, 4_301, 5_000, 50_000])
def test_a_duration_of_many_digits_is_f301_at_the_number(tmp_path, timing, digits):
    number = "9" * digits
    text = FLOW.format(text='"x"', timing=timing.format(n=number))
    text = text.replace("employee ana", "employee ana\ncalendar c {\n  hours mon-fri 09:00-18:00\n}")
    got = [d for d in diagnostics(tmp_path, text) if d.code != "F102"]
    assert [d.code for d in got] == ["F301"], got
    assert got[0].span.line == 8 and len(got[0].summary) < 80
    p = tmp_path / "cli.flow"
    p.write_text(text, encoding="utf-8")
    for command in ("check", "simulate"):
        r = run(command, str(p))
        assert r.exit_code == 1 and "F301" in r.output
