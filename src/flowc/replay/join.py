"""Rows to bundles, streamed, and bundles to partitions.

A `Bundle` is what one record's replay needs: the record's row, its history
rows (in file order) and the rows of the people it names.  History and
people may be inline in a JSON-lines record, or in their own files: then
they are first spilled into a temporary SQLite database (on disk, indexed by
record id and person id), so that joining them to the records, partition by
partition, holds one partition in memory, never the data set.  The same
database keeps every record id, which finds the ids seen twice (R110) and
the history of records that are not in the records (R105).

Partitions are runs of consecutive records of the records file, of a fixed
size (`--partition-size`), numbered in file order: they depend on the data
only, never on the number of workers, and concatenating their traces in
partition order gives the trace in record order.
"""
from __future__ import annotations

import json
import os
import sqlite3
import tempfile
from typing import Iterable, Iterator, NamedTuple

from .formats import Row, read_rows
from .problems import Problem

#: Records per partition unless `--partition-size` says otherwise.
DEFAULT_PARTITION_SIZE = 2_000


class Bundle(NamedTuple):
    record: Row
    history: list[Row]
    people: dict[str, Row]


def _people_refs(data: dict) -> list[str]:
    refs = []
    for key in ("responsible", "company"):
        v = data.get(key)
        if isinstance(v, (str, int)) and not isinstance(v, bool):
            refs.append(str(v))
    contacts = data.get("contacts")
    if isinstance(contacts, list):
        refs.extend(str(c) for c in contacts if isinstance(c, (str, int)) and not isinstance(c, bool))
    return refs


class Store:
    """The spill database: record ids, and the history and people rows of
    their own files.  Temporary: removed by `close`."""

    def __init__(self, folder: str | None = None) -> None:
        fd, self.path = tempfile.mkstemp(prefix="flowc-replay-", suffix=".sqlite", dir=folder)
        os.close(fd)
        self.db = sqlite3.connect(self.path)
        self.db.executescript(
            "PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF;"
            "CREATE TABLE ids (id TEXT PRIMARY KEY, path TEXT, line INTEGER) WITHOUT ROWID;"
            "CREATE TABLE history (record TEXT, seq INTEGER, path TEXT, line INTEGER, data TEXT);"
            "CREATE TABLE people (id TEXT PRIMARY KEY, path TEXT, line INTEGER, data TEXT) WITHOUT ROWID;")
        self.has_history = False
        self.has_people = False

    def close(self) -> None:
        self.db.close()
        try:
            os.unlink(self.path)
        except OSError:  # pragma: no cover - already gone
            pass

    # -- filling ----------------------------------------------------------------
    def add_history(self, rows: Iterable[Row], problems: list[Problem]) -> None:
        self.has_history = True
        batch = []
        for seq, row in enumerate(rows):
            rec = row.data.get("record")
            if rec is None or isinstance(rec, (bool, dict, list)) or str(rec) == "":
                problems.append(Problem(row.path, row.line, "R102", "record",
                                        "a history item needs the id of its record; it is skipped"))
                continue
            batch.append((str(rec), seq, row.path, row.line, json.dumps(row.data)))
            if len(batch) >= 10_000:
                self.db.executemany("INSERT INTO history VALUES (?,?,?,?,?)", batch)
                batch.clear()
        self.db.executemany("INSERT INTO history VALUES (?,?,?,?,?)", batch)
        self.db.execute("CREATE INDEX history_record ON history (record, seq)")

    def add_people(self, rows: Iterable[Row], problems: list[Problem]) -> None:
        self.has_people = True
        for row in rows:
            pid = row.data.get("id")
            if pid is None or isinstance(pid, (bool, dict, list)) or str(pid) == "":
                problems.append(Problem(row.path, row.line, "R102", "id", "a person needs an id; it is skipped"))
                continue
            cur = self.db.execute("INSERT OR IGNORE INTO people VALUES (?,?,?,?)",
                                  (str(pid), row.path, row.line, json.dumps(row.data)))
            if cur.rowcount == 0:
                first = self.db.execute("SELECT line FROM people WHERE id=?", (str(pid),)).fetchone()[0]
                problems.append(Problem(row.path, row.line, "R110", "id",
                                        f"person {pid} is already on line {first}; this one is skipped"))

    def new_id(self, row: Row, rid: str, problems: list[Problem]) -> bool:
        cur = self.db.execute("INSERT OR IGNORE INTO ids VALUES (?,?,?)", (rid, row.path, row.line))
        if cur.rowcount == 0:
            first = self.db.execute("SELECT line FROM ids WHERE id=?", (rid,)).fetchone()[0]
            problems.append(Problem(row.path, row.line, "R110", "id",
                                    f"record {rid} is already on line {first}; this one is skipped", rid))
            return False
        return True

    # -- reading back -----------------------------------------------------------------
    def history_of(self, ids: list[str]) -> dict[str, list[Row]]:
        out: dict[str, list[Row]] = {}
        if not self.has_history or not ids:
            return out
        self.db.execute("CREATE TEMP TABLE IF NOT EXISTS wanted (id TEXT PRIMARY KEY)")
        self.db.execute("DELETE FROM wanted")
        self.db.executemany("INSERT OR IGNORE INTO wanted VALUES (?)", ((i,) for i in ids))
        for rec, path, line, data in self.db.execute(
                "SELECT h.record, h.path, h.line, h.data FROM history h JOIN wanted w ON h.record = w.id "
                "ORDER BY h.record, h.seq"):
            out.setdefault(rec, []).append(Row(path, line, json.loads(data)))
        return out

    def people_of(self, ids: set[str]) -> dict[str, Row]:
        """The people named, and their supervisors (and theirs...)."""
        out: dict[str, Row] = {}
        if not self.has_people:
            return out
        todo = set(ids)
        while todo:
            wanted = sorted(todo - out.keys())
            todo = set()
            for i in range(0, len(wanted), 500):
                chunk = wanted[i:i + 500]
                marks = ",".join("?" * len(chunk))
                for pid, path, line, data in self.db.execute(
                        f"SELECT id, path, line, data FROM people WHERE id IN ({marks})", chunk):
                    row = Row(path, line, json.loads(data))
                    out[pid] = row
                    sup = row.data.get("supervisor")
                    if isinstance(sup, (str, int)) and str(sup) not in out:
                        todo.add(str(sup))
        return out

    def orphans(self, limit: int = 1000) -> tuple[list[Problem], int]:
        """History items whose record is not among the records (R105): the
        first `limit` as problems, and how many there are in all."""
        if not self.has_history:
            return [], 0
        q = "FROM history h WHERE NOT EXISTS (SELECT 1 FROM ids i WHERE i.id = h.record)"
        total = self.db.execute(f"SELECT COUNT(*) {q}").fetchone()[0]
        rows = self.db.execute(f"SELECT h.path, h.line, h.record {q} ORDER BY h.path, h.line LIMIT ?", (limit,))
        return [Problem(p, ln, "R105", "record", f"no record {rec} in the records; the item is skipped", rec)
                for p, ln, rec in rows], total


