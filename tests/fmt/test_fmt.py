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

FILES = sorted(EXAMPLES.glob("*.flow")) + sorted((ROOT / "tests" / "parse" / "cases").glob("*.flow"))


def meaning(text: str) -> str:
    diags = Diagnostics()
    module = parse(text, "x.flow", diags)
    project = lower([module], diags)
    return dump(project, spans=False)


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.stem)
def test_format_keeps_meaning_and_comments(path: Path):
    text = path.read_text(encoding="utf-8")
    out = format_text(text, str(path))
    assert out is not None
    assert format_text(out) == out, "not idempotent"
    assert meaning(out) == meaning(text)
    before = [c.text for c in parse(text, "a", Diagnostics()).comments]
    after = [c.text for c in parse(out, "b", Diagnostics()).comments]
    assert after == before


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
