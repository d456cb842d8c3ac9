"""The inputs of issue 13 (an outside campaign) as unit tests: each gets a
positioned diagnostic or a one-line message and exit 1 or 2, never a
traceback, a hang or a damaged file.  (Their fuzz-regression files are in
tests/fuzz/regressions/; the time items are in tests/time.)"""
from __future__ import annotations

import pytest
from click.testing import CliRunner

from flowc.cli import main
from flowc.diagnostics import Diagnostics
from flowc.lower import load

FLOW = '''timezone "UTC"
employee ana
pipeline p for deal {{
  stage s {{
    robot r: notify responsible {text} {timing}
  }}
}}
scenario t {{
  start 2026-01-05 09:00
  record d: deal in s
  run for 1 day
}}
'''


def diagnostics(tmp_path, text: str) -> list:
    p = tmp_path / "in.flow"
    p.write_text(text, encoding="utf-8")
    diags = Diagnostics(limit=1000)
    load([str(p)], diags)
    return diags.sorted()


def run(*args: str):
    result = CliRunner().invoke(main, list(args), catch_exceptions=False)
    assert "Traceback" not in result.output and "internal error" not in result.output, result.output
    return result


# ------------------------------------------------------------------ item 1: surrogate escapes

@pytest.mark.parametrize("escape, column, length, help_", [
    ("\\uD800", 35, 6, "\\u{1F600} for"),
    ("\\udfff", 35, 6, "\\u{1F600} for"),
    ("\\uD83D\\uDE00", 35, 12, "write \\u{1F600} or the character itself: 😀"),
    ("\\uD83D\\u{DE00}", 35, 14, "write \\u{1F600}"),
    ("\\u{D83D}", 35, 8, "\\u{1F600} for"),
])
def test_a_surrogate_escape_is_a_positioned_error(tmp_path, escape, column, length, help_):
    text = FLOW.format(text=f'"a{escape}b"', timing="")
    got = diagnostics(tmp_path, text)
    assert [d.code for d in got] == ["F203"]
    d = got[0]
    assert (d.span.line, d.span.column, d.span.end_column - d.span.column) == (5, column, length)
    assert "surrogate" in d.summary
    assert any(help_ in n.message for n in d.notes), d.notes


def test_braced_escapes_write_any_character(tmp_path):
    text = FLOW.format(text='"\\u{1F600}\\u{41}\\u0042 \\u{110000}"', timing="")
    got = diagnostics(tmp_path, text)
    assert [d.code for d in got] == ["F203"]  # past 10FFFF: not an escape
    p = tmp_path / "ok.flow"
    p.write_text(FLOW.format(text='"\\u{1F600}\\u{41}\\u0042"', timing=""), encoding="utf-8")
    r = run("simulate", str(p))
    assert r.exit_code == 0 and 'notify ana "😀AB"' in r.output


@pytest.mark.parametrize("where", ['timezone "\\uD800"', 'use "\\uD800.flow"',
                                   'calendar c {\n  hours mon 09:00-10:00\n  holidays "\\uDFFF"\n}'])
@pytest.mark.parametrize("command", ["check", "simulate", "fmt"])
def test_surrogates_in_declarations_do_not_crash(tmp_path, where, command):
    p = tmp_path / "in.flow"
    p.write_text(where + "\n" + FLOW.format(text='"x"', timing=""), encoding="utf-8")
    r = run(command, "--check", str(p)) if command == "fmt" else run(command, str(p))
    assert r.exit_code in (0, 1) if command == "fmt" else r.exit_code == 1
    if command != "fmt":
        assert "F203" in r.output


# ------------------------------------------------------------------ item 2: durations of many digits

@pytest.mark.parametrize("timing", ["after {n}m", "after {n}m in c hours", "{n} days before due",
                                    "after 1_{n}_0 hours"])
@pytest.mark.parametrize("digits", [9, 4_301, 5_000, 50_000])
def test_a_duration_of_many_digits_is_f301_at_the_number(tmp_path, timing, digits):
    number = "9" * digits
    text = FLOW.format(text='"x"', timing=timing.format(n=number))
    text = text.replace("employee ana", "employee ana\ncalendar c {\n  hours mon-fri 09:00-18:00\n}")
    got = [d for d in diagnostics(tmp_path, text) if d.code != "F102"]
    assert [d.code for d in got] == ["F301"], got
    assert got[0].span.line == 8 and len(got[0].summary) < 80
    p = tmp_path / "cli.flow"
    p.write_text(text, encoding="utf-8")
    for command in ("check", "simulate"):
        r = run(command, str(p))
        assert r.exit_code == 1 and "F301" in r.output


