"""The command line on fuzzed files: `flowc check` (text and JSON),
`flowc fmt --check` and `flowc simulate` (text and JSON lines) exit 0, 1 or
2 only -- on a file that exists, 0 or 1: 2 is for usage errors, and for the
internal errors the command turns an escaped exception into -- never print a
traceback or an "internal error", and their JSON outputs parse.  Inputs: mutants of the examples, generated projects, random
bytes, each written to a file.  The two `simulate` commands and `check
--format json` also run with a standard output in cp1252 (issue 13: a trace
in an encoding without some of its characters)."""
from __future__ import annotations

import json

import pytest
from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st

from flowc.cli import main

from fuzz_strategies import projects
from fuzz_support import EXAMPLES, budget, fuzz_settings, mutations, rng_for

COMMANDS = (
    ("check", "--color", "never"),
    ("check", "--format", "json"),
    ("fmt", "--check"),
    ("simulate", "--color", "never"),
    ("simulate", "--format", "jsonl"),
)


@pytest.fixture(scope="module")
def workdir(tmp_path_factory):
    return tmp_path_factory.mktemp("cli")


NARROW = (("simulate", "--color", "never"), ("simulate", "--format", "jsonl"), ("check", "--format", "json"))


def run_all(path, origin: str) -> None:
    runner, narrow = CliRunner(), CliRunner(charset="cp1252")
    for use, args in [(runner, a) for a in COMMANDS] + [(narrow, a) for a in NARROW]:
        r = use.invoke(main, [*args, str(path)], catch_exceptions=False)
        where = f"{origin}: flowc {' '.join(args)} exited {r.exit_code}"
        assert r.exit_code in (0, 1), f"{where}\n{r.output[-3000:]}"
        assert "Traceback" not in r.output and "internal error" not in r.output, f"{where}\n{r.output[-3000:]}"
        if "json" in args:
            json.loads(r.stdout)
        if "jsonl" in args:
            for line in r.stdout.splitlines():
                json.loads(line)


@pytest.mark.parametrize("example", sorted(EXAMPLES.glob("*.flow")), ids=lambda p: p.stem)
def test_mutated_examples(workdir, example):
    text = example.read_text(encoding="utf-8")
    rng = rng_for("cli", example.name)
    path = workdir / example.name  # next to nothing: `use` of a sibling is not found (F004)
    for what, mutant in mutations(text, rng, budget(ci=8, long=200)):
        path.write_text(mutant, encoding="utf-8")
        run_all(path, f"{example.name} mutated ({what})")


@fuzz_settings(ci_examples=30, long_share=0.05)
@given(projects())
def test_generated_projects(workdir, text):
    path = workdir / "project.flow"
    path.write_text(text, encoding="utf-8")
    run_all(path, "a generated project:\n" + text)


@fuzz_settings(ci_examples=30, long_share=0.05)
@given(st.binary(max_size=300))
def test_random_bytes(workdir, data):
    path = workdir / "bytes.flow"
    path.write_bytes(data)
    run_all(path, f"random bytes {data!r}")
