"""Hostile input never produces a traceback or a hang: a positioned
diagnostic and the right exit code (0 clean, 1 errors, 2 usage / I/O)."""
from __future__ import annotations

import random
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from flowc.cli import main

from support import EXAMPLES, subprocess_env


def run(*args: str):
    result = CliRunner().invoke(main, list(args), catch_exceptions=False)
    assert "Traceback" not in result.output
    return result


def test_missing_file_is_a_usage_error(tmp_path):
    r = run("check", str(tmp_path / "nope.flow"))
    assert r.exit_code == 2
    assert "no such file or folder" in r.output


def test_empty_file_is_clean(tmp_path):
    p = tmp_path / "empty.flow"
    p.write_text("")
    r = run("check", str(p))
    assert r.exit_code == 0, r.output
    assert "no problems" in r.output


def test_random_bytes(tmp_path):
    rng = random.Random(7)
    for i in range(30):
        p = tmp_path / f"junk{i}.flow"
        p.write_bytes(bytes(rng.randrange(256) for _ in range(rng.randrange(1, 400))))
        r = run("check", "--format", "short", str(p))
        assert r.exit_code == 1, r.output
        assert f"junk{i}.flow:" in r.output and "error[F0" in r.output


def test_invalid_utf8_is_positioned(tmp_path):
    p = tmp_path / "latin1.flow"
    p.write_bytes('pipeline p for deal {\n  stage s "Négociation"\n}\n'.encode("latin-1"))
    r = run("check", "--format", "short", str(p))
    assert r.exit_code == 1
    assert f"{p}:2:" in r.output and "error[F007]" in r.output


def test_deep_nesting_in_a_subprocess(tmp_path):
    """5,000 nested parentheses: a diagnostic, quickly, not a RecursionError."""
    p = tmp_path / "deep.flow"
    p.write_text('pipeline p for deal {\n stage s {\n  robot r: notify responsible "x" if '
                 + "(" * 5000 + "amount > 1" + ")" * 5000 + "\n }\n}\n")
    proc = subprocess.run([sys.executable, "-m", "flowc", "check", "--format", "short", str(p)],
                          capture_output=True, text=True, timeout=60, env=subprocess_env())
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert "error[F008]" in proc.stdout
    assert "Traceback" not in proc.stderr


def test_unclosed_parentheses(tmp_path):
    p = tmp_path / "open.flow"
    p.write_text('pipeline p for deal {\n stage s {\n  robot r: notify responsible "x" if ' + "(" * 5000)
    r = run("check", "--format", "short", str(p))
    assert r.exit_code == 1 and "error[F003]: unexpected end of file" in r.output


@pytest.mark.parametrize("example", sorted(EXAMPLES.glob("*.flow")), ids=lambda p: p.stem)
def test_truncated_examples(tmp_path, example):
    """Cut an example at 40 places: always diagnostics or clean, never a crash."""
    text = example.read_text(encoding="utf-8")
    rng = random.Random(example.stem)
    cuts = sorted({rng.randrange(len(text)) for _ in range(40)})
    for i, cut in enumerate(cuts):
        p = tmp_path / f"{example.stem}_{i}.flow"
        p.write_text(text[:cut], encoding="utf-8")
        r = run("check", "--format", "short", str(p))
        assert r.exit_code in (0, 1), r.output


def test_file_too_large(tmp_path):
    p = tmp_path / "huge.flow"
    p.write_text("# padding\n" * 500_000)
    r = run("check", "--format", "short", str(p))
    assert r.exit_code == 1
    assert "error[F005]" in r.output


def test_use_of_a_missing_file_is_positioned(tmp_path):
    p = tmp_path / "main.flow"
    p.write_text('use "missing.flow"\n')
    r = run("check", "--format", "short", str(p))
    assert r.exit_code == 1
    assert f"{p}:1:5: error[F004]" in r.output


def test_use_cycle_is_fine(tmp_path):
    (tmp_path / "a.flow").write_text('use "b.flow"\npipeline pa for deal { stage s }\n')
    (tmp_path / "b.flow").write_text('use "a.flow"\npipeline pb for deal { stage s }\n')
    r = run("check", str(tmp_path / "a.flow"))
    assert r.exit_code == 0, r.output


def test_folder_recursion_and_sorting(tmp_path):
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "b.flow").write_text("pipeline b for deal {\n stage s {\n  robot r: move to nowhere\n }\n}\n")
    (tmp_path / "a.flow").write_text("pipeline a for deal {\n stage s {\n  robot r: move to gone\n }\n}\n")
    (tmp_path / "notes.txt").write_text("not a flow file")
    r = run("check", "--format", "short", str(tmp_path))
    assert r.exit_code == 1
    lines = [l for l in r.output.splitlines() if "error[" in l]
    assert [l.split(":")[0] for l in lines] == [str(tmp_path / "a.flow"), str(tmp_path / "sub" / "b.flow")]
