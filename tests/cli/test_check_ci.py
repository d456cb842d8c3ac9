"""`flowc check` in CI and pre-commit: one report per file whatever the path
spelling, a folder without .flow files is a usage error, `--color always`
through a pipe, suppressions and the project configuration, SARIF, GitHub
annotations, the JSON schema of docs/diagnostics.md, standard input, and
the pre-commit hooks."""
from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from flowc.cli import main
from support import EXAMPLES, ROOT

COMMON = '''employee ana "Ana"
robot hello: notify bruna "x"
'''
USER = '''use "common.flow"
pipeline sales for deal {
  stage new {
    use hello
  }
}
'''
OPTIONAL = '''entity deal {
  close_date: optional date
}
pipeline sales for deal {
  stage new {
    robot r: notify responsible "x" 2 days before close_date%s
  }
}
'''


def run(*args: str, cwd: Path | None = None, input: str | None = None, monkeypatch=None):
    if cwd is not None:
        monkeypatch.chdir(cwd)
    result = CliRunner().invoke(main, ["check", *args], input=input)
    assert "Traceback" not in result.output, result.output
    return result


def write(folder: Path, name: str, text: str) -> Path:
    p = folder / name
    p.parent.mkdir(parents=True, exist_ok=True)
    p.write_text(text, encoding="utf-8")
    return p


# ------------------------------------------------------------------ paths (items 6 and 7)

@pytest.mark.parametrize("args", [(".",), ("./common.flow", "common.flow", "user.flow"),
                                  ("user.flow", "./user.flow", "common.flow")])
def test_one_report_per_file_whatever_the_spelling(tmp_path, monkeypatch, args):
    write(tmp_path, "common.flow", COMMON)
    write(tmp_path, "user.flow", USER)
    r = run("--format", "short", *args, cwd=tmp_path, monkeypatch=monkeypatch)
    lines = r.output.splitlines()
    assert lines == ['common.flow:2:21: error[F110]: unknown employee "bruna" (the employees are ana)'], r.output
    r = run("--format", "json", *args, cwd=tmp_path, monkeypatch=monkeypatch)
    report = json.loads(r.output)
    assert report["errors"] == 1 and sorted(report["files"]) == ["common.flow", "user.flow"]


def test_a_folder_without_flow_files_is_a_usage_error(tmp_path):
    (tmp_path / "empty").mkdir()
    write(tmp_path, "notes/readme.txt", "nothing here")
    for folder in ("empty", "notes"):
        r = run(str(tmp_path / folder))
        assert r.exit_code == 2 and "no .flow file in" in r.output


# ------------------------------------------------------------------ colour (item 8)

def test_color_always_colours_a_pipe(tmp_path):
    p = write(tmp_path, "a.flow", COMMON)
    coloured = run("--color", "always", str(p))
    assert "\x1b[" in coloured.output
    for choice in ("never", "auto"):  # the test runner's output is not a terminal
        assert "\x1b[" not in run("--color", choice, str(p)).output


# ------------------------------------------------------------------ suppressions (item 9)

@pytest.mark.parametrize("suppression", [
    "  # flowc: allow F303",                      # on the line
    "  # flowc: allow F402, F303 -- every deal has a close date",
])
def test_a_suppression_on_the_line(tmp_path, suppression):
    p = write(tmp_path, "a.flow", OPTIONAL % suppression)
    r = run("--strict", "--format", "short", str(p))
    assert r.exit_code == (1 if "F402" in suppression else 0), r.output
    assert "F303" not in r.output
    if "F402" in suppression:
        assert r.output.strip().endswith("warning[F009]: unused suppression: no F402 here "
                                         "(remove the suppression (the problem it silenced is gone))".replace(
                                             "warning", "error"))


def test_a_suppression_on_its_own_line_is_for_the_next_item(tmp_path):
    text = OPTIONAL.replace("    robot r:", "    # flowc: allow F303\n    robot r:").replace(
        "x\" 2 days", "x\"\n      2 days") % ""
    r = run("--strict", str(write(tmp_path, "a.flow", text)))
    assert r.exit_code == 0, r.output
    # ... and only for it.
    text = text.replace("  stage new {", "  stage new {\n    robot q: notify responsible \"y\" 1 day before close_date")
    r = run("--format", "short", str(write(tmp_path, "b.flow", text)))
    assert [line.split(": ")[1] for line in r.output.splitlines()] == ["warning[F303]"], r.output