# ------------------------------------------------------------------ item 3: fmt writes atomically

UNFORMATTED = 'timezone   "UTC"\nemployee ana\npipeline p for deal {\nstage s {\nrobot r: notify responsible "x"\n}\n}\n'


def test_fmt_keeps_the_mode_and_leaves_no_temporary_file(tmp_path):
    p = tmp_path / "a.flow"
    p.write_text(UNFORMATTED, encoding="utf-8")
    p.chmod(0o640)
    r = run("fmt", str(p))
    assert r.exit_code == 0, r.output
    assert p.read_text(encoding="utf-8") != UNFORMATTED
    assert p.stat().st_mode & 0o777 == 0o640
    assert sorted(x.name for x in tmp_path.iterdir()) == ["a.flow"]


def test_fmt_through_a_link_rewrites_the_file_it_points_to(tmp_path):
    real = tmp_path / "real.flow"
    real.write_text(UNFORMATTED, encoding="utf-8")
    link = tmp_path / "link.flow"
    link.symlink_to(real)
    assert run("fmt", str(link)).exit_code == 0
    assert link.is_symlink() and real.read_text(encoding="utf-8") != UNFORMATTED


def test_fmt_of_a_read_only_file_is_one_line_and_exit_2(tmp_path):
    p = tmp_path / "ro.flow"
    p.write_text(UNFORMATTED, encoding="utf-8")
    p.chmod(0o444)
    r = run("fmt", str(p))
    assert r.exit_code == 2
    assert "read-only" in r.output and len(r.output.strip().splitlines()) == 1, r.output
    assert p.read_text(encoding="utf-8") == UNFORMATTED


def test_fmt_on_a_full_disk_leaves_the_file_whole(tmp_path, monkeypatch):
    import errno
    import os

    p = tmp_path / "full.flow"
    p.write_text(UNFORMATTED, encoding="utf-8")
    real_fsync = os.fsync

    def full(fd):  # the data did not fit: as ENOSPC at write or flush time
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(os, "fsync", full)
    r = run("fmt", str(p))
    monkeypatch.setattr(os, "fsync", real_fsync)
    assert r.exit_code == 2
    assert "No space left on device" in r.output and "unchanged" in r.output
    assert p.read_text(encoding="utf-8") == UNFORMATTED
    assert sorted(x.name for x in tmp_path.iterdir()) == ["full.flow"]


def _cli(*args: str, stdin=None, **popen):
    import subprocess
    import sys

    from support import subprocess_env

    env = subprocess_env(**popen.pop("env", {}))
    return subprocess.run([sys.executable, "-m", "flowc", *args], input=stdin, capture_output="stdout" not in popen,
                          env=env, timeout=60, **popen)


@pytest.mark.parametrize("args", [("fmt", "-"), ("check", "{f}"), ("simulate", "{f}"),
                                  ("simulate", "--format", "jsonl", "{f}")])
@pytest.mark.parametrize("where", ["/dev/full", "closed"])
def test_an_output_that_cannot_be_written_is_one_line_and_exit_2(tmp_path, args, where):
    import subprocess

    p = tmp_path / "a.flow"
    p.write_text(FLOW.format(text='"x"', timing=""), encoding="utf-8")
    args = tuple(a.format(f=p) for a in args)
    if where == "closed":
        import os
        import sys

        from support import subprocess_env
        r = subprocess.run([sys.executable, "-c", "import os, sys, runpy; os.close(1); sys.argv = ['flowc', *sys.argv[1:]];"
                            " runpy.run_module('flowc', run_name='__main__')", *args],
                           input=p.read_bytes(), stderr=subprocess.PIPE, env=subprocess_env(), timeout=60)
    else:
        with open("/dev/full", "wb") as full:
            r = _cli(*args, stdin=p.read_bytes(), stdout=full, stderr=subprocess.PIPE)
    err = r.stderr.decode()
    assert r.returncode == 2, err
    assert err.startswith("flowc: cannot write the output:") and len(err.strip().splitlines()) == 1, err


# ------------------------------------------------------------------ item 4: only regular files

@pytest.mark.parametrize("special", ["fifo", "/dev/zero", "/dev/urandom"])
@pytest.mark.parametrize("how", ["argument", "use"])
@pytest.mark.parametrize("command", ["check", "simulate", "fmt"])
def test_special_files_are_refused_at_once(tmp_path, special, how, command):
    import os

    if special == "fifo":
        target = tmp_path / "pipe.flow"
        os.mkfifo(target)
    else:
        target = special
    path = str(target)
    if how == "use":
        main_file = tmp_path / "main.flow"
        main_file.write_text(f'use "{target}"\n', encoding="utf-8")
        path = str(main_file)
    r = _cli(command, path)  # a timeout (60 s) is a hang
    out = (r.stdout + r.stderr).decode()
    assert "Traceback" not in out and "internal error" not in out
    if how == "argument" or command != "fmt":  # fmt does not follow `use`
        assert r.returncode == 1, out
        assert "not a regular file" in out and "F004" in out


