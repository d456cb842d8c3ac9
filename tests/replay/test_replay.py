"""flowc replay on the example data set: both formats, the report's content,
the trace's contract, the same bytes with 1 and 2 processes and a 2-worker
Dask LocalCluster."""
from __future__ import annotations

import json
import subprocess
import sys

import pytest

from flowc.interpret import KINDS
from support import ROOT, subprocess_env

from replay_support import DATA, DATA_CSV, SALES, run_replay


def test_the_example_replays_cleanly():
    r = run_replay(DATA)
    assert r.code == 0, r.err
    rep = r.report
    assert rep["records"] == {"read": 10, "replayed": 10, "skipped": 0, "created_by_robots": 4,
                              "with_errors": 0, "trace_events": rep["records"]["trace_events"]}
    robots = {x["robot"]: x for x in rep["robots"]}
    assert [x["robot"] for x in rep["robots"]] == ["call", "legal", "sms", "renewal", "install"]
    assert robots["legal"]["skip_reasons"] == [{"reason": "amount > 10_000 is false", "count": 4}]
    assert robots["sms"]["fail_reasons"] == [{"reason": "the client <person> has no mobile phone number",
                                              "count": 1}]
    assert robots["sms"]["runs"] == robots["sms"]["done"] + robots["sms"]["failed"] == 8
    assert rep["messages"] == {"sms": 7}
    assert rep["problems"]["total"] == 0
    # D1006 was paid and never moved by hand: the rules leave it in "Paid"
    changes = {(c["history"], c["rules"]): c["records"] for c in rep["final_stage_differs"]["changes"]}
    assert changes[("sales.new", "sales.paid")] == 3
    assert sum(rep["load"]["hour_of_day"].values()) == sum(x["done"] for x in rep["robots"])


def test_csv_and_json_lines_give_the_same_report():
    a, b = run_replay(DATA), run_replay(DATA_CSV)
    assert a.code == b.code == 0
    assert a.out == b.out


def test_text_report(capsys):
    r = run_replay(DATA, fmt="text")
    assert r.code == 0
    for heading in ("Robots", "Messages per channel", "Busiest contacts", "per employee per day",
                    "per hour of day", "per day of week", "differs from the history", "Bad data: 0 problems"):
        assert heading in r.out
    assert "sales.contract.legal" in r.out and "skipped 4×: amount > 10_000 is false" in r.out


