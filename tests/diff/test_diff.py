"""`flowc diff`: a change's effect per scenario and record (snapshots of the
text and JSON reports), git revisions read without a checkout, scenarios of
either side run on both, sides that cannot run reported, and bad input."""
from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner

from flowc.cli import main
from support import EXAMPLES

SALES = (EXAMPLES / "sales.flow").read_text(encoding="utf-8")

#: A change to examples/sales.flow that touches a due time, a condition, an
#: SMS's phone, a copy's target stage and a message.
CHANGES = [
    ("after 15m in office hours", "after 30m in office hours"),
    ("if amount > 10_000 and client.email is set", "if amount > 30_000"),
    ('"Payment received, thank you {client.name}!" to mobile', '"Paid, thanks {client.name}!" to work'),
    ("robot install: copy deal to installation.todo", "robot install: copy deal to installation.done"),
]


def changed(text: str = SALES) -> str:
    for a, b in CHANGES:
        assert a in text
        text = text.replace(a, b)
    return text


def diff(*args: str):
    result = CliRunner().invoke(main, ["diff", *args])
    assert "Traceback" not in result.output
    return result


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def test_the_same_rules_behave_the_same(monkeypatch):
    monkeypatch.chdir(EXAMPLES.parent)
    result = diff("examples/", "examples/")
    assert result.exit_code == 0, result.output
    assert "7 scenarios: 0 changed, 7 the same, 0 not compared" in result.stdout


def test_a_change(tmp_path: Path, monkeypatch, snapshot_text):
    monkeypatch.chdir(tmp_path)
    write(tmp_path, "old.flow", SALES)
    write(tmp_path, "new.flow", changed())
    result = diff("old.flow", "new.flow")
    assert result.exit_code == 1
    assert result.stdout == snapshot_text(name="sales-change")
    data = json.loads(diff("old.flow", "new.flow", "--format", "json").stdout)
    assert data["same"] is False
    assert data["counts"]["changed"] == 1 and data["counts"]["status"] == 2 and data["counts"]["stage"] == 1
    kinds = [(c["record"], c["kind"], c["subject"]) for c in data["scenarios"][0]["changes"]]
    assert kinds == [("d1", "status", "legal"), ("d1", "due", "legal"), ("d1", "status", "sms"),
                     ("d1", "action", "install"), ("d1", "expectation", "robot legal on d1 done at Mon 2026-03-09 09:05"),
                     ("d1", "expectation", "robot sms on d1 done at Mon 2026-03-09 11:30"),
                     ("d1_install", "stage", None)]
    assert json.dumps(data, sort_keys=True, indent=2, ensure_ascii=False) + "\n" == \
        snapshot_text(name="sales-change-json")


def test_runs_added_and_removed_records_and_messages(tmp_path: Path):
    new = SALES.replace("    robot install: copy deal to installation.todo\n", "") \
               .replace('"Contract for {title} ({amount}) needs review"', '"Please review {title}"') \
               .replace("  stage lost \"Closed lost\" failure\n",
                        "  stage lost \"Closed lost\" failure {\n    robot install: copy deal to installation.todo\n  }\n") \
               .replace("    robot sms: send sms", "    robot thanks: notify responsible \"Paid: {title}\"\n    robot sms: send sms")
    result = diff(str(write(tmp_path, "a/s.flow", SALES)), str(write(tmp_path, "b/s.flow", new)))
    assert result.exit_code == 1
    out = result.stdout
    assert 'robot legal: notify ana "Contract for Pumps (25,000.00) needs review"\n      now notify ana "Please review Pumps"' in out
    assert 'robot thanks now runs: done Mon 2026-03-09 11:30: notify bruno "Paid: Pumps"' in out
    assert "robot install no longer runs (was done Tue 2026-03-10 10:00: copy d1" in out
    assert "  d1_install\n    only in OLD: deal in installation.todo" in out


