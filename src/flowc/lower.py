"""Phase 2: lower.  Syntax trees -> `flowc.ir.Project`.

Turns tokens into values (strings with their escapes and placeholders,
dates, times, durations), follows `use "file.flow"`, places reusable robots
and triggers where stages `use` them, and pairs a bare `at <time>` in a
scenario with the expectation before it.  Value errors (Feb 30, 25:00, a bad
escape) are reported here, with the exact span; name resolution is the
checker's job.
"""
from __future__ import annotations

import calendar as _calendar
import datetime as dt
import os
import re
from typing import Callable, Iterable

import attrs

from . import ir, limits
from .schema import DURATION_UNITS
from .diagnostics import Diagnostics, Note
from .gcpause import paused
from .parse import parse
from .source import NotRegularFile, Source, Span, TooLarge, decode, read_bytes
from .syntax import Module, Node, Tok

#: Largest file `flowc` reads (docs/reliability.md).
MAX_FILE_BYTES = limits.MAX_FILE_BYTES
#: Most files one project may load through `use`.
MAX_FILES = limits.MAX_FILES

def _days(first: str, last: str) -> str:
    """A range of days as written: `sat-sun`, or `mon` for a range of one."""
    return first if first == last else f"{first}-{last}"


_WEEKDAYS = {"mon": 0, "tue": 1, "wed": 2, "thu": 3, "fri": 4, "sat": 5, "sun": 6}
#: Where a template's plain text stops: a placeholder or an escaped brace.
_TEMPLATE_MARK = re.compile("[{\x00]")
_PLACEHOLDER = re.compile(r"[^\W\d]\w*(?:\.[^\W\d]\w*)*\Z")
_MAX_AMOUNT = limits.MAX_DURATION_UNITS  # larger numbers in durations are certainly mistakes
#: The clauses of an expectation (node kind -> as written), each at most once.
_X_CLAUSES = {"x_at": "at", "because": "because", "with_detail": "with"}


# ------------------------------------------------------------------ loading files

def read_file(path: str, diags: Diagnostics, at: Span | None = None) -> str | None:
    """Read a .flow file as text; problems become diagnostics (at `at`, or at the file).
    Only regular files are read (never a FIFO or a device), at most MAX_FILE_BYTES."""
    where = at or Span(path, 1, 1, 1, 1)
    try:
        data = read_bytes(path, MAX_FILE_BYTES)
    except TooLarge as exc:
        too_large(diags, where, exc.size)
        return None
    except NotRegularFile as exc:
        if exc.kind == "a folder":
            diags.error("F004", f'"{path}" is a folder, not a .flow file', where)
        else:
            diags.error("F004", f'"{path}" is {exc.kind}, not a regular file', where,
                        "flowc reads only regular files", [Note("save the flow to a file and give its path")])
        return None
    except FileNotFoundError:
        diags.error("F004", f'file not found: "{path}"', where)
        return None
    except OSError as exc:
        diags.error("F004", f'cannot read "{path}": {exc.strerror or exc}', where)
        return None
    return decode_file(path, data, diags)


def too_large(diags: Diagnostics, where: Span, size: int) -> None:
    diags.error("F005", f"file is too large ({size:,} bytes{' or more' if size == MAX_FILE_BYTES + 1 else ''})",
                where, f"flowc reads files of at most {MAX_FILE_BYTES:,} bytes",
                [Note("split the project into several files with `use`")])


def decode_file(path: str, data: bytes, diags: Diagnostics) -> str | None:
    """The text of a file's bytes (UTF-8, a leading byte order mark allowed);
    F007 at the first byte that is not UTF-8."""
    text, bad = decode(path, data)
    if bad is not None:
        src = Source(path, text)
        body = data[3:] if data.startswith(b"\xef\xbb\xbf") else data  # `bad` counts after the mark
        at = len(body[:bad].decode("utf-8", "replace"))
        diags.error("F007", "the file is not valid UTF-8", src.span(at, at + 1),
                    f"byte {bad + len(data) - len(body)} is not part of a UTF-8 character",
                    [Note("save the file as UTF-8")])
        return None
    return text


def load(paths: Iterable[str], diags: Diagnostics,
         overrides: dict[str, str] | None = None) -> tuple[ir.Project, list[Module]]:
    """Read, parse and lower files and everything they `use`.

    `overrides` maps a path to text to use instead of the file's content (the
    language server's unsaved buffers)."""
    overrides = overrides or {}
    modules: list[Module] = []
    seen: set[str] = set()
    queue: list[tuple[str, Span | None]] = [(p, None) for p in paths]
    while queue:
        path, at = queue.pop(0)
        key = os.path.realpath(path)
        if key in seen:
            continue
        seen.add(key)
        if len(seen) > MAX_FILES:
            diags.error("F005", f"too many files (more than {MAX_FILES})", at or Span(path, 1, 1, 1, 1))
            break
        text = overrides.get(path)
        if text is None:
            text = overrides.get(key)
        if text is None:
            text = read_file(path, diags, at)
        if text is None:
            continue
        module = parse(text, path, diags)
        modules.append(module)
        for item in module.items:
            if item.kind == "use_file":
                tok = item.tok("STRING")
                written = _plain_string(tok)
                target = os.path.normpath(os.path.join(os.path.dirname(path), written))
                queue.append((target, tok.span))
    return lower(modules, diags), modules


# ------------------------------------------------------------------ lowering

def lower(modules: list[Module], diags: Diagnostics) -> ir.Project:
    """Lower parsed modules (one project) to the IR."""
    with paused():  # no reference cycles here: see flowc.gcpause
        return _Lowerer(diags).project(modules)


def _plain_string(tok: Tok) -> str:
    """A string token's content with escapes applied (errors ignored)."""
    text, _ = _unescape(str(tok), None, None)
    return text.replace("\x00", "")  # escaped braces are marked with NUL


