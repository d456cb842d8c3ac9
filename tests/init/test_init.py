"""`flowc init`: the new project checks clean (no diagnostic at all), is laid
out as `flowc fmt` lays it out, its scenario's expectations hold, its
pre-commit hooks pass, and the other commands work on it; nothing is ever
overwritten."""
from __future__ import annotations

import re
import shlex
from pathlib import Path

from click.testing import CliRunner

from flowc.cli import main

FILES = ["flows/common.flow", "flows/sales.flow", ".gitignore", ".pre-commit-config.yaml", "README.md"]


def flowc(*args: str):
    result = CliRunner().invoke(main, list(args))
    assert "Traceback" not in result.output
    return result


def test_a_new_project_checks_and_simulates_clean(tmp_path: Path, monkeypatch):
    result = flowc("init", str(tmp_path / "crm"))
    assert result.exit_code == 0, result.output
    assert "flowc simulate" in result.stdout
    root = tmp_path / "crm"
    assert sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_file()) == sorted(FILES)
    monkeypatch.chdir(root)
    check = flowc("check", "--strict", "flows/")
    assert check.exit_code == 0 and check.stdout.strip() == "no problems in 2 files", check.output
    assert flowc("fmt", "--check", "flows/").exit_code == 0
    sim = flowc("simulate", "flows/", "--color", "never")
    assert sim.exit_code == 0, sim.output
    assert "OK: all 5 expectations held" in sim.stdout
    assert flowc("graph", "flows/sales.flow").exit_code == 0
    assert flowc("doc", "flows/", "--from", "2026-03-01").exit_code == 0


def test_the_pre_commit_hooks_pass(tmp_path: Path, monkeypatch):
    assert flowc("init", str(tmp_path)).exit_code == 0
    config = (tmp_path / ".pre-commit-config.yaml").read_text(encoding="utf-8")
    hooks = re.findall(r"- id: (\S+)\n(.*?)(?=\n      - id:|\Z)", config, re.S)
    assert [h for h, _ in hooks] == ["flowc-fmt", "flowc-check", "flowc-simulate"]
    monkeypatch.chdir(tmp_path)
    flows = sorted(str(p.relative_to(tmp_path)) for p in tmp_path.rglob("*.flow"))
    for hook, body in hooks:
        entry = shlex.split(re.search(r"entry: (.*)", body).group(1))
        assert entry[0] == "flowc" and re.search(r"files: \\\.flow\$", body)
        args = entry[1:] + ([] if "pass_filenames: false" in body else flows)
        result = flowc(*args)
        assert result.exit_code == 0, (hook, result.output)


def test_nothing_is_overwritten(tmp_path: Path):
    (tmp_path / "README.md").write_text("mine\n")
    result = flowc("init", str(tmp_path))
    assert result.exit_code == 2 and "already has README.md" in result.stderr
    assert (tmp_path / "README.md").read_text() == "mine\n"
    assert not (tmp_path / "flows").exists()


def test_here_by_default(tmp_path: Path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert flowc("init").exit_code == 0
    assert (tmp_path / "flows" / "sales.flow").is_file()


def test_not_a_folder(tmp_path: Path):
    (tmp_path / "file").write_text("")
    assert flowc("init", str(tmp_path / "file")).exit_code == 2
    result = flowc("init", str(tmp_path / "file" / "sub"))
    assert result.exit_code == 2 and "cannot write" in result.stderr