def test_git_revisions_without_a_checkout(tmp_path: Path, monkeypatch):
    git = shutil.which("git")
    assert git, "git is needed (CI runs from a clone)"
    repo = tmp_path / "repo"
    write(repo, "flows/sales.flow", SALES)
    run = lambda *a: subprocess.run([git, *a], cwd=repo, check=True, capture_output=True)  # noqa: E731
    run("init", "-q")
    run("-c", "user.name=t", "-c", "user.email=t@example.com", "add", ".")
    run("-c", "user.name=t", "-c", "user.email=t@example.com", "commit", "-q", "-m", "first")
    write(repo, "flows/sales.flow", changed())
    monkeypatch.chdir(repo / "flows")
    result = diff("HEAD:flows/", "./")
    assert result.exit_code == 1, result.output
    assert "1 scenario: 1 changed" in result.stdout and "(sales.flow)" in result.stdout
    assert "robot sms: done" in result.stdout
    # a path relative to the current folder, and a file against a file
    assert diff("HEAD:./sales.flow", "sales.flow").exit_code == 1
    assert diff("HEAD:flows/sales.flow", "HEAD:flows/sales.flow").exit_code == 0
    # nothing was checked out or changed
    status = subprocess.run([git, "status", "--porcelain"], cwd=repo, capture_output=True, text=True).stdout
    assert status.strip() == "M flows/sales.flow"
    assert (repo / "flows" / "sales.flow").read_text(encoding="utf-8") == changed()
    result = diff("nope:flows/", "./")
    assert result.exit_code == 2 and '"nope" is not a revision' in result.stderr
    result = diff("HEAD:elsewhere/", "./")
    assert result.exit_code == 2 and "has no .flow file in revision HEAD" in result.stderr


def test_not_in_a_repository(tmp_path: Path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path.parent))
    result = diff("HEAD:flows/", "x.flow")
    assert result.exit_code == 2 and "needs a git repository" in result.stderr


def test_a_scenario_of_either_side_runs_on_both(tmp_path: Path):
    extra = '''
scenario lost_deal "A deal lost at once" {
  start 2026-03-02 10:00
  record d9: deal in sales.new {
    title "Valves"
    amount 500
    tracking "-"
  }
  at 2026-03-02 11:00 move d9 to lost
  run for 1 day
  expect d9 in stage lost
}
'''
    old = write(tmp_path, "old/s.flow", SALES)
    new = write(tmp_path, "new/s.flow", SALES + extra)
    result = diff(str(old), str(new))
    assert result.exit_code == 0, result.output  # written in NEW only, ran on both: the same
    assert "scenario lost_deal: same, written in NEW only" in result.stdout
    # A scenario that does not check against the other side is reported.
    broken = extra.replace("move d9 to lost", "move d9 to archived")
    new2 = SALES.replace('  stage lost "Closed lost" failure\n',
                         '  stage lost "Closed lost" failure\n  stage archived "Archived" failure\n') + broken
    result = diff(str(old), str(write(tmp_path, "new2/s.flow", new2)))
    assert result.exit_code == 1
    assert "scenario lost_deal: not compared, written in NEW only" in result.stdout
    assert ('the scenario does not check against OLD: error[F104]: unknown stage "archived"'
            in result.stdout)


def test_a_rewritten_scenario_runs_in_its_new_version(tmp_path: Path):
    new = SALES.replace("at 2026-03-09 11:30 invoice paid for d1", "at 2026-03-09 12:30 invoice paid for d1")
    result = diff(str(write(tmp_path, "a/s.flow", SALES)), str(write(tmp_path, "b/s.flow", new)))
    assert "rewritten in NEW (NEW's version ran on both)" in result.stdout
    assert result.exit_code == 0  # the same rules: the same behaviour


def test_sides_that_cannot_run(tmp_path: Path):
    old = tmp_path / "old"
    new = tmp_path / "new"
    write(old, "sales.flow", SALES)
    write(new, "sales.flow", SALES.replace("move d1 to won", "move d1 to wonn"))
    write(new, "extra.flow", "pipeline p for deal {\n  stage a\n  stage b success\n}\nscenario s {\n"
                             "  start 2026-03-02 10:00\n  record r: deal in p.a { title \"x\" }\n  run for 1 day\n}\n")
    result = diff(str(old), str(new))
    assert result.exit_code == 1
    out = result.stdout
    assert "scenario s (extra.flow): not compared, written in NEW only\n  OLD has no such file" in out
    assert "scenario deal_to_installation (sales.flow): not compared" in out
    assert "NEW does not check:" in out and "error[F104]" in out


def test_usage(tmp_path: Path):
    sales = write(tmp_path, "s.flow", SALES)
    assert diff(str(sales), str(tmp_path / "missing.flow")).exit_code == 2
    result = diff(str(sales), str(sales), "--scenario", "nope")
    assert result.exit_code == 2 and "no scenario nope on either side" in result.stderr
    result = diff(str(sales), str(tmp_path))
    assert result.exit_code == 2 and "a file with a file" in result.stderr
    assert diff(str(sales), str(sales), "--format", "yaml").exit_code == 2
