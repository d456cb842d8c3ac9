"""`flowc graph`: the Mermaid and DOT text of every example (snapshots), what
the board shows (order, finals, triggers, allow back, links, loops), Graphviz
accepting every DOT output and drawing SVG and PNG, and bad input."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from click.testing import CliRunner

from flowc.cli import main
from support import EXAMPLES, ROOT, require, subprocess_env

EXAMPLE_FILES = sorted(EXAMPLES.glob("*.flow"))
LOOPS = ROOT / "tests" / "check" / "cases" / "F403_loop.flow"
DOT_INPUTS = EXAMPLE_FILES + [EXAMPLES, LOOPS]


def graph(*args: str):
    result = CliRunner().invoke(main, ["graph", *args])
    assert "Traceback" not in result.output
    return result


def dot_exe() -> str:
    exe = shutil.which("dot")
    require(exe, "Graphviz's dot is not installed (apt-get install graphviz)")
    return exe


@pytest.mark.parametrize("path", EXAMPLE_FILES, ids=lambda p: p.stem)
@pytest.mark.parametrize("fmt", ["mermaid", "dot"])
def test_every_example(path: Path, fmt: str, snapshot_text, monkeypatch):
    monkeypatch.chdir(ROOT)
    result = graph(str(path.relative_to(ROOT)), "--format", fmt)
    assert result.exit_code == 0, result.output
    assert result.stdout == snapshot_text(name=f"{path.stem}.{fmt}")


def test_loops_are_red(snapshot_text, monkeypatch):
    monkeypatch.chdir(ROOT)
    result = graph(str(LOOPS.relative_to(ROOT)))
    assert result.exit_code == 0
    assert result.stdout == snapshot_text(name="F403_loop.mermaid")
    # Every stage of the three loops is drawn in red, and so is every link of a loop.
    out = result.stdout
    for sid in ("p0s0", "p0s1", "p1s0", "p1s1", "p2s0"):
        assert f"style {sid} stroke:#d32f2f" in out
    links = [line for line in out.splitlines() if "-.->" in line]
    assert len(links) == 5
    assert out.rstrip().splitlines()[-1].startswith("  linkStyle ")
    red = out.rstrip().splitlines()[-1].split()[1].split(",")
    numbered = [line for line in out.splitlines() if any(a in line for a in (" ~~~ ", " --> ", " ==>", " -.->"))]
    assert sorted(numbered.index(line) for line in links) == sorted(map(int, red))
    dot_text = graph(str(LOOPS.relative_to(ROOT)), "--format", "dot").stdout
    assert dot_text.count(', color="#d32f2f"') == 5 + 5  # five stages, five links


def test_what_the_sales_board_shows():
    out = graph(str(EXAMPLES / "sales.flow")).stdout
    # stages in pipeline order, finals marked
    order = [out.index(f'["{t}') for t in ("New", "Contract approval", "Paid", "Closed won", "Closed lost")]
    assert order == sorted(order)
    assert "Closed won (success)" in out and "Closed lost (failure)" in out
    # robots with their short timing and condition
    assert "legal: notify supervisor · after 15 working min · if amount #gt; 10_000 and client.email is set" in out
    assert "renewal: create repeat lead · after 180 days" in out
    # triggers into their stage; the one with allow back drawn thick and labelled
    assert '(["invoice paid"])' in out and '==>|"allow back"|' in out
    # robot effects as dashed labelled links: a copy into the other pipeline, a repeat lead
    assert '-.->|"install: copy"| p1s0' in out
    assert '-.->|"renewal: repeat lead"| new_lead' in out


def test_one_pipeline_only():
    out = graph(str(EXAMPLES / "sales.flow"), "--pipeline", "installation").stdout
    assert "Contract approval" not in out
    assert 'p0s3["sales.won"]' in out  # the copy comes from a stage left out: a grey box
    assert '-.->|"install: copy"| p1s0' in out


@pytest.mark.parametrize("path", DOT_INPUTS, ids=lambda p: p.stem)
def test_graphviz_accepts_every_dot_output(path: Path):
    exe = dot_exe()
    text = graph(str(path), "--format", "dot").stdout
    done = subprocess.run([exe, "-Tcanon"], input=text.encode(), capture_output=True, timeout=120)
    assert done.returncode == 0 and not done.stderr, done.stderr.decode()


def test_svg_is_well_formed(tmp_path: Path):
    dot_exe()
    out = tmp_path / "sales.svg"
    result = graph(str(EXAMPLES / "sales.flow"), "-o", str(out))  # the extension chooses SVG
    assert result.exit_code == 0, result.output
    root = ET.parse(out).getroot()
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    texts = {t.text for t in root.iter("{http://www.w3.org/2000/svg}text")}
    assert {"Contract approval", "invoice paid", "install: copy"} <= texts


def test_png(tmp_path: Path):
    dot_exe()
    out = tmp_path / "sales.png"
    assert graph(str(EXAMPLES / "sales.flow"), "--format", "png", "-o", str(out)).exit_code == 0
    assert out.read_bytes().startswith(b"\x89PNG\r\n\x1a\n")


def test_without_graphviz(monkeypatch, tmp_path: Path):
    monkeypatch.setattr(shutil, "which", lambda name: None)
    result = graph(str(EXAMPLES / "sales.flow"), "--format", "svg", "-o", str(tmp_path / "x.svg"))
    assert result.exit_code == 2
    assert result.stderr.count("\n") == 1
    assert "needs Graphviz's `dot`" in result.stderr and "apt-get install graphviz" in result.stderr
    assert not (tmp_path / "x.svg").exists()
    # Mermaid and DOT text need nothing.
    assert graph(str(EXAMPLES / "sales.flow"), "--format", "dot").exit_code == 0


def test_errors_in_the_input(tmp_path: Path):
    bad = tmp_path / "bad.flow"
    bad.write_text("pipeline p for deal {\n  stage a { robot x: move to nowhere }\n  stage b success\n}\n")
    result = graph(str(bad))
    assert result.exit_code == 1
    assert "error[F104]" in result.stderr and "nothing was made" in result.stderr
    assert result.stdout == ""


def test_usage_errors(tmp_path: Path):
    assert graph(str(tmp_path / "missing.flow")).exit_code == 2
    result = graph(str(EXAMPLES / "sales.flow"), "--pipeline", "nope")
    assert result.exit_code == 2 and 'no pipeline "nope" (pipelines: sales, installation)' in result.output
    assert graph(str(EXAMPLES / "sales.flow"), "--format", "jpeg").exit_code == 2
    result = graph(str(EXAMPLES / "sales.flow"), "-o", str(tmp_path / "no" / "such" / "dir.mmd"))
    assert result.exit_code == 2 and "cannot write" in result.stderr


def test_same_output_whatever_the_hash_seed():
    outs = set()
    for seed in ("0", "1", "12345"):
        done = subprocess.run([sys.executable, "-m", "flowc", "graph", str(EXAMPLES), "--format", "dot"],
                              capture_output=True, env=subprocess_env(PYTHONHASHSEED=seed), timeout=120)
        assert done.returncode == 0, done.stderr.decode()
        outs.add(done.stdout)
    assert len(outs) == 1