def _unescape(raw: str, source: Source | None, diags: Diagnostics | None,
              base: int = 0) -> tuple[str, list[tuple[int, int, str]]]:
    """Strip the quotes and apply the escapes.  Returns the text and, for each
    of its characters, its offset in the source (for placeholder spans).
    An escaped brace comes out as NUL + brace, so templates keep it literal;
    a NUL of the source (raw, or written \u0000) is dropped, so that every NUL
    of the result is such a mark."""
    quote = 3 if raw.startswith('"""') else 1
    body = raw[quote:len(raw) - quote] if len(raw) >= 2 * quote else raw[quote:]
    if "\\" not in body and "\x00" not in body:  # nothing to apply: the common case, fast
        return body, range(base + quote, base + quote + len(body))  # type: ignore[return-value]
    out: list[str] = []
    offsets: list[int] = []
    i = 0
    n = len(body)
    while i < n:
        c = body[i]
        at = base + quote + i
        if c == "\\" and i + 1 < n:
            e = body[i + 1]
            simple = {'"': '"', "\\": "\\", "n": "\n", "t": "\t", "{": "\x00{", "}": "\x00}"}
            if e in simple:
                out.append(simple[e])
                offsets.extend([at] * len(simple[e]))
                i += 2
                continue
            if e == "u":
                code, length = _code_point(body, i)
                if code == -1:  # \u{110000} and up
                    if diags is not None and source is not None:
                        diags.error("F203", f'escape "{body[i:i + length]}" is past the last character',
                                    source.span(at, at + length), "Unicode ends at 10FFFF",
                                    [Note("check the code point: \\u{1F600} is 😀")])
                    i += length
                    continue
                if code is not None and not 0xD800 <= code <= 0xDFFF:
                    if code:
                        out.append(chr(code))
                        offsets.append(at)
                    i += length
                    continue
                if code is not None:  # a UTF-16 surrogate: not a character
                    length = _surrogate(body, i, code, length, source, diags, at)
                    out.append("\ufffd")
                    offsets.append(at)
                    i += length
                    continue
            if diags is not None and source is not None:
                diags.error("F203", f'unknown escape "\\{e}"', source.span(at, at + 2),
                            "not an escape sequence",
                            [Note('escapes are \\" \\\\ \\n \\t \\{ \\} \\uXXXX and \\u{X...}; '
                                  'write \\\\ for a backslash')])
            out.append(e)
            offsets.append(at)
            i += 2
            continue
        if c != "\x00":
            out.append(c)
            offsets.append(at)
        i += 1
    return "".join(out), offsets  # type: ignore[return-value]


_HEX4 = re.compile(r"[0-9a-fA-F]{4}")
_HEX_BRACED = re.compile(r"\{([0-9a-fA-F]{1,6})\}")


def _code_point(body: str, i: int) -> tuple[int | None, int]:
    """The code point of the `\\u` escape at body[i] (`\\uXXXX` or `\\u{X...}`, at
    most 10FFFF) and the escape's length; (None, 0) when it is not one."""
    m = _HEX4.match(body, i + 2)
    if m:
        return int(m.group(), 16), 6
    m = _HEX_BRACED.match(body, i + 2)
    if m:
        code = int(m.group(1), 16)
        return (code if code <= 0x10FFFF else -1), 2 + len(m.group())
    return None, 0


def _surrogate(body: str, i: int, code: int, length: int, source: Source | None,
               diags: Diagnostics | None, at: int) -> int:
    """Report a surrogate escape (a lone one, or a pair such as \\uD83D\\uDE00: one
    error for the pair) and return the length it covers."""
    pair = None
    if 0xD800 <= code <= 0xDBFF and body[i + length:i + length + 2] == "\\u":
        low, n = _code_point(body, i + length)
        if low is not None and 0xDC00 <= low <= 0xDFFF:
            pair = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00)
            length += n
    if diags is None or source is None:
        return length
    written = body[i:i + length]
    if pair is not None:
        char = chr(pair)
        shown = char if char.isprintable() else f"U+{pair:04X}"
        diags.error("F203", f'escape "{written}" is a UTF-16 surrogate pair', source.span(at, at + length),
                    f"this pair stands for {shown} (U+{pair:04X}), which flowc writes as one escape",
                    [Note(f"write \\u{{{pair:X}}} or the character itself: {shown}")])
    else:
        diags.error("F203", f'escape "{written}" is a UTF-16 surrogate, not a character',
                    source.span(at, at + length),
                    "a lone surrogate (D800-DFFF) cannot be stored in a text",
                    [Note("write the character itself, or \\u{X...} with its code point (\\u{1F600} for 😀)")])
    return length


def _days_in(year: int, month: int) -> int:
    return _calendar.monthrange(year, month)[1]


