"""`flowc fmt`: idempotent, never changes meaning, never loses a comment."""
from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from flowc.cli import main
from flowc.diagnostics import Diagnostics
from flowc.dump import dump
from flowc.fmt import format_text
from flowc.lower import lower
from flowc.parse import parse
from support import EXAMPLES, ROOT



def meaning(text: str) -> str:
    diags = Diagnostics()
    module = parse(text, "x.flow", diags)
    project = lower([module], diags)
    return dump(project, spans=False)


def fmt(text: str) -> str:
    out = format_text(text)
    assert out is not None
    assert format_text(out) == out, "not idempotent"
    assert meaning(out) == meaning(text)
    return out


def test_the_examples_are_formatted():
    r = CliRunner().invoke(main, ["fmt", "--check", str(EXAMPLES)])
    assert r.exit_code == 0, r.output


PIPE = "pipeline p for deal {{\n  stage a {{\n{}\n  }}\n}}\n"


@pytest.mark.parametrize("robot", [
    # The line breaks between a robot's clauses stay where the author put them.
    '    robot sms: send sms "Paid, thank you {client.name}!" to mobile\n      after previous',
    '    robot sms: send sms "Paid, thank you {client.name}!" to mobile after previous',
    '    robot r: notify responsible "x" after 15m\n      in office hours if amount > 5',
    # `} after previous` stays on the line of the brace.
    '    robot mail: send email "Offer" {\n      from auto\n      to work first\n    } after previous',
    '    robot mail: send email "Offer" {\n      from auto\n    }\n      after previous',
    # A parameter block stays on one line, or one parameter per line, as written.
    '    robot a: create task "Call" { responsible ana deadline today 17:00 }',
    '    robot a: create task "Call" {\n      responsible ana\n    }',
    # A comment stays at the end of the line it annotates.
    '    robot big: notify supervisor "Big order"  # tell the boss\n'
    '      after 1h                                # not at once\n'
    '      if amount > 1_000                       # big ones only',
    '    robot big: notify supervisor "Big order"\n      # only big ones\n      if amount > 1_000',
    '    trigger order paid, allow back  # reopens a lost deal',
])
def test_as_written_layouts_are_kept(robot):
    text = PIPE.format(robot)
    assert fmt(text) == text


@pytest.mark.parametrize("expectation", [
    "  expect robot call on d1 done at 2026-03-06 17:50",
    '  expect robot big on o1 skipped because "amount >= 1_000 is false" at 2026-03-10 09:00',
    '  expect robot big on o1 skipped at 2026-03-10 09:00 because "amount >= 1_000 is false"',
    '  expect robot too_late on i1 cancelled because "moved on before it was due"\n    at 2026-04-07 15:00',
    "  expect d1 in stage contract at 2026-03-06 17:50  # entered at once",
    "  expect d1.amount = 25_000 at 2026-03-06 17:50",
])
def test_an_expectation_keeps_its_time(expectation):
    text = "scenario s {\n  start 2026-03-06 17:40\n" + expectation + "\n}\n"
    assert fmt(text) == text


def test_a_long_line_is_broken_and_a_short_block_is_not_joined_to_it():
    long_sms = "Your order is on its way: tracking number {tracking}, see the carrier's page"
    one_line = f'    robot track: send sms "{long_sms}" to mobile {{ provider "Twilio" }} after 2 days'
    assert fmt(PIPE.format(one_line)) == PIPE.format(
        f'    robot track: send sms "{long_sms}" to mobile {{\n      provider "Twilio"\n    }} after 2 days')
    # Written over several lines, the block is never joined into one long line.
    written = f'    robot track: send sms "{long_sms}" to mobile {{\n      provider "Twilio"\n    }}'
    assert fmt(PIPE.format(written)) == PIPE.format(written)


def test_clauses_too_long_for_a_line_are_laid_out_afresh():
    text = PIPE.format('    robot r: notify responsible "A reminder with a long text, to be sure" after previous, '
                       'after 2 days in office hours if amount between 1_000 and 5_000 and vip = yes')
    assert fmt(text) == PIPE.format(
        '    robot r: notify responsible "A reminder with a long text, to be sure"\n'
        '      after previous, after 2 days in office hours\n'
        '      if amount between 1_000 and 5_000 and vip = yes')


def test_end_of_line_comments_of_consecutive_lines_are_aligned():
    text = ("calendar office {\n"
            "  hours mon-fri 09:00-13:00, 14:00-18:00 # lunch\n"
            "  holidays \"PT\"    # public holidays\n"
            "  closed 2026-12-24\n"
            "  open 2026-03-28 10:00-13:00 # a Saturday\n"
            "}\n")
    assert fmt(text) == ("calendar office {\n"
                         "  hours mon-fri 09:00-13:00, 14:00-18:00  # lunch\n"
                         "  holidays \"PT\"                           # public holidays\n"
                         "  closed 2026-12-24\n"
                         "  open 2026-03-28 10:00-13:00  # a Saturday\n"
                         "}\n")


