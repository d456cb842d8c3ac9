"""`flowc explain CODE` prints the code's section of docs/diagnostics.md, and
every diagnostic in the text format ends with that hint."""
from __future__ import annotations

import re

import pytest
from click.testing import CliRunner

from flowc.cli import main
from flowc.codes import known, sections
from support import ROOT

CASES = ROOT / "tests" / "check" / "cases"


def flowc(*args: str):
    result = CliRunner().invoke(main, list(args))
    assert "Traceback" not in result.output
    return result


@pytest.mark.parametrize("code", known())
def test_every_code_is_explained(code: str):
    result = flowc("explain", code.lower())
    assert result.exit_code == 0
    title = sections()[code].splitlines()[0].replace("**", "")
    assert result.stdout.startswith(f"{code}: {title}\n")
    assert "```" not in result.stdout and "**" not in result.stdout


def test_an_example(snapshot_text):
    assert flowc("explain", "F303").stdout == snapshot_text(name="F303")


def test_unknown_codes():
    result = flowc("explain", "F999")
    assert result.exit_code == 2 and "no diagnostic F999" in result.stderr
    result = flowc("explain", "F1044")
    assert result.exit_code == 2 and "is not a diagnostic code" in result.output


def test_every_diagnostic_ends_with_the_hint():
    result = flowc("check", "--color", "never", str(CASES / "F403_loop.flow"), str(CASES / "F104_unknown_stage.flow"))
    blocks = [b for b in result.stdout.split("\n\n") if re.match(r"(error|warning|note)\[F\d{3}\]", b)]
    assert len(blocks) >= 4
    for block in blocks:
        code = re.match(r"\w+\[(F\d{3})\]", block).group(1)
        assert block.rstrip().splitlines()[-1].strip() == f"= help: for more on {code}, run `flowc explain {code}`"
        assert flowc("explain", code).exit_code == 0
