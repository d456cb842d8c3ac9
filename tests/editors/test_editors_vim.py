"""The Vim files (editors/vim), run in a headless Vim.

`.ci/run` installs Vim when the machine lacks it; elsewhere these tests skip without it.
"""
from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from editors_support import (FLOW_FILES, FLOW_IDS, HERE, REPO, VIM, Piece, disagreements, require,
                             line_starts, parse_tokens, rel)

KEYWORD_GROUPS = {
    "flowStructure", "flowModifier", "flowSmartProcess", "flowOptional", "flowAllowBack",
    "flowList", "flowFor", "flowUse", "flowFinal", "flowCalendarTimezone", "flowCalendarWord",
    "flowAction", "flowActionPhrase", "flowTo", "flowOr", "flowTiming", "flowRecipient",
    "flowParam", "flowParamValue", "flowEvent", "flowConditional", "flowLogic",
    "flowOperatorWord", "flowBoolean", "flowConstant", "flowPersonItem", "flowScenarioWord",
    "flowScenarioStructure", "flowScenarioTiming", "flowHappening", "flowRecordIn",
}
ROLE_GROUPS = {
    "keyword": KEYWORD_GROUPS,
    "string": {"flowString", "flowTripleString", "flowEscape", "flowBadEscape", "flowPlaceholder"},
    "number": {"flowNumber"},
    "duration": {"flowDuration"},
    "date": {"flowDate"},
    "time": {"flowTime"},
    "weekday": {"flowWeekday"},
    "comment": {"flowComment", "flowTodo"},
    "operator": {"flowOperator", "flowDelimiter", "flowBrace", "flowRange"},
}
NOT_A_NAME = set().union(*ROLE_GROUPS.values())


def vim_run(vim: str, call: str, out) -> None:
    proc = subprocess.run(
        [vim, "-N", "-u", "NONE", "-i", "NONE", "-n", "-es", "--cmd", f"set rtp^={VIM}",
         "-c", "filetype plugin indent on", "-c", "syntax on",
         "-c", f"source {HERE / 'vim_dump.vim'}", "-c", call, "-c", "qa!"],
        capture_output=True, text=True, timeout=300, cwd=REPO, stdin=subprocess.DEVNULL)
    assert proc.returncode == 0, f"vim failed ({proc.returncode}):\n{proc.stdout}\n{proc.stderr}"
    assert out.exists(), "vim wrote nothing"


def vim_list(paths) -> str:
    return "[" + ", ".join("'" + str(p).replace("'", "''") + "'" for p in paths) + "]"


@pytest.fixture(scope="session")
def vim() -> str:
    exe = shutil.which("vim")
    require(exe, "vim is not installed")
    return exe


@pytest.fixture(scope="session")
def vim_syntax(vim, tmp_path_factory):
    """{path: (filetype, [[(byte column, group), ...] per line])} for every file, one Vim run."""
    out = tmp_path_factory.mktemp("vim") / "dump.txt"
    vim_run(vim, f"call FlowDump({vim_list(FLOW_FILES)}, '{out}')", out)
    result: dict = {}
    current = None
    for line in out.read_text(encoding="utf-8").split("\n"):
        if line.startswith("== "):
            name, _, filetype = line[3:].rpartition(" ")
            current = result.setdefault(name, (filetype, []))
            continue
        if current is not None:
            runs = []
            for item in line.split(" ") if line else []:
                col, _, group = item.partition(":")
                runs.append((int(col), group))
            current[1].append(runs)
    return {p: result[str(p)] for p in FLOW_FILES}


def vim_pieces(text: str, lines: list) -> list[Piece]:
    starts = line_starts(text)
    src_lines = text.split("\n")
    pieces = []
    for i, runs in enumerate(lines):
        raw = src_lines[i].encode("utf-8") if i < len(src_lines) else b""
        for j, (col, group) in enumerate(runs):
            end_col = runs[j + 1][0] if j + 1 < len(runs) else len(raw) + 1
            a = len(raw[:col - 1].decode("utf-8", "ignore"))
            b = len(raw[:end_col - 1].decode("utf-8", "ignore"))
            pieces.append(Piece(starts[i] + a, starts[i] + b, group or "(none)", group))
    return pieces


def vim_fits(role: str, piece: Piece) -> bool:
    if role == "name":
        return piece.data not in NOT_A_NAME
    return piece.data in ROLE_GROUPS[role]


