"""Bad data: what is wrong with an input row, where, and what replay did about it.

A `Problem` names the file, the line (of a JSON-lines or CSV file, or the
item of a Bitrix24 page), the field and the record; its code says what kind
of problem it is (docs/replay.md lists every code).  An `error` means the row
could not be used and was skipped (a record with its history, or one
history item); a `warning` means a value was left out and the rest used.
Problems travel with the partition's summary and are merged by the client,
sorted by file and line, so the report is the same whatever the workers.
"""
from __future__ import annotations

import attrs

#: Every problem code: (severity, what it means).  docs/replay.md documents each.
CODES: dict[str, tuple[str, str]] = {
    "R101": ("error", "a line that is not valid JSON, or a CSV row that cannot be read"),
    "R102": ("error", "a required key is missing or empty"),
    "R103": ("error", "a value of the wrong type or form (a time, a number, a date...)"),
    "R104": ("error", "an unknown stage, pipeline or entity"),
    "R105": ("error", "a history item for a record that is not in the records"),
    "R106": ("warning", "a reference to a person the data does not have"),
    "R107": ("warning", "a field the entity does not declare: the value is left out"),
    "R108": ("warning", "a history item before the record was created: it happens at the creation"),
    "R109": ("error", "a Bitrix24 id the mapping does not map (stage, category, user)"),
    "R110": ("error", "a record id seen twice in one file: the second is skipped"),
}


@attrs.frozen(order=True)
class Problem:
    """One problem with the data.  Ordered by place, so merged lists sort stably."""
    path: str
    line: int
    item: int = attrs.field(default=0, kw_only=True)  # a Bitrix24 answer's item (from 1); 0: none
    code: str
    field: str | None
    message: str
    record: str | None = None

    @property
    def severity(self) -> str:
        return CODES[self.code][0]

    def text(self) -> str:
        where = f"{self.path}:{self.line}"
        field = f' field "{self.field}":' if self.field else ""
        rec = f" (record {self.record})" if self.record else ""
        return f"{where}: {self.severity}[{self.code}]:{field} {self.message}{rec}"

    def as_dict(self) -> dict:
        return {"code": self.code, "severity": self.severity, "path": self.path, "line": self.line,
                "field": self.field, "message": self.message, "record": self.record}


class DataError(Exception):
    """A row that cannot be used: raised while reading it, caught by the caller,
    which records the problem and skips the row."""

    def __init__(self, code: str, field: str | None, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.field = field
        self.message = message


class ProblemLog:
    """The client's problems (reading, joining): every one counted, the
    first `keep` kept in full, so that a file of garbage does not fill memory."""

    def __init__(self, keep: int = 2_000) -> None:
        self.keep = keep
        self.kept: list[Problem] = []
        self.dropped: dict[str, int] = {}
        self.errors: dict[str, int] = {}  # path -> rows skipped
        self.skipped_records = 0  # record rows that never reached a partition

    def append(self, p: Problem) -> None:
        if p.severity == "error":
            self.errors[p.path] = self.errors.get(p.path, 0) + 1
        if len(self.kept) < self.keep:
            self.kept.append(p)
        else:
            self.dropped[p.code] = self.dropped.get(p.code, 0) + 1

    def skip_record(self) -> None:
        self.skipped_records += 1

    def extend(self, items) -> None:
        for p in items:
            self.append(p)
