"""Reading the CRM-neutral format: JSON lines and CSV files into rows.

A data set is a folder with `records.jsonl` or `records.csv` (required),
and optionally `history.*` and `people.*` in either format (docs/replay.md
describes every key and column).  Files are read line by line, never whole:
a `Row` is one object of a JSON-lines file or one row of a CSV file, with its
file and line; CSV rows are reshaped here into the JSON objects' shape
(`contacts` split on `;`, the other columns of a record file into `fields`,
`type:value` pairs of people's e-mails and phones), so that the rest of
replay reads one shape.  A line that cannot be read is a `Problem` (R101)
and is skipped; a file that cannot be opened is a `DataSetError` (exit 2).
"""
from __future__ import annotations

import csv
import json
import os
from typing import Iterator, NamedTuple

from .problems import Problem

KINDS = ("records", "history", "people")
EXTENSIONS = ("jsonl", "csv")

#: Columns of a records CSV that are not fields of the record.
RECORD_COLUMNS = ("id", "entity", "stage", "created", "title", "responsible", "contacts", "company",
                  "final_stage")
PEOPLE_LISTS = ("emails", "phones", "mailboxes")


class Row(NamedTuple):
    path: str
    line: int
    data: dict


class DataSetError(Exception):
    """The data set cannot be read at all (a missing folder or file, an
    unreadable file): a usage or I/O error, exit code 2."""


def find_files(folder: str) -> dict[str, str]:
    """The files of a data set folder: kind -> path.  `records` is required;
    a kind in both formats is an error (which one is meant?)."""
    if not os.path.isdir(folder):
        raise DataSetError(f"no such data folder: {folder}" if not os.path.exists(folder)
                           else f"{folder} is not a folder (give the folder of records.jsonl or records.csv)")
    out: dict[str, str] = {}
    for kind in KINDS:
        found = [os.path.join(folder, f"{kind}.{ext}") for ext in EXTENSIONS
                 if os.path.isfile(os.path.join(folder, f"{kind}.{ext}"))]
        if len(found) > 1:
            raise DataSetError(f"{folder} has both {found[0]} and {found[1]}: keep one")
        if found:
            out[kind] = found[0]
    if "records" not in out:
        raise DataSetError(f"{folder} has no records.jsonl or records.csv")
    return out


def _lines(path: str) -> Iterator[tuple[int, bytes]]:
    try:
        f = open(path, "rb")
    except OSError as e:
        raise DataSetError(f"cannot read {path}: {e.strerror or e}") from None
    with f:
        for number, raw in enumerate(f, 1):
            yield number, raw


def read_rows(path: str, kind: str, problems: list[Problem]) -> Iterator[Row]:
    """The rows of one file, streamed; unreadable lines become problems."""
    sink = _RecordSink(problems) if kind == "records" and hasattr(problems, "skip_record") else problems
    yield from (_csv_rows(path, kind, sink) if path.endswith(".csv") else _jsonl_rows(path, sink))


class _RecordSink:
    """Problems of a records file: each one is a record row skipped."""

    def __init__(self, log) -> None:
        self.log = log

    def append(self, p: Problem) -> None:
        self.log.append(p)
        self.log.skip_record()


def _jsonl_rows(path: str, problems: list[Problem]) -> Iterator[Row]:
    for number, raw in _lines(path):
        if number == 1 and raw.startswith(b"\xef\xbb\xbf"):
            raw = raw[3:]
        text = raw.strip()
        if not text:
            continue
        try:
            data = json.loads(text)
        except UnicodeDecodeError:
            problems.append(Problem(path, number, "R101", None, "the line is not valid UTF-8; it is skipped"))
            continue
        except ValueError as e:
            cut = "" if raw.endswith(b"\n") else " (the file ends in the middle of it: cut short?)"
            problems.append(Problem(path, number, "R101", None,
                                    f"the line is not valid JSON ({e.args[0].split(':')[0]}){cut}; it is skipped"))
            continue
        if not isinstance(data, dict):
            problems.append(Problem(path, number, "R101", None,
                                    f"a line must be a JSON object, not {type(data).__name__}; it is skipped"))
            continue
        yield Row(path, number, data)


def _decoded(path: str, problems: list[Problem], bad: set[int]) -> Iterator[str]:
    for number, raw in _lines(path):
        if number == 1 and raw.startswith(b"\xef\xbb\xbf"):
            raw = raw[3:]
        try:
            yield raw.decode("utf-8")
        except UnicodeDecodeError:
            bad.add(number)
            yield raw.decode("utf-8", "replace")


def _csv_rows(path: str, kind: str, problems: list[Problem]) -> Iterator[Row]:
    bad: set[int] = set()
    reader = csv.reader(_decoded(path, problems, bad), strict=True)
    header: list[str] | None = None
    first = 1
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as e:
            problems.append(Problem(path, reader.line_num, "R101", None,
                                    f"the CSV row cannot be read ({e}); it is skipped"))
            first = reader.line_num + 1
            continue
        start, first = first, reader.line_num + 1
        if any(n in bad for n in range(start, reader.line_num + 1)):
            problems.append(Problem(path, start, "R101", None, "the row is not valid UTF-8; it is skipped"))
            continue
        if header is None:
            header = [c.strip() for c in cells]
            continue
        if not any(c.strip() for c in cells):
            continue
        if len(cells) != len(header):
            problems.append(Problem(path, start, "R101", None,
                                    f"the row has {len(cells)} cells and the header {len(header)}; it is skipped"))
            continue
        yield Row(path, start, _reshape(kind, dict(zip(header, cells))))


def _split(cell: str) -> list[str]:
    return [p.strip() for p in cell.split(";") if p.strip()]


def _typed(cell: str) -> list[dict]:
    """`work:ana@x.example; mobile:+351 910` -> [{type, value}] (no type: `work`)."""
    out = []
    for part in _split(cell):
        typ, sep, value = part.partition(":")
        if sep and typ.strip().isalpha() and not value.startswith("//"):
            out.append({"type": typ.strip().lower(), "value": value.strip()})
        else:
            out.append({"type": "work", "value": part})
    return out


def _reshape(kind: str, row: dict[str, str]) -> dict:
    """A CSV row in the shape of the JSON objects; an empty cell is no value."""
    cells = {k: v.strip() for k, v in row.items() if k}
    if kind == "records":
        out: dict = {k: cells[k] for k in RECORD_COLUMNS if cells.get(k)}
        if "contacts" in out:
            out["contacts"] = _split(out["contacts"])
        out["fields"] = {k: v for k, v in cells.items() if k not in RECORD_COLUMNS and v}
        return out
    if kind == "people":
        out = {k: v for k, v in cells.items() if v and k not in PEOPLE_LISTS and k != "chats"}
        for k in PEOPLE_LISTS:
            if cells.get(k):
                out[k] = _typed(cells[k])
        if cells.get("chats"):
            out["chats"] = _split(cells["chats"])
        return out
    return {k: v for k, v in cells.items() if v}
