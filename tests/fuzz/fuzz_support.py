"""The properties every fuzz campaign checks, and the corpus it starts from.

`exercise(text)` runs one input through every phase, in process:

* `load` + `check` return diagnostics (or a clean IR) and nothing else
  escapes: no KeyError, RecursionError, OverflowError, ...;
* every diagnostic (and every note) lies inside the file it names: line <=
  number of lines + 1, column <= length of that line + 1, end >= start;
* `flowc fmt` either declines (a syntax error) or gives text that parses to
  the same diagnostics-free layout again (formatting twice changes nothing);
* when the input checks clean, every scenario is simulated, rendered as text
  and as JSON lines, and its expectations evaluated, within a time bound; a
  run either ends normally or says why it stopped (a `loop`, `limit` or
  `error` trace event), and it always ends with `scenario_end`.

A failure raises `PropertyFailed` with a description; the fuzz tests print
the input so that it can become a file of tests/fuzz/regressions/.
"""
from __future__ import annotations

import contextlib
import io
import os
import random
import signal
import threading
from pathlib import Path
from typing import Iterator

from flowc.check import check
from flowc.diagnostics import Diagnostics, Severity
from flowc.fmt import format_text
from flowc.index import Index
from flowc.interpret import Simulation
from flowc.lower import load
from flowc.render import JsonRenderer, TextRenderer

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
EXAMPLES = ROOT / "examples"
REGRESSIONS = HERE / "regressions"

#: Where a fuzzed text pretends to live (no file is written: `load` reads it
#: from its overrides).  `use "..."` in it resolves next to this path.
FUZZ_PATH = str(ROOT / "tests" / "fuzz" / "input.flow")

#: Seconds one input may take through every phase (a generous bound: a hang
#: is what it catches; typical inputs take milliseconds, and the longest run
#: the limits allow -- 1,000,000 trace events, rendered twice -- about a minute).
TIME_BOUND = float(os.environ.get("FLOWC_FUZZ_TIME_BOUND", "120"))


class PropertyFailed(AssertionError):
    pass


class Hang(Exception):
    pass


# ------------------------------------------------------------------ budgets

def long_campaign() -> bool:
    """`FLOWC_FUZZ=long`: the long campaign (see docs/reliability.md)."""
    return os.environ.get("FLOWC_FUZZ", "").lower() == "long"


def budget(ci: int, long: int) -> int:
    """How many cases a non-Hypothesis campaign runs: `ci` in CI, `long` in a
    long campaign; FLOWC_FUZZ_SCALE multiplies either (e.g. 0.1 for a smoke run)."""
    n = long if long_campaign() else ci
    scale = float(os.environ.get("FLOWC_FUZZ_SCALE", "1"))
    return max(1, int(n * scale))


def rng_for(*key: object) -> random.Random:
    """A deterministic generator per campaign and seed file (CI), or a fresh
    one per run in a long campaign when FLOWC_FUZZ_SEED is set."""
    seed = os.environ.get("FLOWC_FUZZ_SEED", "0")
    return random.Random("|".join([seed, *map(str, key)]))


# ------------------------------------------------------------------ the corpus

def corpus() -> list[Path]:
    """Every example, every parse case and every check case (the seeds of
    the mutation campaign)."""
    files = sorted(EXAMPLES.glob("*.flow"))
    files += sorted((ROOT / "tests" / "parse" / "cases").glob("*.flow"))
    files += sorted((ROOT / "tests" / "check" / "cases").glob("*.flow"))
    files += sorted((ROOT / "tests" / "simulate" / "cases").glob("*.flow"))
    return files


# ------------------------------------------------------------------ time bound

@contextlib.contextmanager
def time_bound(seconds: float = TIME_BOUND) -> Iterator[None]:
    """Raise `Hang` in the block after `seconds` (main thread, POSIX only;
    elsewhere the block just runs)."""
    if threading.current_thread() is not threading.main_thread() or not hasattr(signal, "setitimer"):
        yield
        return

    def on_alarm(signum, frame):
        raise Hang(f"no result after {seconds:g} s")

    old = signal.signal(signal.SIGALRM, on_alarm)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, old)


