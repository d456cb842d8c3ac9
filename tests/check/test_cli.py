"""`flowc check` on the command line: exit codes, formats, folders, order, cap,
and the examples (which must check clean)."""
from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from flowc.cli import main
from support import ROOT

ERRORS = """\
pipeline sales for deal {
  stage new {
    robot a: move to paidd
    robot b: notify bruna "x"
  }
  stage paid { trigger invoice paid }
  stage won success
}
"""

WARNINGS = """\
pipeline sales for deal {
  stage new {
    trigger form submitted
  }
  stage won success
}
"""

NOTES = """\
pipeline sales for deal {
  stage new
  stage won success {
    robot reopen: move to new
  }
}
"""

CLEAN = """\
pipeline sales for deal {
  stage new
  stage paid { trigger invoice paid }
  stage won success
}
"""


def run(*args: str):
    result = CliRunner().invoke(main, ["check", "--color", "never", *args])
    assert "Traceback" not in result.output
    return result


def write(tmp_path: Path, name: str, text: str) -> Path:
    p = tmp_path / name
    p.parent.mkdir(parents=True, exist_ok=True)
    p.write_text(text, encoding="utf-8")
    return p


# ------------------------------------------------------------------ exit codes

def test_clean_exits_0(tmp_path):
    r = run(str(write(tmp_path, "clean.flow", CLEAN)))
    assert r.exit_code == 0, r.output
    assert r.output.strip() == "no problems in 1 file"


def test_errors_exit_1(tmp_path):
    r = run(str(write(tmp_path, "bad.flow", ERRORS)))
    assert r.exit_code == 1
    assert r.output.rstrip().endswith("2 errors, 0 warnings in 1 file")


def test_warnings_only_exit_0(tmp_path):
    r = run(str(write(tmp_path, "warn.flow", WARNINGS)))
    assert r.exit_code == 0, r.output
    assert "warning[F401]" in r.output
    assert r.output.rstrip().endswith("0 errors, 1 warning in 1 file")


def test_strict_makes_warnings_fail(tmp_path):
    r = run("--strict", str(write(tmp_path, "warn.flow", WARNINGS)))
    assert r.exit_code == 1
    assert "error[F401]" in r.output


def test_notes_never_fail(tmp_path):
    p = write(tmp_path, "notes.flow", NOTES)
    for args in ([], ["--strict"]):
        r = run(*args, str(p))
        assert r.exit_code == 0, r.output
        assert "note[F407]" in r.output
        assert r.output.rstrip().endswith("no problems in 1 file")


def test_missing_path_exits_2(tmp_path):
    r = run(str(tmp_path / "nope.flow"))
    assert r.exit_code == 2
    assert "no such file or folder" in r.output


def test_no_path_exits_2():
    r = run()
    assert r.exit_code == 2


# ------------------------------------------------------------------ formats

def test_text_format_points_at_the_token(tmp_path):
    p = write(tmp_path, "bad.flow", ERRORS)
    r = run(str(p))
    lines = r.output.splitlines()
    i = lines.index('error[F104]: unknown stage "paidd"')
    assert lines[i + 1].strip() == f"--> {p}:3:22"
    source, carets = lines[i + 3], lines[i + 4]
    assert source.endswith("robot a: move to paidd")
    col = carets.index("^")
    assert source[col:col + 5] == "paidd" and carets[col:].startswith('^^^^^ no stage with this name')
    assert lines[i + 5] == '  = help: did you mean "paid"?'


def test_short_format(tmp_path):
    p = write(tmp_path, "bad.flow", ERRORS)
    r = run("--format", "short", str(p))
    assert r.exit_code == 1
    assert r.output.splitlines() == [
        f'{p}:3:22: error[F104]: unknown stage "paidd" (did you mean "paid"?)',
        f'{p}:4:21: error[F110]: unknown employee "bruna" (declare it: employee bruna "Full Name" {{ email "..." }})',
    ]
    for line in r.output.splitlines():
        assert re.fullmatch(r".+:\d+:\d+: (error|warning|note)\[F\d{3}\]: .+", line)