class _Lowerer:
    def __init__(self, diags: Diagnostics) -> None:
        self.diags = diags
        self.source: Source | None = None

    # -- values ---------------------------------------------------------
    def name(self, tok: Tok) -> ir.Name:
        return ir.Name(str(tok), tok.span)

    def string(self, tok: Tok | None) -> str | None:
        if tok is None:
            return None
        text, _ = _unescape(str(tok), self.source, self.diags, tok.span.start)
        return text.replace("\x00", "")

    def template(self, tok: Tok) -> ir.Template:
        text, offsets = _unescape(str(tok), self.source, self.diags, tok.span.start)
        if "{" not in text and "\x00" not in text:  # plain text: the common case, fast
            return ir.Template((text,) if text else (), text, tok.span)
        parts: list = []
        buf: list[str] = []
        i, n = 0, len(text)
        while i < n:
            m = _TEMPLATE_MARK.search(text, i)
            if m is None:
                buf.append(text[i:])
                break
            if m.start() > i:
                buf.append(text[i:m.start()])
                i = m.start()
            c = text[i]
            if c == "\x00":  # an escaped brace: literal
                buf.append(text[i + 1])
                i += 2
                continue
            if c == "{":
                close = text.find("}", i + 1)
                if close < 0 or "{" in text[i + 1:close].replace("\x00{", ""):
                    self.diags.error("F204", "placeholder is not closed", self._sub(offsets, i, i + 1),
                                     'this "{" has no matching "}"',
                                     [Note('write \\{ for a literal brace')])
                    buf.append(c)
                    i += 1
                    continue
                inner = text[i + 1:close].strip()
                span = self._sub(offsets, i, close + 1)
                if not _PLACEHOLDER.match(inner):
                    what = "empty placeholder" if not inner else f'invalid placeholder "{{{inner}}}"'
                    self.diags.error("F204", what, span, "a placeholder names a field: {title}, {client.name}",
                                     [Note('write \\{ for a literal brace')])
                    buf.append(text[i:close + 1])
                else:
                    if buf:
                        parts.append("".join(buf))
                        buf = []
                    parts.append(ir.Placeholder(tuple(inner.split(".")), span))
                i = close + 1
                continue
            buf.append(c)
            i += 1
        if buf:
            parts.append("".join(buf))
        raw = text.replace("\x00", "")
        return ir.Template(tuple(parts), raw, tok.span)

    def _sub(self, offsets: list[int], i: int, j: int) -> Span:
        start = offsets[i] if i < len(offsets) else (offsets[-1] if offsets else 0)
        end = offsets[j - 1] + 1 if 0 < j <= len(offsets) else start + 1
        return self.source.span(start, end)  # type: ignore[union-attr]

    def number(self, tok: Tok) -> float | int | None:
        text = str(tok).replace("_", "")
        whole = text.partition(".")[0].lstrip("0")
        if len(whole) > limits.MAX_NUMBER_DIGITS:
            shown = str(tok) if len(str(tok)) <= 30 else str(tok)[:27] + "..."
            self.diags.error("F223", f"number {shown} is too large", tok.span,
                             f"it has {len(whole):,} digits before the decimal point",
                             [Note(f"numbers have at most {limits.MAX_NUMBER_DIGITS} digits before the decimal point")])
            return None
        return float(text) if "." in text else int(text)

    def date(self, tok: Tok) -> dt.date | None:
        y, m, d = (int(x) for x in str(tok).split("-"))
        if not 1 <= m <= 12:
            self.diags.error("F201", f"invalid date {tok}", tok.span, f"there is no month {m}",
                             [Note("dates are written YYYY-MM-DD")])
            return None
        if y < limits.MIN_YEAR or y > limits.MAX_YEAR:
            self.diags.error("F201", f"invalid date {tok}", tok.span, f"the year {y} is out of range",
                             [Note(f"years from {limits.MIN_YEAR} to {limits.MAX_YEAR} are supported")])
            return None
        days = _days_in(y, m)
        if not 1 <= d <= days:
            month = dt.date(y, m, 1).strftime("%B")
            self.diags.error("F201", f"invalid date {tok}", tok.span, f"{month} {y} has {days} days")
            return None
        return dt.date(y, m, d)

    def minutes_of_day(self, tok: Tok, allow_24: bool = False) -> int | None:
        h, m = (int(x) for x in str(tok).split(":"))
        if allow_24 and h == 24 and m == 0:
            return 1440
        if h > 23:
            self.diags.error("F202", f"invalid time {tok}", tok.span, "hours go from 00 to 23",
                             [Note("write 24:00 only as the end of a range of hours")] if h == 24 and m == 0 else [])
            return None
        if m > 59:
            self.diags.error("F202", f"invalid time {tok}", tok.span, "minutes go from 00 to 59")
            return None
        return h * 60 + m

    def time(self, tok: Tok) -> dt.time | None:
        if tok.type == "TIME_OFFSET":  # the clock time only; `offset` reads the rest
            m = re.match(r"\d{1,2}:\d{2}", str(tok))
            tok = Tok("TIME", m.group(), tok.span)
        mins = self.minutes_of_day(tok)
        return None if mins is None else dt.time(mins // 60, mins % 60)

    def datetime(self, node: Node) -> dt.datetime | None:
        d = self.date(node.tok("DATE"))
        t_tok = node.tok("TIME") or node.tok("TIME_OFFSET")
        t = self.time(t_tok) if t_tok is not None else dt.time(0, 0)
        if d is None or t is None:
            return None
        return dt.datetime.combine(d, t)

    def offset(self, node: Node) -> int | None:
        """The offset from UTC a scenario time names (`01:30-05:00`), in minutes
        east of UTC; None when none is written (or it is invalid: F202)."""
        tok = node.tok("TIME_OFFSET")
        if tok is None:
            return None
        text = str(tok)
        sign = -1 if "-" in text else 1
        h, m = (int(x) for x in text.partition("+" if sign > 0 else "-")[2].split(":"))
        if m > 59 or h * 60 + m > 14 * 60:
            self.diags.error("F202", f"invalid offset in {tok}", tok.span,
                             "offsets from UTC go from -14:00 to +14:00",
                             [Note("write the offset the time zone has then: 01:30-05:00 in New York in winter")])
            return None
        return sign * (h * 60 + m)

    def duration(self, tok: Tok) -> ir.Duration | None:
        m = re.match(r"(\d[\d_]*)\s*([A-Za-z]+)", str(tok))
        digits = m.group(1).replace("_", "").lstrip("0") or "0"
        unit = DURATION_UNITS[m.group(2)]
        # compare digits first: int() of thousands of digits is refused by Python
        if len(digits) > len(str(_MAX_AMOUNT)) or int(digits) > _MAX_AMOUNT:
            shown = str(tok) if len(str(tok)) <= 30 else f"{str(tok)[:12]}...{str(tok)[-12:]}"
            self.diags.error("F301", f"duration {shown} is too long", tok.span,
                             f"durations are limited to {_MAX_AMOUNT:,} units"
                             + (f"; this one has {len(digits):,} digits" if len(digits) > 12 else ""))
            return None
        amount = int(digits)
        d = ir.Duration(amount, unit, tok.span)
        if amount == 0:
            self.diags.error("F301", "a duration of zero", tok.span, "this waits for nothing",
                             [Note("remove the clause, or write `immediately`")])
        return d

    # -- project ----------------------------------------------------------
    def project(self, modules: list[Module]) -> ir.Project:
        items: dict[str, list] = {k: [] for k in (
            "timezones", "uses", "calendars", "entities", "pipelines", "employees", "forms",
            "templates", "robot_defs", "trigger_defs", "scenarios")}
        pipeline_nodes: list[tuple[Module, Node]] = []
        # Top-level robots and triggers first: stages may `use` them from any file.
        for module in modules:
            self.source = module.source
            for node in module.items:
                if node.kind == "robot":
                    r = self.robot(node)
                    if r is not None:
                        items["robot_defs"].append(r)
                elif node.kind == "trigger":
                    items["trigger_defs"].append(self.trigger(node))
        defs = {r.name.value: r for r in reversed(items["robot_defs"])}
        tdefs = {t.name.value: t for t in reversed(items["trigger_defs"]) if t.name is not None}
        for module in modules:
            self.source = module.source
            for node in module.items:
                k = node.kind
                if k == "timezone_decl":
                    items["timezones"].append(ir.Name(self.string(node.tok("STRING")), node.tok("STRING").span))
                elif k == "use_file":
                    tok = node.tok("STRING")
                    written = self.string(tok)
                    resolved = os.path.normpath(os.path.join(os.path.dirname(module.path), written))
                    items["uses"].append(ir.UseFile(written, resolved, node.span))
                elif k == "calendar":
                    items["calendars"].append(self.calendar(node))
                elif k == "entity":
                    items["entities"].append(self.entity(node))
                elif k == "pipeline":
                    items["pipelines"].append(self.pipeline(node, defs, tdefs))
                elif k == "employee":
                    items["employees"].append(self.person(node))
                elif k == "form":
                    items["forms"].append(ir.Form(self.name(node.tok("NAME")), self.string(node.tok("STRING")),
                                                  node.node("callback_flag") is not None, node.span))
                elif k == "template":
                    items["templates"].append(ir.DocTemplate(self.name(node.tok("NAME")),
                                                             self.string(node.tok("STRING")), node.span))
                elif k == "scenario":
                    sc = self.scenario(node)
                    items["scenarios"].append(sc)
                    items["employees"].extend(p for p in sc.people if p.kind == "employee")
        tz = items["timezones"][0] if items["timezones"] else None
        return ir.Project(
            files=tuple(m.path for m in modules), timezone=tz, timezones=tuple(items["timezones"]),
            uses=tuple(items["uses"]), calendars=tuple(items["calendars"]),
            entities=tuple(items["entities"]), pipelines=tuple(items["pipelines"]),
            employees=tuple(items["employees"]), forms=tuple(items["forms"]),
            templates=tuple(items["templates"]), robot_defs=tuple(items["robot_defs"]),
            trigger_defs=tuple(items["trigger_defs"]), scenarios=tuple(items["scenarios"]))

    # -- calendars ----------------------------------------------------------
    def time_range(self, node: Node) -> tuple[int, int] | None:
        a, b = node.toks("TIME")
        start = self.minutes_of_day(a)
        end = self.minutes_of_day(b, allow_24=True)
        if start is None or end is None:
            return None
        if end <= start:
            self.diags.error("F214", f"empty range of hours {a}-{b}", node.span,
                             "the end must be later than the start",
                             [Note("a range cannot cross midnight; split it in two (22:00-24:00 and 00:00-06:00 on the next day)")])
            return None
        return (start, end)

    def ranges(self, nodes: list[Node]) -> tuple[tuple[int, int], ...]:
        out = [r for r in (self.time_range(n) for n in nodes) if r is not None]
        out.sort()
        for (s1, e1), (s2, e2), node in zip(out, out[1:], nodes[1:]):
            if s2 < e1:
                self.diags.error("F214", "ranges of hours overlap", node.span,
                                 "this range overlaps another one of the same line")
        return tuple(out)

    def calendar(self, node: Node) -> ir.Calendar:
        tz = None
        hours, holidays, closed, opened = [], [], [], []
        for item in node.nodes():
            if item.kind == "cal_timezone":
                tok = item.tok("STRING")
                tz = ir.Name(self.string(tok), tok.span)
            elif item.kind == "cal_hours":
                days: list[int] = []
                for dr in item.nodes("day_range"):
                    wd = dr.toks("WEEKDAY")
                    first = _WEEKDAYS[str(wd[0])]
                    last = _WEEKDAYS[str(wd[-1])]
                    if last < first:
                        self.diags.error("F214", f"the range of days {wd[0]}-{wd[-1]} goes backwards", dr.span,
                                         "weeks run from mon to sun",
                                         [Note(f"write {_days(str(wd[0]), 'sun')}, {_days('mon', str(wd[-1]))}")])
                        continue
                    days.extend(range(first, last + 1))
                hours.append(ir.WeeklyHours(tuple(sorted(set(days))), self.ranges(item.nodes("time_range")), item.span))
            elif item.kind == "cal_holidays":
                for tok in item.toks("STRING"):
                    code = self.string(tok).strip()
                    country, _, sub = code.partition("-")
                    holidays.append(ir.HolidaySource(country, sub or None, tok.span))
            elif item.kind == "cal_closed":
                for dr in item.nodes("date_range"):
                    ds = [self.date(t) for t in dr.toks("DATE")]
                    if any(d is None for d in ds):
                        continue
                    if ds[-1] < ds[0]:
                        self.diags.error("F201", "the range of dates goes backwards", dr.span,
                                         f"{ds[-1]} is before {ds[0]}")
                        continue
                    closed.append(ir.DateRange(ds[0], ds[-1], dr.span))
            elif item.kind == "cal_open":
                dates = [d for d in (self.date(t) for t in item.toks("DATE")) if d is not None]
                tr = item.node("time_ranges")
                rngs = self.ranges(tr.nodes("time_range")) if tr else ()
                opened.append(ir.OpenDays(tuple(dates), rngs, item.span))
        return ir.Calendar(self.name(node.tok("NAME")), tz, tuple(hours), tuple(holidays),
                           tuple(closed), tuple(opened), node.span)

    # -- entities -----------------------------------------------------------
    def entity(self, node: Node) -> ir.Entity:
        fields = []
        for f in node.nodes("field"):
            t = f.node("type_name") or f.node("type_list")
            if t.kind == "type_name":
                tref = ir.TypeRef(self.name(t.tok("NAME")), (), t.span)
            else:
                tref = ir.TypeRef(ir.Name("list", t.span), tuple(self.string(s) for s in t.toks("STRING")), t.span)
            fields.append(ir.Field(self.name(f.tok("NAME")), tref, f.node("optional_flag") is not None, f.span))
        return ir.Entity(self.name(node.tok("NAME")), node.node("smart_flag") is not None,
                         self.string(node.tok("STRING")), tuple(fields), node.span)

    # -- pipelines ----------------------------------------------------------
    def pipeline(self, node: Node, defs: dict, tdefs: dict) -> ir.Pipeline:
        stages = []
        for i, s in enumerate(node.nodes("stage")):
            final = None
            if s.node("final_success"):
                final = "success"
            elif s.node("final_failure"):
                final = "failure"
            robots, triggers, unresolved = [], [], []
            body = s.node("stage_body")
            for item in body.nodes() if body else ():
                if item.kind == "robot":
                    r = self.robot(item)
                    if r is not None:
                        robots.append(r)
                elif item.kind == "trigger":
                    triggers.append(self.trigger(item))
                elif item.kind == "use_rules":
                    for tok in item.toks("NAME"):
                        name = str(tok)
                        if name in defs:
                            robots.append(attrs.evolve(defs[name], used_at=tok.span))
                        elif name in tdefs:
                            triggers.append(attrs.evolve(tdefs[name], used_at=tok.span))
                        else:
                            unresolved.append(ir.UseRef(self.name(tok), tok.span))
            stages.append(ir.Stage(self.name(s.tok("NAME")), self.string(s.tok("STRING")), final,
                                   tuple(robots), tuple(triggers), tuple(unresolved), s.span, i))
        names = node.toks("NAME")
        return ir.Pipeline(self.name(names[0]), self.name(names[1]), self.string(node.tok("STRING")),
                           tuple(stages), node.span)

    def stage_ref(self, node: Node) -> ir.StageRef:
        names = node.toks("NAME")
        if len(names) == 2:
            return ir.StageRef(self.name(names[0]), self.name(names[1]), node.span)
        return ir.StageRef(None, self.name(names[0]), node.span)

    # -- robots -------------------------------------------------------------
    def robot(self, node: Node) -> ir.Robot | None:
        name = self.name(node.tok("NAME"))
        parts = node.nodes()
        action_node = parts[0]
        timing_nodes = [p for p in parts[1:] if p.kind.startswith("t_")]
        cond = node.node("condition")
        action = self.action(action_node)
        timing = self.timing(timing_nodes)
        condition = self.expr(cond.nodes()[0]) if cond and cond.nodes() else None
        return ir.Robot(name, action, timing, condition, node.span)

    def recipient(self, node: Node) -> ir.Recipient:
        if node.kind == "rcpt_responsible":
            return ir.Recipient("responsible", None, node.span)
        if node.kind == "rcpt_supervisor":
            return ir.Recipient("supervisor", None, node.span)
        return ir.Recipient("employee", self.name(node.tok("NAME")), node.span)

    # Actions whose inline arguments are plain tokens: syntax node -> (action
    # kind, [(token type, parameter, how to read it)]).  The others are below.
    _INLINE_ACTIONS = {
        "act_task": ("create_task", [("STRING", "title", "template")]),
        "act_activity": ("plan_activity", [("STRING", "title", "template")]),
        "act_document": ("create_document", [("NAME", "template", "name")]),
        "act_email": ("send_email", [("STRING", "subject", "template")]),
        "act_sms": ("send_sms", [("STRING", "text", "template"), ("NAME", "to", "address")]),
        "act_chat": ("send_chat", [("STRING", "text", "template")]),
        "act_invite": ("invite", [("NAME", "messenger", "name")]),
        "act_repeat_lead": ("create_repeat_lead", []),
        "act_copy": ("copy_record", [("NAME", "entity", "name")]),
        "act_audience": ("add_to_audience", [("STRING", "audience", "string")]),
        "act_webhook": ("webhook", [("STRING", "url", "template")]),
        "act_app": ("app", [("STRING", "app", "string")]),
    }

    def _inline_value(self, how: str, tok: Tok):
        if how == "template":
            return self.template(tok)
        if how == "string":
            return self.string(tok)
        if how == "address":
            return ir.AddressChoice(self.name(tok), None, tok.span)
        return self.name(tok)

    def action(self, node: Node) -> ir.Action:
        k = node.kind
        P = ir.Param
        params: list[ir.Param] = []
        if k in self._INLINE_ACTIONS:
            kind, args = self._INLINE_ACTIONS[k]
            for token_type, name, how in args:
                tok = node.tok(token_type)
                if tok is not None:
                    params.append(P(name, self._inline_value(how, tok), tok.span))
            sr = node.node("stage_ref")  # `copy deal to pipeline.stage`
            if sr is not None:
                params.append(P("stage", self.stage_ref(sr), sr.span))
        elif k == "act_notify":
            to, tok = node.nodes()[0], node.tok("STRING")
            params = [P("to", self.recipient(to), to.span), P("message", self.template(tok), tok.span)]
            kind = "notify"
        elif k == "act_responsible":
            rs = [n for n in node.nodes() if n.kind.startswith("rcpt_")]
            params = [P("to", tuple(self.recipient(r) for r in rs), rs[0].span.to(rs[-1].span))]
            kind = "change_responsible"
        elif k == "act_set":
            fp, value = node.nodes()[0], node.nodes()[1]
            params = [P("field", self.field_ref(fp), fp.span), P("value", self.expr(value), value.span)]
            kind = "set_field"
        elif k == "act_move":
            sr = node.node("stage_ref")
            params = [P("stage", self.stage_ref(sr), sr.span)]
            kind = "move_to"
        elif k == "act_call":
            content = node.node("call_say") or node.node("call_play")
            tok = content.tok("STRING")
            if content.kind == "call_say":
                params = [P("say", self.template(tok), tok.span)]
            else:
                params = [P("play", self.string(tok), tok.span)]
            kind = "make_call"
        else:  # pragma: no cover - the grammar has no other actions
            raise AssertionError(k)
        block = node.node("params")
        if block is not None:
            params.extend(self.param(p) for p in block.nodes())
        return ir.Action(kind, tuple(params), node.span)

    def param(self, node: Node) -> ir.Param:
        from .schema import PARAM_WORDS

        k = node.kind
        name = PARAM_WORDS[k]
        s = node.tok("STRING")
        if k in ("p_title", "p_description", "p_text", "p_subject", "p_address", "p_link"):
            value = self.template(s)
        elif k in ("p_location", "p_provider", "p_voice", "p_line", "p_from_address"):
            value = self.string(s)
        elif k == "p_from_auto":
            value = "auto"
        elif k == "p_deadline":
            value = self.deadline(node.nodes()[0])
        elif k == "p_responsible":
            value = self.recipient(node.nodes()[0])
        elif k in ("p_priority", "p_color", "p_contacts", "p_network"):
            value = self.name(node.tok("NAME"))
        elif k in ("p_invite", "p_observers"):
            value = tuple(self.name(t) for t in node.toks("NAME"))
        elif k == "p_attach":
            value = tuple(
                ir.Attachment("file", self.string(a.tok("STRING")), a.span) if a.tok("STRING") is not None
                else ir.Attachment("field", str(a.tok("NAME")), a.span)
                for a in node.nodes("attachment"))
        elif k == "p_to":
            names = node.toks("NAME")
            value = ir.AddressChoice(self.name(names[0]), self.name(names[1]) if len(names) > 1 else None, node.span)
        elif k in ("p_volume", "p_speed"):
            value = self.number(node.tok("NUMBER"))
        else:  # flags
            value = True
        return ir.Param(name, value, node.span)

    def deadline(self, node: Node) -> ir.Deadline:
        t = node.tok("TIME")
        time = self.time(t) if t is not None else None
        hours = node.node("dl_in_hours")
        calendar = self.name(hours.tok("NAME")) if hours is not None else None
        if node.kind == "deadline_today":
            return ir.Deadline("today", node.span, time=time)
        if node.kind == "deadline_tomorrow":
            return ir.Deadline("tomorrow", node.span, time=time)
        if node.kind == "deadline_in":
            return ir.Deadline("in", node.span, duration=self.duration(node.tok("DURATION")), calendar=calendar)
        if node.kind in ("deadline_before", "deadline_after"):
            at = node.node("dl_at_time")
            for clause in ("dl_at_time", "dl_in_hours"):
                again = node.nodes(clause)[1:]
                if again:
                    self.diags.error("F305", "a clause of the deadline is written twice", again[0].span,
                                     "the deadline already has this clause", [Note("keep one")])
            d = self.duration(node.tok("DURATION"))
            direction = "before" if node.kind == "deadline_before" else "after"
            rel = ir.RelativeTo(d, direction, self.field_ref(node.node("field_path")), node.span) \
                if d is not None else None
            return ir.Deadline("relative", node.span, time=self.time(at.tok("TIME")) if at else None,
                               relative=rel, calendar=calendar)
        return ir.Deadline("at", node.span, time=time, date=self.date(node.tok("DATE")))

    def timing(self, nodes: list[Node]) -> ir.Timing:
        if not nodes:
            return ir.Timing()
        fields: dict = {"span": nodes[0].span.to(nodes[-1].span), "clauses": tuple(n.span for n in nodes),
                        "clause_kinds": tuple(n.kind[2:] for n in nodes)}
        for n in nodes:
            k = n.kind
            if k == "t_immediately":
                fields["immediately"] = n.span
            elif k == "t_after_previous":
                fields["after_previous"] = n.span
            elif k == "t_after":
                fields["delay"] = self.duration(n.tok("DURATION"))
            elif k in ("t_before_field", "t_after_field"):
                d = self.duration(n.tok("DURATION"))
                if d is not None:
                    fields["relative"] = ir.RelativeTo(d, "before" if k == "t_before_field" else "after",
                                                       self.field_ref(n.node("field_path")), n.span)
            elif k == "t_at_time":
                fields["at_time"] = self.time(n.tok("TIME"))
                fields["at_time_span"] = n.span
            elif k == "t_at_datetime":
                fields["at_datetime"] = self.datetime(n)
                fields["at_datetime_span"] = n.span
            elif k == "t_in_hours":
                fields["calendar"] = self.name(n.tok("NAME"))
        return ir.Timing(**fields)

    # -- triggers -----------------------------------------------------------
    def trigger(self, node: Node) -> ir.Trigger:
        label = node.node("trigger_label")
        name = self.name(label.tok("NAME")) if label is not None else None
        ev_node = next(n for n in node.nodes() if n.kind.startswith("ev_"))
        cond = node.node("condition")
        condition = self.expr(cond.nodes()[0]) if cond and cond.nodes() else None
        return ir.Trigger(name, self.event(ev_node), node.node("allow_back") is not None, condition, node.span)

    def event(self, node: Node) -> ir.Event:
        kind = node.kind[3:]
        arg = None
        if kind == "field_changed":
            arg = tuple(self.name(t) for t in node.toks("NAME"))
        elif node.tok("NAME") is not None:
            arg = self.name(node.tok("NAME"))
        elif node.tok("STRING") is not None:
            tok = node.tok("STRING")
            arg = ir.Name(self.string(tok), tok.span)
        return ir.Event(kind, node.span, arg)

    # -- expressions --------------------------------------------------------
    def field_ref(self, node: Node) -> ir.FieldRef:
        return ir.FieldRef(tuple(str(t) for t in node.toks("NAME")), node.span)

    def expr(self, node: Node) -> ir.Expr:
        k = node.kind
        sp = node.span
        if k == "field_path":
            return self.field_ref(node)
        if k == "e_string":
            tok = node.tok("STRING")
            return ir.Literal(self.string(tok), "text", sp)
        if k in ("e_number", "v_negative"):
            v = self.number(node.tok("NUMBER"))
            if v is None:
                return ir.Invalid(sp)
            return ir.Literal(v if k == "e_number" else -v, "number", sp)
        if k == "e_duration":
            d = self.duration(node.tok("DURATION"))
            return ir.Literal(d, "duration", sp) if d else ir.Invalid(sp)
        if k == "e_date":
            if node.tok("TIME") is not None:
                v = self.datetime(node)
                return ir.Literal(v, "datetime", sp) if v else ir.Invalid(sp)
            v = self.date(node.tok("DATE"))
            return ir.Literal(v, "date", sp) if v else ir.Invalid(sp)
        if k == "e_time":
            v = self.time(node.tok("TIME"))
            return ir.Literal(v, "time", sp) if v else ir.Invalid(sp)
        if k == "e_true":
            return ir.Literal(True, "boolean", sp)
        if k == "e_false":
            return ir.Literal(False, "boolean", sp)
        if k == "e_today":
            return ir.Today(sp)
        if k == "e_now":
            return ir.Now(sp)
        if k == "e_group":
            return self.expr(node.nodes()[0])
        if k == "e_not":
            return ir.Not(self.expr(node.nodes()[0]), sp)
        if k in ("e_or", "e_and"):
            return ir.BoolOp(k[2:], tuple(self.expr(n) for n in node.nodes()), sp)
        if k == "e_compare":
            left, op, right = node.nodes()
            return ir.Compare(op.keywords()[0], self.expr(left), self.expr(right), sp)
        if k in ("e_in", "e_not_in"):
            operand, lst = node.nodes()
            return ir.InList(self.expr(operand), tuple(self.expr(n) for n in lst.nodes()), k == "e_not_in", sp)
        if k == "e_contains":
            a, b = node.nodes()
            return ir.Contains(self.expr(a), self.expr(b), sp)
        if k in ("e_is_set", "e_is_empty"):
            return ir.IsSet(self.expr(node.nodes()[0]), k == "e_is_empty", sp)
        if k == "e_between":
            a, lo, hi = node.nodes()
            return ir.Between(self.expr(a), self.expr(lo), self.expr(hi), sp)
        if k == "e_arith":
            operands = tuple(self.expr(n) for n in node.nodes())
            ops = tuple(str(p) for p in node.parts if isinstance(p, Tok) and str(p) in "+-*/")
            return ir.Arith(operands, ops, sp)
        if k == "e_neg":
            return ir.Neg(self.expr(node.nodes()[0]), sp)
        if k == "v_name":
            return ir.FieldRef((str(node.tok("NAME")),), sp)
        return ir.Invalid(sp if sp else Span(self.source.path, 1, 1, 1, 1))  # too_deep and the like

    # -- people -------------------------------------------------------------
    def person(self, node: Node) -> ir.Person:
        emails, phones, chats, mailboxes = [], [], [], []
        supervisor = company = None
        body = node.node("person_body")
        for item in body.nodes() if body else ():
            tok = item.tok("STRING")
            if item.kind in ("pi_email", "pi_phone"):
                t = item.tok("NAME")
                default = "work" if item.kind == "pi_email" or node.kind != "contact" else "mobile"
                entry = ir.Contact(str(t) if t is not None else default, self.string(tok), item.span)
                (emails if item.kind == "pi_email" else phones).append(entry)
            elif item.kind == "pi_chat":
                chats.append(self.name(item.tok("NAME")))
            elif item.kind == "pi_mailbox":
                mailboxes.append(ir.Contact("mailbox", self.string(tok), item.span))
            elif item.kind == "pi_supervisor":
                supervisor = self.name(item.tok("NAME"))
            elif item.kind == "pi_company":
                company = self.name(item.tok("NAME"))
        return ir.Person(node.kind, self.name(node.tok("NAME")), self.string(node.tok("STRING")),
                         tuple(emails), tuple(phones), tuple(chats), tuple(mailboxes), supervisor, node.span,
                         company)

    # -- scenarios ----------------------------------------------------------
    def scenario(self, node: Node) -> ir.Scenario:
        start = start_span = until = until_span = run_for = start_offset = until_offset = None
        people, channels, records, happenings, expectations = [], [], [], [], []
        seen: dict[str, Span] = {}
        for item in node.nodes():
            k = item.kind
            if k in ("sc_start", "sc_run_until", "sc_run_for"):
                what = {"sc_start": "start", "sc_run_until": "run until", "sc_run_for": "run for"}[k]
                if what in seen:
                    self.diags.error("F512", f"`{what}` is given twice", item.span,
                                     f"this `{what}` line would replace the one before",
                                     [Note("first given here", seen[what], "note"),
                                      Note(f"keep one `{what}` line")])
                    continue
                seen[what] = item.span
            if k == "sc_start":
                start, start_span, start_offset = self.datetime(item), item.span, self.offset(item)
            elif k in ("employee", "contact", "company"):
                people.append(self.person(item))
            elif k == "sc_channel":
                channels.append(ir.Channel(self.name(item.tok("NAME")), self.string(item.tok("STRING")), item.span))
            elif k == "sc_record":
                records.append(self.record(item))
            elif k == "sc_run_until":
                until, until_span, until_offset = self.datetime(item), item.span, self.offset(item)
            elif k == "sc_run_for":
                run_for = self.duration(item.tok("DURATION"))
            elif k == "sc_at":
                when, offset = self.datetime(item), self.offset(item)
                h = next((n for n in item.nodes() if n.kind.startswith("h_")), None)
                if h is None:
                    # After an expectation the parser takes a bare `at` as its
                    # time (x_at): here nothing comes before it to be about.
                    self.diags.error("F501", "nothing happens at this time", item.span,
                                     "expected an event after the time",
                                     [Note("write what happens: `at 2026-03-09 11:00 invoice paid for d1`, "
                                           "or put the time right after an expectation")])
                    continue
                if when is not None:
                    happenings.append(attrs.evolve(self.happening(when, h), offset=offset))
            elif k in ("x_stage", "x_robot", "x_field", "x_task", "x_activity"):
                expectations.append(self.expectation(item))
        return ir.Scenario(self.name(node.tok("NAME")), self.string(node.tok("STRING")), start, start_span,
                           until, run_for, tuple(people), tuple(channels), tuple(records),
                           tuple(happenings), tuple(expectations), node.span, until_span,
                           start_offset, until_offset)

    def record(self, node: Node) -> ir.RecordDecl:
        names = node.toks("NAME")
        values = []
        body = node.node("record_body")
        for f in body.nodes("record_field") if body else ():
            vals = []
            for v in f.nodes():
                if v.kind == "v_name":
                    vals.append(self.name(v.tok("NAME")))
                else:
                    vals.append(self.expr(v))
            values.append(ir.RecordValue(self.name(f.tok("NAME")), tuple(vals), f.span))
        return ir.RecordDecl(self.name(names[0]), self.name(names[1]), self.stage_ref(node.node("stage_ref")),
                             tuple(values), node.span)

    def happening(self, when: dt.datetime, node: Node) -> ir.Happening:
        k = node.kind
        if k == "h_move":
            return ir.Happening(when, "move", self.name(node.tok("NAME")), node.span,
                                stage=self.stage_ref(node.node("stage_ref")))
        if k == "h_set":
            fp = node.node("field_path")
            value = [n for n in node.nodes() if n is not fp][0]
            return ir.Happening(when, "set", self.name(node.tok("NAME")), node.span,
                                field=self.field_ref(fp), value=self.expr(value))
        if k == "h_task_done":
            return ir.Happening(when, "task_done", self.name(node.tok("NAME")), node.span)
        ev = next(n for n in node.nodes() if n.kind.startswith("ev_"))
        rec = [p for p in node.parts if isinstance(p, Tok) and p.type == "NAME"][-1]
        return ir.Happening(when, "event", self.name(rec), node.span, event=self.event(ev))

    def expectation(self, node: Node) -> ir.Expectation:
        k = node.kind
        names = node.toks("NAME")
        clauses = self._expectation_clauses(node)
        at_node = clauses.get("x_at")
        at = dict(at=self.datetime(at_node), at_span=at_node.span, at_offset=self.offset(at_node)) \
            if at_node is not None else {}
        if k == "x_stage":
            return ir.Expectation("stage", self.name(names[0]), node.span,
                                  stage=self.stage_ref(node.node("stage_ref")), **at)
        if k in ("x_robot", "x_task", "x_activity"):
            because, with_ = clauses.get("because"), clauses.get("with_detail")
            common = dict(because=self.string(because.tok("STRING")) if because else None,
                          with_text=self.string(with_.tok("STRING")) if with_ else None, **at)
            if k != "x_robot" and because is not None:
                what = k[2:]
                self.diags.error("F513", f"`because` does not apply to {'an' if what[0] == 'a' else 'a'} {what}",
                                 because.span,
                                 f"{'an' if what[0] == 'a' else 'a'} {what} has a status, not a reason",
                                 [Note(f'to check what its robot did, use `with`: expect {what} "Call back" on d1 open '
                                       'with "deadline Tue 2026-03-10"')])
            if k == "x_robot":
                return ir.Expectation("robot", self.name(names[1]), node.span, robot=self.name(names[0]),
                                      status=self.name(names[2]), **common)
            return ir.Expectation(k[2:], self.name(names[0]), node.span, status=self.name(names[1]),
                                  title=self.string(node.tok("STRING")), **common)
        fp = node.node("field_path")
        op = node.node("cmp_op")
        value = next(n for n in node.nodes() if n is not fp and n is not op and n.kind not in _X_CLAUSES)
        return ir.Expectation("field", self.name(names[0]), node.span, field=self.field_ref(fp),
                              op=op.keywords()[0], value=self.expr(value), **at)

    def _expectation_clauses(self, node: Node) -> dict[str, Node]:
        """The clauses of an expectation (`at ...`, `because ...`, `with ...`) by kind; a
        clause given twice is an error (F513), the first one counts."""
        found: dict[str, Node] = {}
        for c in node.nodes():
            if c.kind not in _X_CLAUSES:
                continue
            if c.kind in found:
                what = _X_CLAUSES[c.kind]
                self.diags.error("F513", f"`{what}` is given twice", c.span,
                                 f"this expectation already has `{what}`",
                                 [Note("first given here", found[c.kind].span, "note"),
                                  Note(f"keep one `{what}`")])
                continue
            found[c.kind] = c
        return found