# ------------------------------------------------------------------ the properties

def check_text(text: str | None, path: str = FUZZ_PATH):
    """load + check one text (None: the file at `path`); (diagnostics,
    project, index, sources)."""
    diags = Diagnostics(limit=1_000_000)
    project, modules = load([path], diags, overrides={path: text} if text is not None else None)
    index = check(project, diags)
    sources = {m.path: m.source for m in modules}
    return diags, project, index, sources


_LINE_END = __import__("re").compile(r"\r\n?|\n")  # LF, CRLF and a lone CR end a line (language.md)


def _inside(lines: list[str], line: int, column: int) -> bool:
    if line < 1 or column < 1:
        return False
    if line > len(lines):
        return line == len(lines) + 1 and column == 1
    return column <= len(lines[line - 1]) + 1


def check_positions(diags: Diagnostics, sources: dict, path: str, text: str) -> None:
    """Every diagnostic and note span lies inside the file it names."""
    texts = {p: _LINE_END.split(s.text) for p, s in sources.items()}
    texts.setdefault(path, _LINE_END.split(text))
    for d in diags.sorted():
        spans = [("diagnostic", d.span)] + [("note", n.span) for n in d.notes if n.span is not None]
        for what, s in spans:
            where = f"{what} of {d.severity}[{d.code}] {d.summary!r} at {s.path}:{s.line}:{s.column}-" \
                    f"{s.end_line}:{s.end_column}"
            body = texts.get(s.path)
            if body is None:
                # A file that could not be read: only its first position exists.
                if (s.line, s.column) != (1, 1):
                    raise PropertyFailed(f"{where}: position in a file that was not read")
                continue
            if not _inside(body, s.line, s.column):
                raise PropertyFailed(f"{where}: the start is outside the file")
            if not _inside(body, s.end_line, s.end_column):
                raise PropertyFailed(f"{where}: the end is outside the file")
            if (s.end_line, s.end_column) < (s.line, s.column):
                raise PropertyFailed(f"{where}: the end is before the start")


def check_format(text: str) -> None:
    """`flowc fmt` declines (a syntax error), or gives text with every
    property of tests/fmt_properties.py: it parses to the same IR, is a
    fixed point, keeps each comment where it was and the line endings."""
    import fmt_properties

    try:
        fmt_properties.check(text, FUZZ_PATH)
    except fmt_properties.FormatPropertyFailed as e:
        raise PropertyFailed(str(e)) from None


def simulate_all(project, index, sources) -> int:
    """Run, render and evaluate every scenario; the number of trace events."""
    total = 0
    for sc in project.scenarios:
        sim = Simulation(project, index, sc, None, sources)
        text, lines = TextRenderer(io.StringIO(), False, index), JsonRenderer(io.StringIO())
        text.start(sim, FUZZ_PATH, "test")
        lines.start(sim, FUZZ_PATH, "test")
        kinds = []
        for ev in sim.run():
            text.event(ev)
            lines.event(ev)
            kinds.append(ev.kind)
        results = sim.evaluate_expectations()
        text.finish(sim, results)
        lines.finish(sim, results)
        total += len(kinds)
        if not kinds or kinds[0] != "scenario_start" or kinds[-1] != "scenario_end":
            raise PropertyFailed(f"scenario {sc.name.value}: the trace does not start and end properly")
        if sim.error and not any(k in ("loop", "limit", "error") for k in kinds):
            raise PropertyFailed(f"scenario {sc.name.value}: the run failed without saying why in the trace")
    return total


def expected_f007(data: bytes) -> tuple[int, int] | None:
    """Where F007 must point for these bytes (line, column of the first byte
    that is not UTF-8; a leading byte order mark is not text), or None."""
    body = data[3:] if data.startswith(b"\xef\xbb\xbf") else data
    try:
        body.decode("utf-8")
        return None
    except UnicodeDecodeError as e:
        before = body[:e.start].decode("utf-8")
        lines = _LINE_END.split(before)  # LF, CRLF and a lone CR end a line
        return len(lines), len(lines[-1]) + 1