def test_an_error_is_never_silenced(tmp_path):
    p = write(tmp_path, "a.flow", COMMON.replace('"x"', '"x"  # flowc: allow F110'))
    r = run("--format", "short", str(p))
    assert r.exit_code == 1
    assert "error[F110]" in r.output and "F110 is an error: an error cannot be allowed" in r.output


def test_configuration_strict_ignore_and_files(tmp_path, monkeypatch):
    write(tmp_path, "flows/a.flow", OPTIONAL % "")
    r = run("flows", cwd=tmp_path, monkeypatch=monkeypatch)
    assert r.exit_code == 0 and "warning[F303]" in r.output
    write(tmp_path, "flowc.toml", 'strict = true\nfiles = ["flows"]\n')
    r = run(cwd=tmp_path, monkeypatch=monkeypatch)  # no path: the configuration's files
    assert r.exit_code == 1 and "error[F303]" in r.output
    write(tmp_path, "flowc.toml", 'strict = true\nignore = ["F303"]\n')
    r = run("flows", cwd=tmp_path, monkeypatch=monkeypatch)
    assert r.exit_code == 0 and "F303" not in r.output, r.output
    # In pyproject.toml, from a subfolder: the configuration is looked for upwards.
    (tmp_path / "flowc.toml").unlink()
    write(tmp_path, "pyproject.toml", '[project]\nname = "x"\n\n[tool.flowc]\nstrict = true\nfiles = ["flows"]\n')
    r = run(cwd=tmp_path / "flows", monkeypatch=monkeypatch)
    assert r.exit_code == 1 and "error[F303]" in r.output


@pytest.mark.parametrize("config,message", [
    ("strct = true\n", 'unknown key "strct" (did you mean "strict"?)'),
    ('strict = "yes"\n', '"strict" must be true or false'),
    ('ignore = ["303"]\n', '"ignore" takes codes like "F303"'),
    ("strict = \n", "not valid TOML"),
])
def test_a_bad_configuration_is_a_usage_error(tmp_path, monkeypatch, config, message):
    write(tmp_path, "a.flow", OPTIONAL % "")
    write(tmp_path, "flowc.toml", config)
    r = run("a.flow", cwd=tmp_path, monkeypatch=monkeypatch)
    assert r.exit_code == 2 and message in r.output, r.output


def test_no_path_and_no_configuration_is_a_usage_error(tmp_path, monkeypatch):
    r = run(cwd=tmp_path, monkeypatch=monkeypatch)
    assert r.exit_code == 2 and "give the files or folders to check" in r.output


# ------------------------------------------------------------------ output for CI (item 10)

def _validate(value, schema: dict, where: str = "$") -> None:
    """The subset of JSON Schema that docs/diagnostics.md uses."""
    kinds = {"object": dict, "array": list, "string": str, "integer": int}
    if "type" in schema:
        assert isinstance(value, kinds[schema["type"]]) and not isinstance(value, bool), f"{where}: {value!r}"
    if "enum" in schema:
        assert value in schema["enum"], f"{where}: {value!r} not in {schema['enum']}"
    if "pattern" in schema:
        assert re.search(schema["pattern"], value), f"{where}: {value!r}"
    if "minimum" in schema:
        assert value >= schema["minimum"], f"{where}: {value!r}"
    if isinstance(value, dict):
        assert set(schema.get("required", ())) <= set(value), f"{where}: missing {set(schema['required']) - set(value)}"
        if schema.get("additionalProperties") is False:
            assert set(value) <= set(schema["properties"]), f"{where}: extra {set(value) - set(schema['properties'])}"
        for k, v in value.items():
            if k in schema.get("properties", {}):
                _validate(v, schema["properties"][k], f"{where}.{k}")
    if isinstance(value, list) and "items" in schema:
        for i, v in enumerate(value):
            _validate(v, schema["items"], f"{where}[{i}]")


def doc_schema() -> dict:
    doc = (ROOT / "docs" / "diagnostics.md").read_text(encoding="utf-8")
    section = doc.split("### The JSON format", 1)[1]
    return json.loads(re.search(r"```json\n(.*?)```", section, re.S).group(1))


CASES = sorted((ROOT / "tests" / "check" / "cases").glob("*.flow"))


def test_json_output_of_every_case_validates_against_the_documented_schema(monkeypatch):
    schema = doc_schema()
    with pytest.raises(AssertionError):  # the validator does reject
        _validate({"version": 1}, schema)
    monkeypatch.chdir(ROOT)
    r = run("--format", "json", "--max-diagnostics", "100000", "tests/check/cases")
    report = json.loads(r.output)
    _validate(report, schema)
    assert {d["severity"] for d in report["diagnostics"]} == {"error", "warning", "note"}
    assert any("path" in n for d in report["diagnostics"] for n in d["notes"])
    assert len(report["files"]) == len(CASES)