def test_stdin_is_read_like_a_file():
    big = b"# " + b"x" * (4 * 1024 * 1024) + b"\n"
    r = _cli("fmt", "-", stdin=big)
    assert r.returncode == 1 and b"F005" in r.stdout + r.stderr
    r = _cli("fmt", "-", stdin=b'\xef\xbb\xbftimezone "UTC"\n\xff\n')
    assert r.returncode == 1 and b"<stdin>:2:1" in r.stdout + r.stderr and b"F007" in r.stdout + r.stderr
    r = _cli("fmt", "-", stdin=b'\xef\xbb\xbftimezone   "UTC"\n')
    assert r.returncode == 0 and r.stdout == b'timezone "UTC"\n'
    # `flowc check -` too
    r = _cli("check", "--format", "short", "-", stdin=big)
    assert r.returncode == 1 and b"F005" in r.stdout, r.stdout + r.stderr
    r = _cli("check", "--format", "short", "-", stdin=b'timezone "UTC"\n\xff\n')
    assert r.returncode == 1 and b"<stdin>:2:1" in r.stdout and b"F007" in r.stdout, r.stdout


# ------------------------------------------------------------------ item 5: outputs that are not UTF-8

TEXT = FLOW.format(text='"ações ✓ 😀"', timing="")


@pytest.mark.parametrize("encoding", ["cp1252", "latin-1", "ascii"])
def test_a_trace_in_an_encoding_without_the_characters(tmp_path, encoding):
    import json

    p = tmp_path / "u.flow"
    p.write_text(TEXT, encoding="utf-8")
    env = {"PYTHONIOENCODING": encoding}
    r = _cli("simulate", str(p), env=env)
    assert r.returncode == 0, r.stderr
    text = r.stdout.decode(encoding)
    holds = "ações".encode(encoding, "replace").decode(encoding)
    assert f'notify ana "{holds} ? ?"' in text  # docs/trace.md#encodings
    r = _cli("simulate", "--format", "jsonl", str(p), env=env)
    assert r.returncode == 0, r.stderr
    details = [json.loads(x)["detail"] for x in r.stdout.decode(encoding).splitlines()
               if json.loads(x)["kind"] == "done"]
    assert details == ['notify ana "ações ✓ 😀"']  # JSON escapes: nothing lost
    r = _cli("check", "--format", "json", str(p), env=env)
    assert r.returncode == 0 and json.loads(r.stdout.decode(encoding))["errors"] == 0
    r = _cli("fmt", "-", stdin=p.read_bytes(), env=env)
    assert r.stdout == _cli("fmt", "-", stdin=p.read_bytes(), env={"PYTHONIOENCODING": "utf-8"}).stdout
    assert "ações ✓ 😀".encode("utf-8") in r.stdout  # a flow is UTF-8, whatever the terminal's encoding


# ------------------------------------------------------------------ item 6: a lone CR ends a line

@pytest.mark.parametrize("end", ["\n", "\r\n", "\r", "mixed"])
def test_every_line_end_counts(tmp_path, end):
    lines = ['timezone "UTC"', "# a comment", "employee ana", "pipeline p for deal {", "  stage s {",
             '    robot r: notify responsible "x" after 0m   # the comment ends here', "  }", "}", ""]
    ends = ["\r", "\r\n", "\n"]
    text = "".join(line + (ends[i % 3] if end == "mixed" else end) for i, line in enumerate(lines))
    got = diagnostics(tmp_path, text)
    assert [(d.code, d.span.line, d.span.column) for d in got] == [("F301", 6, 43)]


def test_source_positions_with_lone_crs():
    from flowc.source import Source

    src = Source("x", "a\rbc\r\nd\ne")
    assert src.line_starts == [0, 2, 6, 8]
    assert [src.line_text(n) for n in (1, 2, 3, 4)] == ["a", "bc", "d", "e"]
    assert src.position(3) == (2, 2) and src.position(8) == (4, 1)


def test_a_one_line_string_ends_at_a_lone_cr(tmp_path):
    got = diagnostics(tmp_path, 'timezone "UTC\remployee ana\r')
    assert [(d.code, d.span.line) for d in got][:1] == [("F002", 1)]
