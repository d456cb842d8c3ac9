"""`flowc doc`: the handbook of every example (snapshots), every robot and
trigger as a checklist item in plain words, the folder form and its links,
the days off of the calendars, and bad input."""
from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from flowc.cli import main
from flowc.diagnostics import Diagnostics
from flowc.lower import load
from support import EXAMPLES, ROOT, subprocess_env

EXAMPLE_FILES = sorted(EXAMPLES.glob("*.flow"))
FROM = "2026-03-01"


def doc(*args: str, env=None):
    result = CliRunner().invoke(main, ["doc", *args], env=env)
    assert "Traceback" not in result.output
    return result


@pytest.mark.parametrize("path", EXAMPLE_FILES, ids=lambda p: p.stem)
def test_every_example(path: Path, snapshot_text, monkeypatch):
    monkeypatch.chdir(ROOT)
    result = doc(str(path.relative_to(ROOT)), "--from", FROM)
    assert result.exit_code == 0, result.output
    assert result.stdout == snapshot_text(name=path.stem)


@pytest.mark.parametrize("path", EXAMPLE_FILES, ids=lambda p: p.stem)
def test_every_rule_is_a_checklist_item(path: Path):
    project, _ = load([str(path)], Diagnostics())
    out = doc(str(path), "--from", FROM).stdout
    robots = [r for p in project.pipelines for s in p.stages for r in s.robots]
    triggers = [t for p in project.pipelines for s in p.stages for t in s.triggers]
    items = re.findall(r"^- \[ \] (Robot|Trigger)", out, re.M)
    assert items.count("Robot") == len(robots)
    assert items.count("Trigger") == len(triggers)
    for r in robots:
        assert f"- [ ] Robot **{r.name.value}**: " in out


def test_plain_words():
    out = doc(str(EXAMPLES / "sales.flow"), "--from", FROM).stdout
    assert ("- [ ] Robot **legal**: 15 working minutes after entering Contract approval (office calendar, "
            "Europe/Lisbon), if the amount is over 10,000 and the client's e-mail is filled in, "
            "the responsible's supervisor is notified: “Contract for {title} ({amount}) needs review”.") in out
    assert ("- [ ] Trigger `order paid`: When an order of the deal is paid, a deal in any other stage "
            "(even a closed one: `allow back`) moves here.") in out
    assert "Robot **install** in Closed won (Sales) copies deals here." in out
    assert "| 2026-04-03 | Fri | public holiday: Sexta-feira Santa |" in out
    assert "| 2026-12-24 | Thu | closed |" in out
    assert "| 2027-02-" not in out.replace("2027-02-28 ", "")  # the twelve months end in February
    invoices = doc(str(EXAMPLES / "invoices.flow"), "--from", FROM).stdout
    assert "3 working days before due_date at 09:00 (office calendar, Europe/Lisbon)" in invoices
    assert "After the previous robot (call) finishes, then 2 working days" in invoices
    assert "the amount is set to `amount * 1.1`" in invoices


def test_folder(tmp_path: Path):
    out = tmp_path / "handbook"
    result = doc(str(EXAMPLES), "-o", str(out), "--from", FROM)
    assert result.exit_code == 0, result.output
    names = sorted(p.name for p in out.iterdir())
    assert names == ["README.md", "pipeline-installation.md", "pipeline-leads.md", "pipeline-orders.md",
                     "pipeline-payment.md", "pipeline-sales.md"]
    readme = (out / "README.md").read_text(encoding="utf-8")
    for link in re.findall(r"\]\(([^)#]+)\)", readme):
        assert (out / link).is_file(), link
    page = (out / "pipeline-sales.md").read_text(encoding="utf-8")
    assert "[Back to the handbook](README.md)" in page
    graph = CliRunner().invoke(main, ["graph", str(EXAMPLES / "sales.flow"), "--pipeline", "sales"]).stdout
    block = page.split("```mermaid\n", 1)[1].split("```", 1)[0]
    assert block.replace("p3", "p0").replace("p4", "p1") == graph  # the board of `flowc graph`
    # People are listed once each, with their supervisor's name.
    assert readme.count("| Ana Ferreira (`ana`)") == 1
    assert "| Bruno Costa (`bruno`) | bruno@pumps.example | Ana Ferreira |" in readme


def test_one_document_links_to_headings():
    out = doc(str(EXAMPLES / "sales.flow"), "--from", FROM).stdout
    assert "- [Sales](#sales)" in out and "- [Equipment installation](#equipment-installation)" in out
    assert "\n## Sales\n" in out and "\n### 2. Contract approval (`contract`)\n" in out


def test_the_default_period_follows_source_date_epoch():
    # 2026-07-15 12:00 UTC: the twelve months start on 2026-07-01.
    result = doc(str(EXAMPLES / "sales.flow"), env={"SOURCE_DATE_EPOCH": "1784116800"})
    assert "from 2026-07-01 to 2027-06-30" in result.stdout


def test_same_output_whatever_the_hash_seed_and_zone():
    outs = set()
    for seed, tz in (("0", "UTC"), ("1", "Asia/Tokyo"), ("77", "America/Los_Angeles")):
        done = subprocess.run([sys.executable, "-m", "flowc", "doc", str(EXAMPLES), "--from", FROM],
                              capture_output=True, env=subprocess_env(PYTHONHASHSEED=seed, TZ=tz), timeout=120)
        assert done.returncode == 0, done.stderr.decode()
        outs.add(done.stdout)
    assert len(outs) == 1


def test_bad_input(tmp_path: Path):
    bad = tmp_path / "bad.flow"
    bad.write_text("pipeline p for deal {\n  stage a { robot x: notify nobody \"hi\" }\n  stage b success\n}\n")
    result = doc(str(bad))
    assert result.exit_code == 1 and "error[F110]" in result.stderr and "nothing was made" in result.stderr
    assert result.stdout == ""
    assert doc(str(tmp_path / "missing.flow")).exit_code == 2
    result = doc(str(EXAMPLES / "sales.flow"), "--from", "March")
    assert result.exit_code == 2 and "bad --from" in result.output
    blocker = tmp_path / "file"
    blocker.write_text("")
    result = doc(str(EXAMPLES / "sales.flow"), "-o", str(blocker / "sub"))
    assert result.exit_code == 2 and "cannot write" in result.stderr