def exercise_bytes(data: bytes, path: str) -> str:
    """Write `data` to `path` and run it through every phase from the file
    (flowc's own decoding); an input that is not UTF-8 gets exactly one F007,
    at its first bad byte."""
    with open(path, "wb") as f:
        f.write(data)
    where = expected_f007(data)
    if where is None:
        text = data.decode("utf-8").removeprefix("\ufeff")
        return exercise(text, path, overrides=False)
    try:
        with time_bound():
            diags, _project, _index, sources = check_text(None, path)
    except Exception as e:  # noqa: BLE001
        raise PropertyFailed(f"{type(e).__name__} escaped: {e}") from e
    got = [(d.code, d.span.line, d.span.column) for d in diags]
    if got != [("F007", *where)]:
        raise PropertyFailed(f"expected one F007 at {where[0]}:{where[1]}, got {got}")
    return "errors"


def exercise(text: str, path: str = FUZZ_PATH, simulate: bool = True, fmt: bool = True,
             overrides: bool = True) -> str:
    """Every property on one input; returns "clean", "errors" or "simulated".
    Raises PropertyFailed (with the cause chained) when one does not hold."""
    try:
        with time_bound():
            diags, project, index, sources = check_text(text if overrides else None, path)
            check_positions(diags, sources, path, text)
            if fmt:
                check_format(text)
            if diags.has_errors:
                return "errors"
            if not simulate or not project.scenarios:
                return "clean"
            simulate_all(project, index, sources)
            return "simulated"
    except PropertyFailed:
        raise
    except Hang as e:
        raise PropertyFailed(f"hang: {e}") from e
    except BaseException as e:  # noqa: BLE001 - anything escaping is the bug
        if isinstance(e, KeyboardInterrupt):
            raise
        raise PropertyFailed(f"{type(e).__name__} escaped: {e}") from e


def failure_report(text: str, err: BaseException, origin: str) -> str:
    shown = text if len(text) <= 2000 else text[:2000] + f"\n... ({len(text)} characters)"
    return (f"{origin}: {err}\n"
            "Save the input as tests/fuzz/regressions/<name>.flow with its expected diagnostic inline "
            "(see tests/fuzz/test_regressions.py), then fix the bug.\n"
            "----- input -----\n" + shown + "\n----- end -----")


# ------------------------------------------------------------------ tokens and mutations

def token_bounds(text: str) -> list[tuple[int, int]]:
    """(start, end) offsets of the tokens of a text, comments included.

    Uses the grammar's own lexer (`flowc.parse._lark().lex`, the standard,
    non-contextual one, which is enough to find where tokens begin and end);
    where it stops on a character no token takes, that character is one
    token and lexing goes on after it."""
    from lark.exceptions import UnexpectedCharacters

    from flowc.parse import _lark

    out: list[tuple[int, int]] = []
    base = 0
    while base < len(text):
        try:
            for t in _lark().lex(text[base:], dont_ignore=True):
                if not t.type.startswith("__IGNORE"):
                    out.append((base + t.start_pos, base + t.end_pos))
            break
        except UnexpectedCharacters as e:
            bad = base + e.pos_in_stream
            out.append((bad, bad + 1))
            base = bad + 1
    return out


def _value_kinds():
    import re

    from fuzz_strategies import DATES, DURATIONS, NUMBERS, TIMES
    return ((re.compile(r"\d{4}-\d{2}-\d{2}\Z"), DATES), (re.compile(r"\d{1,2}:\d{2}\Z"), TIMES),
            (re.compile(r"\d+(?:_\d+)*[ \t]*[a-z]+\Z"), DURATIONS),
            (re.compile(r"\d+(?:_\d+)*(?:\.\d+)?\Z"), NUMBERS + ("999_999_999_999_999_999", "0.0000001")))