def test_sarif(tmp_path, monkeypatch):
    write(tmp_path, "common.flow", COMMON)
    write(tmp_path, "a.flow", OPTIONAL % "")
    r = run("--format", "sarif", ".", cwd=tmp_path, monkeypatch=monkeypatch)
    assert r.exit_code == 1
    log = json.loads(r.output)
    # The properties SARIF 2.1.0 requires, and those code scanning reads.
    assert log["version"] == "2.1.0" and log["$schema"].endswith("sarif-2.1.0.json")
    (sarif_run,) = log["runs"]
    driver = sarif_run["tool"]["driver"]
    assert driver["name"] == "flowc" and driver["version"]
    rules = [rule["id"] for rule in driver["rules"]]
    assert rules == sorted(set(rules)) == ["F110", "F303"]
    assert all(rule["helpUri"].endswith("#" + rule["id"].lower()) for rule in driver["rules"])
    assert sarif_run["originalUriBaseIds"]["%SRCROOT%"]["uri"].startswith("file://")
    results = sarif_run["results"]
    assert [(x["ruleId"], x["level"]) for x in results] == [("F303", "warning"), ("F110", "error")]
    for x in results:
        assert rules[x["ruleIndex"]] == x["ruleId"] and x["message"]["text"]
        (loc,) = x["locations"]
        art = loc["physicalLocation"]["artifactLocation"]
        assert art["uriBaseId"] == "%SRCROOT%" and art["uri"] in ("a.flow", "common.flow")
        region = loc["physicalLocation"]["region"]
        assert 1 <= region["startLine"] <= region["endLine"] and region["startColumn"] >= 1
    f110 = results[1]
    assert f110["locations"][0]["physicalLocation"]["region"] == {
        "startLine": 2, "startColumn": 21, "endLine": 2, "endColumn": 26}
    assert "help: the employees are ana" in f110["message"]["text"]


def test_github_annotations(tmp_path, monkeypatch):
    write(tmp_path, "dir, with: commas/a.flow", COMMON)
    r = run("--format", "github", ".", cwd=tmp_path, monkeypatch=monkeypatch)
    assert r.exit_code == 1
    (line,) = r.output.splitlines()
    assert line == ("::error file=dir%2C with%3A commas/a.flow,line=2,col=21,endLine=2,endColumn=26,"
                    'title=F110 unknown employee "bruna"::unknown employee "bruna": no employee with this name'
                    '%0Ahelp: the employees are ana')


def test_standard_input(tmp_path, monkeypatch):
    write(tmp_path, "common.flow", COMMON.replace("bruna", "ana"))
    r = run("--format", "short", "-", input=USER.replace("hello", "helo"), cwd=tmp_path, monkeypatch=monkeypatch)
    assert r.exit_code == 1
    assert r.output.startswith('<stdin>:4:9: error[F107]: unknown robot or trigger "helo"'), r.output
    r = run("--format", "short", "--stdin-filename", "sales.flow", "-", input=USER, cwd=tmp_path,
            monkeypatch=monkeypatch)
    assert r.exit_code == 0 and r.output == "", r.output


# ------------------------------------------------------------------ pre-commit

def test_pre_commit_hooks():
    """.pre-commit-hooks.yaml: each hook runs a flowc command on .flow files."""
    text = (ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8")
    hooks = [dict(re.findall(r"^\s*-?\s*(\w+):\s*(.+?)\s*$", block, re.M))
             for block in re.split(r"^- ", text, flags=re.M)[1:]]
    assert [h["id"] for h in hooks] == ["flowc-check", "flowc-fmt"]
    for h in hooks:
        assert {"id", "name", "entry", "language", "files"} <= set(h)
        assert h["language"] == "python" and re.search(h["files"].strip("'\""), "flows/sales.flow")
        command = h["entry"].split()
        assert command[0] == "flowc" and command[1] in ("check", "fmt")
    # `pre-commit` passes the staged files: the commands take them.
    r = CliRunner().invoke(main, [*hooks[0]["entry"].split()[1:], str(EXAMPLES / "sales.flow")])
    assert r.exit_code == 0, r.output
    r = CliRunner().invoke(main, [*hooks[1]["entry"].split()[1:], "--check", str(EXAMPLES / "sales.flow")])
    assert r.exit_code == 0, r.output
