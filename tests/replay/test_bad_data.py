"""Corrupt, partial and wrong data: each problem names the file, the line and
the field, the row is skipped and counted, the replay goes on (exit 1); a data
set that cannot be read at all is exit 2.  docs/replay.md lists every code."""
from __future__ import annotations

import re

import pytest

from flowc.replay.problems import CODES
from support import ROOT

from replay_support import run_replay

GOOD = {"id": "g1", "stage": "sales.new", "created": "2026-03-09 10:00", "title": "Good", "responsible": "bruno",
        "contacts": ["maria"], "fields": {"amount": 500}}
MARIA = {"id": "maria", "kind": "contact", "name": "Maria", "phones": [{"type": "mobile", "value": "+351 1"}]}


def problems(r) -> list[tuple]:
    return [(p["code"], p["path"].rsplit("/", 1)[-1], p["line"], p["field"]) for p in r.report["problems"]["first"]]


def rec(**kw):
    return {**GOOD, **kw}


def test_each_bad_record_is_reported_and_skipped(write_data):
    folder = write_data({
        "records.jsonl": [
            GOOD,
            '{"id": "r2", "stage": "sales.new", ',                  # 2: not JSON
            rec(id="r3", fields={"amount": "lots"}),                # 3: not a number
            rec(id="r4", stage="sales.newest"),                     # 4: unknown stage
            rec(id="r5", created="yesterday"),                      # 5: not a time
            rec(id="r6", created=None),                             # 6: missing
            rec(id="g1"),                                           # 7: a second g1
            rec(id="r8", fields={"amount": 5, "colour": "red"}),    # 8: unknown field (kept)
            rec(id="r9", entity="invoice"),                         # 9: stage of another entity
            "[1, 2]",                                               # 10: not an object
            rec(id="r11", contacts=["nobody"]),                     # 11: unknown person (kept)
            rec(id="r12", fields={"close_date": "31/03/2026"}),     # 12: not a date
        ],
        "people.jsonl": [MARIA],
    })
    r = run_replay(folder)
    assert r.code == 1
    assert problems(r) == [
        ("R101", "records.jsonl", 2, None),
        ("R103", "records.jsonl", 3, "fields.amount"),
        ("R104", "records.jsonl", 4, "stage"),
        ("R103", "records.jsonl", 5, "created"),
        ("R102", "records.jsonl", 6, "created"),
        ("R110", "records.jsonl", 7, "id"),
        ("R107", "records.jsonl", 8, "fields.colour"),
        ("R104", "records.jsonl", 9, "stage"),
        ("R101", "records.jsonl", 10, None),
        ("R106", "records.jsonl", 11, "contacts"),
        ("R103", "records.jsonl", 12, "fields.close_date"),
    ]
    rep = r.report["records"]
    assert (rep["read"], rep["replayed"], rep["skipped"]) == (12, 3, 9)
    first = r.report["problems"]["first"]
    assert 'did you mean "sales.new"?' in first[2]["message"]
    assert first[0]["message"].endswith("it is skipped")


def test_text_report_names_file_line_and_field(write_data):
    folder = write_data({"records.jsonl": [rec(id="r3", fields={"amount": "lots"})]})
    r = run_replay(folder, fmt="text")
    assert r.code == 1
    assert re.search(r'records\.jsonl:1: error\[R103\]: field "fields\.amount": expected a number, got "lots"; '
                     r"the record is skipped \(record r3\)", r.out)


def test_a_file_cut_short(write_data):
    good = '{"id": "a", "stage": "sales.new", "created": "2026-03-09 10:00"}\n'
    folder = write_data({"records.jsonl": good + good.replace('"a"', '"b"')[:30]})
    r = run_replay(folder)
    assert r.code == 1
    p = r.report["problems"]["first"]
    assert [(x["code"], x["line"]) for x in p] == [("R101", 2)]
    assert "cut short" in p[0]["message"]
    assert r.report["records"]["replayed"] == 1 and r.report["records"]["skipped"] == 1


def test_history_problems(write_data):
    folder = write_data({
        "records.jsonl": [GOOD],
        "history.jsonl": [
            {"record": "g1", "at": "2026-03-09 11:00", "event": "form submitted"},
            {"record": "g1", "at": "2026-03-09 12:00", "event": "payment recieved"},      # 2
            {"record": "g1", "at": "2026-03-09 12:00"},                                   # 3
            {"record": "zz", "at": "2026-03-09 12:00", "stage": "won"},                  # 4
            {"record": "g1", "at": "2026-03-08 12:00", "event": "invoice paid"},          # 5: before creation
            {"at": "2026-03-09 12:00", "stage": "won"},                                   # 6: no record
            {"record": "g1", "at": "2026-03-09 13:00", "stage": "won", "event": "visit"},  # 7: two kinds
            {"record": "g1", "at": "2026-03-09 13:00", "field": "amount", "value": "x"},   # 8: bad value
            {"record": "g1", "at": "2026-03-09 13:00", "field": "colour", "value": "x"},   # 9: unknown field
        ],
    })
    r = run_replay(folder)
    assert r.code == 1
    assert problems(r) == [
        ("R103", "history.jsonl", 2, "event"),
        ("R102", "history.jsonl", 3, None),
        ("R105", "history.jsonl", 4, "record"),
        ("R108", "history.jsonl", 5, "at"),
        ("R102", "history.jsonl", 6, "record"),
        ("R103", "history.jsonl", 7, None),
        ("R103", "history.jsonl", 8, "value"),
        ("R107", "history.jsonl", 9, "field"),
    ]
    assert r.report["records"]["replayed"] == 1


def test_csv_problems(write_data):
    folder = write_data({
        "records.csv": "id,stage,created,amount\n"
                       "c1,sales.new,2026-03-09 10:00,100\n"
                       "c2,sales.new,2026-03-09 10:00\n"                 # 3: too few cells
                       'c3,sales.new,"2026-03-09 10:00,100\n',           # 4: a quote never closed
        "people.csv": b"id,kind,name\np1,contact,Jo\xe3o\n",             # 2: Latin-1, not UTF-8
    })
    r = run_replay(folder)
    assert r.code == 1
    assert problems(r) == [("R101", "people.csv", 2, None), ("R101", "records.csv", 3, None),
                           ("R101", "records.csv", 4, None)]
    assert r.report["records"]["replayed"] == 1


def test_person_problems(write_data):
    folder = write_data({
        "records.jsonl": [GOOD],
        "people.jsonl": [MARIA, {"kind": "contact"}, dict(MARIA, name="Other"), {"id": "x", "kind": "robot"}],
    })
    r = run_replay(folder)
    # the person x is never used by a record, so its bad kind is not seen
    assert problems(r) == [("R102", "people.jsonl", 2, "id"), ("R110", "people.jsonl", 3, "id")]


@pytest.mark.parametrize("files, message", [
    ({}, "has no records.jsonl or records.csv"),
    ({"records.jsonl": [GOOD], "records.csv": "id\n"}, "keep one"),
])
def test_a_data_set_that_cannot_be_read(write_data, files, message):
    folder = write_data(files or {"notes.txt": "hello"})
    r = run_replay(folder)
    assert r.code == 2 and message in r.err and r.out == ""


def test_every_code_is_documented_and_only_those():
    doc = (ROOT / "docs" / "replay.md").read_text(encoding="utf-8")
    table = dict(re.findall(r"^\| (R\d{3}) \| (error|warning) \|", doc, re.M))
    assert table == {code: sev for code, (sev, _) in CODES.items()}