@pytest.mark.parametrize("newline", ["\r\n", "\r", "\n"])
def test_line_endings_are_kept(newline):
    text = 'pipeline p for deal{stage a{robot r: notify responsible "x"\nafter 1h}}\n'.replace("\n", newline)
    assert fmt(text) == ('pipeline p for deal {\n  stage a {\n    robot r: notify responsible "x"\n      after 1h\n'
                         '  }\n}\n').replace("\n", newline)


def test_line_endings_inside_strings_are_kept_byte_for_byte():
    text = 'pipeline p for deal {\r\n  stage a {\r\n    robot r: send email "x" {\r\n      text """a\nb\r\nc"""\r\n    }\r\n  }\r\n}\r\n'
    assert fmt(text) == text


def test_layout(snapshot_text):
    messy = '''# header comment
timezone   "UTC"
calendar office{hours mon - fri 09:00 - 18:00 # trailing
closed 2026-12-24 , 2026-12-31}


pipeline p for deal{stage a{robot r:notify responsible "Hi {title}" after 15m in office hours if amount>10_000 and(client.email is set or vip=yes)
robot long: send email "A subject that is quite long indeed" { text "Body" from auto } after previous, after 2 days in office hours if amount between 1_000 and 5_000
    # a comment before a trigger
trigger order paid,allow back}
stage b success}
'''
    out = format_text(messy)
    assert out == snapshot_text(name="layout")
    assert meaning(out) == meaning(messy)


def test_syntax_errors_are_left_alone():
    assert format_text("pipeline p for deal {") is None


def test_cli_check_and_write(tmp_path):
    p = tmp_path / "a.flow"
    p.write_text("pipeline p for deal{stage a}\n")
    r = CliRunner().invoke(main, ["fmt", "--check", str(p)])
    assert r.exit_code == 1 and "would reformat" in r.output
    r = CliRunner().invoke(main, ["fmt", str(p)])
    assert r.exit_code == 0
    assert p.read_text() == "pipeline p for deal {\n  stage a\n}\n"
    r = CliRunner().invoke(main, ["fmt", "--check", str(p)])
    assert r.exit_code == 0
    r = CliRunner().invoke(main, ["fmt", "-"], input="pipeline q for deal{stage a}")
    assert r.output == "pipeline q for deal {\n  stage a\n}\n"
    bad = tmp_path / "bad.flow"
    bad.write_text("pipeline {")
    r = CliRunner().invoke(main, ["fmt", str(bad)])
    assert r.exit_code == 1 and "error[F003]" in r.output
    assert bad.read_text() == "pipeline {"


def test_a_condition_keeps_its_line_breaks_and_a_long_one_is_broken():
    written = ('    robot legal: notify supervisor "Contract {title} needs review"\n'
               '      if amount > 10_000 and client.email is set\n'
               '        or source in ["fair", "phone"] and not (title contains "test")')
    assert fmt(PIPE.format(written)) == PIPE.format(written)
    one_line = written.replace("\n        or", " or")
    assert fmt(PIPE.format(one_line)) == PIPE.format(written)
    # `between ... and ...` is not a place to break.
    long_and = ('    robot r: notify supervisor "Contract {title} needs review" if amount between 1 and 2 and '
                'client.email is set and source in ["fair", "phone"] and not (title contains "test")')
    assert fmt(PIPE.format(long_and)) == PIPE.format(
        '    robot r: notify supervisor "Contract {title} needs review"\n'
        '      if amount between 1 and 2\n        and client.email is set\n        and source in ["fair", "phone"]\n'
        '        and not (title contains "test")')


def test_a_small_block_written_on_one_line_stays_there():
    text = ('calendar office { hours mon-fri 09:00-18:00 }\n'
            'pipeline p for deal {\n  stage paid { trigger invoice paid }\n  stage won success\n}\n'
            'scenario s {\n  contact joana "Joana Silva" { email "joana@farm.example" }\n}\n')
    assert fmt(text) == text
    # Two items, or a pipeline, go one item per line.
    assert fmt("calendar office { hours mon 09:00-10:00 holidays \"PT\" }\n") == (
        'calendar office {\n  hours mon 09:00-10:00\n  holidays "PT"\n}\n')
    assert fmt("pipeline p for deal { stage a }\n") == "pipeline p for deal {\n  stage a\n}\n"
