"""README.md stays true: its commands come first, its sample trace is real."""
from __future__ import annotations

import re

from click.testing import CliRunner

from flowc.cli import main
from support import ROOT

README = (ROOT / "README.md").read_text(encoding="utf-8")


#: Debian and Ubuntu have no `python` command, and their system Python
#: refuses `pip install` outside a virtual environment: the commands make one
#: with `python3` and use its `python` from then on.
VENV = "python3 -m venv .venv && . .venv/bin/activate && "


def test_the_two_commands_come_first():
    blocks = re.findall(r"```\n(.*?)```", README, re.S)
    assert blocks[0].strip() == VENV + "python -m pip install . && flowc simulate examples/sales.flow"
    assert blocks[1].strip() == VENV + "python -m pip install '.[test]' && python -m pytest"


def test_the_venv_is_ignored_and_not_searched():
    assert "/.venv/" in (ROOT / ".gitignore").read_text(encoding="utf-8").split()


def test_sample_trace_is_what_simulate_prints(monkeypatch):
    monkeypatch.chdir(ROOT)
    result = CliRunner().invoke(main, ["simulate", "examples/sales.flow", "--color", "never"])
    assert result.exit_code == 0, result.output
    sample = README.split("From\n`flowc simulate examples/sales.flow`:", 1)[1].split("```")[1]
    for line in sample.strip().splitlines():
        assert line in result.output