def test_the_trace_follows_the_contract(tmp_path):
    trace = tmp_path / "t.jsonl"
    assert run_replay(DATA, trace=str(trace)).code == 0
    lines = trace.read_text(encoding="utf-8").splitlines()
    seen = []
    for line in lines:
        d = json.loads(line)
        assert line == json.dumps(d, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
        assert d["scenario"] == "replay" and d["record"]
        assert d["kind"] in KINDS + ("summary",) and d["kind"] not in ("scenario_start", "scenario_end")
        assert all(v is not None for k, v in d.items() if k != "record")
        base = d["record"].split("_")[0]
        if not seen or seen[-1] != base:
            seen.append(base)
    records = [json.loads(l)["id"] for l in (ROOT / "examples/data/sales/records.jsonl").read_text().splitlines()]
    assert seen == records  # record order, each record's lines together


def _all(tmp_path, name, **kw):
    trace = tmp_path / f"{name}.jsonl"
    r = run_replay(DATA, trace=str(trace), partition_size=3, **kw)
    assert r.code == 0, r.err
    return r.out, trace.read_bytes()


def test_one_process_two_processes_and_a_local_cluster_agree(tmp_path):
    one = _all(tmp_path, "one")
    assert _all(tmp_path, "two", jobs=2) == one
    pytest.importorskip("distributed")
    assert _all(tmp_path, "dask", jobs=2, dask=True) == one


def test_partition_size_does_not_change_anything(tmp_path):
    a = run_replay(DATA, trace=str(tmp_path / "a"), partition_size=1)
    b = run_replay(DATA, trace=str(tmp_path / "b"), partition_size=10_000)
    assert a.out == b.out and (tmp_path / "a").read_bytes() == (tmp_path / "b").read_bytes()


def test_the_same_bytes_whatever_the_hash_seed_and_time_zone(tmp_path):
    outs = set()
    for seed, tz in (("1", "UTC"), ("2", "America/New_York")):
        env = subprocess_env(PYTHONHASHSEED=seed, TZ=tz)
        p = subprocess.run([sys.executable, "-m", "flowc", "replay", SALES, "--data", DATA, "--format", "json",
                            "--jobs", "2", "--partition-size", "4"], capture_output=True, text=True, env=env)
        assert p.returncode == 0, p.stderr
        outs.add(p.stdout)
    assert len(outs) == 1


def test_check_does_not_import_dask():
    code = ("import sys\nfrom flowc import cli\n"
            "try:\n    cli.main(['check', sys.argv[1]])\nexcept SystemExit:\n    pass\n"
            "print(sorted(m for m in sys.modules if m.split('.')[0] in ('dask', 'distributed', 'flowc.replay')))")
    p = subprocess.run([sys.executable, "-c", code, SALES], capture_output=True, text=True, env=subprocess_env())
    assert p.stdout.strip().splitlines()[-1] == "[]"


def test_the_command_line(tmp_path):
    env = subprocess_env()
    p = subprocess.run([sys.executable, "-m", "flowc", "replay", SALES, "--data", DATA], capture_output=True,
                       text=True, env=env)
    assert p.returncode == 0 and p.stdout.startswith("Replay of ")
    for args, message in (([], "give the data"), (["--data", str(tmp_path / "nope")], "no such data folder"),
                          (["--data", DATA, "--until", "soon"], "bad --until"),
                          (["--data", DATA, "--channel", "pigeon"], "unknown channel kind")):
        p = subprocess.run([sys.executable, "-m", "flowc", "replay", SALES, *args], capture_output=True,
                           text=True, env=env)
        assert p.returncode == 2 and message in p.stderr and "Traceback" not in p.stderr


def test_flow_errors_stop_the_replay(tmp_path):
    bad = tmp_path / "bad.flow"
    bad.write_text("pipeline p for deal {\n  stage a\n  stage a\n}\n")
    r = run_replay(DATA, files=(str(bad),))
    assert r.code == 1 and "nothing was replayed" in r.err and r.out == ""


def test_channels_option():
    r = run_replay(DATA, channels=(("telephony", None),))
    sms = next(x for x in r.report["robots"] if x["robot"] == "sms")
    assert sms["done"] == 0 and sms["failed"] == 8
    assert sms["fail_reasons"][0]["reason"].startswith("no SMS provider is connected")


def test_until_cuts_every_record():
    r = run_replay(DATA, until=__import__("datetime").datetime(2026, 3, 10, 12, 0))
    assert r.code == 0
    renewal = next(x for x in r.report["robots"] if x["robot"] == "renewal")
    assert renewal["waiting"] >= 1


def test_memory_does_not_grow_with_the_records():
    """One scenario per record: nothing computed for a record outlives it
    (the index's per-scenario people were kept for every record: 6 KB each)."""
    from flowc.diagnostics import Diagnostics
    from flowc.index import Index
    from flowc.lower import load
    from flowc.replay.engine import Engine
    from flowc.replay.formats import Row
    from flowc.replay.join import Bundle
    from flowc.replay.records import Reader

    project, _ = load([SALES], Diagnostics())
    index = Index(project)
    engine, reader = Engine(project, index), Reader(index)
    for i in range(30):
        row = Row("r.jsonl", i + 1, {"id": f"x{i}", "stage": "sales.new", "created": "2026-03-09 10:00",
                                     "contacts": [{"id": f"c{i}", "name": "C"}]})
        engine.run(reader.record(Bundle(row, [], {}), []))
    assert index._people == {}