def test_json_format(tmp_path):
    p = write(tmp_path, "bad.flow", ERRORS)
    r = run("--format", "json", str(p))
    assert r.exit_code == 1
    data = json.loads(r.output)
    assert data["version"] == 1
    assert data["files"] == [str(p)]
    assert (data["errors"], data["warnings"], data["truncated"]) == (2, 0, 0)
    first = data["diagnostics"][0]
    assert first == {
        "code": "F104", "severity": "error", "summary": 'unknown stage "paidd"',
        "detail": 'no stage with this name in pipeline "sales"', "path": str(p),
        "line": 3, "column": 22, "end_line": 3, "end_column": 27,
        "notes": [{"kind": "help", "message": 'did you mean "paid"?'}],
    }


def test_json_notes_with_places(tmp_path):
    p = write(tmp_path, "dup.flow", 'form a "A"\nform a "B"\n')
    data = json.loads(run("--format", "json", str(p)).output)
    [d] = data["diagnostics"]
    assert d["code"] == "F101"
    assert d["notes"] == [{"kind": "note", "message": "first declared here", "path": str(p), "line": 1, "column": 6}]


# ------------------------------------------------------------------ folders, order, cap

def test_folder_recursion_and_order(tmp_path):
    write(tmp_path, "b.flow", ERRORS)
    write(tmp_path, "sub/a.flow", ERRORS)
    write(tmp_path, "sub/deeper/c.flow", WARNINGS)
    write(tmp_path, "notes.txt", "not a flow file")
    r = run("--format", "short", str(tmp_path))
    assert r.exit_code == 1
    places = [tuple(line.split(":")[:3]) for line in r.output.splitlines()]
    keys = [(path, int(line), int(col)) for path, line, col in places]
    assert keys == sorted(keys)
    assert {k[0] for k in keys} == {str(tmp_path / "b.flow"), str(tmp_path / "sub" / "a.flow"),
                                    str(tmp_path / "sub" / "deeper" / "c.flow")}


def test_diagnostics_sorted_within_a_file(tmp_path):
    text = ERRORS.replace('robot b: notify bruna "x"', 'robot b: notify bruna "x" after 0m')
    p = write(tmp_path, "bad.flow", 'form f "F"\nform f "G"\n' + text)
    r = run("--format", "short", str(p))
    keys = [tuple(int(x) for x in line.split(":")[1:3]) for line in r.output.splitlines()]
    assert keys == sorted(keys) and len(keys) == 4


def test_cap(tmp_path):
    body = "".join(f"    robot r{i}: move to nowhere{i}\n" for i in range(10))
    p = write(tmp_path, "many.flow", "pipeline p for deal {\n  stage s {\n" + body + "  }\n}\n")
    r = run("--max-diagnostics", "3", str(p))
    assert r.exit_code == 1
    assert r.output.count("error[F104]") == 3
    assert r.output.rstrip().endswith("10 errors, 0 warnings in 1 file (7 more not shown; raise --max-diagnostics to see them)")
    short = run("--format", "short", "--max-diagnostics", "3", str(p))
    assert len(short.output.splitlines()) == 3
    data = json.loads(run("--format", "json", "--max-diagnostics", "3", str(p)).output)
    assert len(data["diagnostics"]) == 3 and data["truncated"] == 7 and data["errors"] == 10


def test_each_file_is_a_project(tmp_path):
    """Two files given together are checked apart: one's names are not the other's."""
    a = write(tmp_path, "a.flow", 'form contact "C"\n')
    b = write(tmp_path, "b.flow", 'form contact "C"\n')
    r = run(str(a), str(b))
    assert r.exit_code == 0, r.output


def test_use_brings_names_in(tmp_path):
    write(tmp_path, "common.flow", 'employee ana "Ana"\n')
    p = write(tmp_path, "main.flow", 'use "common.flow"\npipeline p for deal {\n  stage s {\n'
                                      '    robot r: notify ana "x"\n  }\n}\n')
    r = run(str(p))
    assert r.exit_code == 0, r.output


# ------------------------------------------------------------------ the examples

def test_examples_check_clean(monkeypatch):
    monkeypatch.chdir(ROOT)
    r = run("examples")
    assert r.exit_code == 0, r.output
    assert re.search(r"^no problems in \d+ files?$", r.output, re.M), r.output


@pytest.mark.parametrize("example", sorted((ROOT / "examples").glob("*.flow")), ids=lambda p: p.stem)
def test_each_example_checks_clean_on_its_own(example):
    r = run("--strict", "--format", "short", str(example))
    assert r.exit_code == 0, r.output
    assert "error[" not in r.output and "warning[" not in r.output