def partitions(records: Iterable[Row], store: Store, problems: list[Problem],
               size: int = DEFAULT_PARTITION_SIZE) -> Iterator[list[Bundle]]:
    """Consecutive records, `size` at a time, each with its history and people."""
    chunk: list[Row] = []
    for row in records:
        rid = row.data.get("id")
        if rid is None or isinstance(rid, (bool, dict, list)) or str(rid).strip() == "":
            problems.append(Problem(row.path, row.line, "R102", "id", "a record needs an id; it is skipped"))
            problems.skip_record()
            continue
        if not store.new_id(row, str(rid), problems):
            problems.skip_record()
            continue
        chunk.append(row)
        if len(chunk) >= size:
            yield _join(chunk, store)
            chunk = []
    if chunk:
        yield _join(chunk, store)


def _join(chunk: list[Row], store: Store) -> list[Bundle]:
    ids = [str(r.data["id"]) for r in chunk]
    history = store.history_of(ids)
    refs: set[str] = set()
    for r in chunk:
        refs.update(_people_refs(r.data))
    people = store.people_of(refs)
    out = []
    for rid, row in zip(ids, chunk):
        mine = {p: people[p] for p in _people_refs(row.data) if p in people}
        # supervisors of the responsible, up the chain
        sup_chain = [p for p in mine.values()]
        while sup_chain:
            sup = sup_chain.pop().data.get("supervisor")
            if isinstance(sup, (str, int)) and str(sup) in people and str(sup) not in mine:
                mine[str(sup)] = people[str(sup)]
                sup_chain.append(people[str(sup)])
        out.append(Bundle(row, history.get(rid, []), mine))
    return out


def open_data_set(files: dict[str, str], problems: list[Problem], spill_folder: str | None = None
                  ) -> tuple[Store, Iterator[Row]]:
    """Spill the history and people files, and return the store with the
    stream of record rows."""
    store = Store(spill_folder)
    if "history" in files:
        store.add_history(read_rows(files["history"], "history", problems), problems)
    if "people" in files:
        store.add_people(read_rows(files["people"], "people", problems), problems)
    return store, read_rows(files["records"], "records", problems)