def mutations(text: str, rng: random.Random, count: int) -> Iterator[tuple[str, str]]:
    """`count` mutants of a text: (what was done, the mutant).  Token and line
    deletions, duplications and swaps; values (dates, times, durations,
    numbers) replaced by edge values of their kind; truncations are done
    separately."""
    toks = token_bounds(text)
    kinds = _value_kinds()
    values = [(a, b, vals) for a, b in toks for pattern, vals in kinds if pattern.match(text[a:b])]
    lines = text.split("\n")
    ops = ["del_tok", "dup_tok", "swap_tok", "swap_adjacent", "del_line", "dup_line", "swap_line",
           "splice", "del_span", "value", "value", "line_ends"]
    for _ in range(count):
        op = rng.choice(ops)
        if op.endswith("tok") or op in ("swap_adjacent", "del_span", "splice"):
            if len(toks) < 2:
                op = "del_line"
        if op == "value" and not values:
            op = "del_tok" if toks else "del_line"
        if op == "value":
            a, b, vals = values[rng.randrange(len(values))]
            yield f"{op}@{a}", text[:a] + rng.choice(vals) + text[b:]
        elif op == "line_ends":  # issue 13: CR-only, CRLF and mixed line ends
            style = rng.choice(("\r", "\r\n", "mixed"))
            if style == "mixed":
                yield f"{op}:mixed", "".join(line + rng.choice(("\n", "\r", "\r\n")) for line in lines)
            else:
                yield f"{op}:{style!r}", style.join(lines)
        elif op == "del_tok":
            a, b = toks[rng.randrange(len(toks))]
            yield f"{op}@{a}", text[:a] + text[b:]
        elif op == "dup_tok":
            a, b = toks[rng.randrange(len(toks))]
            yield f"{op}@{a}", text[:b] + " " + text[a:b] + text[b:]
        elif op in ("swap_tok", "swap_adjacent"):
            i = rng.randrange(len(toks) - 1)
            j = i + 1 if op == "swap_adjacent" else rng.randrange(i + 1, len(toks))
            (a1, b1), (a2, b2) = toks[i], toks[j]
            yield f"{op}@{a1},{a2}", text[:a1] + text[a2:b2] + text[b1:a2] + text[a1:b1] + text[b2:]
        elif op == "del_span":
            i = rng.randrange(len(toks) - 1)
            j = min(len(toks) - 1, i + rng.randrange(1, 8))
            yield f"{op}@{toks[i][0]}", text[:toks[i][0]] + text[toks[j][1]:]
        elif op == "splice":
            # a run of tokens copied elsewhere: clauses out of their place
            i = rng.randrange(len(toks) - 1)
            j = min(len(toks) - 1, i + rng.randrange(1, 6))
            k = toks[rng.randrange(len(toks))][1]
            piece = text[toks[i][0]:toks[j][1]]
            yield f"{op}@{k}", text[:k] + " " + piece + " " + text[k:]
        else:
            n = rng.randrange(len(lines))
            new = list(lines)
            if op == "del_line":
                del new[n]
            elif op == "dup_line":
                new.insert(n, lines[n])
            else:
                m = rng.randrange(len(lines))
                new[n], new[m] = new[m], new[n]
            yield f"{op}@line{n + 1}", "\n".join(new)


def truncation_points(text: str, limit: int, rng: random.Random) -> list[int]:
    """Token boundaries to cut at: all of them for a small file, else `limit`
    of them chosen deterministically (the first and last few always)."""
    points = sorted({0, len(text)} | {b for _, b in token_bounds(text)} | {a for a, _ in token_bounds(text)})
    if len(points) <= limit:
        return points
    keep = set(points[:3] + points[-3:])
    keep.update(rng.sample(points, limit - len(keep)))
    return sorted(keep)


# ------------------------------------------------------------------ Hypothesis budgets

def fuzz_settings(ci_examples: int, long_share: float = 1.0):
    """Hypothesis settings of one fuzz test: `ci_examples` examples in CI
    (deterministic), the long profile's count times `long_share` in a long
    campaign (randomized).  See tests/fuzz/conftest.py."""
    from hypothesis import settings

    if long_campaign():
        base = settings.get_profile("flowc-fuzz-long")
        return settings(base, max_examples=max(1, int(base.max_examples * long_share)))
    return settings(settings.get_profile("flowc-fuzz-ci"), max_examples=ci_examples)
