"""README.md's sections on pictures, the handbook, new projects, reviews and
explanations stay true: each excerpt is what its command prints (with the
exit status its marker gives), the board picture is what `flowc graph`
draws of examples/sales.flow today, and the report screenshot is a PNG."""
from __future__ import annotations

import re
import shlex
import xml.etree.ElementTree as ET

import pytest
from click.testing import CliRunner

from flowc.cli import main
from support import ROOT

README = (ROOT / "README.md").read_text(encoding="utf-8")
#: (expected exit status, command, excerpt of its output)
EXCERPTS = [(int(code or 0), cmd, text) for code, cmd, text in
            re.findall(r"<!-- excerpt(?:, exit (\d))?: (.*?) -->\n```\n(.*?)```", README, re.S)]
PICTURE = ROOT / "docs" / "images" / "sales-graph.svg"


def test_the_excerpts_are_found():
    assert [cmd.split()[1] for _, cmd, _ in EXCERPTS] == ["graph", "doc", "init", "diff", "explain"]


@pytest.mark.parametrize("status,command,excerpt", EXCERPTS, ids=[c for _, c, _ in EXCERPTS])
def test_each_excerpt_is_what_its_command_prints(status, command, excerpt, tmp_path, monkeypatch):
    args = shlex.split(command)
    assert args[0] == "flowc"
    for folder in ("examples", "docs"):
        (tmp_path / folder).symlink_to(ROOT / folder)
    monkeypatch.chdir(tmp_path)  # examples/ as in the repository; `init` writes here
    result = CliRunner().invoke(main, args[1:])
    assert result.exit_code == status, result.output
    lines = set(result.stdout.splitlines())
    for line in excerpt.splitlines():
        assert not line.strip() or line in lines, f"not in the output of `{command}`: {line}"


def test_the_picture_is_todays_board():
    """The committed SVG (made by `flowc graph examples/sales.flow -o
    docs/images/sales-graph.svg`) shows every stage, robot, trigger and link
    label of the board as drawn today."""
    root = ET.parse(PICTURE).getroot()
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    shown = {t.text for t in root.iter("{http://www.w3.org/2000/svg}text")}
    dot = CliRunner().invoke(main, ["graph", str(ROOT / "examples" / "sales.flow"), "--format", "dot"]).stdout
    labels = re.findall(r'<font point-size="9">(.*?)</font>|<b>(.*?)</b>|label="([^"]*)"', dot)
    wanted = {next(x for x in groups if x) for groups in labels}
    wanted = {w.replace("&gt;", ">").replace("&lt;", "<").replace("&amp;", "&") for w in wanted}
    missing = wanted - shown
    assert not missing, f"regenerate docs/images/sales-graph.svg with flowc graph: {missing}"
    assert "Sales — pipeline sales for deal" in shown and "allow back" in shown


def test_the_report_screenshot_is_a_png():
    """docs/images/report-sales.png: the page of `flowc simulate
    examples/sales.flow --html` in headless Chromium (tests/browser make the
    same screenshot, in build/test-artifacts, on every run)."""
    data = (ROOT / "docs" / "images" / "report-sales.png").read_bytes()
    assert data.startswith(b"\x89PNG\r\n\x1a\n") and len(data) > 20_000
    assert "![The report of examples/sales.flow" in README