@pytest.mark.parametrize("path", FLOW_FILES, ids=FLOW_IDS)
def test_filetype_is_detected(path, vim_syntax):
    assert vim_syntax[path][0] == "flow"


@pytest.mark.parametrize("path", FLOW_FILES, ids=FLOW_IDS)
def test_vim_syntax_agrees_with_parser(path, vim_syntax):
    text = path.read_text(encoding="utf-8")
    pieces = vim_pieces(text, vim_syntax[path][1])
    problems = disagreements(parse_tokens(path), pieces, text, vim_fits)
    assert not problems, f"Vim syntax groups in {rel(path)} that do not fit the parse:\n" + \
        "\n".join(problems)


UNINDENTED = '''\
pipeline sales for deal {
stage new "New" {
trigger form submitted
robot legal: notify supervisor "Check {title}"
after 15m in office hours
if amount > 10_000
and client.email is set
robot brief: create task "Call" {
title "Call back"
description """Keep
   this   as it is
"""
deadline in 2h
} after 15m
}
stage won "Won" success
}
# done
'''
INDENTED = '''\
pipeline sales for deal {
  stage new "New" {
    trigger form submitted
    robot legal: notify supervisor "Check {title}"
      after 15m in office hours
      if amount > 10_000
        and client.email is set
    robot brief: create task "Call" {
      title "Call back"
      description """Keep
   this   as it is
"""
      deadline in 2h
    } after 15m
  }
  stage won "Won" success
}
# done
'''


def test_indent_and_ftplugin(vim, tmp_path):
    src = tmp_path / "messy.flow"
    src.write_text(UNINDENTED, encoding="utf-8")
    out = tmp_path / "out.txt"
    vim_run(vim, f"call FlowReindent({vim_list([src])}, '{out}')", out)
    header, _, body = out.read_text(encoding="utf-8").partition("\n")
    assert header.endswith("flow sw=2 cms=# %s"), header
    assert body == INDENTED


def test_ftplugin_and_indent_set_local_options_only():
    for name in ("ftplugin/flow.vim", "indent/flow.vim"):
        for n, line in enumerate((VIM / name).read_text(encoding="utf-8").splitlines(), 1):
            if re.match(r"\s*set\s", line):
                assert re.match(r"\s*set cpo&vim\s*$", line), f"{name}:{n}: use setlocal: {line}"


def test_reindenting_the_examples_changes_nothing(vim, tmp_path):
    """`gg=G` on every example leaves it as `flowc fmt` laid it out: the
    contents of \"\"\" strings untouched (communication.flow's e-mail body),
    an expectation's `at` and `because` lines one level under it."""
    out = tmp_path / "out.txt"
    EXAMPLE_FILES = sorted((REPO / "examples").glob("*.flow"))
    vim_run(vim, f"call FlowReindent({vim_list(EXAMPLE_FILES)}, '{out}')", out)
    chunks = re.split(r"^== (\S+) .*$", out.read_text(encoding="utf-8"), flags=re.M)[1:]
    assert len(chunks) == 2 * len(EXAMPLE_FILES)
    assert any('"""' in p.read_text(encoding="utf-8") for p in EXAMPLE_FILES)
    for name, body in zip(chunks[::2], chunks[1::2]):
        original = Path(name).read_text(encoding="utf-8")
        assert body.strip("\n") == original.strip("\n"), f"gg=G changes {name}"


def test_placeholder_with_spaces(vim, tmp_path):
    """`{ title }` (spaces inside the braces are allowed) is a placeholder."""
    src = tmp_path / "p.flow"
    line = 'robot r: notify responsible "Hi { title } and {client.name}"'
    src.write_text(line + "\n", encoding="utf-8")
    out = tmp_path / "dump.txt"
    vim_run(vim, f"call FlowDump({vim_list([src])}, '{out}')", out)
    runs = out.read_text(encoding="utf-8").splitlines()[1].split()
    groups = {}
    for run in runs:
        col, name = run.split(":", 1)
        groups[int(col)] = name

    def group_at(col: int) -> str:
        return groups[max(c for c in groups if c <= col)]

    assert group_at(line.index("{ title }") + 1) == "flowPlaceholder"
    assert group_at(line.index("title") + 1) == "flowPlaceholder"
    assert group_at(line.index("{client") + 1) == "flowPlaceholder"
    assert group_at(line.index("Hi") + 1) != "flowPlaceholder"
