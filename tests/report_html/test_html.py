"""`flowc simulate --html`: one self-contained page per run, with a lane per
record, a mark per robot outcome carrying its trace line, flags for the
happenings, shaded non-working time and the expectations; the same bytes
whatever the hash seed or the machine's time zone."""
from __future__ import annotations

import html
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from flowc.cli import main
from support import EXAMPLES, ROOT, subprocess_env

EXAMPLE_FILES = sorted(EXAMPLES.glob("*.flow"))
FAILING = ROOT / "tests" / "simulate" / "failing"


def simulate(*args: str):
    result = CliRunner().invoke(main, ["simulate", "--color", "never", *args])
    assert "Traceback" not in result.output
    return result


def jsonl(path: Path) -> list[dict]:
    out = simulate(str(path), "--format", "jsonl").stdout
    return [json.loads(line) for line in out.splitlines()]


@pytest.mark.parametrize("path", EXAMPLE_FILES, ids=lambda p: p.stem)
def test_every_example(path: Path, tmp_path: Path):
    page = tmp_path / "report.html"
    result = simulate(str(path), "--html", str(page))
    text_only = simulate(str(path))
    assert result.exit_code == text_only.exit_code
    assert result.stdout == text_only.stdout  # the text trace is printed as without --html
    trace = jsonl(path)
    if not any(d["kind"] == "scenario_start" for d in trace):
        assert not page.exists()  # common.flow: no scenario, no page
        return
    doc = page.read_text(encoding="utf-8")
    assert f"wrote {page}" in result.stderr
    # self-contained: nothing to fetch
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", doc)
    assert "<link" not in doc and "<script src" not in doc and "@import" not in doc
    # one section per scenario, one lane per record, one mark per robot outcome
    scenarios = [d["scenario"] for d in trace if d["kind"] == "scenario_start"]
    assert re.findall(r'<section class="scenario" id="scenario-([^"]+)"', doc) == scenarios
    records = [d["record"] for d in trace if d["kind"] == "summary"]
    assert len(re.findall(r'<g class="lane"', doc)) == len(records)
    outcomes = [d for d in trace if d["kind"] in ("done", "failed", "skipped", "cancelled", "waiting")]
    marks = re.findall(r'<circle class="mark (\w+)"[^>]*data-tip="([^"]*)"', doc)
    assert sorted(k for k, _ in marks) == sorted(d["kind"] for d in outcomes)
    for kind, tip in marks:
        assert f"robot " in html.unescape(tip) and kind in html.unescape(tip)
    happenings = [d for d in trace if d["kind"] == "event" and d.get("cause") == "scenario"]
    assert len(re.findall(r'<path class="flag happening"', doc)) == len(happenings)
    expectations = [d for d in trace if d["kind"] == "expectation"]
    assert doc.count('<li class="expectation ok">') == sum(d["ok"] for d in expectations)
    assert doc.count('<li class="expectation bad">') == sum(not d["ok"] for d in expectations)


def test_what_a_page_says(tmp_path: Path):
    page = tmp_path / "sales.html"
    assert simulate(str(EXAMPLES / "sales.flow"), "--html", str(page)).exit_code == 0
    doc = page.read_text(encoding="utf-8")
    # the trace line is the tooltip of its mark
    assert ('data-tip="Mon 2026-03-09 09:05  d1  robot legal done: notify ana '
            '&quot;Contract for Pumps (25,000.00) needs review&quot;"') in doc
    # stays in stages as bars, with their titles
    for title in ("New", "Contract approval", "Paid", "Closed won"):
        assert f"<title>d1 in {title}</title>" in doc
    assert "<title>d1_install in To schedule</title>" in doc
    # non-working time of the office calendar shaded; the long idle stretch folded
    assert "outside the working hours of calendar office" in doc and 'class="off"' in doc
    assert re.search(r'class="fold-label"[^>]*>17\d days</text>', doc)
    assert "OK: all 8 expectations held" in doc and doc.count("✓") == 8


def test_failed_expectations_and_errors(tmp_path: Path):
    page = tmp_path / "failing.html"
    result = simulate(str(FAILING / "expectations.flow"), "--html", str(page))
    assert result.exit_code == 1
    doc = page.read_text(encoding="utf-8")
    assert '<p class="verdict bad">FAILED: ' in doc and '<li class="expectation bad"><span class="check">✗</span>' in doc
    assert '<div class="why">expected ' in doc
    loop = tmp_path / "loop.html"
    assert simulate(str(FAILING / "loop.flow"), "--html", str(loop)).exit_code == 1
    assert '<path class="flag trouble"' in loop.read_text(encoding="utf-8")


def test_bad_input(tmp_path: Path):
    bad = tmp_path / "bad.flow"
    bad.write_text("pipeline p for deal {\n  stage a { robot x: move to nowhere }\n  stage b success\n}\n")
    page = tmp_path / "x.html"
    result = simulate(str(bad), "--html", str(page))
    assert result.exit_code == 1 and "error[F104]" in result.stderr
    assert not page.exists()
    result = simulate(str(EXAMPLES / "sales.flow"), "--html", str(tmp_path / "no" / "dir" / "x.html"))
    assert result.exit_code == 2 and "cannot write" in result.stderr


def test_same_bytes_whatever_the_hash_seed_and_zone(tmp_path: Path):
    pages = set()
    for seed, tz in (("0", "UTC"), ("3", "Pacific/Auckland"), ("99", "America/New_York")):
        out = tmp_path / f"{seed}.html"
        done = subprocess.run([sys.executable, "-m", "flowc", "simulate", str(EXAMPLES), "--html", str(out)],
                              capture_output=True, env=subprocess_env(PYTHONHASHSEED=seed, TZ=tz), timeout=300)
        assert done.returncode == 0, done.stderr.decode()
        pages.add(out.read_bytes())
    assert len(pages) == 1
